"""What `build.memo` keeps between processes besides verdicts: a prepared case, a compiled template, a check of
the same bytes and parsed input files. Each is given back only while what it was computed from is unchanged,
and gives what computing it again gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.build import memo, remembered
from pipeline.inputs.cache import ParsedFiles
from pipeline.inputs.criteria import read_criteria
from pipeline.outputs.verify import check_outputs
from tests.conftest import ROOT
from tests.test_formatrules import _margin, rewrite

PUBLICATION = "lang-son-2023-sipas-par"
HEAVY = ("pydantic", "yaml", "docxtpl", "docx", "openpyxl", "pipeline.check.checker", "pipeline.inputs.schema")
BUILD_AND_LIST_IMPORTS = f"""
import sys
from pipeline.cli.commands import main
code = main(sys.argv[1:], standalone_mode=False)
print(code, ",".join(name for name in {HEAVY!r} if name in sys.modules) or "-")
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the fixtures and of the bundled registry, with a cache of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    shutil.copytree(ROOT / "legal_basis", tmp_path / "legal_basis")
    return tmp_path


def _qdgen(project: Path, *args: str) -> str:
    """`qdgen ARGS` in a process of its own: its exit code and the heavy modules it imported."""
    done = subprocess.run([sys.executable, "-c", BUILD_AND_LIST_IMPORTS, *args], capture_output=True, text=True,
                          cwd=project, check=True, env={**os.environ, "XDG_CACHE_HOME": str(project / "cache")})
    return done.stdout.split("\n")[-2]


def _document_xml(folder: Path) -> str:
    with zipfile.ZipFile(folder / "quyet-dinh.docx") as package:
        return package.read("word/document.xml").decode("utf-8")


def test_a_case_built_before_goes_into_another_folder_unread_and_byte_identical_and_an_edit_is_read(project):
    case = project / "fixtures" / "cases" / PUBLICATION
    assert _qdgen(project, "build", str(case), "--out", "first").split()[0] == "0"
    again = _qdgen(project, "build", str(case), "--out", "second")
    assert again == "0 -"  # not read, validated, compiled nor checked again
    first, second = project / "first" / PUBLICATION, project / "second" / PUBLICATION
    for produced in sorted(first.glob("*.docx")):
        assert (second / produced.name).read_bytes() == produced.read_bytes(), produced.name
    assert (first / "manifest.json").read_bytes() != b""

    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("name: Hồ Tiến Thiệu,", "name: Nguyễn Văn Bình,"), encoding="utf-8")
    edited = _qdgen(project, "build", str(case), "--out", "third")
    assert edited.split()[0] == "0" and "pydantic" in edited and "yaml" in edited
    assert "Nguyễn Văn Bình" in _document_xml(project / "third" / PUBLICATION)
    assert "Nguyễn Văn Bình" not in _document_xml(second)


def test_a_check_of_the_same_bytes_is_remembered_with_its_problems_placed_in_the_new_folder(project, built):
    broken = project / "broken"
    broken.mkdir()
    rewrite(built / PUBLICATION / "quyet-dinh.docx", broken / "quyet-dinh.docx",
            {"word/document.xml": _margin("left", "567")})  # 1 cm: FMT-PAGE's lower bound is 3 cm
    found = remembered.checked([broken / "quyet-dinh.docx"])
    assert any(problem.is_error for problem in found)
    elsewhere = project / "elsewhere"
    shutil.copytree(broken, elsewhere)
    recalled = remembered.checked([elsewhere / "quyet-dinh.docx"])
    assert recalled == check_outputs([elsewhere / "quyet-dinh.docx"])
    assert {problem.location.file for problem in recalled} <= {elsewhere, elsewhere / "quyet-dinh.docx"}


def test_a_parse_is_kept_for_the_next_process_and_read_again_when_its_file_changes(project):
    criteria = project / "fixtures" / "criteria" / "lang-son" / "par-2023.yaml"
    calls = []

    def counted(path: Path):
        calls.append(path)
        return read_criteria(path)

    first = ParsedFiles(remembered.KeptParses()).read(counted, criteria)
    kept = ParsedFiles(remembered.KeptParses()).read(counted, criteria)  # a new process's cache: only the memo
    assert kept == first and len(calls) == 1
    with criteria.open("a", encoding="utf-8") as edited:
        edited.write("# sửa\n")
    ParsedFiles(remembered.KeptParses()).read(counted, criteria)
    assert len(calls) == 2


def test_nothing_is_recalled_from_a_cache_folder_others_may_write_into(project):
    memo.remember_object("prepared", "thử", {}, (), (), {"a": (1, 2)})
    assert memo.recall_object("prepared", "thử", {}) == {"a": (1, 2)}
    folder = memo.cache_folder()
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)  # anyone could plant a pickle there
    assert memo.recall_object("prepared", "thử", {}) is None
    assert memo.recall("prepared", "thử", {}) is None
    folder.chmod(0o755)
    assert memo.recall_object("prepared", "thử", {}) == {"a": (1, 2)}


def test_an_object_that_cannot_be_pickled_is_not_kept_and_fails_nothing(project):
    memo.remember_object("prepared", "thử", {}, (), (), lambda: None)
    assert memo.recall_object("prepared", "thử", {}) is None
