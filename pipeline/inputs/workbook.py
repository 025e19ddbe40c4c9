"""The .xlsx reading edge: cached cell values, formulas without a cached value, merged cells, numbers.

The package is read directly with lxml, each part parsed once. A worksheet's `<c>` element holds both
the formula (`<f>`) and the value Excel cached when it last saved the file (`<v>`), so one pass knows a
formula cell whose value was never computed (a file written by a program and never opened in Excel) by
its address instead of reading it as blank. openpyxl needed two full loads for that (`data_only` for the
values, another for the formulas), about ten times slower, and it is no longer imported here.

Cells come out as openpyxl's `data_only` load gave them: shared strings and inline strings as text
(rich-text runs joined, phonetic runs left out, `_x005F_` undone but no other `_xHHHH_` escape),
`t="str"` formula results and error values (`#DIV/0!`) as text, booleans as bool, numbers as int when
written without `.`/`e` and float otherwise. A cell inside a merged range other than its top-left cell is
dropped; `max_row` and `max_column` count every `<c>` element, merged range and hyperlink, not the
`<dimension>` Excel writes. Where openpyxl differed, on purpose:
- a number in a date format stays a number (openpyxl made it a datetime; scores are numbers);
- a cell that Excel stores as a copy of a shared formula (filled down or across) has the formula "="
  (openpyxl rewrote the first cell's formula for it; only the presence of a formula is used);
- an empty cell under a hyperlink stays blank (openpyxl filled it with the link's address);
- hidden sheets are not parsed at all, so damage there no longer makes the file unreadable; each one is
  named in a warning (`scores.hidden_sheet`), and hidden rows and columns are kept for the reader to warn on.
A file is refused as not a workbook rather than read when it is beyond what a score sheet can need (the
caps below: per part, unpacked in all, sheets, cells, merged cells, Excel's own rows and columns) or damaged
(a shared-string index that is negative, out of range or not an integer is reported at its cell). A text
cell with an invisible character (U+200B …) is an error at its cell (`scores.invisible_character`) and read
without it, so the same name is not also reported as unknown.
"""

from __future__ import annotations

import io
import math
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import etree

from pipeline import vn
from pipeline.inputs.cells import (
    BLANK,
    MAX_COLUMN,
    Cell,
    cell_range,
    column_letter,
    column_span,
    coordinate,
    number,
    row_number,
)
from pipeline.inputs.files import MAX_XLSX_BYTES, read_bytes, sha256_bytes
from pipeline.inputs.xlsxparts import (
    MAIN,
    Damaged,
    Notes,
    Strings,
    clean,
    percent_styles,
    shared_strings,
    text_of,
)
from pipeline.problems import InputError, Location, Problem, Severity

__all__ = ["BLANK", "Cell", "Sheet", "Workbook", "column_letter", "number", "read_workbook"]

_MAIN = MAIN
_WORKBOOK, _SHEETS, _SHEET = _MAIN + "workbook", _MAIN + "sheets", _MAIN + "sheet"
_SHEET_DATA, _ROW, _C = _MAIN + "sheetData", _MAIN + "row", _MAIN + "c"
_V, _F, _IS = _MAIN + "v", _MAIN + "f", _MAIN + "is"
_MERGE_CELLS, _MERGE_CELL, _HYPERLINKS, _HYPERLINK = (_MAIN + "mergeCells", _MAIN + "mergeCell",
                                                      _MAIN + "hyperlinks", _MAIN + "hyperlink")
_COLS, _COL = _MAIN + "cols", _MAIN + "col"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OVERRIDE, _DEFAULT = _TYPES + "Override", _TYPES + "Default"

_WORKBOOK_TYPES = tuple(f"application/vnd.{kind}.main+xml" for kind in (  # openpyxl's order of preference
    "ms-excel.template.macroEnabled", "openxmlformats-officedocument.spreadsheetml.template",
    "ms-excel.sheet.macroEnabled", "openxmlformats-officedocument.spreadsheetml.sheet"))
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STYLES = "xl/styles.xml"
"""Where openpyxl looks for the styles (the number formats), whatever the relationships say."""

