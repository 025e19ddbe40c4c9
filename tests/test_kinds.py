"""Decision kinds: a kind is one module (keys, checks, inputs, composition, documents); a new one is added
without touching the package, and each kind's keys are its own."""

from __future__ import annotations

import json
import subprocess
import sys

import docx
import pytest

from pipeline.build.stages import BuildOptions, BuildStatus, build_cases, validate_cases
from pipeline.kinds.registry import kind_named, kinds, register, unregister
from tests.conftest import BUILD_DAY, CASES
from tests.kinds_example import giao_nhiem_vu

TASKS = """\
template: giao-nhiem-vu
issuer: {province: Lạng Sơn, authority: chu-tich}
number: 77
date: 2024-03-08
subject: Về việc giao nhiệm vụ tổ chức Hội nghị công bố Chỉ số cải cách hành chính năm 2023
legal_basis:
  - [luat-tccqdp-2015, luat-sua-doi-tccp-tccqdp-2019]
assignee: Sở Nội vụ
tasks:
  - chủ trì tổ chức Hội nghị công bố Chỉ số cải cách hành chính năm 2023
  - tổng hợp kết quả và báo cáo Ủy ban nhân dân tỉnh trước ngày 30/3/2024
executors: [Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ]
signer: {name: Hồ Tiến Thiệu, title: Chủ tịch}
recipients: [Thường trực Tỉnh ủy]
"""


@pytest.fixture
def task_kind():
    """The example kind, registered through the public hook for one test."""
    register(giao_nhiem_vu.KIND)
    yield giao_nhiem_vu.KIND
    unregister(giao_nhiem_vu.KIND.name)


