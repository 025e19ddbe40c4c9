"""Where a build may write and how: never over an input or a folder it did not make, never two cases into one
folder, never a document its own check fails, whole folders only (also under concurrent writers), umask modes."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import stat
import traceback
from pathlib import Path

import pytest

from pipeline.cli.commands import main
from pipeline.outputs.manifest import Manifest, ManifestDecision, ManifestFile, ManifestSigner
from pipeline.outputs.write import write_build
from tests.conftest import ROOT

CASE = "lang-son-2024-khen-thuong"
ISSUED = "lang-son-2023-issued"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>" for p in folder.rglob("*")}


def _build(runner, *args: str):
    result = runner.invoke(main, ["build", *args, "--json"])
    return result, json.loads(result.stdout) if result.stdout.strip() else []


@pytest.fixture
def fixtures(tmp_path) -> Path:
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    return tmp_path / "fixtures"


def test_out_at_the_folder_holding_the_case_is_refused_and_nothing_is_removed(runner, fixtures):
    cases = fixtures / "cases"
    before = _snapshot(cases)
    result, [outcome] = _build(runner, str(cases / CASE), "--out", str(cases))
    assert result.exit_code == 1
    assert [p["code"] for p in outcome["problems"]] == ["build.out_is_input"]
    assert "chính là đầu vào" in outcome["problems"][0]["message"]
    assert _snapshot(cases) == before


@pytest.mark.parametrize("where", ["inside the case folder", "inside a registry folder", "holding a data file the case reads"])
def test_out_inside_or_around_an_input_is_refused(runner, fixtures, tmp_path, where):
    registry = tmp_path / "registry"
    registry.mkdir()
    case = fixtures / "cases" / "lang-son-2023-sipas-par"
    out = {"inside the case folder": case / "out", "inside a registry folder": registry / "out",
           "holding a data file the case reads": None}[where]
    if out is None:  # a case named like the data folder it reads: out/<name> is that folder
        shutil.copytree(case, fixtures / "cases" / "agencies")
        case = fixtures / "cases" / "agencies"
        out = fixtures  # out/agencies is the folder holding the case's agency list (../../agencies/…)
    before = _snapshot(fixtures)
    result, [outcome] = _build(runner, str(case), "--out", str(out), "--registry", str(registry))
    assert result.exit_code == 1, outcome
    assert [p["code"] for p in outcome["problems"] if p["severity"] == "error"] == ["build.out_is_input"]
    assert _snapshot(fixtures) == before


@pytest.mark.parametrize("kind", ["folder", "file", "symlink"])
def test_an_existing_target_that_is_not_a_build_is_refused_and_kept(runner, fixtures, tmp_path, kind):
    out = tmp_path / "out"
    out.mkdir()
    target = out / CASE
    if kind == "folder":
        target.mkdir()
        (target / "ghi-chu.txt").write_text("của người dùng", encoding="utf-8")
        (target / "manifest.json").write_text('{"generator": "khác"}', encoding="utf-8")
    elif kind == "file":
        target.write_text("của người dùng", encoding="utf-8")
    else:
        target.symlink_to(fixtures / "cases" / ISSUED)
    before = _snapshot(out)
    result, [outcome] = _build(runner, str(fixtures / "cases" / CASE), "--out", str(out))
    assert result.exit_code == 1
    assert [p["code"] for p in outcome["problems"]] == ["build.out_not_a_build"]
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == [CASE]  # no `.name.old`, no staging left


def test_an_empty_folder_and_a_previous_build_are_replaced(runner, fixtures, tmp_path):
    draft, out = fixtures / "cases" / "lang-son-2020-par", tmp_path / "out"
    (out / draft.name).mkdir(parents=True)
    result, [outcome] = _build(runner, str(draft), "--out", str(out))
    assert result.exit_code == 0 and outcome["status"] == "built"
    text = (draft / "case.yaml").read_text(encoding="utf-8")
    (draft / "case.yaml").write_text(text + "\n", encoding="utf-8")
    result, [outcome] = _build(runner, str(draft), "--out", str(out))
    assert result.exit_code == 0 and outcome["status"] == "built"
    assert outcome["reasons"] == ["hồ sơ case.yaml đã thay đổi"]


@pytest.mark.parametrize("name", [CASE, ISSUED])
def test_two_cases_with_one_folder_name_are_both_refused_before_anything_is_written(runner, fixtures, tmp_path,
                                                                                    name):
    first, second = fixtures / "a" / name, fixtures / "b" / name
    shutil.copytree(fixtures / "cases" / name, first)
    shutil.copytree(fixtures / "cases" / name, second)
    out = tmp_path / "out"
    result, outcomes = _build(runner, str(first), str(fixtures / "cases" / "lang-son-2019-bo-tieu-chi"),
                              str(second), "--out", str(out))
    assert result.exit_code == 1
    assert [o["status"] for o in outcomes] == ["failed", "built", "failed"]
    for outcome, other in ((outcomes[0], second), (outcomes[2], first)):
        [problem] = outcome["problems"]
        assert problem["code"] == "build.same_output"
        assert str(other) in problem["message"] and outcome["case"] in problem["message"]
    assert sorted(p.name for p in out.iterdir()) == ["lang-son-2019-bo-tieu-chi"]


def test_a_decision_its_own_check_fails_is_not_written(runner, fixtures, tmp_path):
    case = fixtures / "cases" / CASE
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("name: Hồ Tiến Thiệu", 'name: "{{ 7*7 }} </w:t>"'), encoding="utf-8")
    out = tmp_path / "out"
    result, [outcome] = _build(runner, str(case), "--out", str(out))
    assert result.exit_code == 1 and outcome["status"] == "failed"
    codes = [p["code"] for p in outcome["problems"]]
    assert "SIGN-03" in codes and codes[-1] == "build.fails_check"
    sign = next(p for p in outcome["problems"] if p["code"] == "SIGN-03")
    assert sign["location"]["file"] == str(out / CASE / "quyet-dinh.docx")
    assert "{{ 7*7 }}" in sign["message"]  # the text came back verbatim, not evaluated
    assert not out.exists()


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_output_folders_get_the_mode_of_the_umask(runner, fixtures, tmp_path, umask):
    previous = os.umask(umask)
    try:
        result, _ = _build(runner, str(fixtures / "cases" / CASE), "--out", str(tmp_path / "out"))
    finally:
        os.umask(previous)
    assert result.exit_code == 0
    assert stat.S_IMODE((tmp_path / "out" / CASE).stat().st_mode) == 0o777 & ~umask
    assert stat.S_IMODE((tmp_path / "out" / CASE / "quyet-dinh.docx").stat().st_mode) == 0o666 & ~umask


def test_leftovers_of_killed_runs_are_removed_and_nothing_else(runner, fixtures, tmp_path):
    out = tmp_path / "out"
    leftovers = [out / f".{CASE}.new-0123abcd", out / f".{CASE}.old-89abcdef", out / f".{CASE}.gmm22yqo",
                 out / f".{CASE}.old"]  # the last two: staging and retired folders of an older qdgen
    kept = [out / f".{CASE}x.new-0123abcd", out / f".{CASE}.new-notours", out / f".{CASE}.abcd_123"]
    for folder in leftovers + kept:
        folder.mkdir(parents=True)
        (folder / "quyet-dinh.docx").write_bytes(b"half")
    (kept[-1] / "ghi-chu.txt").write_text("a clerk's folder an older qdgen moved aside", encoding="utf-8")
    result, _ = _build(runner, str(fixtures / "cases" / CASE), "--out", str(out))
    assert result.exit_code == 0
    assert not any(folder.exists() for folder in leftovers)
    assert all(path.exists() for path in kept)


# ------------------------------------------------------------------ concurrent writers and a reader

WRITERS, WRITES = 4, 50


def _manifest(artifacts) -> Manifest:
    decision = ManifestDecision(None, "QĐ-UBND", None, "2024-01", True, "x", "x", "x", "x",
                                ManifestSigner("x", "x", ()), (), ())
    return Manifest("qdgen test", "x", decision,
                    tuple(ManifestFile(a.path.name, a.kind, a.sha256) for a in artifacts), {}, ())


def _payload(writer: int, n: int) -> bytes:
    body = f"{writer}:{n}:".encode() * 2000
    return hashlib.sha256(body).hexdigest().encode() + body


def _whole(data: bytes) -> bool:
    return hashlib.sha256(data[64:]).hexdigest().encode() == data[:64]


def _writer(target: Path, writer: int, errors) -> None:
    try:
        for n in range(WRITES):
            documents = {name: ("annex", _payload(writer, n)) for name in ("quyet-dinh.docx", "phu-luc-1.docx")}
            written = write_build(target, documents, _manifest)
            assert len(written.artifacts) == 2, written.problems
    except BaseException:
        errors.put(traceback.format_exc())
        raise


def _reader(target: Path, reading, done, errors, reads) -> None:
    try:
        while not done.is_set():
            manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))  # raises if missing
            assert sorted(f["path"] for f in manifest["files"]) == ["phu-luc-1.docx", "quyet-dinh.docx"]
            for name in ("quyet-dinh.docx", "phu-luc-1.docx"):
                assert _whole((target / name).read_bytes()), name
            reads.value += 1
            reading.set()
    except BaseException:
        errors.put(traceback.format_exc())
        raise
    finally:
        reading.set()  # also when it failed at once: the test goes on and reports why


def test_parallel_writers_never_show_a_reader_a_missing_or_half_folder(tmp_path):
    context = multiprocessing.get_context("fork")
    target = tmp_path / "out" / "x"
    errors, reading, done, reads = context.Queue(), context.Event(), context.Event(), context.Value("i", 0)
    write_build(target, {"quyet-dinh.docx": ("decision", _payload(9, 0)),
                         "phu-luc-1.docx": ("annex", _payload(9, 0))}, _manifest)
    writers = [context.Process(target=_writer, args=(target, i, errors)) for i in range(WRITERS)]
    reader = context.Process(target=_reader, args=(target, reading, done, errors, reads))
    reader.start()
    reading.wait()  # the writers start once the reader reads, so it reads while they write
    for process in writers:
        process.start()
    for process in writers:
        process.join()
    done.set()
    reader.join()
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert not found, found[0]
    assert reads.value > 0
    left = sorted(p.name for p in target.parent.iterdir())  # no staging folder; the last retired one only
    assert len(left) == 2 and left[0].startswith(".x.old-") and left[1] == "x", left
    assert all(_whole((target / name).read_bytes()) for name in ("quyet-dinh.docx", "phu-luc-1.docx"))
