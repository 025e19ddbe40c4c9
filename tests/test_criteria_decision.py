"""The decision that issues a criteria set (seed 004), its attached Bộ tiêu chí, and `qdgen basis add`."""

from __future__ import annotations

import json
import shutil

import docx
from docx.oxml.ns import qn

from pipeline.cli.commands import main
from tests.conftest import CASES, ROOT

CASE = CASES / "lang-son-2019-bo-tieu-chi"


def _texts(path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs if p.text.strip()]


def test_decision_carries_what_seed_004_says(built):
    body = _texts(built / CASE.name / "quyet-dinh.docx")
    header = docx.Document(built / CASE.name / "quyet-dinh.docx").tables[0]
    assert header.rows[1].cells[0].text == "Số: 1719/QĐ-UBND"
    assert header.rows[1].cells[1].text == "Lạng Sơn, ngày 05 tháng 9 năm 2019"
    assert body[1].startswith("Ban hành Bộ tiêu chí xác định Chỉ số cải cách hành chính")  # Mẫu 1.3: no "Về việc"
    articles = [line for line in body if line.startswith("Điều")]
    assert articles[0].startswith("Điều 1. Ban hành kèm theo Quyết định này Bộ tiêu chí xác định Chỉ số cải cách")
    assert articles[1].startswith("Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký và thay thế Quyết định "
                                  "số 1863/QĐ-UBND ngày 25/9/2018 của Chủ tịch Ủy ban nhân dân tỉnh ban hành Bộ tiêu chí")
    assert articles[2].startswith("Điều 3.") and articles[2].endswith("./.")


def test_attached_criteria_set_has_its_own_header_reference_and_tables(built):
    path = built / CASE.name / "bo-tieu-chi.docx"
    document = docx.Document(path)
    texts = _texts(path)
    left, _right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]
    assert "Số:" not in "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    # each table's summary line is its last row, one merged cell, kept with the row above it
    summaries = [table.rows[-1].cells[0].text for table in document.tables[1:]]
    assert all(len(table.rows[-1]._tr.tc_lst) == 1 for table in document.tables[1:])
    assert texts[0] == "BỘ TIÊU CHÍ"
    assert texts[2] == "(Kèm theo Quyết định số 1719/QĐ-UBND ngày 05 tháng 9 năm 2019 của Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn)"
    assert "Gồm 8 lĩnh vực, 39 tiêu chí, 58 tiêu chí thành phần; tổng điểm tối đa 100 điểm, trong đó điểm điều tra xã hội học 20 điểm." in summaries
    # The last summary ends the content with «./.»; the criteria file's note on sample figures is not printed
    # in a document that looks issued (issue 15).
    assert summaries[-1] == ("Gồm 8 lĩnh vực, 42 tiêu chí, 58 tiêu chí thành phần; tổng điểm tối đa 100 điểm, trong đó "
                             "điểm điều tra xã hội học 20 điểm./.")
    assert not any("mẫu" in text.lower() for text in texts + summaries)
    for table in document.tables[1:]:
        rows = [[cell.text for cell in row.cells] for row in table.rows[:-1]]
        assert rows[0] == ["Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa"]
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert rows[-1][1:] == ["Tổng điểm", "100"] and rows[-2][0] == "XHH" and rows[-2][2] == "20"
        fields = [row for row in rows[1:] if row[0].isdigit()]
        assert len(fields) == 8
        assert sum(float(row[2].replace(",", ".")) for row in fields) + 20 == 100
        bold = [row.cells[1].paragraphs[0].runs[0].font.bold for row in table.rows[1:] if row.cells[0].text.isdigit()]
        assert all(bold)


