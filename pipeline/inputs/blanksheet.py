"""Write the blank PAR score sheet (.xlsx) the appraisal council fills in.

One worksheet per agency group of the criteria set, named after the group:

    row 1   title                      row 3   how to fill it in
    row 2   the criteria set           row 4   left empty (for a note such as "SỐ LIỆU MẪU")
    rows 5–6  header: STT | Tên cơ quan, đơn vị | Nhóm | Điểm thẩm định các lĩnh vực › LV1 (11) … |
              Điều tra XHH (20) | Không đánh giá
    row 7…  one row per agency of the group, in the agency list's order

The sheet is protected with only the score and "Không đánh giá" cells unlocked (no password: a
clerk may unprotect it to adjust the layout); each score cell accepts only a number from 0 to its
column's maximum. The bytes are the same for the same inputs. `scoresheets.read_par_sheet`
reads it back.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import vn
from pipeline.inputs.scoresheets import AGENCY, GROUP, LABELS, NOT_ASSESSED, STT
from pipeline.ooxml.package import read_parts, write_package
from pipeline.scoring.records import SURVEY, AgencyList, CriteriaSet

TITLE_ROW, SET_ROW, HELP_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3, 4, 5
FIRST_DATA_ROW = HEADER_ROW + 2
FIRST_SCORE_COLUMN = 4
FIELDS_HEADING = "Điểm thẩm định các lĩnh vực"
HELP = ("Nhập điểm thẩm định vào các ô trắng, từ 0 đến điểm tối đa ghi trong tiêu đề cột. "
        "Cột «Không đánh giá»: ghi mã các tiêu chí không áp dụng cho cơ quan, cách nhau bởi dấu chấm phẩy "
        "(ví dụ 6.3; 7.4.2), và để trống ô điểm của lĩnh vực nếu cả lĩnh vực không đánh giá.")
_FIXED_TIME = "1980-01-01T00:00:00Z"

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_PLAIN = Font(name="Times New Roman", size=12)
_INPUT = PatternFill("solid", fgColor="FFFFFFFF")
_LOCKED = PatternFill("solid", fgColor="FFF2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)


def write_blank_scoresheet(criteria: CriteriaSet, agencies: AgencyList, path: Path) -> None:
    """Write the blank sheet for every group that both `criteria` and `agencies` have, to `path`."""
    path.write_bytes(blank_scoresheet(criteria, agencies))


def blank_scoresheet(criteria: CriteriaSet, agencies: AgencyList) -> bytes:
    """The bytes `write_blank_scoresheet` writes."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for group in agencies.groups:
        criteria_group = criteria.group(group.id)
        if criteria_group is None:
            continue
        sheet = workbook.create_sheet(re.sub(r"[\\/?*\[\]:]", " ", group.name)[:31])
        headers = [(f"LV{top.id}. {top.label} ({vn.number(top.maximum)})", top.maximum)
                   for top in criteria_group.fields]
        if criteria.survey is not None:
            survey = criteria.survey.maximum
            headers.append((f"{LABELS[SURVEY]} ({vn.number(survey)})", survey))
        _write_group(sheet, criteria, group.name, group.agencies, headers)
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = read_parts(buffer.getvalue())
    parts["docProps/core.xml"] = fixed_core_properties(parts["docProps/core.xml"])
    return write_package(parts)


def fixed_core_properties(core: bytes) -> bytes:
    """`docProps/core.xml` with the creation and save times openpyxl stamps replaced by a fixed one."""
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + _FIXED_TIME.encode(), core)