MAX_PART_BYTES = 30_000_000
"""One part (a worksheet's XML) unpacked; a 1,000-agency PAR sheet is about 2 MB."""
MAX_UNPACKED_BYTES = 60_000_000
"""Every part read, in all: six sheet entries pointing at one 29 MB part stop at the third."""
MAX_SHEETS = 100
MAX_CELLS = 500_000
"""Cells in all the visible sheets (a 1,000-agency sheet has about 80,000)."""
MAX_MERGED_CELLS = 2_000_000


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: cells by (row, column), 1-based; `anchors` maps each cell of a merged range
    to the range's top-left cell."""

    title: str
    cells: dict[tuple[int, int], Cell]
    anchors: dict[tuple[int, int], tuple[int, int]]
    max_row: int
    max_column: int
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()

    def cell(self, row: int, column: int, merged: bool = False) -> Cell:
        """The cell at (row, column); with `merged`, the value of the merged range it belongs to."""
        if merged:
            row, column = self.anchors.get((row, column), (row, column))
        return self.cells.get((row, column), BLANK)

    def location(self, path: Path, row: int, column: int | None = None) -> Location:
        cell = f"{column_letter(column)}{row}" if column is not None else None
        return Location(file=path, sheet=self.title, cell=cell)


@dataclass(frozen=True, slots=True)
class Workbook:
    """The visible worksheets, and `notes`: what the reader found without refusing the file (hidden sheets
    skipped, invisible characters), each at its sheet or cell."""

    path: Path
    sha256: str
    sheets: tuple[Sheet, ...]
    notes: tuple[Problem, ...] = ()


def read_workbook(path: Path) -> Workbook:
    """The visible worksheets of the .xlsx at `path` (chart sheets and hidden helper sheets are left out);
    raises InputError when the file is missing or is not an .xlsx."""
    raw = read_bytes(path, MAX_XLSX_BYTES)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError([_not_xlsx(path, "không phải tệp Excel .xlsx (có thể là tệp .xls cũ, tệp có mật "
                                          "khẩu hoặc tệp khác đổi đuôi)")])
    notes: list[Problem] = []
    try:
        sheets = _read_package(raw, Notes(path, notes))
    except _TooLarge as large:
        raise InputError([_not_xlsx(path, f"quá lớn để đọc ({large})",
                                    "Xóa các trang tính, dòng, cột và ô gộp thừa rồi lưu lại; bảng điểm "
                                    "chỉ cần các trang tính có điểm.")]) from None
    except Damaged as damaged:
        raise InputError([Problem("scores.not_xlsx", f"Tệp {path.name} bị hỏng: {damaged.reason}.",
                                  Location(file=path, sheet=damaged.sheet, cell=damaged.cell), _SAVE_AS)]) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, IndexError, etree.LxmlError,
            zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        # a part missing, damaged XML or values, or a member the zip module cannot unpack (encrypted,
        # an unknown compression)
        problem = _not_xlsx(path, "là tệp nén nhưng không đọc được như một bảng tính Excel")
        raise InputError([problem]) from None
    return Workbook(path, sha256_bytes(raw), sheets, tuple(notes))


_SAVE_AS = "Mở tệp bằng Excel và chọn Lưu thành (Save As) › Sổ làm việc Excel (*.xlsx)."


def _not_xlsx(path: Path, reason: str, hint: str = _SAVE_AS) -> Problem:
    return Problem("scores.not_xlsx", f"Tệp {path.name} {reason}.", Location(file=path), hint)


class _TooLarge(Exception):
    """A part or a sheet beyond what a score sheet can need; the message says which, in Vietnamese."""


