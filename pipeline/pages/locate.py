"""Where a paragraph of the .docx fell on the pages: its lines, found by their text.

LibreOffice sets a paragraph as consecutive lines whose words, joined, are the paragraph's words. A
paragraph is found by its first line (a line whose words begin the paragraph's words) and followed line
by line; lines of other columns set beside it (a table's other cell, the page number) are stepped over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.pages.layout import Line, Page

SKIPPABLE = 8
"""Lines of other columns that may stand between two lines of one paragraph (a two-column table row)."""


@dataclass(frozen=True, slots=True)
class Placed:
    """A line of a paragraph on its page."""

    page: int
    line: Line


def words_of(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def locate(pages: Sequence[Page], text: str, after: tuple[int, int] = (1, -1), skippable: int = SKIPPABLE,
           ) -> tuple[Placed, ...]:
    """The lines of the paragraph whose text is `text`, searched from page `after[0]`, after line
    `after[1]` of that page; empty when it is not found (an empty paragraph, or text LibreOffice changed).
    `skippable`: how many lines of other columns may stand between two of its lines (more in a wide table)."""
    wanted = words_of(text)
    if not wanted:
        return ()
    start_page, start_line = after
    for page in pages[start_page - 1:]:
        first = start_line + 1 if page.number == start_page else 0
        for index in range(first, len(page.lines)):
            line = page.lines[index]
            if _begins(wanted, line.words):
                placed = _follow(pages, page.number, index, wanted, skippable)
                if placed:
                    return placed
    return ()


def _begins(wanted: tuple[str, ...], words: tuple[str, ...]) -> bool:
    return len(words) <= len(wanted) and wanted[:len(words)] == words


def _follow(pages: Sequence[Page], page_number: int, index: int, wanted: tuple[str, ...], skippable: int,
            ) -> tuple[Placed, ...]:
    """Follow the paragraph from its first line until all its words are placed; () if they never are."""
    placed = [Placed(page_number, pages[page_number - 1].lines[index])]
    remaining = wanted[len(placed[0].line.words):]
    position = (page_number, index)
    while remaining:
        found = _next_line(pages, position, remaining, skippable)
        if found is None:
            return ()
        position, line = found
        placed.append(Placed(position[0], line))
        remaining = remaining[len(line.words):]
    return tuple(placed)


def _next_line(pages: Sequence[Page], position: tuple[int, int], remaining: tuple[str, ...], skippable: int):
    page_number, index = position
    skipped = 0
    while skipped <= skippable and page_number <= len(pages):
        lines = pages[page_number - 1].lines
        index += 1
        if index >= len(lines):
            page_number, index = page_number + 1, -1
            continue
        if _begins(remaining, lines[index].words):
            return (page_number, index), lines[index]
        skipped += 1
    return None


def page_number_line(page: Page) -> Line | None:
    """The page number LibreOffice printed in the page's header: digits alone near the top."""
    for line in page.lines:
        if line.top > page.height * 0.12:
            return None
        if line.text.isdigit():
            return line
    return None


def content_lines(page: Page) -> tuple[Line, ...]:
    """The page's lines without its page number."""
    number = page_number_line(page)
    return tuple(line for line in page.lines if line is not number)