def _write_group(sheet, criteria: CriteriaSet, group_name: str, names: tuple[str, ...],
                 headers: list[tuple[str, object]]) -> None:
    last_score = FIRST_SCORE_COLUMN + len(headers) - 1
    not_assessed = last_score + 1
    last_row = FIRST_DATA_ROW + len(names) - 1
    last_letter = get_column_letter(not_assessed)
    for row, text, font in ((TITLE_ROW, "BẢNG TỔNG HỢP ĐIỂM THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", _BOLD),
                            (SET_ROW, f"Nhóm: {group_name}. {criteria.name}.", _PLAIN),
                            (HELP_ROW, HELP, Font(name="Times New Roman", italic=True, size=11))):
        sheet.cell(row, 1, vn.nfc(text)).font = font
        sheet.cell(row, 1).alignment = _WRAP
        sheet.merge_cells(f"A{row}:{last_letter}{row}")
    sheet.row_dimensions[HELP_ROW].height = 45
    sheet.merge_cells(f"A{NOTE_ROW}:{last_letter}{NOTE_ROW}")

    second = HEADER_ROW + 1
    for column, text in ((1, LABELS[STT]), (2, LABELS[AGENCY]), (3, LABELS[GROUP]),
                         (not_assessed, LABELS[NOT_ASSESSED])):
        _header(sheet, HEADER_ROW, column, text)
        _header(sheet, second, column, None)
        sheet.merge_cells(start_row=HEADER_ROW, start_column=column, end_row=second, end_column=column)
    fields_end = last_score - (1 if criteria.survey is not None else 0)
    for column in range(FIRST_SCORE_COLUMN, fields_end + 1):
        _header(sheet, HEADER_ROW, column, FIELDS_HEADING if column == FIRST_SCORE_COLUMN else None)
        _header(sheet, second, column, headers[column - FIRST_SCORE_COLUMN][0])
    sheet.merge_cells(start_row=HEADER_ROW, start_column=FIRST_SCORE_COLUMN, end_row=HEADER_ROW,
                      end_column=fields_end)
    if criteria.survey is not None:
        _header(sheet, HEADER_ROW, last_score, headers[-1][0])
        _header(sheet, second, last_score, None)
        sheet.merge_cells(start_row=HEADER_ROW, start_column=last_score, end_row=second,
                          end_column=last_score)
    sheet.row_dimensions[second].height = 60

    for index, name in enumerate(names):
        row = FIRST_DATA_ROW + index
        for column, value in ((1, index + 1), (2, name), (3, group_name)):
            cell = sheet.cell(row, column, value)
            cell.font, cell.border, cell.fill = _PLAIN, _BORDER, _LOCKED
            cell.alignment = _CENTER if column != 2 else _WRAP
        for column in range(FIRST_SCORE_COLUMN, not_assessed + 1):
            cell = sheet.cell(row, column)
            cell.font, cell.border, cell.fill = _PLAIN, _BORDER, _INPUT
            cell.protection = Protection(locked=False)
            cell.alignment = _CENTER
            if column == not_assessed:
                cell.number_format = "@"  # "7.10" must stay text, not become the number 7.1

    for offset, (text, maximum) in enumerate(headers):
        letter = get_column_letter(FIRST_SCORE_COLUMN + offset)
        limit = vn.number(maximum)
        validation = DataValidation(
            type="decimal", operator="between", formula1="0", formula2=str(maximum), allow_blank=True,
            showErrorMessage=True, errorTitle="Điểm không hợp lệ", error=f"Nhập một số từ 0 đến {limit}.",
            showInputMessage=True, promptTitle="Điểm", prompt=f"Từ 0 đến {limit} điểm.")
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)

    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 42
    sheet.column_dimensions["C"].width = 20
    for column in range(FIRST_SCORE_COLUMN, not_assessed + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.column_dimensions[last_letter].width = 16
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, FIRST_SCORE_COLUMN)
    sheet.print_title_rows = f"{HEADER_ROW}:{second}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _header(sheet, row: int, column: int, text: str | None) -> None:
    cell = sheet.cell(row, column, vn.nfc(text) if text else None)
    cell.font, cell.border, cell.alignment, cell.fill = _BOLD, _BORDER, _CENTER, _LOCKED
