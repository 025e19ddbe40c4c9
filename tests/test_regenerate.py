"""`regenerate` never leaves a draft that cannot be built: a plan names what else must change with its căn cứ
(the decision's date, and past 01/7/2025 the agency list and the wording), and `--apply` changes nothing then."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from pipeline.build import regenerate as regen
from pipeline.build.stages import BuildOptions
from pipeline.cli.commands import main
from tests.conftest import ROOT

SCENARIO = ROOT / "fixtures" / "scenarios" / "luat-2025"
AS_OF = "2026-11-22"


@pytest.fixture
def january_2024_draft(tmp_path) -> Path:
    """The scenario's draft dated January 2024 (memo December 2023), told to the district chairs too."""
    draft = tmp_path / "du-thao-2024"
    shutil.copytree(SCENARIO / "du-thao-2026", draft)
    text = (draft / "case.yaml").read_text(encoding="utf-8")
    text = text.replace("date: 2026-12\n", "date: 2024-01\n").replace("date: 2026-11-10}", "date: 2023-12-20}")
    text = text.replace("  - Giám đốc Sở Nội vụ\n", "  - Giám đốc Sở Nội vụ\n"
                                                   "  - Chủ tịch Ủy ban nhân dân các huyện, thành phố\n")
    (draft / "case.yaml").write_text(text, encoding="utf-8")
    return draft


def _plan(case: Path, out: Path) -> regen.CasePlan:
    options = BuildOptions(out=out, as_of=dt.date.fromisoformat(AS_OF))
    [plan] = regen.plan([case], regen.load_registry(options), options)
    return plan


def test_a_draft_dated_before_the_replacement_needs_a_new_date_and_nothing_is_applied(runner, january_2024_draft,
                                                                                       tmp_path):
    out = tmp_path / "out"
    plan = _plan(january_2024_draft, out)
    assert plan.state is regen.State.NEEDS_DECISION
    assert "+Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;" in plan.diff  # the rewrite it would need
    date_item, district_item = plan.decisions
    assert "«luat-tccqdp-2025»" in date_item and "sửa date thành một ngày từ 16/6/2025 trở đi" in date_item
    assert "case.yaml:7: date" in date_item
    assert "01/7/2025" in district_item and "case.yaml:27: executors[2]" in district_item

    before = (january_2024_draft / "case.yaml").read_bytes()
    for extra in ([], ["--apply"]):
        result = runner.invoke(main, ["regenerate", str(january_2024_draft), "--out", str(out), "--as-of", AS_OF,
                                      *extra])
        assert result.exit_code == 1
        assert "sửa date thành một ngày từ 16/6/2025 trở đi" in result.stdout
        assert "executors[2]" in result.stdout
        assert (january_2024_draft / "case.yaml").read_bytes() == before
        assert not out.exists()


def test_once_the_date_is_moved_the_draft_is_rewritten_and_builds(runner, january_2024_draft, tmp_path):
    case = january_2024_draft / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("date: 2024-01\n", "date: 2025-06-20\n"),
                    encoding="utf-8")
    assert _plan(january_2024_draft, tmp_path / "out").state is regen.State.OUTDATED
    result = runner.invoke(main, ["regenerate", str(january_2024_draft), "--apply", "--out", str(tmp_path / "out"),
                                  "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "  - [luat-tccqdp-2025]\n" in case.read_text(encoding="utf-8")
    assert (tmp_path / "out" / january_2024_draft.name / "quyet-dinh.docx").exists()


def test_apply_gives_the_case_file_back_when_the_rewritten_draft_cannot_be_built(runner, tmp_path):
    draft = tmp_path / "du-thao-2026"
    shutil.copytree(SCENARIO / "du-thao-2026", draft)
    out = tmp_path / "out"
    (out / draft.name).mkdir(parents=True)
    (out / draft.name / "ghi-chu.txt").write_text("của người dùng", encoding="utf-8")  # not a build: refused
    before = (draft / "case.yaml").read_bytes()
    result = runner.invoke(main, ["regenerate", str(draft), "--apply", "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "[regenerate.not_applied]" in result.output and "[build.out_not_a_build]" in result.output
    assert (draft / "case.yaml").read_bytes() == before
    assert [p.name for p in (out / draft.name).iterdir()] == ["ghi-chu.txt"]


def test_plan_states_are_an_enum_of_the_same_strings(tmp_path):
    assert [state.value for state in regen.State] == ["issued", "current", "outdated", "needs_decision",
                                                      "unreadable"]
    plan = _plan(SCENARIO / "da-ban-hanh-2024", tmp_path)
    assert plan.state is regen.ISSUED and plan.state == "issued"
    assert json.dumps(plan.state) == '"issued"'


@pytest.mark.parametrize("date, opening", [("2024-01", "Nếu ngày mới từ 01/7/2025 trở đi"),
                                           ("2026-02", "Quyết định ngày 2026-02")])
def test_a_2023_publication_moved_past_july_2025_names_the_agencies_that_cease_and_their_successors(
        case_copy, tmp_path, date, opening):
    """Before the date is moved (the plan says it must move) and after (the case is dated 2026-02 already)."""
    folder = case_copy("lang-son-2023-sipas-par")
    case = folder / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("date: 2024-01\n", f"date: {date}\n"), encoding="utf-8")
    plan = _plan(folder, tmp_path / "out")
    assert plan.state is regen.State.NEEDS_DECISION
    assert "+Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;" in plan.diff
    [agencies] = [item for item in plan.decisions if "đổi agencies" in item]
    assert agencies.startswith(opening) and "case.yaml:27: agencies" in agencies
    assert "«Sở Kế hoạch và Đầu tư» → Sở Tài chính (không còn từ 01/3/2025)" in agencies
    assert "«UBND huyện Tràng Định» (không còn từ 01/7/2025)" in agencies
    assert "có 18 cơ quan không còn" in agencies
    wording = [item for item in plan.decisions if item.startswith("Câu chữ chuẩn tự đổi")]
    assert wording == ([] if date == "2026-02" else [
        ("Câu chữ chuẩn tự đổi theo ngày mới: «Ủy ban nhân dân các huyện, thành phố» → «Ủy ban nhân dân các xã, "
        "phường»; «Chủ tịch Ủy ban nhân dân các huyện, thành phố» → «Chủ tịch Ủy ban nhân dân các xã, phường».")])
