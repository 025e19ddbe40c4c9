"""A decision and its annexes in separate files, checked as a set (`qdgen check FOLDER`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.check.checker import check_docx
from pipeline.check.docset import check_files
from tests.test_formatrules import DOCUMENT, _text, rewrite

ISSUED = "lang-son-2023-issued"


@pytest.fixture
def folder(built, tmp_path) -> Path:
    """A copy of the issued decision's folder: quyet-dinh.docx, phu-luc-1-sipas.docx, phu-luc-2-par.docx."""
    target = tmp_path / ISSUED
    shutil.copytree(built / ISSUED, target)
    return target


def change(path: Path, start: str, old: str, new: str) -> None:
    """Replace `old` by `new` in the first paragraph of `path` starting with `start`."""
    rewrite(path, path.with_suffix(".tmp"), {DOCUMENT: _text(start, old, new)}).replace(path)


def problems(folder: Path) -> dict[str, list[str]]:
    results = check_files(sorted(folder.glob("*.docx")))
    return {result.path.name: [problem.code for problem in result.problems] for result in results}


def test_a_matching_set_has_no_problem(folder):
    assert problems(folder) == {"phu-luc-1-sipas.docx": [], "phu-luc-2-par.docx": [], "quyet-dinh.docx": []}


@pytest.mark.parametrize("old,new,expected", [
    ("số 05/QĐ-UBND", "số 06/QĐ-UBND", ("Số, ký hiệu trong dòng dẫn cần trùng với quyết định («05/QĐ-UBND»), "
                                        "thấy «06/QĐ-UBND»")),
    ("ngày 05 tháng 02", "ngày 06 tháng 02", "Ngày trong dòng dẫn cần trùng ngày ban hành quyết định"),
    ("tỉnh Lạng Sơn)", "tỉnh Cao Bằng)", "Cơ quan trong dòng dẫn cần là cơ quan ban hành quyết định"),
])
def test_an_annex_naming_another_decision_is_found_only_beside_its_decision(folder, old, new, expected):
    annex = folder / "phu-luc-2-par.docx"
    change(annex, "(Kèm theo", old, new)
    assert check_docx(annex).problems == ()  # on its own the line is well formed
    [result] = [r for r in check_files(sorted(folder.glob("*.docx"))) if r.path == annex]
    assert [p.code for p in result.problems] == ["ANX-04"]
    problem = result.problems[0]
    assert problem.message.startswith(expected) and "(quyết định ở tệp quyet-dinh.docx)" in problem.message
    assert problem.location.excerpt.startswith("(Kèm theo Quyết định số")
    assert problem.is_error


def test_an_annex_the_decision_does_not_mention_and_a_gap_in_numbering(folder):
    change(folder / "phu-luc-2-par.docx", "Phụ lục II", "Phụ lục II", "Phụ lục III")
    found = problems(folder)
    assert found["quyet-dinh.docx"] == ["BODY-08"]
    assert found["phu-luc-2-par.docx"] == ["ANX-02"]
    assert found["phu-luc-1-sipas.docx"] == []
    [result] = [r for r in check_files([folder / "phu-luc-2-par.docx", folder / "quyet-dinh.docx"])
                if r.path.name == "quyet-dinh.docx"]
    assert "«Phụ lục III» (tệp phu-luc-2-par.docx)" in result.problems[0].message


def test_two_annexes_with_one_numeral(folder):
    change(folder / "phu-luc-2-par.docx", "Phụ lục II", "Phụ lục II", "Phụ lục I")
    found = problems(folder)
    assert found["phu-luc-1-sipas.docx"] == found["phu-luc-2-par.docx"] == ["ANX-02"]


def test_with_two_decisions_in_a_folder_nothing_is_guessed(folder, built):
    shutil.copy(built / "lang-son-2024-khen-thuong" / "quyet-dinh.docx", folder / "quyet-dinh-khac.docx")
    change(folder / "phu-luc-2-par.docx", "(Kèm theo", "số 05/QĐ-UBND", "số 06/QĐ-UBND")
    assert all(codes == [] for codes in problems(folder).values())


def test_files_in_other_folders_are_not_compared(folder, tmp_path):
    elsewhere = tmp_path / "khac"
    elsewhere.mkdir()
    annex = shutil.copy(folder / "phu-luc-2-par.docx", elsewhere / "phu-luc-2-par.docx")
    change(Path(annex), "(Kèm theo", "số 05/QĐ-UBND", "số 06/QĐ-UBND")
    results = check_files([folder / "quyet-dinh.docx", Path(annex)])
    assert [r.problems for r in results] == [(), ()]
