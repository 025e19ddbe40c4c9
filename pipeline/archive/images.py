"""Page images of .docx files for a preview (`preview` writes them as PNG files): LibreOffice lays them
out, Poppler draws each page.

Each PDF is drawn as soon as LibreOffice has written it, while LibreOffice goes on with the next
file, so the images cost little more than the conversion. With a `WarmOffice` (a long-lived
caller such as the web page) LibreOffice's start-up is skipped too. `draw_ahead` starts on the files
a build folder holds before the caller knows they are up to date (see `ahead`).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.archive.ahead import Ahead
from pipeline.archive.office import Converted, Job, convert_batch
from pipeline.archive.png import render_png
from pipeline.inputs.files import read_bytes
from pipeline.problems import InputError, Problem

if TYPE_CHECKING:
    from pipeline.archive.warm import WarmOffice

DECISION = "quyet-dinh.docx"
Pages = tuple[tuple[bytes, ...], ...]
"""The PNG images of each document's pages."""


def preview_files(build_dir: Path) -> list[Path]:
    """The documents of a build folder a preview shows: the decision, then its annexes by name."""
    return [build_dir / DECISION, *sorted(build_dir.glob("phu-luc-*.docx"))]


def page_images(jobs: Sequence[Job], *, warm: WarmOffice | None = None, timeout: float = 60.0,
                resolution: int = 100, progress: Callable[[int, int], None] | None = None,
                cancel: threading.Event | None = None, started: threading.Event | None = None) -> Pages:
    """The PNG pages of each job, in the order given.

    Without `warm`, one LibreOffice process converts them (`timeout`: seconds it may stay silent;
    `progress`, `cancel` and `started` as in `convert_batch`). Raises InputError naming every file that
    could not be converted or drawn, or a missing program.
    """
    problems: list[Problem] = []
    drawn: dict[int, Future[tuple[bytes, ...]]] = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="qdgen-png") as painters:

        def draw(position: int, item: Converted) -> None:
            if item.problem is not None:
                problems.append(item.problem)
            elif not problems:
                drawn[position] = painters.submit(render_png, item.pdf or b"", resolution)

        if warm is not None:
            for position, item in enumerate(warm.convert_each(jobs)):
                draw(position, item)
        else:
            convert_batch(jobs, pdfa=None, timeout=timeout, workers=1, on_converted=draw, progress=progress,
                          cancel=cancel, started=started)
        if problems:
            raise InputError(problems)
        return tuple(drawn[position].result() for position in range(len(jobs)))


def draw_ahead(files: Sequence[Path], *, timeout: float = 60.0,
               progress: Callable[[int, int], None] | None = None) -> Ahead[Pages]:
    """`page_images` of `files` as they are now, started at once (when they can all be read)."""
    try:
        jobs = [Job(path, path.read_bytes()) for path in files]
    except OSError:
        jobs = []  # not built yet: nothing to start on

    def draw(jobs: Sequence[Job], cancel: threading.Event, started: threading.Event) -> Pages:
        return page_images(jobs, timeout=timeout, progress=progress, cancel=cancel, started=started)

    return Ahead(jobs, draw)


def preview(docx_files: Sequence[Path], out_dir: Path, *, timeout: float = 60.0,
            progress: Callable[[int, int], None] | None = None, warm: WarmOffice | None = None,
            ahead: Ahead[Pages] | None = None) -> tuple[Path, ...]:
    """PNG images (100 dpi) of every page of each .docx, written as `out_dir/<stem>-<page>.png`.

    `warm`: a LibreOffice kept running by a long-lived caller (the web page), instead of starting one.
    `ahead`: the drawing `images.draw_ahead` started before these files were known (its own timeout and
    progress apply). Earlier images of the same stem beyond the current page count are removed. Raises
    InputError when a file cannot be read or converted, or LibreOffice or pdftoppm is missing.
    """
    jobs = [Job(path, read_bytes(path)) for path in docx_files]
    if warm is not None:
        drawn = page_images(jobs, warm=warm, timeout=timeout)
    elif ahead is not None:
        drawn = ahead.result(jobs)
    else:
        drawn = page_images(jobs, timeout=timeout, progress=progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for job, images in zip(jobs, drawn, strict=True):
        stem = job.path.stem
        pages = [out_dir / f"{stem}-{n}.png" for n in range(1, len(images) + 1)]
        for path, image in zip(pages, images, strict=True):
            _replace(path, image)
        for stale in set(out_dir.glob(f"{stem}-*.png")) - set(pages):
            if stale.stem.rpartition("-")[2].isdigit():
                stale.unlink()
        written += pages
    return tuple(written)


def _replace(path: Path, data: bytes) -> None:
    """Write `path` through a temporary file beside it, so a reader never sees half an image."""
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(staging, 0o644)
    os.replace(staging, path)
