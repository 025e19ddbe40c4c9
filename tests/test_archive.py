"""PDF/A archive copies with the real LibreOffice, checked by Apache PDFBox Preflight and Poppler.

LibreOffice runs a handful of times for the whole module: once for its raw output (validated
before normalisation), once per archive run. Speed is measured in benchmarks/archive.py, not here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import docx
import pikepdf
import pytest

from pipeline.archive import office
from pipeline.archive.pdfa import declared_level, unembedded_fonts
from pipeline.archive.store import RECORD, ArchiveOutcome, Status, archive_ahead, archive_batch, preview
from pipeline.build.stages import BuildOptions, build_cases
from pipeline.problems import InputError
from pipeline.vn import long_date
from tests.conftest import BUILD_DAY

PREFLIGHT_JARS = ("preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation",
                  "jaxb-api")


@dataclass(frozen=True)
class Archived:
    issued: tuple[Path, ...]  # build folders of issued decisions
    drafts: tuple[Path, ...]
    raw: dict[Path, bytes]  # each issued .docx → LibreOffice's own PDF/A-1b, before normalisation
    root: Path
    outcomes: dict[Path, ArchiveOutcome]  # every fixture, archived in one batch

    def manifest(self, build_dir: Path) -> dict:
        return json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))

    def copy_of(self, build_dir: Path) -> Path:
        version = self.outcomes[build_dir].version
        assert version is not None
        return next(version.glob("*.pdf"))


@pytest.fixture(scope="module")
def archived(built, tmp_path_factory) -> Archived:
    folders = sorted(p for p in built.iterdir() if (p / "manifest.json").exists())
    manifests = {p: json.loads((p / "manifest.json").read_text(encoding="utf-8")) for p in folders}
    issued = tuple(p for p in folders if not manifests[p]["decision"]["is_draft"])
    assert issued, "the fixtures need at least one issued decision"
    sources = [p / f["path"] for p in issued for f in manifests[p]["files"]]
    raw = office.convert_batch([office.Job(path, path.read_bytes()) for path in sources], pdfa=1)
    assert all(item.pdf for item in raw), [item.problem for item in raw]
    root = tmp_path_factory.mktemp("archive")
    outcomes = archive_batch(folders, root)
    return Archived(issued, tuple(p for p in folders if p not in issued),
                    {item.job.path: item.pdf for item in raw if item.pdf}, root,
                    dict(zip(folders, outcomes, strict=True)))


def _preflight(pdf: Path) -> subprocess.CompletedProcess[str]:
    classpath = os.pathsep.join(f"/usr/share/java/{jar}.jar" for jar in PREFLIGHT_JARS)
    return subprocess.run(["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(pdf)],
                          capture_output=True, text=True, check=False)


def _letters(text: str) -> str:
    """NFC text without spaces and hyphens: line breaks move spaces, pdftotext drops a hyphen that ends a
    line (`Sở Lao động -⏎Thương binh`), but every letter and its diacritics must be there."""
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFC", text))


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _files(root: Path) -> dict[Path, bytes]:
    return {path.relative_to(root): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


# ---------------------------------------------------------------- the copy itself


def test_libreoffice_output_is_valid_pdfa_1b_before_normalisation(archived, tmp_path):
    for source, pdf in archived.raw.items():
        path = tmp_path / f"{source.parent.name}-{source.stem}.pdf"
        path.write_bytes(pdf)
        result = _preflight(path)
        assert result.returncode == 0, (source, result.stdout[-2000:])


def test_each_issued_decision_gets_one_valid_pdfa_1b_copy(archived):
    for build_dir in archived.issued:
        outcome = archived.outcomes[build_dir]
        assert outcome.status is Status.CREATED, outcome.problems
        assert outcome.version is not None and outcome.version.name == "v1"
        result = _preflight(archived.copy_of(build_dir))
        assert result.returncode == 0, result.stdout[-2000:]


def test_copy_declares_pdfa_1b_and_carries_the_decision_metadata(archived):
    for build_dir in archived.issued:
        decision = archived.manifest(build_dir)["decision"]
        data = archived.copy_of(build_dir).read_bytes()
        assert declared_level(data) == "1B"
        with pikepdf.open(archived.copy_of(build_dir)) as pdf:
            info = {key: str(value) for key, value in pdf.docinfo.items()}
            with pdf.open_metadata() as xmp:
                assert xmp["pdfaid:part"] == "1" and xmp["pdfaid:conformance"] == "B"
                assert xmp["dc:title"] == decision["subject"]
                assert xmp["xmp:CreateDate"].startswith(decision["date"])
        issued = dt.date.fromisoformat(decision["date"]).strftime("D:%Y%m%d")
        assert info["/Title"] == decision["subject"]
        assert info["/Subject"] == decision["number_text"]
        assert info["/Author"] == decision["issuing_body"]
        assert decision["number_text"] in info["/Keywords"]
        assert info["/CreationDate"].startswith(issued) and info["/ModDate"].startswith(issued)


def test_every_font_is_embedded(archived):
    for build_dir in archived.issued:
        pdf = archived.copy_of(build_dir)
        assert unembedded_fonts(pdf.read_bytes()) == ()
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]  # name type encoding emb sub uni object ID
        embedded = re.compile(r"\syes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$")
        assert rows and all(embedded.search(row) for row in rows), listing


def test_pages_are_the_decision_then_its_annexes_numbered_as_in_the_docx(archived):
    for build_dir in archived.issued:
        manifest = archived.manifest(build_dir)
        parts = [next(f["path"] for f in manifest["files"] if f["kind"] == "decision")]
        parts += [annex["file"] for annex in manifest["decision"]["annexes"]]
        counts, orientations = [], []
        for name in parts:
            with pikepdf.open(io.BytesIO(archived.raw[build_dir / name])) as raw:
                counts.append(len(raw.pages))
                orientations += [float(page.mediabox[2]) > float(page.mediabox[3]) for page in raw.pages]
        record = json.loads((archived.outcomes[build_dir].version / RECORD).read_text(encoding="utf-8"))
        with pikepdf.open(archived.copy_of(build_dir)) as pdf:
            assert len(pdf.pages) == sum(counts) == record["PageAmount"]
            landscape = [float(page.mediabox[2]) > float(page.mediabox[3]) for page in pdf.pages]
            labels = [page.label for page in pdf.pages]
        assert landscape == orientations  # each part keeps its own orientation
        assert not any(orientations[:counts[0]])  # the decision is portrait
        annex_pages = [flag for annex, count, first in zip(manifest["decision"]["annexes"], counts[1:],
                                                           _starts(counts)) if annex["label"].startswith("Phụ lục")
                       for flag in orientations[first:first + count]]
        assert all(annex_pages)  # annex pages are landscape A4
        assert labels[:counts[0]] == [str(n) for n in range(1, counts[0] + 1)]
        start = counts[0]
        for annex, count in zip(manifest["decision"]["annexes"], counts[1:], strict=True):
            assert labels[start] == f"{annex['label']} - 1"
            start += count
        texts = _page_texts(archived.copy_of(build_dir))
        if counts[0] > 1:  # page 1 shows no number; the next pages do, at the top (format.md §1)
            assert texts[1].split()[0] == "2"
            assert not texts[0].split()[0].isdigit()


def _starts(counts: list[int]) -> list[int]:
    """Index of the first page of each part after the decision."""
    starts, position = [], counts[0]
    for count in counts[1:]:
        starts.append(position)
        position += count
    return starts


def test_text_keeps_number_date_bases_and_agencies_with_diacritics(archived):
    for build_dir in archived.issued:
        decision = archived.manifest(build_dir)["decision"]
        raw = unicodedata.normalize("NFC", "\n".join(_page_texts(archived.copy_of(build_dir))))
        flat, text = " ".join(raw.split()), _letters(raw)
        day = dt.date.fromisoformat(decision["date"])
        assert f"Số: {decision['number_text']}" in flat
        assert f"{decision['place']}, {long_date(day.year, day.month, day.day)}" in flat
        bases = [line for line in decision["preamble"] if line.startswith("Căn cứ")]
        assert bases
        for line in bases:
            assert _letters(line) in text
        for annex in decision["annexes"]:
            assert _letters(annex["title"]) in text
            is_ranking = annex["label"].startswith("Phụ lục")  # an attached criteria set lists no agencies
            assert annex["agencies"] or not is_ranking, f"{annex['file']}: the manifest lists no agencies"
            for agency in annex["agencies"]:
                assert _letters(agency) in text, agency


def test_record_has_nd30_metadata_and_the_sha256_of_every_file(archived):
    for build_dir in archived.issued:
        manifest = archived.manifest(build_dir)
        decision = manifest["decision"]
        version = archived.outcomes[build_dir].version
        record = json.loads((version / RECORD).read_text(encoding="utf-8"))
        pdf = archived.copy_of(build_dir)
        assert record["CodeNumber"] == decision["number_text"].split("/")[0]
        assert record["CodeNotation"] == decision["symbol"]
        assert record["IssuedDate"] == decision["date"]
        assert record["OrganName"] == decision["issuing_body"]
        assert record["Subject"] == decision["subject"]
        assert record["SignerInfo"]["FullName"] == decision["signer"]["name"]
        assert record["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert {(f["path"], f["sha256"]) for f in record["sources"]} == {
            (f["path"], f["sha256"]) for f in manifest["files"]}


def test_drafts_are_refused_and_the_batch_goes_on(archived):
    assert archived.drafts, "the fixtures need a draft"
    for build_dir in archived.drafts:
        outcome = archived.outcomes[build_dir]
        assert outcome.status is Status.FAILED and outcome.version is None
        assert [p.code for p in outcome.problems] == ["archive.draft_refused"]
        assert "dự thảo" in outcome.problems[0].message


# ---------------------------------------------------------------- reproducible, append-only


def test_the_same_inputs_give_a_byte_identical_copy(archived, tmp_path):
    again = archive_batch(archived.issued, tmp_path)
    for build_dir, outcome in zip(archived.issued, again, strict=True):
        assert outcome.status is Status.CREATED
        assert next(outcome.version.glob("*.pdf")).read_bytes() == archived.copy_of(build_dir).read_bytes()


def test_archiving_again_is_a_noop_that_says_so(archived):
    before = _files(archived.root)
    again = archive_batch(archived.issued, archived.root)
    assert [o.status for o in again] == [Status.UNCHANGED] * len(archived.issued)
    assert all("không thay đổi" in o.message and o.version.name == "v1" for o in again)
    assert _files(archived.root) == before


def _changed_and_built(archived, case_copy, tmp_path) -> tuple[str, Path, dict]:
    """05/QĐ-UBND with one recipient reworded, built into tmp_path/built, beside a copy of the archive:
    (the case's name, the archive copy, its files before)."""
    name = archived.issued[0].name
    root = tmp_path / "archive"
    shutil.copytree(archived.root, root)
    before = _files(root)
    case = case_copy(name)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    assert "Thường trực Tỉnh ủy" in text
    (case / "case.yaml").write_text(text.replace("Thường trực Tỉnh ủy", "Thường trực Tỉnh ủy (để b/c)"),
                                    encoding="utf-8")
    [result] = build_cases([case], BuildOptions(out=tmp_path / "built", build_day=BUILD_DAY))
    assert result.status != "failed", result.problems
    return name, root, before


def test_a_changed_case_becomes_v2_and_v1_is_kept_byte_for_byte(archived, case_copy, tmp_path):
    name, root, before = _changed_and_built(archived, case_copy, tmp_path)
    [outcome] = archive_batch([tmp_path / "built" / name], root, correction="Đính chính nơi nhận")
    assert outcome.status is Status.NEW_VERSION and outcome.version.name == "v2"
    assert outcome.reasons == ("quyet-dinh.docx: nội dung thay đổi",)
    record = json.loads((outcome.version / RECORD).read_text(encoding="utf-8"))
    assert record["archive"]["replaces"] == "v1" and record["archive"]["reasons"] == list(outcome.reasons)
    after = _files(root)
    assert {path: after[path] for path in before} == before
    assert len(after) == len(before) + 2


def test_a_conversion_started_ahead_is_kept_only_for_the_files_then_archived(archived, case_copy, tmp_path):
    """`qdgen archive` starts converting the guessed build folders before the build is checked."""
    issued = archived.issued[0]
    with archive_ahead([issued], tmp_path / "a1") as archive:
        [same] = archive([issued])
    assert same.status is Status.CREATED and next(same.version.glob("*.pdf")).read_bytes() == \
        archived.copy_of(issued).read_bytes()
    name, _, _ = _changed_and_built(archived, case_copy, tmp_path)
    with archive_ahead([issued], tmp_path / "a2") as archive:  # started on the old content
        [changed] = archive([tmp_path / "built" / name])
    [alone] = archive_batch([tmp_path / "built" / name], tmp_path / "a3")
    assert changed.status is Status.CREATED and alone.status is Status.CREATED
    assert next(changed.version.glob("*.pdf")).read_bytes() == next(alone.version.glob("*.pdf")).read_bytes()
    assert next(changed.version.glob("*.pdf")).read_bytes() != archived.copy_of(issued).read_bytes()


def test_an_issued_decision_changed_after_its_build_is_archived_as_built(archived, case_copy, tmp_path, runner):
    """The signed document is the build: `qdgen archive` keeps it, and says what changed since."""
    from pipeline.cli.commands import main

    name = archived.issued[0].name
    shutil.copytree(archived.issued[0], tmp_path / "built" / name)
    signed = (tmp_path / "built" / name / "quyet-dinh.docx").read_bytes()
    case = case_copy(name)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("Thường trực Tỉnh ủy", "Thường trực Tỉnh ủy (để b/c)"),
                                    encoding="utf-8")
    result = runner.invoke(main, ["archive", str(case), "--out", str(tmp_path / "archive"),
                                  "--build-dir", str(tmp_path / "built"), "--json"])
    assert result.exit_code == 0, result.stderr
    assert f"! {case}: đã ban hành, dùng bản đã tạo" in result.stderr
    assert "lý do: " in result.stderr
    [outcome] = json.loads(result.stdout)
    record = json.loads((Path(outcome["version"]) / RECORD).read_text(encoding="utf-8"))
    sources = {Path(item["path"]).name: item["sha256"] for item in record["sources"]}
    assert sources["quyet-dinh.docx"] == hashlib.sha256(signed).hexdigest()
    assert (tmp_path / "built" / name / "quyet-dinh.docx").read_bytes() == signed


