"""Score sheets: layouts a clerk produces read cleanly; each broken sheet gives its code at its cell.

Every sheet is a tiny .xlsx written here with openpyxl, from a baseline that reads without problems.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.criteria import read_criteria
from pipeline.inputs.scoresheets import read_par_sheet, read_sipas_sheet
from pipeline.problems import InputError, Problem
from pipeline.scoring.records import (
    SURVEY,
    TIE_POLICY,
    TOTAL,
    AgencyGroup,
    AgencyList,
    CriteriaGroup,
    CriteriaSet,
    Criterion,
    SurveyPart,
)

ROOT = Path(__file__).resolve().parent.parent

CRITERIA = CriteriaSet("Bộ tiêu chí thử", "thu/qd-1", D(100),
                       SurveyPart("Điều tra xã hội học", "Điều tra XHH", D(20)), TIE_POLICY, (
    CriteriaGroup("so", (Criterion("1", "Chỉ đạo", D(40), (Criterion("1.1", "Kế hoạch", D(15)),
                                                           Criterion("1.2", "Báo cáo", D(25)))),
                         Criterion("2", "Thủ tục", D(40)))),
    CriteriaGroup("huyen", (Criterion("1", "Chỉ đạo", D(30)), Criterion("2", "Thủ tục", D(30)),
                            Criterion("3", "Tác động", D(20))))))
AGENCIES = AgencyList("Thử", (AgencyGroup("so", "Sở, ban, ngành", ("Sở Nội vụ", "Sở Tư pháp")),
                              AgencyGroup("huyen", "UBND huyện, thành phố", ("UBND huyện Đình Lập",))))

HEADER = ["STT", "Tên cơ quan, đơn vị", "Nhóm", "LV1 (40)", "LV2 (40)", "LV3 (20)", "Điều tra XHH (20)",
          "Tổng điểm", "Không đánh giá", "Ghi chú"]
BASE = [
    ["BẢNG ĐIỂM THỬ"],
    HEADER,
    [1, "Sở Nội vụ", "Sở, ban, ngành", 30, 35, None, 15, 80, None, None],
    [2, "Sở Tư pháp", "Sở, ban, ngành", 32.5, 30, None, 16.25, 78.75, None, "đã thẩm định lại"],
    [3, "UBND huyện Đình Lập", "UBND huyện, thành phố", 25, 25, 15, 17, 82, None, None],
    [None, "Tổng cộng", None, 87.5, 90, 15, 48.25, 240.75],
]


def save(path: Path, rows: list[list], merges: tuple[str, ...] = (),
         sheets: dict[str, list[list]] | None = None, percent: tuple[str, ...] = ()) -> Path:
    """An .xlsx whose first worksheet holds `rows` from A1 (plus any further worksheets)."""
    workbook = openpyxl.Workbook()
    for index, (title, content) in enumerate((sheets or {"Bảng điểm": rows}).items()):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        for row in content:
            sheet.append(row)
        if index == 0:
            for merged in merges:
                sheet.merge_cells(merged)
            for ref in percent:
                sheet[ref].number_format = "0.00%"
    workbook.save(path)
    return path


def put(rows: list[list], **cells) -> list[list]:
    """A copy of `rows` with cells set by reference: put(BASE, D3=41)."""
    copy = [list(row) for row in rows]
    for ref, value in cells.items():
        letters, number = coordinate_from_string(ref)
        row, column = number - 1, column_index_from_string(letters) - 1
        while len(copy) <= row:
            copy.append([])
        copy[row].extend([None] * (column + 1 - len(copy[row])))
        copy[row][column] = value
    return copy


def without_column(rows: list[list], index: int) -> list[list]:
    return [row[:index] + row[index + 1:] for row in rows]


def problems_of(path: Path, agencies: AgencyList = AGENCIES) -> tuple[Problem, ...]:
    try:
        return read_par_sheet(path, CRITERIA, agencies)[1]
    except InputError as raised:
        return raised.problems


def test_baseline_reads_cleanly(tmp_path):
    table, problems = read_par_sheet(save(tmp_path / "par.xlsx", BASE), CRITERIA, AGENCIES)
    assert problems == ()
    assert [(row.agency, row.group) for row in table.rows] == [
        ("Sở Nội vụ", "so"), ("Sở Tư pháp", "so"), ("UBND huyện Đình Lập", "huyen")]
    assert table.rows[1].cells == {"1": D("32.5"), "2": D(30), SURVEY: D("16.25"), TOTAL: D("78.75")}
    assert table.rows[2].cells["3"] == D(15)
    assert str(table.rows[1].where["1"]) == f"{tmp_path / 'par.xlsx'}!Bảng điểm!D4"
    assert table.index == "par" and len(table.sha256) == 64


def test_layout_variants_a_clerk_produces(tmp_path):
    rows = [
        ["ỦY BAN NHÂN DÂN TỈNH"],
        ["BẢNG TỔNG HỢP ĐIỂM"],
        ["SỐ LIỆU MẪU"],
        [],
        ["TT", "Cơ quan, đơn vị", "Điểm thẩm định các lĩnh vực", None, None, "Điều tra xã hội học (20 điểm)",
         "Không đánh giá"],
        [None, None, "1. Chỉ đạo (40)", "Lĩnh vực 2 (40)", "LV 3", None, None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
        ["I", "I. Sở, ban, ngành"],
        [1, unicodedata.normalize("NFD", "Sở Nội vụ"), "32,5", "35", None, "15,25", None],
        [],
        [2, "  Sở  Tư pháp ", 0.1 + 0.2, 30, None, 16, "1.2"],
        ["II", "UBND huyện, thành phố"],
        [3, "Ủy ban nhân dân huyện Đình Lập", 25, 25, 15, 17, None],
        [None, "Cộng", 57.8, 90, 15, 48.25],
        [],
        [None, "NGƯỜI LẬP BIỂU"],
    ]
    merges = ("A5:A6", "B5:B6", "C5:E5", "F5:F6", "G5:G6")
    table, problems = read_par_sheet(save(tmp_path / "par.xlsx", rows, merges), CRITERIA, AGENCIES)
    assert problems == ()
    by_name = {row.agency: row for row in table.rows}
    assert list(by_name) == ["Sở Nội vụ", "Sở Tư pháp", "UBND huyện Đình Lập"]
    assert by_name["Sở Nội vụ"].cells == {"1": D("32.5"), "2": D(35), SURVEY: D("15.25")}
    assert by_name["Sở Tư pháp"].cells["1"] == D("0.3")
    assert by_name["Sở Tư pháp"].not_assessed == ("1.2",)
    assert by_name["UBND huyện Đình Lập"].where["3"].cell == "E13"


def test_one_worksheet_per_group_and_empty_worksheets(tmp_path):
    so = [HEADER[:5] + HEADER[6:7], BASE[2][:5] + BASE[2][6:7], BASE[3][:5] + BASE[3][6:7]]
    huyen = [HEADER[:7], BASE[4][:7]]
    path = save(tmp_path / "par.xlsx", [], sheets={"Sở": so, "Huyện": huyen, "Trống": []})
    table, problems = read_par_sheet(path, CRITERIA, AGENCIES)
    assert problems == ()
    assert [row.where["agency"].sheet for row in table.rows] == ["Sở", "Sở", "Huyện"]


def test_all_problems_are_reported_at_once(tmp_path):
    rows = put(BASE, D3=41, E4="ba mươi", B5="UBND huyện Đình Lâp", K2="Điểm thưởng")
    found = {(p.code, p.location.cell) for p in problems_of(save(tmp_path / "par.xlsx", rows))}
    assert {("scores.above_maximum", "D3"), ("scores.not_a_number", "E4"), ("scores.unknown_agency", "B5"),
            ("scores.unknown_column", "K2"), ("scores.missing_agency", None)} <= found


def test_messages_are_vietnamese_nfc_with_hints(tmp_path):
    rows = put(BASE, D3=41, E4="KĐG", C4="Khối tỉnh", I5="9.9")
    problems = problems_of(save(tmp_path / "par.xlsx", rows))
    assert len(problems) >= 4
    for problem in problems:
        assert unicodedata.is_normalized("NFC", problem.message) and problem.hint
    hints = {p.code: p.hint for p in problems}
    assert "Không đánh giá" in hints["scores.not_a_number"]


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip_without_workbook(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return _bytes(path, buffer.getvalue())


def _formula(path: Path, ref: str, formula: str) -> Path:
    save(path, BASE)
    workbook = openpyxl.load_workbook(path)
    workbook.active[ref] = formula
    workbook.save(path)
    return path


def _subtotals(rows: list[list]) -> list[list]:
    return put(rows, K2="TC1.1", L2="TC1.2", K3=12, L3=18, K4=12.5, L4=20)


Builder = Callable[[Path], Path]
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how an old .xls (or a password-protected .xlsx) starts


def rows(content: list[list], merges: tuple[str, ...] = ()) -> Builder:
    return lambda path: save(path, content, merges)


# (id, sheet builder, code, cell): one broken sheet per problem; cell None for file- or sheet-level problems.
CATALOGUE: list[tuple[str, Builder, str, str | None]] = [
    ("text-file-named-xlsx", lambda p: _bytes(p, "STT;Tên cơ quan\n".encode()), "scores.not_xlsx", None),
    ("old-xls-bytes", lambda p: _bytes(p, OLE_HEADER + bytes(504)), "scores.not_xlsx", None),
    ("zip-but-not-a-workbook", _zip_without_workbook, "scores.not_xlsx", None),
    ("no-cells-at-all", rows([]), "scores.empty_sheet", None),
    ("header-but-no-agency", rows([HEADER]), "scores.empty_sheet", "B1"),
    ("no-header-row", rows([[1, "Sở Nội vụ", 30, 35, 15]]), "scores.no_header", None),
    ("header-below-row-20", rows([[f"dòng {n}"] for n in range(20)] + BASE[1:]), "scores.no_header", None),
    ("unknown-extra-column", rows(put(BASE, K2="Điểm thưởng", K3=2)), "scores.unknown_column", "K2"),
    ("field-not-in-criteria", rows(put(BASE, K2="LV9 (5)")), "scores.unknown_column", "K2"),
    ("column-twice", rows(put(BASE, K2="LV2")), "scores.duplicate_column", "K2"),
    ("survey-column-missing", rows(without_column(BASE, 6)), "scores.missing_column", None),
    ("criterion-column-missing", rows(put(BASE, K2="TC1.1", K3=10, K4=12)), "scores.missing_column", None),
    ("formula-without-value", lambda p: _formula(p, "D3", "=10+20"), "scores.formula_without_value", "D3"),
    ("formula-in-name", lambda p: _formula(p, "B4", '="Sở "&"Tư pháp"'), "scores.formula_without_value",
     "B4"),
    ("text-in-number-cell", rows(put(BASE, D3="ba mươi")), "scores.not_a_number", "D3"),
    ("kdg-in-number-cell", rows(put(BASE, E4="KĐG")), "scores.not_a_number", "E4"),
    ("excel-error-value", rows(put(BASE, G5="#REF!")), "scores.not_a_number", "G5"),
    ("blank-score", rows(put(BASE, E4=None)), "scores.missing_value", "E4"),
    ("above-field-maximum", rows(put(BASE, D3=40.25)), "scores.above_maximum", "D3"),
    ("above-survey-maximum", rows(put(BASE, G3=21)), "scores.above_maximum", "G3"),
    ("above-lowered-maximum", rows(put(BASE, I3="1.1", H3=None)), "scores.above_maximum", "D3"),
    ("below-zero", rows(put(BASE, E5=-1)), "scores.below_zero", "E5"),
    ("total-disagrees", rows(put(BASE, H3=81)), "scores.total_mismatch", "H3"),
    ("subtotal-disagrees", rows(put(_subtotals(BASE), K3=9)), "scores.subtotal_mismatch", "D3"),
    ("agency-twice", rows(put(BASE, B4="Sở Nội vụ")), "scores.duplicate_agency", "B4"),
    ("agency-missing", rows(BASE[:3] + BASE[4:]), "scores.missing_agency", None),
    ("agency-unknown", rows(put(BASE, B3="Sở Nội vu")), "scores.unknown_agency", "B3"),
    ("scores-without-name", rows(put(BASE, A7=4, D7=10)), "scores.unknown_agency", "B7"),
    ("wrong-group", rows(put(BASE, C4="UBND huyện, thành phố")), "scores.wrong_group", "C4"),
    ("unknown-group", rows(put(BASE, C4="Khối tỉnh")), "scores.unknown_group", "C4"),
    ("unknown-not-assessed-id", rows(put(BASE, I3="1,1")), "scores.unknown_criterion", "I3"),
    ("score-for-not-assessed", rows(put(BASE, I3="2", H3=None)), "scores.value_for_not_assessed", "E3"),
    ("field-of-another-group", rows(put(BASE, F3=5)), "scores.not_in_group", "F3"),
]


@pytest.mark.parametrize("builder, code, cell", [entry[1:] for entry in CATALOGUE],
                         ids=[entry[0] for entry in CATALOGUE])
def test_broken_sheet_catalogue(tmp_path, builder, code, cell):
    path = builder(tmp_path / "par.xlsx")
    problems = problems_of(path)
    assert (code, cell) in [(p.code, p.location.cell) for p in problems], [str(p.location) + " " + p.code
                                                                          for p in problems]
    problem = next(p for p in problems if p.code == code)
    assert problem.location.file == path and problem.hint


def test_catalogue_covers_every_code():
    assert len(CATALOGUE) >= 15
    assert len({code for _, _, code, _ in CATALOGUE}) >= 20


def test_hints_name_the_fix(tmp_path):
    def hint(rows_, code):
        return next(p.hint for p in problems_of(save(tmp_path / "par.xlsx", rows_)) if p.code == code)

    assert hint(put(BASE, B3="Sở Nội vu"), "scores.unknown_agency") == "Có phải ý là «Sở Nội vụ»?"
    assert hint(put(BASE, K2="Tổng điêm"), "scores.unknown_column") == "Có phải ý là «Tổng điểm»?"
    assert "Sở, ban, ngành" in hint(put(BASE, C4="UBND huyện, thành phố"), "scores.wrong_group")
    assert "Excel" in hint(put(BASE, G5="#REF!"), "scores.not_a_number")


def test_missing_agency_names_it(tmp_path):
    problems = problems_of(save(tmp_path / "par.xlsx", BASE[:3] + BASE[4:]))
    assert [p.message for p in problems if p.code == "scores.missing_agency"] == [
        "Bảng điểm thiếu Sở Tư pháp (nhóm Sở, ban, ngành)."]


def test_group_without_criteria(tmp_path):
    xa = AgencyGroup("xa", "UBND xã, phường", ("UBND xã Mai Pha",))
    agencies = AgencyList("Thử", AGENCIES.groups + (xa,))
    rows_ = put(BASE, A6=4, B6="UBND xã Mai Pha", D6=20, E6=20, G6=15)
    problems = problems_of(save(tmp_path / "par.xlsx", rows_), agencies)
    assert [(p.code, p.location.cell) for p in problems] == [("scores.group_without_criteria", "B6")]


def test_survey_column_is_unknown_when_the_set_has_no_survey(tmp_path):
    criteria = CriteriaSet("Không điều tra", "thu/qd-2", D(80), None, TIE_POLICY, CRITERIA.groups)
    problems = read_par_sheet(save(tmp_path / "par.xlsx", BASE), criteria, AGENCIES)[1]
    assert ("scores.unknown_column", "G2") in [(p.code, p.location.cell) for p in problems]


def test_subtotals_that_agree_are_accepted(tmp_path):
    table, problems = read_par_sheet(save(tmp_path / "par.xlsx", _subtotals(BASE)), CRITERIA, AGENCIES)
    assert problems == ()
    assert table.rows[0].cells["1.2"] == D(18)


def test_not_assessed_field_may_stay_blank(tmp_path):
    rows_ = put(BASE, I3="2", E3=None, H3=45)
    table, problems = read_par_sheet(save(tmp_path / "par.xlsx", rows_), CRITERIA, AGENCIES)
    assert problems == ()
    assert table.rows[0].not_assessed == ("2",) and "2" not in table.rows[0].cells


def test_fixture_formulas_are_read_from_their_cached_values():
    agencies = read_agencies(ROOT / "fixtures/agencies/lang-son-2023.yaml")
    criteria = read_criteria(ROOT / "fixtures/criteria/lang-son/par-2023.yaml")
    path = ROOT / "fixtures/cases/lang-son-2023-sipas-par/par-2023.xlsx"
    table, problems = read_par_sheet(path, criteria, agencies)
    assert problems == ()
    first = table.rows[0]
    assert first.cells[TOTAL] == sum((value for key, value in first.cells.items() if key != TOTAL), D(0))
    bac_son = next(row for row in table.rows if row.agency == "UBND huyện Bắc Sơn")
    formulas = openpyxl.load_workbook(path)
    assert str(formulas.worksheets[0][first.where[TOTAL].cell].value).startswith("=SUM(")
    typed = formulas[bac_son.where[SURVEY].sheet][bac_son.where[SURVEY].cell].value
    assert isinstance(typed, str) and "," in typed
    assert bac_son.cells[SURVEY] == D(typed.replace(",", "."))


# ---------------------------------------------------------------- SIPAS

SIPAS_HEADER = ["STT", "Tên cơ quan, đơn vị", "Tiếp cận dịch vụ (%)", "Thủ tục hành chính",
                "Công chức trực tiếp giải quyết công việc", "Kết quả dịch vụ",
                "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị", "Chỉ số hài lòng (%)"]
SIPAS = [
    SIPAS_HEADER,
    [1, "Sở Nội vụ", 90, 91, 92, 93, 94, 92],
    [2, "Sở Tư pháp", "85,5%", 86, 87, 88, 89, 87.1],
    [3, "UBND huyện Đình Lập", 0.8, 0.81, 0.82, 0.83, 0.84, 82],
]


def sipas_problems(path: Path) -> tuple[Problem, ...]:
    return read_sipas_sheet(path, AGENCIES)[1]


def test_sipas_reads_percentages_in_every_form(tmp_path):
    path = save(tmp_path / "sipas.xlsx", SIPAS, percent=("C4", "D4", "E4", "F4", "G4"))
    table, problems = read_sipas_sheet(path, AGENCIES)
    assert problems == ()
    assert table.index == "sipas"
    assert table.rows[1].cells["tiep-can"] == D("85.5")
    assert table.rows[2].cells == {"tiep-can": D(80), "thu-tuc": D(81), "cong-chuc": D(82), "ket-qua": D(83),
                                   "gop-y": D(84), TOTAL: D(82)}


@pytest.mark.parametrize("content, code, cell", [
    (put(SIPAS, C2=101), "scores.above_maximum", "C2"),
    (put(SIPAS, D3=-5), "scores.below_zero", "D3"),
    (put(SIPAS, H2=93), "scores.total_mismatch", "H2"),
    (without_column(SIPAS, 5), "scores.missing_column", None),
    (put(SIPAS, I1="Không đánh giá"), "scores.unknown_column", "I1"),
    (put(SIPAS, F3=None), "scores.missing_value", "F3"),
    (SIPAS[:2] + SIPAS[3:], "scores.missing_agency", None),
])
def test_broken_sipas_sheets(tmp_path, content, code, cell):
    problems = sipas_problems(save(tmp_path / "sipas.xlsx", content, percent=("C4", "D4", "E4", "F4", "G4")))
    assert (code, cell) in [(p.code, p.location.cell) for p in problems], problems