def _broken(tmp_path, old: str, new: str):
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    criteria = tmp_path / "fixtures" / "criteria" / "lang-son" / "par-2019.yaml"
    text = criteria.read_text(encoding="utf-8")
    assert old in text
    criteria.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "fixtures" / "cases" / CASE.name, criteria, text.replace(old, new, 1)


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_points_that_do_not_add_up_are_refused_with_their_line(tmp_path, runner):
    case, _criteria, _text = _broken(tmp_path, '{id: "1.1.1", name: "Ban hành kế hoạch đúng thời hạn", maximum: 0.5}',
                                   '{id: "1.1.1", name: "Ban hành kế hoạch đúng thời hạn", maximum: 0.75}')
    result = runner.invoke(main, ["build", str(case), "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)[0]["problems"]
    mismatch = [p for p in problems if p["code"] == "criteria.points_mismatch"]
    assert mismatch and mismatch[0]["location"]["file"].endswith("par-2019.yaml")
    assert not (tmp_path / "out").exists()


def test_a_declared_count_that_disagrees_is_refused(tmp_path, runner):
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    case = tmp_path / "fixtures" / "cases" / CASE.name
    text = (case / "case.yaml").read_text(encoding="utf-8").replace("criteria: 42,", "criteria: 41,")
    (case / "case.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["build", str(case), "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)[0]["problems"]
    assert problem["code"] == "case.count_mismatch"
    assert problem["location"]["line"] == _line(text, "huyen: {fields: 8, criteria: 41")
    assert "41 tiêu chí" in problem["message"] and "42" in problem["message"]


def test_declared_counts_mean_what_a_criteria_file_counts_mean(tmp_path, runner):
    """One CountsModel: a count left out is not checked, and a group has at least one field."""
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    case = tmp_path / "fixtures" / "cases" / CASE.name
    original = (case / "case.yaml").read_text(encoding="utf-8")
    text = original.replace("huyen: {fields: 8, criteria: 42, sub_criteria: 58}", "huyen: {fields: 8}")
    (case / "case.yaml").write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["validate", str(case)]).exit_code == 0
    text = original.replace("huyen: {fields: 8,", "huyen: {fields: 0,")
    (case / "case.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(case), "--json"])
    [problem] = json.loads(result.stdout)[str(case)]
    assert problem["code"] == "case.bad_value" and problem["location"]["key"] == "declared_counts.huyen.fields"


def test_a_duplicate_criterion_id_is_refused(tmp_path, runner):
    case, _criteria, text = _broken(tmp_path, '{id: "1.1.2", name: "Xác định đầy đủ', '{id: "1.1.1", name: "Xác định đầy đủ')
    result = runner.invoke(main, ["build", str(case), "--out", str(tmp_path / "out"), "--json"])
    problems = json.loads(result.stdout)[0]["problems"]
    duplicate = [p for p in problems if p["code"] == "criteria.duplicate_id"]
    assert duplicate and duplicate[0]["location"]["line"] == _line(text, '{id: "1.1.1", name: "Xác định đầy đủ')


DRAFT = """template: quyet-dinh
issuer: {province: Lạng Sơn, authority: chu-tich}
date: 2019-09
as_of: 2019-09-20
subject: Về việc giao nhiệm vụ tự đánh giá Chỉ số cải cách hành chính năm 2019
legal_basis:
  - luat-tccqdp-2015
  - lang-son/qd-1863-2018
articles:
  - Các sở, ban, ngành tự đánh giá, chấm điểm theo Bộ tiêu chí.
signer: {name: Phạm Ngọc Thưởng, title: Chủ tịch}
"""


def test_basis_add_marks_drafts_citing_the_replaced_decision(tmp_path, runner):
    registry = tmp_path / "registry"
    shutil.copytree(ROOT / "legal_basis", registry)
    for later in ("qd-1719-2019", "qd-2498-2020", "qd-1699-2023"):
        (registry / "lang-son" / f"{later}.yaml").unlink()
    draft = tmp_path / "du-thao-2019"
    draft.mkdir()
    (draft / "case.yaml").write_text(DRAFT, encoding="utf-8")
    flags = ["--no-bundled-registry", "--registry", str(registry)]
    assert runner.invoke(main, ["validate", str(draft), *flags]).exit_code == 0  # 1863 in force before the new entry

    result = runner.invoke(main, ["basis", "add", str(CASE), str(draft), *flags])
    assert result.exit_code == 0, result.output
    assert "lang-son/qd-1719-2019: đã ghi" in result.stdout
    assert "lý do: lang-son/qd-1863-2018 đã được thay thế bởi lang-son/qd-1719-2019 từ 05/9/2019" in result.stdout
    entry = registry / "lang-son" / "qd-1719-2019.yaml"
    written = entry.read_text(encoding="utf-8")
    assert "number: 1719/QĐ-UBND\n" in written and "replaces:\n  - lang-son/qd-1863-2018\n" in written
    assert written.replace("'", "") == (ROOT / "legal_basis" / "lang-son" / "qd-1719-2019.yaml").read_text(
        encoding="utf-8").split("\n", 1)[1].replace("replaces: [lang-son/qd-1863-2018]",
                                                    "replaces:\n  - lang-son/qd-1863-2018")
    result = runner.invoke(main, ["validate", str(draft), *flags, "--json"])
    assert [p["code"] for p in json.loads(result.stdout)[str(draft)]] == ["registry.replaced"]
    again = runner.invoke(main, ["basis", "add", str(CASE), *flags])
    assert "đã có, không đổi" in again.stdout
    assert entry.read_text(encoding="utf-8") == written


def test_a_draft_cannot_be_added_to_the_registry(tmp_path, runner, case_copy):
    folder = case_copy("lang-son-2019-bo-tieu-chi")
    text = (folder / "case.yaml").read_text(encoding="utf-8").replace("number: 1719", "number: null")
    (folder / "case.yaml").write_text(text.replace("date: 2019-09-05", "date: 2019-09\nas_of: 2019-09-05"),
                                      encoding="utf-8")
    result = runner.invoke(main, ["basis", "add", str(folder), "--into", str(tmp_path / "reg")])
    assert result.exit_code == 1
    assert "registry.draft_not_added" in result.stderr
    assert not (tmp_path / "reg").exists()