def _case(tmp_path, text: str):
    folder = tmp_path / "giao-nhiem-vu-2024"
    folder.mkdir()
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_kind_defined_outside_the_package_builds(tmp_path, task_kind):
    folder = _case(tmp_path, TASKS)
    [result] = build_cases([folder], BuildOptions(out=tmp_path / "out", build_day=BUILD_DAY))
    assert result.status is BuildStatus.BUILT, [f"{p.code} {p.message}" for p in result.problems]
    body = [p.text for p in docx.Document(result.out_dir / "quyet-dinh.docx").paragraphs if p.text.strip()]
    assert "Điều 1. Giao Sở Nội vụ chủ trì tổ chức Hội nghị công bố Chỉ số cải cách hành chính năm 2023." in body
    assert body[-1].startswith("Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ chịu trách")
    manifest = json.loads((result.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["files"]] == ["quyet-dinh.docx"]
    assert {"template:giao-nhiem-vu", "wording"} <= set(manifest["fingerprints"])
    # its template and wording are fingerprinted like a bundled kind's: nothing changed, nothing rebuilt
    [again] = build_cases([folder], BuildOptions(out=tmp_path / "out", build_day=BUILD_DAY))
    assert again.status is BuildStatus.UP_TO_DATE


def test_a_key_of_another_kind_names_the_kinds_that_take_it(tmp_path, task_kind):
    folder = _case(tmp_path, TASKS + "publishes: [par]\narticles: [Giao Sở Tài chính bố trí kinh phí.]\n")
    problems = validate_cases([folder], BuildOptions(out=tmp_path, build_day=BUILD_DAY))[folder]
    found = {p.location.key: p for p in problems}
    assert set(found) == {"publishes", "articles"}
    assert all(p.code == "case.key_of_other_kind" for p in problems)
    assert "«giao-nhiem-vu»" in found["publishes"].message and "«cong-bo-chi-so»" in found["publishes"].hint
    assert "«quyet-dinh»" in found["articles"].hint
    lines = TASKS.count("\n")
    assert (found["publishes"].location.line, found["articles"].location.line) == (lines + 1, lines + 2)


def test_a_kind_unknown_to_this_process_is_an_unknown_template(tmp_path):
    folder = _case(tmp_path, TASKS)
    [problem] = validate_cases([folder], BuildOptions(out=tmp_path, build_day=BUILD_DAY))[folder]
    assert problem.code == "case.unknown_template" and problem.location.line == 1
    assert "giao-nhiem-vu" not in kinds()


def test_publishes_in_a_general_decision_says_which_kind_takes_it(tmp_path, case_copy):
    folder = case_copy("lang-son-2024-khen-thuong")
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(text.replace("effective_clause: true", "effective_clause: true\n"
                                                   "publishes: [par]\ncriteria: x.yaml"), encoding="utf-8")
    problems = validate_cases([folder], BuildOptions(out=tmp_path, build_day=BUILD_DAY))[folder]
    assert [(p.code, p.location.key) for p in problems] == [("case.key_of_other_kind", "publishes"),
                                                            ("case.key_of_other_kind", "criteria")]
    assert "«cong-bo-chi-so»" in problems[0].hint and "«ban-hanh-bo-tieu-chi»" in problems[1].hint


def test_every_bundled_kind_has_its_files_and_a_fixture_case():
    cases = [(case / "case.yaml").read_text(encoding="utf-8") for case in CASES.iterdir()]
    for name in ("quyet-dinh", "cong-bo-chi-so", "ban-hanh-bo-tieu-chi"):
        kind = kind_named(name)
        assert kind.template_file.is_file() and kind.wording_file.is_file()
        for produced in (kind.annex_template, kind.attachment_template):
            assert produced is None or produced.is_file()
        assert any(f"\ntemplate: {name}\n" in text for text in cases), name


@pytest.mark.parametrize("value", ["[quyet-dinh]", "{a: 1}", "12", "null"])
def test_a_template_that_is_not_a_name_is_reported_not_raised(tmp_path, value):
    folder = _case(tmp_path, TASKS.replace("template: giao-nhiem-vu", f"template: {value}"))
    [problem] = validate_cases([folder], BuildOptions(out=tmp_path, build_day=BUILD_DAY))[folder]
    assert problem.code in {"case.unknown_template", "case.missing_key"} and problem.location.line == 1


def test_a_kind_names_its_own_placeholders_for_wording_overrides(tmp_path, task_kind):
    folder = _case(tmp_path, TASKS + "wording: {task: 'Giao cho {executor}: {task}.', executors: '{tas} thi hành.'}\n")
    problems = validate_cases([folder], BuildOptions(out=tmp_path, build_day=BUILD_DAY))[folder]
    assert [(p.code, p.location.key) for p in problems] == [("case.bad_wording", "wording.executors")]
    assert "tas" in problems[0].message and "task" in problems[0].hint


def test_states_are_enums_that_write_their_old_strings():
    from pipeline.domain.legal import IN_FORCE, LegalState
    from pipeline.domain.outdated import CitedStatus, citations_digest

    assert IN_FORCE is LegalState.IN_FORCE and json.dumps([IN_FORCE, BuildStatus.UP_TO_DATE]) == \
        '["in_force", "up_to_date"]'
    assert BuildStatus.FAILED == "failed" and f"{LegalState.NOT_YET}" == "not_yet_in_force"
    # fingerprints recorded before the enums still match: a build made then is up to date now
    assert citations_digest([CitedStatus("a", "t", IN_FORCE, None, None, ())]) == \
        citations_digest([CitedStatus("a", "t", "in_force", None, None, ())])  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["registry", "base", "compose", "cong_bo_chi_so", "Cong-Bo-Chi-So",
                                   "../cong-bo-chi-so", "cong-bo-chi-so.py", "os"])
def test_a_template_naming_a_module_but_no_kind_is_an_unknown_template(tmp_path, value):
    """`find_kind` imports the module a name would have only within `pipeline.kinds`, and takes it only if
    its KIND has that very name."""
    folder = _case(tmp_path, TASKS.replace("template: giao-nhiem-vu", f"template: '{value}'"))
    [problem] = validate_cases([folder], BuildOptions(out=tmp_path, build_day=BUILD_DAY))[folder]
    assert problem.code == "case.unknown_template", problem


def test_reading_a_case_imports_its_own_kind_only(tmp_path):
    """A command reading one case pays for one kind's module and schema, not every kind's."""
    script = """
import sys
from pathlib import Path
from pipeline.inputs.load import read_case
read_case(Path(sys.argv[1]))
print(sorted(name for name in sys.modules if name.startswith("pipeline.kinds.") and name.count(".") == 2))
"""
    done = subprocess.run([sys.executable, "-c", script, str(CASES / "lang-son-2024-khen-thuong")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['pipeline.kinds.base', 'pipeline.kinds.compose', " \
                                  "'pipeline.kinds.quyet_dinh', 'pipeline.kinds.registry']"
