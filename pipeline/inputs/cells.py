"""One worksheet cell: its value as read (`Cell`), as a number (`number`), and its reference (`B12` ↔ (12, 2),
ranges `D5:K6`, row numbers, within Excel's own sheet limits)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

MAX_ROW, MAX_COLUMN = 1_048_576, 16_384
"""Excel's own limits: a cell beyond them is a damaged or hostile file, not a score sheet."""


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


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@functools.lru_cache(maxsize=65536)  # sheets of a batch share their layout: "B12" is parsed once
def coordinate(ref: str) -> tuple[int, int]:
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


def cell_range(ref: str) -> tuple[int, int, int, int]:
    """"D5:K6" (or "D5") → (top, left, bottom, right)."""
    first, _, last = ref.partition(":")
    top, left = coordinate(first)
    bottom, right = coordinate(last) if last else (top, left)
    if bottom < top or right < left:
        raise ValueError(f"range {ref} is reversed")
    return top, left, bottom, right


def row_number(text: str) -> int:
    """A `<row r="…">`: "3" (openpyxl also accepts "3.0"); ValueError beyond Excel's sheet."""
    try:
        row = int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        row = int(number)
    if not 1 <= row <= MAX_ROW:
        raise ValueError(f"row {text} is outside an Excel sheet")
    return row


def column_span(minimum: str | None, maximum: str | None) -> range:
    """The columns a `<col min=… max=…>` covers (empty when malformed or beyond Excel's sheet)."""
    try:
        first, last = int(minimum or ""), int(maximum or minimum or "")
    except ValueError:
        return range(0)
    return range(max(first, 1), min(last, MAX_COLUMN) + 1)


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
        return _plausible(amount * 100 if cell.percent else amount)
    if not isinstance(value, str):
        return None
    text = value.replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if _PLAIN.match(text):  # first: "8.125" is eight and an eighth, not 8125
        return _plausible(Decimal(text.replace(",", ".")))
    if _GROUPED.match(text):
        return _plausible(Decimal(text.replace(".", "").replace(",", ".")))
    return None


MAX_NUMBER = Decimal("1e15")
"""Beyond Excel's 15 significant digits no number is a score; one of 5,000 digits would only make the
arithmetic after it fail."""


def _plausible(amount: Decimal) -> Decimal | None:
    return amount if amount.is_finite() and abs(amount) < MAX_NUMBER else None
