"""The blank PAR score sheet: locked header, limits per cell, agencies pre-filled, and it reads back."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from pipeline.inputs import blanksheet
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.blanksheet import blank_scoresheet, write_blank_scoresheet
from pipeline.inputs.criteria import read_criteria
from pipeline.inputs.scoresheets import read_par_sheet
from pipeline.scoring.rank import rank_par
from pipeline.scoring.records import SURVEY

ROOT = Path(__file__).resolve().parent.parent
FIRST = blanksheet.FIRST_DATA_ROW


@pytest.fixture(scope="module")
def inputs():
    return (read_criteria(ROOT / "fixtures/criteria/lang-son/par-2023.yaml"),
            read_agencies(ROOT / "fixtures/agencies/lang-son-2023.yaml"))


@pytest.fixture
def blank(tmp_path, inputs) -> Path:
    path = tmp_path / "trong.xlsx"
    write_blank_scoresheet(*inputs, path)
    return path


def test_one_worksheet_per_group_with_its_agencies(blank, inputs):
    _, agencies = inputs
    workbook = openpyxl.load_workbook(blank)
    assert workbook.sheetnames == ["Sở, ban, ngành", "UBND huyện, thành phố"]
    for sheet, group in zip(workbook.worksheets, agencies.groups):
        names = [sheet.cell(row, 2).value for row in range(FIRST, sheet.max_row + 1)]
        assert names == list(group.agencies)
        assert {sheet.cell(row, 3).value for row in range(FIRST, sheet.max_row + 1)} == {group.name}
        assert [sheet.cell(row, 1).value for row in range(FIRST, FIRST + 3)] == [1, 2, 3]


def test_header_labels(blank):
    sheet = openpyxl.load_workbook(blank).worksheets[1]
    top, second = blanksheet.HEADER_ROW, blanksheet.HEADER_ROW + 1
    assert [sheet.cell(top, column).value for column in (1, 2, 3, 4)] == [
        "STT", "Tên cơ quan, đơn vị", "Nhóm", "Điểm thẩm định các lĩnh vực"]
    assert [sheet.cell(second, column).value for column in range(4, 12)] == [
        "LV1. Chỉ đạo, điều hành (10)", "LV2. Văn bản QPPL (6)", "LV3. Thủ tục hành chính (12)",
        "LV4. Tổ chức bộ máy (7)", "LV5. Công chức, viên chức (12)", "LV6. Tài chính công (8)",
        "LV7. Hiện đại hóa (11)", "LV8. Tác động của CCHC (14)"]
    assert [sheet.cell(top, column).value for column in (12, 13)] == ["Điều tra XHH (20)", "Không đánh giá"]
    merged = {str(merged) for merged in sheet.merged_cells.ranges}
    assert {"A5:A6", "B5:B6", "C5:C6", "D5:K5", "L5:L6", "M5:M6"} <= merged


def test_only_data_cells_are_unlocked(blank):
    sheet = openpyxl.load_workbook(blank).worksheets[0]
    assert sheet.protection.sheet
    last = sheet.max_row
    for row in range(1, last + 1):
        for column in range(1, 14):
            cell = sheet.cell(row, column)
            if cell.coordinate in sheet.merged_cells:
                continue
            expected_unlocked = row >= FIRST and column >= blanksheet.FIRST_SCORE_COLUMN
            assert cell.protection.locked is not expected_unlocked, cell.coordinate
    assert sheet.cell(FIRST, 13).number_format == "@"


def test_each_score_cell_is_limited_to_its_maximum(blank, inputs):
    criteria, _ = inputs
    sheet = openpyxl.load_workbook(blank).worksheets[0]
    limits = {str(v.sqref): (v.type, v.operator, v.formula1, v.formula2, v.allow_blank)
              for v in sheet.data_validations.dataValidation}
    last = sheet.max_row
    maxima = [str(field.maximum) for field in criteria.group("so-ban-nganh").fields] + ["20"]
    expected = {f"{letter}{FIRST}:{letter}{last}": ("decimal", "between", "0", maximum, True)
                for letter, maximum in zip("DEFGHIJKL", maxima)}
    assert limits == expected


def test_same_inputs_same_bytes(inputs):
    assert blank_scoresheet(*inputs) == blank_scoresheet(*inputs)


def test_unfilled_sheet_reports_each_missing_score(blank, inputs):
    table, problems = read_par_sheet(blank, *inputs)
    assert {p.code for p in problems} == {"scores.missing_value"}
    assert len(problems) == 31 * 9
    assert len(table.rows) == 31


def test_filled_sheet_reads_back_without_problems(blank, inputs, tmp_path):
    criteria, agencies = inputs
    workbook = openpyxl.load_workbook(blank)
    expected: dict[str, D] = {}
    for sheet, group in zip(workbook.worksheets, criteria.groups):
        for row in range(FIRST, sheet.max_row + 1):
            name = sheet.cell(row, 2).value
            listed = ("6.2.3",) if name == "Sở Ngoại vụ" else ()
            points = [field.maximum_without(listed) * D("0.8") for field in group.fields] + [D("15.5")]
            for column, value in enumerate(points, start=blanksheet.FIRST_SCORE_COLUMN):
                sheet.cell(row, column, float(value))
            if listed:
                sheet.cell(row, blanksheet.FIRST_SCORE_COLUMN + len(points), "; ".join(listed))
            expected[name] = sum(points, D(0))
    filled = tmp_path / "da-nhap.xlsx"
    workbook.save(filled)
    table, problems = read_par_sheet(filled, criteria, agencies)
    assert problems == ()
    assert {row.agency: sum(row.cells.values(), D(0)) for row in table.rows} == expected
    ngoai_vu = next(row for row in table.rows if row.agency == "Sở Ngoại vụ")
    assert ngoai_vu.not_assessed == ("6.2.3",) and ngoai_vu.cells[SURVEY] == D("15.5")
    ranked = {row.agency: row for group in rank_par(table, criteria, agencies).groups for row in group.rows}
    assert ranked["Sở Ngoại vụ"].maximum == D(99)
    assert ranked["Sở Ngoại vụ"].percent == (D(79) * D("0.8") + D("15.5")) * 100 / D(99)
