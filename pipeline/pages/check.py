"""`check_pages(paths)`: .docx files laid out by one LibreOffice run, their pages read back and checked.

The same LibreOffice the archive uses lays the documents out (one batch for all files: starting
LibreOffice costs more than laying out a decision). A file that cannot be laid out or read back is
reported, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.archive.office import Job, convert_batch
from pipeline.check.checker import CheckResult, inspect_docx
from pipeline.pages.layout import LayoutError, Page, read_pages
from pipeline.pages.rules import Laid, check_laid
from pipeline.problems import Location, Problem


@dataclass(frozen=True, slots=True)
class PageResult:
    """One file's page findings and its pages (empty when it could not be laid out)."""

    path: Path
    problems: tuple[Problem, ...]
    pages: tuple[Page, ...]


def check_pages(paths: Sequence[Path], *, workers: int = 2, timeout: float = 60.0,
                progress: Callable[[int, int], None] | None = None) -> tuple[PageResult, ...]:
    """Lay out every .docx and apply the page rules; results in the order of `paths`."""
    inspected = [inspect_docx(Path(path)) for path in paths]
    readable = [item for item in inspected if item.document is not None]
    jobs = [Job(item.result.path, item.result.path.read_bytes()) for item in readable]
    converted = {id(item): result for item, result in zip(readable, convert_batch(
        jobs, pdfa=None, timeout=timeout, workers=workers, progress=progress), strict=True)}
    return tuple(_result(item, converted.get(id(item))) for item in inspected)


def _result(inspected, converted) -> PageResult:
    path = inspected.result.path
    if converted is None:
        return PageResult(path, _unreadable(inspected.result), ())
    if converted.pdf is None:
        return PageResult(path, (converted.problem,), ())
    try:
        pages = read_pages(converted.pdf)
    except LayoutError as error:
        return PageResult(path, (Problem("pages.unreadable", f"Không đọc lại được các trang đã dàn: {error}",
                                         Location(file=path)),), ())
    return PageResult(path, check_laid(Laid(inspected, pages)), pages)


def _unreadable(result: CheckResult) -> tuple[Problem, ...]:
    """A file the .docx reader refused is not laid out; its reading problem says why."""
    return tuple(problem for problem in result.problems if not problem.code[:1].isupper())
