"""Write the score sheets of the fixture cases. Their figures are SAMPLES, not published results.

    .venv/bin/python scripts/make_fixture_sheets.py

Writes, from fixtures/agencies/lang-son-2023.yaml and fixtures/criteria/lang-son/par-2023.yaml:

- fixtures/cases/lang-son-2023-sipas-par/par-2023.xlsx: the blank sheet of `pipeline.inputs.blanksheet`
  (one worksheet per group) filled with sample points, plus a "Tổng điểm" column of formulas.
  Ties and not-assessed criteria, on purpose:
    * Sở Tài chính and Sở Tư pháp have the same total (different fields): one rank, Tài before Tư;
    * UBND huyện Đình Lập and UBND huyện Hữu Lũng likewise: Vietnamese order puts Đ before H
      (Python's `sorted` would not);
    * Sở Ngoại vụ is not assessed on 6.2.3 (maximum 99), Ban Dân tộc on 3.6 and 6.2.3 (maximum 97,5);
    * UBND huyện Bắc Sơn's survey points are typed as text with a decimal comma (as "18,44").
- fixtures/cases/lang-son-2023-sipas-par/sipas-2023.xlsx: one worksheet, group heading rows,
  five component percentages per agency and a "Chỉ số hài lòng" column of AVERAGE formulas;
  Sở Xây dựng and Sở Y tế have the same components in another order, so the same index.
- fixtures/cases/lang-son-2020-par/par-2020.xlsx: like par-2023.xlsx with other sample points
  (the case uses the same criteria set) and no deliberate ties.
- fixtures/cases/lang-son-2025-sipas-par/par-2025.xlsx and sipas-2025.xlsx: the same two kinds of sheet for
  the agencies of fixtures/agencies/lang-son-2025.yaml (post-merger departments, 65 communes and wards)
  scored on the sample set fixtures/criteria/lang-son/par-2025.yaml; no deliberate ties but SIPAS's.

Every sheet says in a visible row above its header that the figures are samples. Points come from
`random.Random` with fixed seeds, so each run writes the same bytes. openpyxl cannot compute
formulas; the script writes their cached values into the sheet XML itself, as Excel does when it
saves, and then reads every sheet back with `pipeline.inputs.scoresheets`, failing on any problem.
"""

from __future__ import annotations

import io
import random
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.inputs import blanksheet
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.criteria import read_criteria
from pipeline.inputs.scoresheets import LABELS, SIPAS_TOTAL_LABEL, read_par_sheet, read_sipas_sheet
from pipeline.ooxml.package import read_parts, write_package
from pipeline.scoring.records import NATIONAL_SIPAS, AgencyList, CriteriaSet

AGENCIES = ROOT / "fixtures/agencies/lang-son-2023.yaml"
CRITERIA = ROOT / "fixtures/criteria/lang-son/par-2023.yaml"
CASE_2023 = ROOT / "fixtures/cases/lang-son-2023-sipas-par"
CASE_2020 = ROOT / "fixtures/cases/lang-son-2020-par"
AGENCIES_2025 = ROOT / "fixtures/agencies/lang-son-2025.yaml"
CRITERIA_2025 = ROOT / "fixtures/criteria/lang-son/par-2025.yaml"
CASE_2025 = ROOT / "fixtures/cases/lang-son-2025-sipas-par"
SAMPLE_NOTE = ("SỐ LIỆU MẪU để thử công cụ, không phải kết quả thẩm định thật: điểm của các cơ quan chưa "
               "được công bố trong tài liệu của dự án.")
NOT_ASSESSED = {"Sở Ngoại vụ": "6.2.3", "Ban Dân tộc": "3.6; 6.2.3"}
TIES = (("Sở Tư pháp", "Sở Tài chính"), ("UBND huyện Đình Lập", "UBND huyện Hữu Lũng"))
"""(first, second): the second copies the first's points with one quarter point moved between fields."""
TEXT_SURVEY = "UBND huyện Bắc Sơn"
SIPAS_TIE = ("Sở Xây dựng", "Sở Y tế")
QUARTER = Decimal("0.25")
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_BORDER = Border(*(Side(style="thin"),) * 4)


