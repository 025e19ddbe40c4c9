"""Bad case files: each problem has its code, file, line and key, all are reported at once, nothing is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli.commands import main
from tests.conftest import CASES

BASE = (CASES / "lang-son-2023-issued" / "case.yaml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def _write_case(tmp_path: Path, text: str, name: str = "lang-son-2023-issued") -> Path:
    """A copy of the fixtures (sheets, criteria, agencies) with case `name` replaced by `text`."""
    fixtures = tmp_path / "fixtures"
    if not fixtures.exists():
        shutil.copytree(CASES.parent, fixtures)
    folder = fixtures / "cases" / name
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return folder


BAD_CASES = {
    # name: (replace this, with this, expected code, line containing, key)
    "unknown_key": ("assessed_year: 2023", "assessed_year: 2023\nassesed_year: 2023", "case.unknown_key",
                    "assesed_year", "assesed_year"),
    "missing_key": ("signer: {name: Hồ Tiến Thiệu, title: Chủ tịch}\n", "", "case.missing_key", None, "signer"),
    "wrong_type": ("assessed_year: 2023", "assessed_year: hai nghìn", "case.wrong_type", "assessed_year",
                   "assessed_year"),
    "impossible_date": ("date: 2024-02-05", "date: 2024-02-30", "case.bad_date", "date: 2024-02-30", "date"),
    "unknown_registry_id": ("  - lang-son/qd-1699-2023", "  - lang-son/qd-1699-2032", "case.unknown_basis",
                            "qd-1699-2032", "legal_basis[1]"),
    "tm_on_chairman_decision": ("signer: {name: Hồ Tiến Thiệu, title: Chủ tịch}",
                                "signer: {name: Hồ Tiến Thiệu, title: Chủ tịch, sign_for: TM}",
                                "case.signer_authority", "sign_for: TM", "signer.sign_for"),
    "memo_after_decision": ("date: 2024-01-14}", "date: 2024-03-14}", "case.memo_after_decision", "2024-03-14",
                            "proposal.memo.date"),
    "duplicate_key": ("assessed_year: 2023", "assessed_year: 2023\nassessed_year: 2022", "yaml.duplicate_key",
                      "assessed_year: 2022", "assessed_year"),
    "control_character": ("  - Thường trực Tỉnh ủy", "  - \"Thường trực\\u0007 Tỉnh ủy\"", "case.control_character",
                          "Thường trực\\u0007", "recipients[0]"),
    "legacy_encoding": ("  - Thường trực Tỉnh ủy", "  - Th­êng trùc TØnh ñy", "case.legacy_encoding",
                        "TØnh", "recipients[0]"),
    "issued_without_day": ("date: 2024-02-05", "date: 2024-02", "case.issued_without_day", "date: 2024-02", "date"),
    "unknown_template": ("template: cong-bo-chi-so", "template: cong-bo-chi-s", "case.unknown_template",
                         "template:", "template"),
    "duplicate_index": ("publishes: [sipas, par]", "publishes: [sipas, par, par]", "case.duplicate_item",
                        "publishes:", "publishes[2]"),
    "duplicate_recipient": ("  - Thường trực HĐND tỉnh\n", "  - Thường trực HĐND tỉnh\n  - Thường trực  HĐND tỉnh\n",
                            "case.duplicate_item", "Thường trực  HĐND", "recipients[2]"),
    "duplicate_keep": ("keep: [VT, NC]", "keep: [VT, NC, VT]", "case.duplicate_item", "keep:", "archive.keep[2]"),
    "key_of_other_kind": ("assessed_year: 2023", "assessed_year: 2023\narticles: [Điều thêm.]",
                          "case.key_of_other_kind", "articles:", "articles"),
}


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_case_is_reported_with_location_and_nothing_is_written(name, tmp_path, runner):
    old, new, code, needle, key = BAD_CASES[name]
    assert old in BASE
    text = BASE.replace(old, new, 1)
    folder = _write_case(tmp_path, text)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(folder), "--out", str(out), "--json"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    problems = json.loads(result.stdout)[0]["problems"]
    matching = [p for p in problems if p["code"] == code]
    assert matching, problems
    location = matching[0]["location"]
    assert location["file"].endswith("case.yaml")
    assert location.get("key") == key
    if needle is not None:
        assert location["line"] == _line_of(text, needle)
    assert not out.exists() or not any(out.iterdir())
    assert "Traceback" not in result.stderr


def test_vietnamese_capitals_are_not_taken_for_a_legacy_encoding(tmp_path, runner):
    text = BASE.replace("  - Thường trực Tỉnh ủy", "  - Ông Chủ tịch ỦY BAN NHÂN DÂN TỈNH (Ý kiến, Ô tô, ĐỒNG Ý)")
    folder = _write_case(tmp_path, text)
    result = runner.invoke(main, ["validate", str(folder), "--json"])
    assert result.exit_code == 0, result.stderr


def test_all_problems_are_reported_at_once(tmp_path, runner):
    text = BASE.replace("date: 2024-02-05", "date: 2024-02-30").replace(
        "  - lang-son/qd-1699-2023", "  - lang-son/qd-9999-2023").replace("assessed_year: 2023", "assesed_year: 2023")
    folder = _write_case(tmp_path, text)
    result = runner.invoke(main, ["validate", str(folder), "--json"])
    assert result.exit_code == 1
    codes = sorted(p["code"] for p in json.loads(result.stdout)[str(folder)])
    assert codes == ["case.bad_date", "case.unknown_key"]  # schema problems first: the basis is checked once they are fixed
    text = BASE.replace("  - lang-son/qd-1699-2023", "  - lang-son/qd-9999-2023").replace(
        "signer: {name: Hồ Tiến Thiệu, title: Chủ tịch}", "signer: {name: Hồ Tiến Thiệu, title: Chủ tịch, sign_for: TM}"
    ).replace("date: 2024-01-14}", "date: 2024-03-14}")
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(folder), "--json"])
    codes = sorted(p["code"] for p in json.loads(result.stdout)[str(folder)])
    # the criteria set's decision (qd-1699-2023) is no longer cited: a warning beside the errors
    assert codes == ["case.criteria_not_cited", "case.memo_after_decision", "case.signer_authority",
                     "case.unknown_basis"]


def test_messages_are_vietnamese_with_a_hint(tmp_path, runner):
    folder = _write_case(tmp_path, BASE.replace("assessed_year: 2023", "assesed_year: 2023"))
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "case.yaml:" in result.stderr
    assert "Khóa «assesed_year» không có trong mẫu." in result.stderr
    assert "Có phải ý là «assessed_year»?" in result.stderr


def test_a_draft_citing_a_replaced_law_names_the_replacement(tmp_path, runner):
    text = (CASES / "lang-son-2023-sipas-par" / "case.yaml").read_text(encoding="utf-8")
    folder = _write_case(tmp_path, text.replace("as_of: 2024-01-31", ""), "lang-son-2023-sipas-par")
    result = runner.invoke(main, ["validate", str(folder), "--as-of", "2026-11-22", "--json"])
    assert result.exit_code == 1
    replaced = [p for p in json.loads(result.stdout)[str(folder)] if p["code"] == "registry.replaced"]
    assert {p["location"]["key"] for p in replaced} == {"legal_basis[0][0]", "legal_basis[0][1]"}
    assert all("luat-tccqdp-2025" in p["message"] and "16/6/2025" in p["message"] for p in replaced)
    result = runner.invoke(main, ["validate", str(folder), "--as-of", "2024-01-31"])
    assert result.exit_code == 0, result.stderr


def test_a_criteria_set_whose_decision_is_not_cited_is_a_warning(tmp_path, runner):
    text = BASE.replace("  - lang-son/qd-1699-2023\n", "")
    folder = _write_case(tmp_path, text)
    result = runner.invoke(main, ["validate", str(folder), "--json"])
    assert result.exit_code == 0, result.stderr
    [problem] = json.loads(result.stdout)[str(folder)]
    assert problem["code"] == "case.criteria_not_cited" and problem["severity"] == "warning"
    assert "lang-son/qd-1699-2023" in problem["message"] and "par-2023.yaml" in problem["message"]
    assert problem["location"]["key"] == "legal_basis"


def test_missing_agency_list_and_criteria_sets_are_all_reported_at_their_lines(tmp_path, runner):
    text = BASE.replace("agencies: ../../agencies/lang-son-2023.yaml\n", "").replace(
        ", criteria: ../../criteria/lang-son/par-2023.yaml}", "}").replace(
        "  sipas: {sheet: ../lang-son-2023-sipas-par/sipas-2023.xlsx}\n", "")
    folder = _write_case(tmp_path, text)
    result = runner.invoke(main, ["validate", str(folder), "--json"])
    assert result.exit_code == 1
    found = {p["code"]: p["location"] for p in json.loads(result.stdout)[str(folder)]}
    assert set(found) == {"case.missing_key", "case.missing_scores", "case.missing_criteria"}
    assert (found["case.missing_key"]["key"], found["case.missing_key"]["line"]) == (
        "agencies", _line_of(text, "publishes:"))
    assert found["case.missing_scores"]["line"] == _line_of(text, "publishes:")
    assert (found["case.missing_criteria"]["key"], found["case.missing_criteria"]["line"]) == (
        "scores.par.criteria", _line_of(text, "  par: {sheet:"))
    assert all(location["file"].endswith("case.yaml") for location in found.values())


def test_a_criteria_decision_without_its_criteria_set_says_so_at_a_line(tmp_path, runner):
    text = (CASES / "lang-son-2019-bo-tieu-chi" / "case.yaml").read_text(encoding="utf-8")
    folder = _write_case(tmp_path, text.replace("criteria: ../../criteria/lang-son/par-2019.yaml\n", ""),
                         "lang-son-2019-bo-tieu-chi")
    result = runner.invoke(main, ["validate", str(folder), "--json"])
    [problem] = json.loads(result.stdout)[str(folder)]
    assert problem["code"] == "case.missing_key" and problem["location"]["key"] == "criteria"
    assert problem["location"]["line"] == _line_of(text, "template:")