def test_pdfa_2b_on_request_is_a_new_version_with_its_reason(archived, tmp_path):
    build_dir = archived.issued[0]
    root = tmp_path / "archive"
    shutil.copytree(archived.root, root)
    [outcome] = archive_batch([build_dir], root, pdfa=2)
    assert outcome.status is Status.NEW_VERSION
    assert outcome.reasons == ("PDF/A-1b → PDF/A-2b",)
    data = next(outcome.version.glob("*.pdf")).read_bytes()
    assert declared_level(data) == "2B" and unembedded_fonts(data) == ()


def test_a_docx_edited_after_the_build_is_refused(archived, tmp_path):
    build_dir = tmp_path / archived.issued[0].name
    shutil.copytree(archived.issued[0], build_dir)
    (build_dir / "quyet-dinh.docx").write_bytes((build_dir / "quyet-dinh.docx").read_bytes() + b"\0")
    [outcome] = archive_batch([build_dir], tmp_path / "archive")
    assert outcome.status is Status.FAILED
    assert [p.code for p in outcome.problems] == ["archive.source_changed"]
    assert not (tmp_path / "archive").exists()


def test_changed_content_of_an_archived_decision_is_refused_without_a_correction(archived, case_copy, tmp_path):
    """05/QĐ-UBND built again elsewhere with other content is not a new version of what was signed."""
    name, root, before = _changed_and_built(archived, case_copy, tmp_path)
    for correction in (None, "", "   "):
        [outcome] = archive_batch([tmp_path / "built" / name], root, correction=correction)
        assert outcome.status is Status.FAILED and outcome.version is None
        assert [p.code for p in outcome.problems] == ["archive.issued_content_changed"]
        assert outcome.reasons == ("quyet-dinh.docx: nội dung thay đổi",)
    assert _files(root) == before