def main() -> None:
    agencies = read_agencies(AGENCIES)
    criteria = read_criteria(CRITERIA)
    _write(CASE_2023 / "par-2023.xlsx", par_sheet(criteria, agencies, seed=2023, ties=TIES, special=True))
    _write(CASE_2023 / "sipas-2023.xlsx", sipas_sheet(agencies, seed=2023))
    _write(CASE_2020 / "par-2020.xlsx", par_sheet(criteria, agencies, seed=2020, ties=(), special=False))
    for path in (CASE_2023 / "par-2023.xlsx", CASE_2020 / "par-2020.xlsx"):
        _check(path, read_par_sheet(path, criteria, agencies)[1])
    _check(CASE_2023 / "sipas-2023.xlsx", read_sipas_sheet(CASE_2023 / "sipas-2023.xlsx", agencies)[1])
    agencies_2025, criteria_2025 = read_agencies(AGENCIES_2025), read_criteria(CRITERIA_2025)
    _write(CASE_2025 / "par-2025.xlsx", par_sheet(criteria_2025, agencies_2025, seed=2025, ties=(), special=False))
    _write(CASE_2025 / "sipas-2025.xlsx", sipas_sheet(agencies_2025, seed=2025))
    _check(CASE_2025 / "par-2025.xlsx", read_par_sheet(CASE_2025 / "par-2025.xlsx", criteria_2025, agencies_2025)[1])
    _check(CASE_2025 / "sipas-2025.xlsx", read_sipas_sheet(CASE_2025 / "sipas-2025.xlsx", agencies_2025)[1])


def par_sheet(criteria: CriteriaSet, agencies: AgencyList, seed: int, ties: tuple[tuple[str, str], ...],
              special: bool) -> bytes:
    """The blank sheet filled with sample points, a note row and a "Tổng điểm" formula column."""
    rng = random.Random(seed)
    workbook = openpyxl.load_workbook(io.BytesIO(blanksheet.blank_scoresheet(criteria, agencies)))
    cached: dict[tuple[int, str], Decimal] = {}
    for index, (sheet, group) in enumerate(zip(workbook.worksheets, agencies.groups)):
        fields = criteria.group(group.id).fields
        survey_column = blanksheet.FIRST_SCORE_COLUMN + len(fields)
        not_assessed_column, total_column = survey_column + 1, survey_column + 2
        _note(sheet)
        _header_cell(sheet, total_column, LABELS["total"])
        scores: dict[str, list[Decimal]] = {}
        for offset, name in enumerate(group.agencies):
            row = blanksheet.FIRST_DATA_ROW + offset
            listed = NOT_ASSESSED.get(name, "") if special else ""
            level = Decimal(rng.randint(70, 96)) / 100
            values = [_quarter(top.maximum_without(listed.split("; "))
                               * (level + Decimal(rng.randint(-5, 4)) / 100)) for top in fields]
            values.append(Decimal(rng.randint(1300, 1900)) / 100)
            scores[name] = values
            twin = next((first for first, second in ties if second == name), None)
            if twin is not None:
                values[:] = scores[twin]
                step = QUARTER if values[2] + QUARTER <= fields[2].maximum else -QUARTER
                values[0] -= step
                values[2] += step
            for column, value in enumerate(values, start=blanksheet.FIRST_SCORE_COLUMN):
                text_survey = special and name == TEXT_SURVEY and column == survey_column
                sheet.cell(row, column, str(value).replace(".", ",") if text_survey else float(value))
            if listed:
                sheet.cell(row, not_assessed_column, listed)
            first = get_column_letter(blanksheet.FIRST_SCORE_COLUMN)
            last = get_column_letter(survey_column - 1)
            survey = get_column_letter(survey_column)
            total = sheet.cell(row, total_column, f"=SUM({first}{row}:{last}{row})+{survey}{row}")
            total.border, total.number_format = _BORDER, "0.00"
            cached[(index, total.coordinate)] = sum(values, Decimal(0))
        sheet.column_dimensions[get_column_letter(total_column)].width = 12
    return _with_cached_values(workbook, cached)


