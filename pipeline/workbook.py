"""The .xlsx reading edge: cached cell values, formulas without a cached value, merged cells, numbers.

openpyxl is asked twice: once for the values Excel cached when it last saved the file, once for the
formulas, so a formula cell whose value was never computed (a file written by a program and never
opened in Excel) is known by its address instead of being read as blank.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.problems import InputError, Location, Problem
from pipeline.sources import read_bytes, sha256_bytes

_HARMLESS_WARNINGS = (
    r"(Data Validation|Conditional Formatting|Unknown) extension is not supported and will be removed",
    r"Workbook contains no default style, apply openpyxl's default",
)
"""What openpyxl says about parts of Excel's files it does not model; none of them holds a score."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: `value` is the cached value (text NFC and stripped; "" for blank), `formula` its
    formula text when it has one, `percent` whether Excel shows it as a percentage."""

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
        cell = f"{get_column_letter(column)}{row}" if column is not None else None
        return Location(file=path, sheet=self.title, cell=cell)


@dataclass(frozen=True, slots=True)
class Workbook:
    path: Path
    sha256: str
    sheets: tuple[Sheet, ...]


def read_workbook(path: Path) -> Workbook:
    """The visible worksheets of the .xlsx at `path` (chart sheets and hidden helper sheets are left out);
    raises InputError when the file is missing or is not an .xlsx."""
    raw = read_bytes(path)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError([_not_xlsx(path, "không phải tệp Excel .xlsx (có thể là tệp .xls cũ, tệp có mật "
                                          "khẩu hoặc tệp khác đổi đuôi)")])
    try:
        with warnings.catch_warnings():
            for message in _HARMLESS_WARNINGS:
                warnings.filterwarnings("ignore", message=message, category=UserWarning, module=r"openpyxl\.")
            values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except (InvalidFileException, KeyError, ValueError, zipfile.BadZipFile, OSError):
        problem = _not_xlsx(path, "là tệp nén nhưng không đọc được như một bảng tính Excel")
        raise InputError([problem]) from None
    sheets = tuple(_sheet(values[name], formulas[name]) for name in values.sheetnames
                   if isinstance(values[name], Worksheet) and values[name].sheet_state == "visible")
    return Workbook(path, sha256_bytes(raw), sheets)


def _not_xlsx(path: Path, reason: str) -> Problem:
    return Problem("scores.not_xlsx", f"Tệp {path.name} {reason}.", Location(file=path),
                   "Mở tệp bằng Excel và chọn Lưu thành (Save As) › Sổ làm việc Excel (*.xlsx).")


def _sheet(values, formulas) -> Sheet:
    cells: dict[tuple[int, int], Cell] = {}
    for row in formulas.iter_rows():
        for formula_cell in row:
            cached = values.cell(formula_cell.row, formula_cell.column)
            formula = formula_cell.value if formula_cell.data_type == "f" else None
            if formula is not None and not isinstance(formula, str):
                formula = getattr(formula, "text", None) or "="  # array and data-table formulas
            value = cached.value
            if isinstance(value, str):
                value = unicodedata.normalize("NFC", value).strip()
            if value is None:
                value = ""
            if value != "" or formula is not None:
                cells[(formula_cell.row, formula_cell.column)] = Cell(
                    value, formula, "%" in (cached.number_format or ""))
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in values.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                anchors[(row, column)] = (merged.min_row, merged.min_col)
    return Sheet(values.title, cells, anchors, formulas.max_row, formulas.max_column)


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
