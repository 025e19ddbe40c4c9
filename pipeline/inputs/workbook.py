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
- hidden sheets are not parsed at all, so damage there no longer makes the file unreadable.
A part larger than 50 MB unpacked, a cell beyond Excel's 1,048,576 rows or 16,384 columns, or more than
two million merged cells are refused as not a workbook rather than read.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from pipeline.inputs.sources import MAX_XLSX_BYTES, read_bytes, sha256_bytes
from pipeline.problems import InputError, Location, Problem

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_WORKBOOK, _SHEETS, _SHEET = _MAIN + "workbook", _MAIN + "sheets", _MAIN + "sheet"
_SHEET_DATA, _ROW, _C = _MAIN + "sheetData", _MAIN + "row", _MAIN + "c"
_V, _F, _IS = _MAIN + "v", _MAIN + "f", _MAIN + "is"
_SI, _T, _R = _MAIN + "si", _MAIN + "t", _MAIN + "r"
_MERGE_CELLS, _MERGE_CELL, _HYPERLINKS, _HYPERLINK = (_MAIN + "mergeCells", _MAIN + "mergeCell",
                                                      _MAIN + "hyperlinks", _MAIN + "hyperlink")
_NUM_FMTS, _NUM_FMT, _CELL_XFS, _XF = _MAIN + "numFmts", _MAIN + "numFmt", _MAIN + "cellXfs", _MAIN + "xf"
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

_PERCENT_BUILTINS = frozenset({9, 10})
"""Built-in number formats with a `%`: 9 is `0%`, 10 is `0.00%`."""

MAX_PART_BYTES = 50_000_000
MAX_MERGED_CELLS = 2_000_000
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384
"""Excel's own limits: a cell beyond them is a damaged or hostile file, not a score sheet."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: `value` is the cached value (text NFC and stripped; "" for blank), `formula` its
    formula text when it has one, `percent` whether Excel shows it as a percentage.

    A cell that Excel stores as a copy of a shared formula (a formula filled down or across) and a
    data-table cell have the formula text "=": only the first cell of a shared formula carries its text.
    """

    value: object
    formula: str | None = None
    percent: bool = False

    @property
    def blank(self) -> bool:
        return self.value == "" and self.formula is None

    @property
    def formula_without_value(self) -> bool:
        return self.formula is not None and self.value == ""


BLANK = Cell("")


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: cells by (row, column), 1-based; `anchors` maps each cell of a merged range
    to the range's top-left cell."""

    title: str
    cells: dict[tuple[int, int], Cell]
    anchors: dict[tuple[int, int], tuple[int, int]]
    max_row: int
    max_column: int

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
    path: Path
    sha256: str
    sheets: tuple[Sheet, ...]


def read_workbook(path: Path) -> Workbook:
    """The visible worksheets of the .xlsx at `path` (chart sheets and hidden helper sheets are left out);
    raises InputError when the file is missing or is not an .xlsx."""
    raw = read_bytes(path, MAX_XLSX_BYTES)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError([_not_xlsx(path, "không phải tệp Excel .xlsx (có thể là tệp .xls cũ, tệp có mật "
                                          "khẩu hoặc tệp khác đổi đuôi)")])
    try:
        sheets = _read_package(raw)
    except _TooLarge as large:
        raise InputError([_not_xlsx(path, f"quá lớn để đọc ({large})",
                                    "Xóa các trang tính, dòng, cột và ô gộp thừa rồi lưu lại; bảng điểm "
                                    "chỉ cần các trang tính có điểm.")]) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, IndexError, etree.LxmlError,
            zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        # a part missing, damaged XML or values, or a member the zip module cannot unpack (encrypted,
        # an unknown compression)
        problem = _not_xlsx(path, "là tệp nén nhưng không đọc được như một bảng tính Excel")
        raise InputError([problem]) from None
    return Workbook(path, sha256_bytes(raw), sheets)