def _limit(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class _Package:
    """The parts of one .xlsx, each read once with a size limit and parsed without DTDs or entities."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = set(archive.namelist())
        self.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                      huge_tree=False)
        self.unpacked = 0
        self.cells = 0

    def xml(self, name: str) -> etree._Element:
        """The part `name` parsed; every read counts towards MAX_UNPACKED_BYTES, the same part read again too."""
        info = self.archive.getinfo(name)  # KeyError when missing
        if info.file_size > MAX_PART_BYTES:
            raise _TooLarge(f"phần {name} có {info.file_size // 1_000_000} MB khi giải nén, quá giới hạn "
                            f"{MAX_PART_BYTES // 1_000_000} MB")
        self.unpacked += info.file_size
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise _TooLarge(f"các phần cần đọc có hơn {MAX_UNPACKED_BYTES // 1_000_000} MB khi giải nén")
        return etree.fromstring(self.archive.read(info), self.parser)

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target part name) of `part`, targets resolved as openpyxl does."""
        folder, name = posixpath.split(part)
        found: dict[str, tuple[str, str]] = {}
        for rel in self.xml(posixpath.join(folder, "_rels", f"{name}.rels")).iterchildren(_RELATIONSHIP):
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                target = target[1:] if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
            found[rel.get("Id", "")] = (rel.get("Type", ""), target)
        return found


def _read_package(raw: bytes, notes: Notes) -> tuple[Sheet, ...]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        package = _Package(archive)
        types = package.xml("[Content_Types].xml")
        overrides: dict[str, str] = {}
        for override in types.iterchildren(_OVERRIDE):
            overrides.setdefault(override.get("ContentType", ""), override.get("PartName", ""))
        workbook_part = next((overrides[kind][1:] for kind in _WORKBOOK_TYPES if kind in overrides), None)
        if workbook_part is None:
            defaults = {default.get("ContentType") for default in types.iterchildren(_DEFAULT)}
            if defaults.isdisjoint(_WORKBOOK_TYPES):
                raise KeyError("no workbook part")
            workbook_part = "xl/workbook.xml"
        workbook = package.xml(workbook_part)
        if workbook.tag != _WORKBOOK:  # Strict Open XML, or not a workbook at all
            raise ValueError(f"{workbook_part} is not a transitional SpreadsheetML workbook")
        relationships = package.relationships(workbook_part)
        strings_part = overrides.get(_SHARED_STRINGS_TYPE)
        strings = shared_strings(package.xml(strings_part[1:])) if strings_part else []
        percents = percent_styles(package.xml(_STYLES)) if _STYLES in package.names else frozenset()
        sheets = []
        listed = workbook.find(_SHEETS)
        entries = list(listed.iterchildren(_SHEET)) if listed is not None else []
        if len(entries) > MAX_SHEETS:
            raise _TooLarge(f"có {_limit(len(entries))} trang tính, quá giới hạn {MAX_SHEETS}")
        for sheet in entries:
            relationship = sheet.get(_REL_ID)
            if not relationship:
                continue  # openpyxl drops such a sheet too
            kind, target = relationships[relationship]
            if target not in package.names or "chartsheet" in kind:
                continue
            title = sheet.get("name", "")
            if sheet.get("state", "visible") != "visible":
                notes.add("scores.hidden_sheet", f"Trang tính «{vn.excerpt(title)}» đang ẩn nên không được đọc.",
                          title, None, "Nếu trang tính này có điểm, hãy bỏ ẩn (Unhide) rồi lưu lại; nếu không, "
                          "bỏ qua cảnh báo này.", Severity.WARNING)
                continue
            sheets.append(_sheet(title, package.xml(target), Strings(strings, notes, title), percents,
                                 package))
        return tuple(sheets)


def _sheet(title: str, root: etree._Element, strings: Strings, percent_styles: frozenset[str],
           package: _Package) -> Sheet:
    cells: dict[tuple[int, int], Cell] = {}
    hidden_rows: set[int] = set()
    max_row = max_column = 1
    data = root.find(_SHEET_DATA)
    row_at = 0
    for row in data.iterchildren(_ROW) if data is not None else ():
        given = row.get("r")
        row_at = row_number(given) if given is not None else row_at + 1
        if row.get("hidden") in ("1", "true"):
            hidden_rows.add(row_at)
        column = 0
        for element in row.iterchildren(_C):
            package.cells += 1
            if package.cells > MAX_CELLS:
                raise _TooLarge(f"các trang tính có hơn {_limit(MAX_CELLS)} ô")
            ref = element.get("r")
            if ref:
                at_row, column = coordinate(ref)
            else:
                at_row, column = row_at, column + 1
                if column > MAX_COLUMN:
                    raise ValueError(f"row {row_at} has more than {MAX_COLUMN} cells")
            max_row = max(max_row, at_row)
            max_column = max(max_column, column)
            cell = _cell(element, strings, percent_styles, (at_row, column)) if len(element) else None
            if cell is None:  # styled but empty
                cells.pop((at_row, column), None)  # a later element for the same cell wins, as in openpyxl
            else:
                cells[(at_row, column)] = cell
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    merges = root.find(_MERGE_CELLS)
    for merge in merges.iterchildren(_MERGE_CELL) if merges is not None else ():
        top, left, bottom, right = cell_range(merge.get("ref", ""))
        if len(anchors) + (bottom - top + 1) * (right - left + 1) > MAX_MERGED_CELLS:
            raise _TooLarge(f"trang tính «{vn.excerpt(title)}» gộp hơn {_limit(MAX_MERGED_CELLS)} ô")
        max_row, max_column = max(max_row, bottom), max(max_column, right)
        for row in range(top, bottom + 1):
            for column in range(left, right + 1):
                anchors[(row, column)] = (top, left)
                if (row, column) != (top, left):
                    cells.pop((row, column), None)  # openpyxl keeps only the top-left cell of a merged range
    links = root.find(_HYPERLINKS)
    for link in links.iterchildren(_HYPERLINK) if links is not None else ():
        try:  # openpyxl creates the cells a hyperlink covers: they count for max_row and max_column
            _, _, bottom, right = cell_range(link.get("ref", ""))
        except ValueError:
            continue
        max_row, max_column = max(max_row, bottom), max(max_column, right)
    return Sheet(title, cells, anchors, max_row, max_column, frozenset(hidden_rows), _hidden_columns(root))


def _hidden_columns(root: etree._Element) -> frozenset[int]:
    columns = root.find(_COLS)
    return frozenset(number for col in (columns.iterchildren(_COL) if columns is not None else ())
                     if col.get("hidden") in ("1", "true") for number in column_span(col.get("min"), col.get("max")))


def _cell(element: etree._Element, strings: Strings, percent_styles: frozenset[str],
          at: tuple[int, int]) -> Cell | None:
    """The Cell of one `<c>` element, or None when it is blank: no value and no formula."""
    kind = element.get("t", "n")
    cached = formula = inline = None
    for child in element:
        tag = child.tag
        if tag == _V:
            if cached is None:
                cached = child.text or ""
        elif tag == _F and formula is None:
            formula = child
        elif tag == _IS and inline is None:
            inline = child
    value: object
    if kind == "inlineStr":
        value = text_of(inline) if inline is not None else ""
    elif not cached:
        value = ""
    elif kind == "n":
        value = _stored_number(cached, strings.sheet, at)
    elif kind == "s":
        value = strings.shared_at(cached, _ref(at))  # already clean
    elif kind == "b":
        value = bool(int(cached))
    elif kind == "d":
        try:
            value = datetime.fromisoformat(cached)
        except ValueError:
            value = cached
    else:  # "str" (a formula's text result), "e" (an error such as #DIV/0!)
        value = cached
    if isinstance(value, str):
        if kind != "s":
            value = clean(value)
        if value and not value.isascii():
            value = strings.visible(value, _ref(at))
    text = None
    if formula is not None:
        kind = formula.get("t")
        text = "=" if kind == "dataTable" or formula.text is None else "=" + formula.text
    if value == "" and text is None:
        return None
    return Cell(value, text, element.get("s") in percent_styles)


def _ref(at: tuple[int, int]) -> str:
    return f"{column_letter(at[1])}{at[0]}"


def _stored_number(cached: str, sheet: str, at: tuple[int, int]) -> object:
    """A number cell's `<v>`: int without `.`/`e`, float otherwise. One Excel could not have written (not a
    number at all) makes the file damaged, at its cell; one beyond a float (`1e999`) or of thousands of
    digits stays text, so the reader reports it at its cell as not a number."""
    try:
        value = float(cached) if "." in cached or "e" in cached or "E" in cached else int(cached)
    except ValueError:
        if cached.strip().lstrip("+-").isdigit():
            return cached  # an integer longer than Python converts
        raise Damaged(sheet, _ref(at), f"ô {_ref(at)} ghi số «{vn.excerpt(cached, 20)}», không phải một số") from None
    if isinstance(value, float) and not math.isfinite(value):
        return cached
    return value