def sipas_sheet(agencies: AgencyList, seed: int) -> bytes:
    """One worksheet: heading rows per group, component percentages and an AVERAGE column."""
    rng = random.Random(seed)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "SIPAS"
    components = NATIONAL_SIPAS.components
    last = 3 + len(components) + 1
    sheet.cell(1, 1, "KẾT QUẢ ĐO LƯỜNG SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC (SIPAS)").font = Font(bold=True)
    _note(sheet, row=2)
    headers = [LABELS["stt"], LABELS["agency"], LABELS["group"], *(f"{c.name} (%)" for c in components),
               f"{SIPAS_TOTAL_LABEL} (%)"]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(4, column, text)
        cell.font, cell.border = Font(bold=True), _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cached: dict[tuple[int, str], Decimal] = {}
    row = 5
    percents: dict[str, list[Decimal]] = {}
    for number, group in enumerate(agencies.groups, start=1):
        sheet.cell(row, 2, f"{'I' * number}. {group.name}").font = Font(bold=True)
        row += 1
        for stt, name in enumerate(group.agencies, start=1):
            level = rng.randint(8000, 9500)
            values = [Decimal(level + rng.randint(-300, 300)) / 100 for _ in components]
            if name == SIPAS_TIE[1]:
                values = list(reversed(percents[SIPAS_TIE[0]]))
            percents[name] = values
            for column, value in enumerate([stt, name, group.name, *map(float, values)], start=1):
                sheet.cell(row, column, value).border = _BORDER
            total = sheet.cell(row, last, f"=AVERAGE(D{row}:{get_column_letter(last - 1)}{row})")
            total.border, total.number_format = _BORDER, "0.00"
            cached[(0, total.coordinate)] = sum(values, Decimal(0)) / len(values)
            row += 1
    sheet.column_dimensions["B"].width = 42
    sheet.column_dimensions["C"].width = 22
    return _with_cached_values(workbook, cached)


def _note(sheet, row: int = blanksheet.NOTE_ROW) -> None:
    cell = sheet.cell(row, 1, SAMPLE_NOTE)
    cell.font = Font(bold=True, color="FFC00000")


def _header_cell(sheet, column: int, text: str) -> None:
    top, second = blanksheet.HEADER_ROW, blanksheet.HEADER_ROW + 1
    cell = sheet.cell(top, column, text)
    cell.font, cell.border = Font(name="Times New Roman", bold=True, size=12), _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=top, start_column=column, end_row=second, end_column=column)


def _quarter(value: Decimal) -> Decimal:
    return (value / QUARTER).to_integral_value() * QUARTER


def _with_cached_values(workbook, cached: dict[tuple[int, str], Decimal]) -> bytes:
    """Save, then put each formula's value in its <v> as Excel would (sheet index, cell) → value."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = read_parts(buffer.getvalue())
    for index in {sheet for sheet, _ in cached}:
        name = f"xl/worksheets/sheet{index + 1}.xml"
        root = etree.fromstring(parts[name])
        for cell in root.iter(f"{{{NS}}}c"):
            value = cached.get((index, cell.get("r")))
            if value is not None and cell.find(f"{{{NS}}}f") is not None:
                v = cell.find(f"{{{NS}}}v")
                if v is None:
                    v = etree.SubElement(cell, f"{{{NS}}}v")
                v.text = format(value.normalize(), "f")
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["docProps/core.xml"] = blanksheet.fixed_core_properties(parts["docProps/core.xml"])
    return write_package(parts)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"{path.relative_to(ROOT)}: {len(data)} bytes")


def _check(path: Path, problems) -> None:
    if problems:
        raise SystemExit(f"{path.relative_to(ROOT)} does not read back cleanly:\n"
                         + "\n".join(f"  {p.location}: {p.message} [{p.code}]" for p in problems))


if __name__ == "__main__":
    main()
