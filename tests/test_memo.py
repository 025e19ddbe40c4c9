"""Remembered verdicts (`build.memo`): recalled only while nothing they were computed from changed, and then
without reading, parsing or importing what the full run needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.build import memo
from pipeline.build.options import load_registry
from pipeline.build.stages import BuildOptions, build_cases, validate_cases
from pipeline.kinds.registry import register, unregister
from tests.conftest import BUILD_DAY, ROOT

GENERAL = "ha-noi-2026-quyet-dinh"
PUBLICATION = "lang-son-2023-sipas-par"
ENTRY = """type: Quyết định
number: 88/QĐ-UBND
date: 2024-06-01
issuer: Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn
title: văn bản thử của bộ nhớ kết quả
effective: 2024-06-01
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the fixtures and of the bundled registry, with a cache of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    shutil.copytree(ROOT / "legal_basis", tmp_path / "legal_basis")
    return tmp_path


def _options(project: Path, **changes) -> BuildOptions:
    return BuildOptions(**{"out": project / "out", "registry_dirs": (project / "legal_basis",),
                           "build_day": BUILD_DAY, **changes})


def _case(project: Path, name: str) -> Path:
    return project / "fixtures" / "cases" / name


def _entries(project: Path, command: str) -> list[Path]:
    return sorted((project / "cache" / "qdgen" / "verdicts").glob(f"{command}-*.json"))


def test_a_second_validate_is_recalled_with_the_same_problems_and_an_edit_is_seen(project):
    case = _case(project, GENERAL)
    first = validate_cases([case], _options(project))
    assert first[case] == ()
    assert len(_entries(project, "validate")) == 1
    assert validate_cases([case], _options(project)) == first

    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("signer: {name: Nguyễn Văn An, title: Chủ tịch}\n", ""),
                                    encoding="utf-8")
    edited = validate_cases([case], _options(project))[case]
    assert [(problem.code, problem.location.key) for problem in edited] == [("case.missing_key", "signer")]
    assert validate_cases([case], _options(project))[case] == edited  # remembered again, locations and all


def test_a_verdict_names_its_files_as_the_command_was_given_them(project, monkeypatch):
    case = _case(project, GENERAL)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("signer: {name: Nguyễn Văn An, title: Chủ tịch}\n", ""),
                                    encoding="utf-8")
    monkeypatch.chdir(project / "fixtures")
    here = Path("cases") / GENERAL
    assert [p.location.file for p in validate_cases([here], _options(project))[here]] == [here / "case.yaml"]
    monkeypatch.chdir(project / "fixtures" / "cases")
    there = Path(GENERAL)
    assert [p.location.file for p in validate_cases([there], _options(project))[there]] == [there / "case.yaml"]


def test_a_remembered_case_is_read_again_when_a_sheet_a_registry_file_or_the_day_changes(project):
    case = _case(project, PUBLICATION)
    options = _options(project)
    assert not [p for p in validate_cases([case], options)[case] if p.is_error]
    entry = _entries(project, "validate")[0]
    recorded = json.loads(entry.read_text(encoding="utf-8"))
    assert str((case / "case.yaml").absolute()) in recorded["files"]
    assert any(path.endswith(".xlsx") for path in recorded["files"])
    assert str((project / "legal_basis").absolute()) in recorded["folders"]

    context = {"day": BUILD_DAY, "as_of": None, "cwd": os.getcwd(),
               "registries": [str((project / "legal_basis").resolve())]}
    assert memo.recall("validate", case / "case.yaml", context) is not None
    sheet = next(case.glob("*.xlsx"))
    sheet.write_bytes(sheet.read_bytes()[:1000])
    assert memo.recall("validate", case / "case.yaml", context) is None
    assert [p.code for p in validate_cases([case], options)[case]]  # the damaged sheet is reported
    shutil.copy(ROOT / "fixtures" / "cases" / PUBLICATION / sheet.name, sheet)

    validate_cases([case], options)
    assert memo.recall("validate", case / "case.yaml", context) is not None
    (project / "legal_basis" / "thu-nghiem.yaml").write_text(ENTRY, encoding="utf-8")
    assert memo.recall("validate", case / "case.yaml", context) is None
    assert memo.recall("validate", case / "case.yaml", {**context, "day": BUILD_DAY.replace(day=23)}) is None


def test_a_remembered_build_is_rebuilt_when_its_output_folder_changes_or_goes(project):
    case = _case(project, GENERAL)
    options = _options(project)
    assert [r.status for r in build_cases([case], options)] == ["built"]
    assert [r.status for r in build_cases([case], options)] == ["up_to_date"]
    assert len(_entries(project, "build")) == 1
    shutil.rmtree(project / "out" / GENERAL)
    assert [r.status for r in build_cases([case], options)] == ["built"]
    manifest = project / "out" / GENERAL / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"case"', '"case" ', 1), encoding="utf-8")
    assert [r.status for r in build_cases([case], options)] == ["up_to_date"]  # read again, found up to date
    other = _options(project, build_day=BUILD_DAY.replace(day=23))
    assert [r.status for r in build_cases([case], other)] == ["up_to_date"]
    assert len(_entries(project, "build")) == 2  # one per day