_SAVE_AS = "Mở tệp bằng Excel và chọn Lưu thành (Save As) › Sổ làm việc Excel (*.xlsx)."


def _not_xlsx(path: Path, reason: str, hint: str = _SAVE_AS) -> Problem:
    return Problem("scores.not_xlsx", f"Tệp {path.name} {reason}.", Location(file=path), hint)


class _TooLarge(Exception):
    """A part or a sheet beyond what a score sheet can need; the message says which, in Vietnamese."""


@functools.lru_cache(maxsize=1024)
def column_letter(column: int) -> str:
    """1 → "A", 28 → "AB" (as openpyxl's get_column_letter)."""
    if not 1 <= column <= 18_278:
        raise ValueError(f"column {column} is outside A…ZZZ")
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Package:
    """The parts of one .xlsx, each read once with a size limit and parsed without DTDs or entities."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = set(archive.namelist())
        self.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                      huge_tree=False)

    def xml(self, name: str) -> etree._Element:
        info = self.archive.getinfo(name)  # KeyError when missing
        if info.file_size > MAX_PART_BYTES:
            raise _TooLarge(f"phần {name} có {info.file_size // 1_000_000} MB khi giải nén, quá giới hạn "
                            f"{MAX_PART_BYTES // 1_000_000} MB")
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


def _read_package(raw: bytes) -> tuple[Sheet, ...]:
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
        strings = _shared_strings(package.xml(strings_part[1:])) if strings_part else []
        percent_styles = _percent_styles(package.xml(_STYLES)) if _STYLES in package.names else frozenset()
        sheets = []
        listed = workbook.find(_SHEETS)
        for sheet in listed.iterchildren(_SHEET) if listed is not None else ():
            relationship = sheet.get(_REL_ID)
            if not relationship:
                continue  # openpyxl drops such a sheet too
            kind, target = relationships[relationship]
            hidden = sheet.get("state", "visible") != "visible"
            if hidden or target not in package.names or "chartsheet" in kind:
                continue
            sheets.append(_sheet(sheet.get("name", ""), package.xml(target), strings, percent_styles))
        return tuple(sheets)


def _shared_strings(root: etree._Element) -> list[str]:
    """The shared strings, NFC and stripped as every cell's text; `_x005F_` (Excel's escape of an
    underscore) undone as openpyxl does."""
    return [_clean(_text(item).replace("x005F_", "")) for item in root.iterchildren(_SI)]


def _percent_styles(root: etree._Element) -> frozenset[str]:
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


def _sheet(title: str, root: etree._Element, strings: list[str], percent_styles: frozenset[str]) -> Sheet:
    cells: dict[tuple[int, int], Cell] = {}
    max_row = max_column = 1
    data = root.find(_SHEET_DATA)
    row_number = 0
    for row in data.iterchildren(_ROW) if data is not None else ():
        given = row.get("r")
        row_number = _row_number(given) if given is not None else row_number + 1
        column = 0
        for element in row.iterchildren(_C):
            ref = element.get("r")
            if ref:
                at_row, column = _coordinate(ref)
            else:
                at_row, column = row_number, column + 1
                if column > MAX_COLUMN:
                    raise ValueError(f"row {row_number} has more than {MAX_COLUMN} cells")
            max_row = max(max_row, at_row)
            max_column = max(max_column, column)
            cell = _cell(element, strings, percent_styles) if len(element) else None  # styled but empty
            if cell is None:
                cells.pop((at_row, column), None)  # a later element for the same cell wins, as in openpyxl
            else:
                cells[(at_row, column)] = cell
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    merges = root.find(_MERGE_CELLS)
    for merge in merges.iterchildren(_MERGE_CELL) if merges is not None else ():
        top, left, bottom, right = _range(merge.get("ref", ""))
        if len(anchors) + (bottom - top + 1) * (right - left + 1) > MAX_MERGED_CELLS:
            limit = f"{MAX_MERGED_CELLS:,}".replace(",", ".")
            raise _TooLarge(f"trang tính «{title}» gộp hơn {limit} ô")
        max_row, max_column = max(max_row, bottom), max(max_column, right)
        for row in range(top, bottom + 1):
            for column in range(left, right + 1):
                anchors[(row, column)] = (top, left)
                if (row, column) != (top, left):
                    cells.pop((row, column), None)  # openpyxl keeps only the top-left cell of a merged range
    links = root.find(_HYPERLINKS)
    for link in links.iterchildren(_HYPERLINK) if links is not None else ():
        try:  # openpyxl creates the cells a hyperlink covers: they count for max_row and max_column
            _, _, bottom, right = _range(link.get("ref", ""))
        except ValueError:
            continue
        max_row, max_column = max(max_row, bottom), max(max_column, right)
    return Sheet(title, cells, anchors, max_row, max_column)


def _cell(element: etree._Element, strings: list[str], percent_styles: frozenset[str]) -> Cell | None:
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
        value = _text(inline) if inline is not None else ""
    elif not cached:
        value = ""
    elif kind == "n":
        value = float(cached) if "." in cached or "e" in cached or "E" in cached else int(cached)
    elif kind == "s":
        value = strings[int(cached)]  # already clean
    elif kind == "b":
        value = bool(int(cached))
    elif kind == "d":
        try:
            value = datetime.fromisoformat(cached)
        except ValueError:
            value = cached
    else:  # "str" (a formula's text result), "e" (an error such as #DIV/0!)
        value = cached
    if isinstance(value, str) and kind != "s":
        value = _clean(value)
    text = None
    if formula is not None:
        kind = formula.get("t")
        text = "=" if kind == "dataTable" or formula.text is None else "=" + formula.text
    if value == "" and text is None:
        return None
    return Cell(value, text, element.get("s") in percent_styles)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _text(element: etree._Element) -> str:
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


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@functools.lru_cache(maxsize=65536)  # sheets of a batch share their layout: "B12" is parsed once
def _coordinate(ref: str) -> tuple[int, int]:
    """"B12" → (12, 2); ValueError for anything else or beyond Excel's sheet."""
    match = _REF.fullmatch(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    letters, digits = match.groups()
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    row = int(digits)
    if not 1 <= row <= MAX_ROW or column > MAX_COLUMN:
        raise ValueError(f"cell {ref} is outside an Excel sheet")
    return row, column


def _range(ref: str) -> tuple[int, int, int, int]:
    """"D5:K6" (or "D5") → (top, left, bottom, right)."""
    first, _, last = ref.partition(":")
    top, left = _coordinate(first)
    bottom, right = _coordinate(last) if last else (top, left)
    if bottom < top or right < left:
        raise ValueError(f"range {ref} is reversed")
    return top, left, bottom, right


def _row_number(text: str) -> int:
    try:
        row = int(text)
    except ValueError:
        number = float(text)  # openpyxl accepts "3.0"
        if not number.is_integer():
            raise
        row = int(number)
    if not 1 <= row <= MAX_ROW:
        raise ValueError(f"row {text} is outside an Excel sheet")
    return row


_PLAIN = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")


def number(cell: Cell) -> Decimal | None:
    """The cell's value as a Decimal, or None when it is not a number.

    Numbers are taken as Excel shows them (15 significant digits, so a cached 0.30000000000000004 is
    0.3); a cell formatted as a percentage gives its percent (0.855 → 85.5). Text is accepted with a
    decimal comma or point (`85,5`, `85.5`), with thousands dots (`1.234,5`) and a trailing `%`.
    """
    value = cell.value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        amount = Decimal(f"{value:.15g}")
        return amount * 100 if cell.percent else amount
    if not isinstance(value, str):
        return None
    text = value.replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if _PLAIN.match(text):  # first: "8.125" is eight and an eighth, not 8125
        return Decimal(text.replace(",", "."))
    if _GROUPED.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    return None
