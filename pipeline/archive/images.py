"""Page images of .docx files for a preview: LibreOffice lays them out, Poppler draws each page.

Each PDF is drawn as soon as LibreOffice has written it, while LibreOffice goes on with the next
file, so the images cost little more than the conversion. With a `WarmOffice` (a long-lived
caller such as the web page) LibreOffice's start-up is skipped too.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from pipeline.archive.office import Converted, Job, convert_batch
from pipeline.archive.png import render_png
from pipeline.archive.warm import WarmOffice
from pipeline.problems import InputError, Problem


def page_images(jobs: Sequence[Job], *, warm: WarmOffice | None = None, timeout: float = 60.0,
                resolution: int = 100) -> tuple[tuple[bytes, ...], ...]:
    """The PNG pages of each job, in the order given.

    Without `warm`, one LibreOffice process converts them (`timeout`: seconds it may stay silent).
    Raises InputError naming every file that could not be converted or drawn, or a missing program.
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
            convert_batch(jobs, pdfa=None, timeout=timeout, workers=1, on_converted=draw)
        if problems:
            raise InputError(problems)
        return tuple(drawn[position].result() for position in range(len(jobs)))
