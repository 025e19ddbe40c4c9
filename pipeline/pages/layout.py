"""Read a laid-out document back: the lines of text on each page of a PDF, with their positions.

Poppler's `pdftotext -bbox-layout` gives every word with its box in points (origin top left); words are
grouped into lines as LibreOffice set them. Nothing here knows what the text means.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline import vn
from pipeline.archive.office import find_program

_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text as laid out: its words and box in points from the page's top left corner."""

    words: tuple[str, ...]
    left: float
    top: float
    right: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


@dataclass(frozen=True, slots=True)
class Page:
    """A page (numbered from 1) and its lines, top to bottom, left to right."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]


class LayoutError(Exception):
    """The PDF could not be read back (poppler missing or the file broken)."""


def read_pages(pdf: bytes) -> tuple[Page, ...]:
    """Every page of `pdf` with its lines of text."""
    program = find_program("pdftotext")
    with tempfile.TemporaryDirectory(prefix="qdgen-pages-") as scratch:
        source = Path(scratch, "document.pdf")
        source.write_bytes(pdf)
        result = subprocess.run([str(program), "-bbox-layout", "-enc", "UTF-8", str(source), "-"],
                                capture_output=True, check=False)
    if result.returncode != 0:
        raise LayoutError(result.stderr.decode("utf-8", "replace").strip() or f"pdftotext: {result.returncode}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(result.stdout, parser)
    return tuple(_page(number, element)
                 for number, element in enumerate(root.iter(f"{_XHTML}page"), start=1))


def _page(number: int, element: etree._Element) -> Page:
    lines = []
    for line in element.iter(f"{_XHTML}line"):
        # a no-break space sets two words as one box; they are two words of the paragraph all the same
        words = tuple(part for word in line.iter(f"{_XHTML}word") for part in vn.nfc(word.text or "").split())
        if words:
            lines.append(Line(words, float(line.get("xMin")), float(line.get("yMin")), float(line.get("xMax")),
                              float(line.get("yMax"))))
    lines.sort(key=lambda line: (round(line.top, 0), line.left))
    return Page(number, float(element.get("width")), float(element.get("height")), tuple(lines))