# ---------------------------------------------------------------- what a killed run leaves behind


def test_staging_leftovers_are_cleaned_on_the_next_run_and_nothing_else(archived, tmp_path):
    build_dir = archived.issued[0]
    root = tmp_path / "archive"
    shutil.copytree(archived.root, root)
    folder = root / archived.outcomes[build_dir].version.parent.relative_to(archived.root)
    leftover = folder / ".v2-abcd_123"
    leftover.mkdir()
    (leftover / "05-QD-UBND.pdf").write_bytes(b"%PDF-1.7\n%truncated")
    (leftover / "05-QD-UBND.pdf").chmod(0o444)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("giữ", encoding="utf-8")
    not_ours = [folder / ".v2-notours", folder / ".v2-abc1234", folder / ".x2-abcd1234", folder / "v2-abcd1234"]
    for path in not_ours:
        path.mkdir()
    (folder / ".v3-abcdefgh").write_bytes(b"a file, not a staging folder")
    (folder / ".v4-abcdefgh").symlink_to(outside, target_is_directory=True)
    [outcome] = archive_batch([build_dir], root)
    assert outcome.status is Status.UNCHANGED and outcome.version.name == "v1"
    assert not leftover.exists()
    assert all(path.is_dir() for path in not_ours)
    assert (folder / ".v3-abcdefgh").is_file() and (outside / "keep.txt").exists()


