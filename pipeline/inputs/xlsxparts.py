"""Parts of an .xlsx shared by every sheet: the shared strings (checked indexes, invisible characters reported
at their cell), the percent styles, cell text; and where the reader notes what the clerk should know."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline import vn
from pipeline.problems import Location, Problem, Severity

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SI, _T, _R = MAIN + "si", MAIN + "t", MAIN + "r"
_NUM_FMTS, _NUM_FMT, _CELL_XFS, _XF = MAIN + "numFmts", MAIN + "numFmt", MAIN + "cellXfs", MAIN + "xf"
_PERCENT_BUILTINS = frozenset({9, 10})
"""Built-in number formats with a `%`: 9 is `0%`, 10 is `0.00%`."""


class Damaged(Exception):
    """A cell whose stored value cannot be what Excel writes; `reason` says why, in Vietnamese."""

    def __init__(self, sheet: str, cell: str, reason: str):
        super().__init__(reason)
        self.sheet, self.cell, self.reason = sheet, cell, reason


@dataclass(frozen=True, slots=True)
class Notes:
    """Where the reader records what it accepted but the clerk should know, with cell locations."""

    path: Path
    found: list[Problem]

    def add(self, code: str, message: str, sheet: str, cell: str | None, hint: str,
            severity: Severity = Severity.ERROR) -> None:
        self.found.append(Problem(code, message, Location(file=self.path, sheet=sheet, cell=cell), hint, severity))


def shared_strings(root: etree._Element) -> list[str]:
    """The shared strings, NFC and stripped as every cell's text; `_x005F_` (Excel's escape of an
    underscore) undone as openpyxl does."""
    return [clean(text_of(item).replace("x005F_", "")) for item in root.iterchildren(_SI)]


@dataclass(frozen=True, slots=True)
class Strings:
    """The text of a cell of one sheet: shared strings by checked index, invisible characters reported."""

    shared: list[str]
    notes: Notes
    sheet: str

    def shared_at(self, index: str, ref: str) -> str:
        """The shared string a cell's `<v>` names: a non-negative integer below their count (Python would
        take -1 as the last string: another agency's name)."""
        if not index.isdigit() or int(index) >= len(self.shared):
            raise Damaged(self.sheet, ref, f"ô {ref} trỏ tới chuỗi dùng chung số «{vn.excerpt(index, 20)}», "
                                            f"không có (tệp có {len(self.shared)} chuỗi)")
        return self.shared[int(index)]

    def visible(self, text: str, ref: str) -> str:
        """`text` without invisible characters, each reported as an error at the cell."""
        hidden = vn.invisible_characters(text)
        if not hidden:
            return text
        self.notes.add("scores.invisible_character",
                       f"Ô {ref} có ký tự vô hình {', '.join(hidden)} trong «{vn.excerpt(vn.without_invisible(text))}».",
                       self.sheet, ref, "Gõ lại nội dung ô (ký tự này thường do dán từ Word hoặc trang web).")
        return vn.without_invisible(text)


def percent_styles(root: etree._Element) -> frozenset[str]:
    """The `s` attributes (cellXfs indexes) of the cell formats that show a percentage."""
    custom: dict[int, str] = {}
    formats = root.find(_NUM_FMTS)
    for item in formats.iterchildren(_NUM_FMT) if formats is not None else ():
        custom[int(item.get("numFmtId", "0"))] = item.get("formatCode", "")
    percent = set()
    xfs = root.find(_CELL_XFS)
    for index, xf in enumerate(xfs.iterchildren(_XF) if xfs is not None else ()):
        number_format = int(xf.get("numFmtId", "0"))
        if number_format in custom:  # a custom format may reuse a built-in id, and wins
            shown = "%" in custom[number_format]
        else:
            shown = number_format in _PERCENT_BUILTINS
        if shown:
            percent.add(str(index))
    return frozenset(percent)


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def text_of(element: etree._Element) -> str:
    """The text of a shared string (`<si>`) or an inline string (`<is>`): its plain `<t>` or its rich-text
    runs joined; phonetic runs (`<rPh>`, a reading guide for East Asian text) left out."""
    plain, runs = None, []
    for child in element:
        if child.tag == _T:
            plain = child.text
        elif child.tag == _R:
            run = None
            for text in child.iterchildren(_T):
                run = text.text
            if run is not None:
                runs.append(run)
    return (plain or "") + "".join(runs)
