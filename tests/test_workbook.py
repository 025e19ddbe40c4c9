"""The .xlsx edge: numbers as Excel shows them or as clerks type them; hidden sheets left out."""

from __future__ import annotations

from decimal import Decimal as D

import openpyxl
import pytest

from pipeline.workbook import Cell, number, read_workbook


@pytest.mark.parametrize("value, percent, expected", [
    (85, False, D(85)),
    (85.55, False, D("85.55")),
    (0.1 + 0.2, False, D("0.3")),
    (0.855, True, D("85.5")),
    ("85,5", False, D("85.5")),
    ("85.5", False, D("85.5")),
    (" 8,125\u00a0", False, D("8.125")),
    ("85,5 %", False, D("85.5")),
    ("1.234,5", False, D("1234.5")),
    ("-1,5", False, D("-1.5")),
    ("tám", False, None),
    ("8,5,1", False, None),
    (True, False, None),
    ("", False, None),
])
def test_number(value, percent, expected):
    assert number(Cell(value, percent=percent)) == expected


def test_hidden_sheets_are_left_out_and_text_is_nfc(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Bảng điểm"
    workbook.active["A1"] = "  Sở Nội vụ "
    hidden = workbook.create_sheet("Danh mục")
    hidden.sheet_state = "hidden"
    hidden["A1"] = 1
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    book = read_workbook(path)
    assert [sheet.title for sheet in book.sheets] == ["Bảng điểm"]
    assert book.sheets[0].cell(1, 1).value == "Sở Nội vụ"
    assert len(book.sha256) == 64
