"""`qdgen preview` starts LibreOffice on the build folder's files before it knows the build is up to date
(`pipeline.archive.ahead`): what it shows must still be the build it then has, never the files it started on."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli.commands import main

CASE = "lang-son-2023-sipas-par"


def _preview(case: Path, build_dir: Path, out: Path) -> dict[str, bytes]:
    result = CliRunner().invoke(main, ["preview", str(case), "--build-dir", str(build_dir), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return {Path(line).name: Path(line).read_bytes() for line in result.stdout.splitlines()}


def test_a_preview_after_an_edit_shows_the_new_build_not_the_files_it_started_on(case_copy, tmp_path):
    case = case_copy(CASE)
    before = _preview(case, tmp_path / "out", tmp_path / "p1")
    again = _preview(case, tmp_path / "out", tmp_path / "p2")  # up to date: the early conversion is kept
    assert again == before
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("name: Hồ Tiến Thiệu", "name: Nguyễn Văn An"), encoding="utf-8")
    edited = _preview(case, tmp_path / "out", tmp_path / "p3")  # starts on the old files, then rebuilds
    fresh = _preview(case, tmp_path / "fresh", tmp_path / "p4")  # nothing built before: nothing started early
    assert edited == fresh
    assert edited.keys() == before.keys() and edited["quyet-dinh-2.png"] != before["quyet-dinh-2.png"]
