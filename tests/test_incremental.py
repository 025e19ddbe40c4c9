"""Rebuilding only what a legal change affects; regenerating exactly the outdated drafts; issued ones untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli.commands import main
from tests.conftest import ROOT

SCENARIO = ROOT / "fixtures" / "scenarios" / "luat-2025"
NEW_DOCUMENT = """type: Quyết định
number: {number}/QĐ-UBND
date: {date}
issuer: Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn
title: ban hành quy định xác định Chỉ số cải cách hành chính (văn bản thử)
effective: {date}
replaces: [{replaces}]
"""


@pytest.fixture
def workspace(tmp_path):
    """A copy of the fixtures, built once, with an empty extra registry folder."""
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    (tmp_path / "registry").mkdir()
    return tmp_path


def _build(runner, workspace: Path, *extra: str):
    cases = sorted(str(p) for p in (workspace / "fixtures" / "cases").iterdir())
    result = runner.invoke(main, ["build", *cases, "--out", str(workspace / "out"), "--registry",
                                  str(workspace / "registry"), "--json", *extra])
    return result, {Path(r["case"]).name: r for r in json.loads(result.stdout)}


def test_second_build_rebuilds_nothing_and_unrelated_registry_change_neither(runner, workspace):
    result, first = _build(runner, workspace)
    assert result.exit_code == 0, result.stderr
    assert {r["status"] for r in first.values()} == {"built"}
    stamps = {p: p.stat().st_mtime_ns for p in (workspace / "out").rglob("*.docx")}
    result, second = _build(runner, workspace)
    assert {r["status"] for r in second.values()} == {"up_to_date"}
    assert "đã cập nhật" in result.stderr
    (workspace / "registry" / "qd-77-2024.yaml").write_text(NEW_DOCUMENT.format(
        number=77, date="2024-06-01", replaces="lang-son/qd-1863-2018"), encoding="utf-8")
    result, third = _build(runner, workspace)
    assert {r["status"] for r in third.values()} == {"up_to_date"}, third
    assert stamps == {p: p.stat().st_mtime_ns for p in (workspace / "out").rglob("*.docx")}


def test_a_replacing_document_makes_exactly_the_citing_fixture_outdated(runner, workspace):
    _build(runner, workspace)
    # replaces the 2020 criteria decision cited only by the 2020 fixture, before that draft's check day
    (workspace / "registry" / "qd-55-2021.yaml").write_text(NEW_DOCUMENT.format(
        number=55, date="2021-01-20", replaces="lang-son/qd-2498-2020"), encoding="utf-8")
    result, outcome = _build(runner, workspace)
    assert outcome["lang-son-2023-sipas-par"]["status"] == "up_to_date"
    assert outcome["lang-son-2023-issued"]["status"] == "up_to_date"
    outdated = outcome["lang-son-2020-par"]
    assert outdated["status"] == "failed"
    assert outdated["reasons"] == [("Căn cứ: Quyết định số 2498/QĐ-UBND ngày 02/12/2020 của Chủ tịch Ủy ban nhân dân "
                                   "tỉnh về việc ban hành Quy định xác định chỉ số cải cách hành chính các sở, ban, "
                                   "ngành tỉnh, Ủy ban nhân dân các huyện thành phố trên địa bàn tỉnh Lạng Sơn đã được "
                                   "thay thế bởi qd-55-2021 từ 20/01/2021")]
    assert "lỗi thời: Căn cứ:" in result.stderr
    assert [p["code"] for p in outdated["problems"]] == ["registry.replaced"]


def test_an_amendment_rebuilds_the_draft_with_a_warning(runner, workspace):
    _build(runner, workspace)
    (workspace / "registry" / "qd-56-2021.yaml").write_text(NEW_DOCUMENT.format(
        number=56, date="2021-01-20", replaces="x").replace("replaces: [x]", "amends: [lang-son/qd-2498-2020]"),
        encoding="utf-8")
    _result, outcome = _build(runner, workspace)
    rebuilt = outcome["lang-son-2020-par"]
    assert rebuilt["status"] == "built"
    assert rebuilt["reasons"] == ["Căn cứ: lang-son/qd-2498-2020 đã được sửa đổi bởi qd-56-2021"]
    assert [p["code"] for p in rebuilt["problems"]] == ["registry.amendment_not_cited"]
    assert outcome["lang-son-2023-issued"]["status"] == "up_to_date"


def test_regenerate_scenario(runner, tmp_path):
    scenario = tmp_path / "luat-2025"
    shutil.copytree(SCENARIO, scenario)
    draft, issued = scenario / "du-thao-2026", scenario / "da-ban-hanh-2024"
    out = tmp_path / "out"
    # the draft fails validation and names the 2025 law; the issued decision is valid on its date
    result = runner.invoke(main, ["validate", str(draft), "--as-of", "2026-11-22", "--json"])
    assert result.exit_code == 1
    messages = [p["message"] for p in json.loads(result.stdout)[str(draft)] if p["code"] == "registry.replaced"]
    assert messages and all("luat-tccqdp-2025" in m for m in messages)
    assert runner.invoke(main, ["validate", str(issued)]).exit_code == 0
    assert runner.invoke(main, ["build", str(issued), "--out", str(out)]).exit_code == 0
    issued_docx = out / "da-ban-hanh-2024" / "quyet-dinh.docx"
    before = (issued_docx.read_bytes(), issued_docx.stat().st_mtime_ns)
    draft_text = (draft / "case.yaml").read_bytes()

    result = runner.invoke(main, ["regenerate", str(draft), str(issued), "--out", str(out), "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "-Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;" in result.stdout
    assert "+Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;" in result.stdout
    assert "da-ban-hanh-2024: đã ban hành — không tạo lại." in result.stdout
    assert (draft / "case.yaml").read_bytes() == draft_text  # without --apply nothing changes on disk
    assert not (out / "du-thao-2026").exists()

    result = runner.invoke(main, ["regenerate", str(draft), str(issued), "--apply", "--out", str(out),
                                  "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    rewritten = (draft / "case.yaml").read_text(encoding="utf-8")
    assert "  - [luat-tccqdp-2025]\n" in rewritten
    assert "# the Law on Organisation of Local Government and its 2019 amendment" in rewritten  # comments kept
    old_lines = draft_text.decode("utf-8").splitlines()
    assert [line for line in rewritten.splitlines() if line not in old_lines] == ["  - [luat-tccqdp-2025]"]
    assert (out / "du-thao-2026" / "quyet-dinh.docx").exists()
    assert (issued_docx.read_bytes(), issued_docx.stat().st_mtime_ns) == before
    assert (issued / "case.yaml").read_bytes() == (SCENARIO / "da-ban-hanh-2024" / "case.yaml").read_bytes()

    result = runner.invoke(main, ["build", str(draft), str(issued), "--out", str(out), "--as-of", "2026-11-22",
                                  "--json"])
    assert result.exit_code == 0
    assert {r["status"] for r in json.loads(result.stdout)} == {"up_to_date"}


def test_an_issued_decision_whose_output_differs_is_not_rebuilt(runner, tmp_path):
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    case = tmp_path / "fixtures" / "cases" / "lang-son-2023-issued"
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", str(case), "--out", str(out)]).exit_code == 0
    decision = out / case.name / "quyet-dinh.docx"
    before = decision.read_bytes()
    text = (case / "case.yaml").read_text(encoding="utf-8").replace("  - Thường trực HĐND tỉnh\n", "")
    (case / "case.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["build", str(case), "--out", str(out), "--json"])
    assert result.exit_code == 1
    [outcome] = json.loads(result.stdout)
    assert [p["code"] for p in outcome["problems"]] == ["build.issued_changed"]
    assert decision.read_bytes() == before
