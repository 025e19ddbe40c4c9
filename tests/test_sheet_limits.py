"""Hostile and accidental score sheets (issue 13, items 8, 11, 14, 16): caps on what an .xlsx unpacks to,
values no reader may crash on, invisible characters, hidden data and malformed shared-string indexes.

Every problem is reported at `file!sheet!cell` with its code; resource tests assert the refusal and the
reader's peak memory in a child process (ru_maxrss), never a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pipeline.inputs import workbook as workbook_module
from pipeline.inputs.scoresheets import read_sipas_sheet
from pipeline.inputs.workbook import read_workbook
from pipeline.problems import InputError, Severity
from tests.test_scoresheets import AGENCIES, BASE, problems_of, put, save
from tests.test_workbook import _rewrite, _share_strings

ROOT = Path(__file__).resolve().parent.parent
SHEET = "xl/worksheets/sheet1.xml"


def _refusal(path: Path):
    with pytest.raises(InputError) as raised:
        read_workbook(path)
    (problem,) = raised.value.problems
    return problem


def _with_sheet_entries(path: Path, count: int) -> Path:
    """The workbook at `path` listing its one worksheet part `count` times, under other names."""
    def entries(xml: bytes) -> bytes:
        start = xml.index(b"<sheet ")
        entry = xml[start: xml.index(b"/>", start) + 2]
        more = b"".join(entry.replace(b'sheetId="1"', b'sheetId="%d"' % n).replace(
            b'name="', b'name="%d' % n) for n in range(2, count + 1))
        return xml.replace(entry, entry + more)
    _rewrite(path, {"xl/workbook.xml": entries})
    return path


# ------------------------------------------------------------------ item 8: caps on what a package unpacks to


_CHILD = """
import json, resource, sys
from pathlib import Path
from pipeline.inputs.workbook import read_workbook
from pipeline.problems import InputError
try:
    read_workbook(Path(sys.argv[1]))
    problems = []
except InputError as exc:
    problems = [[p.code, p.message] for p in exc.problems]