def test_what_cannot_be_hashed_is_never_remembered_and_a_broken_entry_is_a_miss(project):
    folder = project / "data"
    folder.mkdir()
    (folder / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    pipe = project / "pipe.yaml"
    os.mkfifo(pipe)
    assert memo.digest(pipe) is None  # never opened: a pipe would hang its reader
    memo.remember("validate", "thử", {}, (pipe,), (folder,), {"problems": []})
    assert memo.recall("validate", "thử", {}) is None

    memo.remember("validate", "thử", {}, (), (folder,), {"problems": []})
    assert memo.recall("validate", "thử", {}) == {"problems": []}
    assert memo.recall("validate", "thử", {"day": "2026-11-23"}) is None
    (folder / "a.yaml").unlink()
    (project / "elsewhere.yaml").write_text("a: 1\n", encoding="utf-8")
    (folder / "a.yaml").symlink_to(project / "elsewhere.yaml")  # the same bytes, now from outside
    assert memo.recall("validate", "thử", {}) is None

    memo.remember("validate", "thử", {}, (), (folder,), {"problems": []})
    shutil.rmtree(folder)
    assert memo.recall("validate", "thử", {}) is None  # a folder gone is not an empty folder
    [entry] = _entries(project, "validate")
    entry.write_text("{not json", encoding="utf-8")
    assert memo.recall("validate", "thử", {}) is None


def test_the_registry_is_remembered_and_an_edited_entry_is_read_again(project):
    options = _options(project)
    first = load_registry(options)
    assert len(_entries(project, "registry")) == 1
    assert load_registry(options) == first
    path = project / "legal_basis" / "nd-30-2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("công tác văn thư", "công tác văn thư (sửa)"),
                    encoding="utf-8")
    assert "(sửa)" in load_registry(options).get("nd-30-2020").title


def test_answers_from_memory_import_neither_pydantic_nor_the_renderer(project):
    """What makes a remembered answer fast: `validate`, an up-to-date `build` and `basis list` import no
    pydantic, YAML reader or docxtpl (checked in a process of their own)."""
    case = str(_case(project, PUBLICATION))
    out = str(project / "out")
    script = """
import sys
from pipeline.cli.commands import main
code = main(sys.argv[1:], standalone_mode=False)
heavy = sorted(name for name in ("pydantic", "yaml", "docxtpl", "docx", "openpyxl", "lxml") if name in sys.modules)
print(code, ",".join(heavy) or "-")
"""
    env = {**os.environ, "XDG_CACHE_HOME": str(project / "cache")}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env,
                              cwd=project, check=True)
        return done.stdout.split("\n")[-2]

    for args in (["basis", "list"], ["validate", case], ["build", case, "--out", out]):
        assert run(*args).split()[1] != "-"  # the first time everything is read
        assert run(*args) == "0 -", args


def test_a_kind_from_outside_the_package_is_remembered_with_its_own_module(project, tmp_path):
    from tests.kinds_example import giao_nhiem_vu
    from tests.test_kinds import TASKS

    register(giao_nhiem_vu.KIND)
    try:
        folder = tmp_path / "giao-nhiem-vu-2024"
        folder.mkdir()
        (folder / "case.yaml").write_text(TASKS, encoding="utf-8")
        assert validate_cases([folder], _options(project))[folder] == ()
    finally:
        unregister(giao_nhiem_vu.KIND.name)
    [entry] = _entries(project, "validate")
    files = json.loads(entry.read_text(encoding="utf-8"))["files"]
    assert str(Path(giao_nhiem_vu.__file__).absolute()) in files  # its code changes its verdicts too


def test_entries_untouched_for_a_week_are_removed_at_most_once_a_day(tmp_path):
    now = 1_800_000_000.0
    old, recent, staged, other = (tmp_path / name for name in ("validate-a.json", "build-b.json", "x.tmp",
                                                              "ghi-chu.txt"))
    for path, age_days in ((old, 8), (recent, 1), (staged, 9), (other, 30)):
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (now - age_days * 86400, now - age_days * 86400))
    memo.prune(tmp_path, now)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".pruned", "build-b.json", "ghi-chu.txt"]
    os.utime(recent, (now - 8 * 86400, now - 8 * 86400))
    memo.prune(tmp_path, now + 3600)  # pruned an hour ago: nothing is looked at
    assert recent.exists()
    memo.prune(tmp_path, now + 2 * 86400)
    assert not recent.exists() and other.exists()