_KILLED_WHILE_WRITING = """
import os, sys
from pathlib import Path
from pipeline.archive import versions

synced = os.fsync

def stop_after_the_first_file(descriptor):
    synced(descriptor)
    print("pdf written", flush=True)
    sys.stdin.read()  # wait here until the test kills this process

os.fsync = stop_after_the_first_file
versions.write_version(Path(sys.argv[1]), 2, {"05-QD-UBND.pdf": b"%PDF" + bytes(1 << 20), "record.json": b"{}"})
"""


def test_a_run_killed_while_writing_a_version_leaves_staging_that_the_next_run_removes(tmp_path):
    """A real process SIGKILLed at a known point: after the PDF, before the record (no clock involved)."""
    from pipeline.archive.versions import clean_leftovers, versions, write_version

    folder = tmp_path / "uy-ban" / "2024" / "05-QD-UBND"
    write_version(folder, 1, {"05-QD-UBND.pdf": b"%PDF v1", "record.json": b"{}"})
    with subprocess.Popen([sys.executable, "-c", _KILLED_WHILE_WRITING, str(folder)], cwd=Path(__file__).parent.parent,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
        try:
            assert child.stdout.readline() == b"pdf written\n"
            [staging] = folder.glob(".v2-*")
            assert clean_leftovers(folder) == ()  # a live writer holds the folder: its staging is not touched
            assert staging.is_dir()
        finally:
            child.kill()
            child.wait()
    assert child.returncode == -9
    assert [p.name for p in staging.iterdir()] == ["05-QD-UBND.pdf"] and versions(folder) == [1]
    assert clean_leftovers(folder) == (staging,)
    assert sorted(p.name for p in folder.iterdir()) == ["v1"]
    assert write_version(folder, 2, {"05-QD-UBND.pdf": b"%PDF v2", "record.json": b"{}"}).name == "v2"


# ---------------------------------------------------------------- LibreOffice as a component


def test_missing_libreoffice_is_a_clear_problem(archived, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError) as caught:
        archive_batch(archived.issued, tmp_path / "archive")
    [problem] = caught.value.problems
    assert problem.code == "archive.soffice_missing"
    assert "soffice" in problem.message and "scripts/setup.sh" in problem.hint


def test_a_docx_linking_outside_resources_is_not_converted(tmp_path):
    document = docx.Document()
    document.add_paragraph("Ảnh liên kết")
    document.part.relate_to("http://example.invalid/a.png",
                            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
                            is_external=True)
    path = tmp_path / "lien-ket.docx"
    document.save(str(path))
    [result] = office.convert_batch([office.Job(path, path.read_bytes())])
    assert result.pdf is None and result.attempts == 0
    assert result.problem.code == "archive.external_reference" and "example.invalid" in result.problem.message


def test_preview_writes_one_png_per_page(archived, tmp_path):
    decision = archived.issued[0] / "quyet-dinh.docx"
    with pikepdf.open(io.BytesIO(archived.raw[decision])) as raw:
        pages = len(raw.pages)
    written = preview([decision], tmp_path)
    assert [p.name for p in written] == [f"quyet-dinh-{n}.png" for n in range(1, pages + 1)]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in written)