print(json.dumps({"problems": problems, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def test_many_sheet_entries_on_one_large_part_are_refused_with_bounded_memory(tmp_path):
    path = save(tmp_path / "par.xlsx", BASE)
    padding = b"<!--" + b" " * 25_000 + b"-->" * 1  # compresses to almost nothing; each read unpacks all of it
    padding *= 1_000
    _rewrite(path, {SHEET: lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + padding)})
    _with_sheet_entries(path, 6)
    assert path.stat().st_size < 200_000
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert [code for code, _ in report["problems"]] == ["scores.not_xlsx"]
    assert "60 MB" in report["problems"][0][1]
    assert report["maxrss_kb"] < 600_000, report  # 3.4 GB before the total cap; about 320 MB with it


def test_sheets_and_cells_are_capped(tmp_path, monkeypatch):
    path = _with_sheet_entries(save(tmp_path / "par.xlsx", BASE), 3)
    assert len(read_workbook(path).sheets) == 3
    monkeypatch.setattr(workbook_module, "MAX_SHEETS", 2)
    problem = _refusal(path)
    assert problem.code == "scores.not_xlsx" and "3 trang tính" in problem.message and "giới hạn 2" in problem.message
    monkeypatch.setattr(workbook_module, "MAX_SHEETS", 100)
    monkeypatch.setattr(workbook_module, "MAX_CELLS", 100)  # three sheets of 46 cells each
    problem = _refusal(path)
    assert problem.code == "scores.not_xlsx" and "100 ô" in problem.message


# ------------------------------------------------------------------ item 11: values no reader may crash on


@pytest.mark.parametrize(("stored", "code"), [(b"1e999", "scores.not_a_number"), (b"-1E999", "scores.not_a_number"),
                                            (b"1" + b"0" * 5000, "scores.not_a_number"),
                                            (b"nan", "scores.not_xlsx"), (b"inf", "scores.not_xlsx")])
def test_a_number_beyond_a_float_is_reported_at_its_cell(stored, code, tmp_path):
    path = save(tmp_path / "par.xlsx", BASE)
    _rewrite(path, {SHEET: lambda xml: xml.replace(b'<c r="D3" t="n"><v>30</v>', b'<c r="D3" t="n"><v>%s</v>' % stored)})
    found = [(p.code, p.location.sheet, p.location.cell) for p in problems_of(path) if p.is_error]
    assert (code, "Bảng điểm", "D3") in found, found


def test_a_sipas_sheet_with_a_number_beyond_a_float_is_reported_at_its_cell(tmp_path):
    rows = [["STT", "Tên cơ quan, đơn vị", "Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức",
             "Kết quả dịch vụ", "Tiếp nhận, xử lý góp ý"],
            [1, "Sở Nội vụ", 80, 81, 82, 83, 84]]
    path = save(tmp_path / "sipas.xlsx", rows)
    _rewrite(path, {SHEET: lambda xml: xml.replace(b'<c r="C2" t="n"><v>80</v>', b'<c r="C2" t="n"><v>1e999</v>')})
    _, problems = read_sipas_sheet(path, AGENCIES)
    assert ("scores.not_a_number", "C2") in {(p.code, p.location.cell) for p in problems}, problems


def test_a_number_cell_excel_could_not_have_written_is_a_damaged_file_at_its_cell(tmp_path):
    path = save(tmp_path / "par.xlsx", BASE)
    _rewrite(path, {SHEET: lambda xml: xml.replace(b'<c r="D3" t="n"><v>30</v>', b'<c r="D3" t="n"><v>ba</v>')})
    problem = _refusal(path)
    assert (problem.code, problem.location.sheet, problem.location.cell) == ("scores.not_xlsx", "Bảng điểm", "D3")


# ------------------------------------------------------------------ item 16: shared strings, hidden data


@pytest.mark.parametrize("index", [b"-1", b"99", b"1.5", b"x"])
def test_a_malformed_shared_string_index_is_refused_at_its_cell(index, tmp_path):
    path = save(tmp_path / "par.xlsx", BASE)
    _share_strings(path)
    assert read_workbook(path).sheets[0].cell(3, 2).value == "Sở Nội vụ"
    _rewrite(path, {SHEET: lambda xml: xml.replace(b'<c r="B3" t="s"><v>11</v>', b'<c r="B3" t="s"><v>%s</v>' % index)})
    problem = _refusal(path)
    assert (problem.code, problem.location.cell) == ("scores.not_xlsx", "B3"), problem
    assert "chuỗi dùng chung" in problem.message


def _hidden(path: Path, rows=(), columns=(), sheet_state: str | None = None) -> Path:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    for row in rows:
        sheet.row_dimensions[row].hidden = True
    for column in columns:
        sheet.column_dimensions[column].hidden = True
    if sheet_state:
        extra = workbook.create_sheet("Điểm cũ")
        extra["A1"] = "Sở Nội vụ"
        extra.sheet_state = sheet_state
    workbook.save(path)
    return path


def test_hidden_rows_and_columns_used_are_warned_at_their_cell(tmp_path):
    path = _hidden(save(tmp_path / "par.xlsx", BASE), rows=(4,), columns=("E",))
    warnings = [(p.code, p.location.cell) for p in problems_of(path) if p.severity is Severity.WARNING]
    assert ("scores.hidden_row", "B4") in warnings and ("scores.hidden_column", "E2") in warnings, warnings
    assert not [p for p in problems_of(path) if p.is_error]  # the data is still read


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_skipped_is_warned_by_name(state, tmp_path):
    path = _hidden(save(tmp_path / "par.xlsx", BASE), sheet_state=state)
    warnings = [(p.code, p.location.sheet) for p in problems_of(path) if p.severity is Severity.WARNING]
    assert warnings == [("scores.hidden_sheet", "Điểm cũ")]


def test_a_visible_sheet_has_no_warning(tmp_path):
    assert not problems_of(save(tmp_path / "par.xlsx", BASE))


# ------------------------------------------------------------------ item 14: invisible characters in cells


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\ufeff", "\u200d"])
@pytest.mark.parametrize("shared", [False, True])
def test_an_invisible_character_in_a_cell_is_named_at_the_cell(char, shared, tmp_path):
    path = save(tmp_path / "par.xlsx", put(BASE, B4=f"Sở Tư{char} pháp"))
    if shared:
        _share_strings(path)
    found = [(p.code, p.location.cell) for p in problems_of(path)]
    assert found == [("scores.invisible_character", "B4")], found  # not also an unknown agency
    (problem,) = problems_of(path)
    assert f"U+{ord(char):04X}" in problem.message and problem.is_error


@pytest.mark.parametrize("char", [b"\x0b", b"\x00", b"&#11;"])
@pytest.mark.parametrize("reader", ["par", "sipas"])
def test_control_bytes_in_a_sheet_are_a_problem_not_a_traceback(char, reader, tmp_path):
    path = save(tmp_path / "diem.xlsx", BASE)
    named = b'<c r="B3" t="inlineStr"><is><t>'
    _rewrite(path, {SHEET: lambda xml: xml.replace(named, named + b"S" + char)})
    if reader == "par":
        found = problems_of(path)
    else:
        with pytest.raises(InputError) as raised:
            read_sipas_sheet(path, AGENCIES)
        found = raised.value.problems
    assert [(p.code, p.location.file) for p in found] == [("scores.not_xlsx", path)]
