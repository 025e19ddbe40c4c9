"""LibreOffice as a component (pipeline.archive.office, png, programs, warm) with the real LibreOffice.

A hang is made by construction, never by a timeout racing a real conversion: the tests hand the
batch a LibreOffice that is the real one for every file except those holding the word HANG, on
which it stops answering for good. While the real one works, that program prints a line every
0,2 s, so only the hang is ever silent long enough to be killed, however loaded the machine is.
"""

from __future__ import annotations

import io
import math
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

import pikepdf
import pytest

from pipeline.archive import ahead, images, office, png, programs, warm
from pipeline.archive.pdfa import declared_level as pdfa_level
from pipeline.problems import InputError

FIXTURE = "lang-son-2023-issued"
HANG = b"HANG"

HANGING_OFFICE = f"""#!{sys.executable}
# The real LibreOffice for every .docx up to the first one holding {HANG!r}, then silence for good.
import os, pathlib, subprocess, sys, time
pathlib.Path(sys.argv[0] + ".tmpdir").write_text(os.environ.get("TMPDIR", ""))  # where it was told to keep temporaries
options = [a for a in sys.argv[1:] if not a.endswith(".docx")]
files = [a for a in sys.argv[1:] if a.endswith(".docx")]
hung = next((n for n, f in enumerate(files) if {HANG!r} in pathlib.Path(f).read_bytes()), None)
if files[:hung]:
    real = subprocess.Popen([{str(office.find_program("soffice"))!r}, *options, *files[:hung]])
    while real.poll() is None:
        print("still working", flush=True)
        time.sleep(0.2)
    if hung is None:
        sys.exit(real.returncode)
pathlib.Path(sys.argv[0] + ".hangs").touch()  # for a test that must know it hangs now
time.sleep(86400)
"""


@pytest.fixture()
def hanging_office(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # its profile template stays here
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # so its processes can be told from others'
    program = tmp_path / "soffice-that-hangs"
    program.write_text(HANGING_OFFICE, encoding="utf-8")
    program.chmod(0o755)
    return program


def _office_processes(marker: bytes) -> list[Path]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            found += [cmdline] if marker in cmdline.read_bytes() else []
        except OSError:
            continue
    return found


def test_a_hung_conversion_is_killed_retried_once_reported_and_the_rest_goes_on(built, tmp_path, hanging_office):
    hung_file = tmp_path / "treo.docx"
    hung_file.write_bytes(HANG)
    broken = tmp_path / "hong.docx"
    decision = built / FIXTURE / "quyet-dinh.docx"
    broken.write_bytes(decision.read_bytes()[:3000])
    jobs = [office.Job(path, path.read_bytes()) for path in (hung_file, decision, decision, decision, broken)]
    seen: list[tuple[int, int]] = []
    # worker 0 gets the hanging file, a decision, then the broken file; its second process is the real
    # LibreOffice for the decision and the broken file, then hangs again on the retried file
    results = office.convert_batch(jobs, timeout=3, workers=2, soffice=hanging_office,
                                   progress=lambda *counts: seen.append(counts))
    hung, *converted, unreadable = results
    assert hung.pdf is None and hung.attempts == office.ATTEMPTS
    assert hung.problem.code == "archive.conversion_timeout" and "treo.docx" in hung.problem.message
    assert all(item.pdf and item.attempts == 1 for item in converted)
    assert unreadable.pdf is None and unreadable.attempts == office.ATTEMPTS
    assert unreadable.problem.code == "archive.conversion_failed"
    assert "hong.docx" in unreadable.problem.message
    assert seen == [(n, 5) for n in range(1, 6)]
    assert not _office_processes(str(tmp_path).encode())


def test_a_file_hanging_after_converted_ones_keeps_their_pdfs(built, tmp_path, hanging_office):
    hung_file = tmp_path / "treo.docx"
    hung_file.write_bytes(HANG)
    decision = built / FIXTURE / "quyet-dinh.docx"
    jobs = [office.Job(path, path.read_bytes()) for path in (decision, hung_file, decision)]
    first, hung, last = office.convert_batch(jobs, timeout=3, workers=1, soffice=hanging_office)
    assert first.pdf and first.attempts == 1 and last.pdf and last.attempts == 1
    assert hung.problem.code == "archive.conversion_timeout" and hung.attempts == office.ATTEMPTS


def test_libreoffice_keeps_its_temporary_files_in_the_batchs_own_folder(built, tmp_path, hanging_office):
    """So that one killed for a hang or a cancel leaves nothing in the system's temporary folder."""
    decision = built / FIXTURE / "quyet-dinh.docx"
    [converted] = office.convert_batch([office.Job(decision, decision.read_bytes())], pdfa=None,
                                       soffice=hanging_office)
    told = Path(Path(f"{hanging_office}.tmpdir").read_text())
    assert converted.pdf and told.is_relative_to(tmp_path) and told.name == "tmp"
    assert not told.exists()  # removed with the batch's scratch folder


def test_a_batch_cancelled_from_another_thread_kills_its_office_and_raises(tmp_path, hanging_office):
    hung_file = tmp_path / "treo.docx"
    hung_file.write_bytes(HANG)
    cancel, started = threading.Event(), threading.Event()
    raised: list[BaseException] = []

    def convert() -> None:
        try:
            office.convert_batch([office.Job(hung_file, HANG)], timeout=86400, soffice=hanging_office,
                                 cancel=cancel, started=started)
        except BaseException as error:  # noqa: BLE001 - looked at below
            raised.append(error)

    batch = threading.Thread(target=convert)
    batch.start()
    started.wait()
    _wait_for(Path(f"{hanging_office}.hangs"))  # for good: only the cancel can end it
    cancel.set()
    batch.join(timeout=120)  # a bound for a broken cancel, not a race: a working one ends in 0,2 s
    assert not batch.is_alive() and [type(error) for error in raised] == [office.Cancelled]
    assert not _office_processes(str(tmp_path).encode())


def _wait_for(path: Path) -> None:
    """Until `path` exists: the program that makes it is running (polled, as nothing else tells)."""
    while not path.exists():
        time.sleep(0.05)


def _counted(program: Path, runs: Path) -> Path:
    """`program`, writing a line to `runs` each time it is started."""
    counted = program.with_name(f"{program.name}-counted")
    counted.write_text(f'#!/bin/sh\necho run >> "{runs}"\nexec "{program}" "$@"\n', encoding="utf-8")
    counted.chmod(0o755)
    return counted


def test_work_started_ahead_is_kept_for_the_same_bytes_and_cancelled_for_others(built, tmp_path, hanging_office):
    runs = tmp_path / "runs"
    soffice = _counted(hanging_office, runs)
    decision = built / FIXTURE / "quyet-dinh.docx"

    def convert(jobs, cancel, started):
        return office.convert_batch(jobs, pdfa=None, soffice=soffice, cancel=cancel, started=started)

    with ahead.Ahead([office.Job(decision, decision.read_bytes())], convert) as early:
        [kept] = early.result([office.Job(decision, decision.read_bytes())])  # equal jobs, read again
    assert kept.pdf and runs.read_text().count("run") == 1

    with ahead.Ahead([office.Job(decision, HANG)], convert) as early:  # the same name, other bytes: it hangs
        _wait_for(Path(f"{hanging_office}.hangs"))
        [converted] = early.result([office.Job(decision, decision.read_bytes())])
    assert converted.pdf and runs.read_text().count("run") == 3
    assert not _office_processes(str(tmp_path).encode())


def test_the_profile_template_is_kept_after_a_clean_run_and_copied_not_shared(built, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    soffice = office.find_program("soffice")
    decision = built / FIXTURE / "quyet-dinh.docx"
    job = office.Job(decision, decision.read_bytes())
    [fresh] = office.convert_batch([job], pdfa=None, soffice=soffice)
    [template] = (tmp_path / "cache" / "qdgen").iterdir()
    assert (template / "user" / "registrymodifications.xcu").is_file()
    before = {path: path.stat().st_mtime_ns for path in template.rglob("*")}
    again = office.convert_batch([job, job], pdfa=None, soffice=soffice, workers=2)
    assert fresh.pdf and all(item.pdf for item in again)
    assert {path: path.stat().st_mtime_ns for path in template.rglob("*")} == before  # only ever read


def test_a_profile_from_the_template_skips_the_graphics_render_tests(built, tmp_path, monkeypatch):
    """LibreOffice runs them (a second) on each start whose profile has not seen its version; they leave a log."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    soffice = office.find_program("soffice")
    decision = built / FIXTURE / "quyet-dinh.docx"
    office.convert_batch([office.Job(decision, decision.read_bytes())], pdfa=None, soffice=soffice)
    profile = tmp_path / "profile"
    programs.prepare_profile(soffice, profile)
    log = profile / "user" / "GraphicsRenderTests.log"
    log.unlink(missing_ok=True)  # the first run's, copied with the template
    subprocess.run(programs.office_command(soffice, profile, "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                                           str(decision)), check=True, capture_output=True)
    assert (tmp_path / "pdf" / "quyet-dinh.pdf").is_file()
    assert not log.exists()


def test_png_pages_are_valid_images_of_every_page_and_the_same_each_time(built):
    decision = built / FIXTURE / "quyet-dinh.docx"
    [converted] = office.convert_batch([office.Job(decision, decision.read_bytes())], pdfa=None)
    with pikepdf.open(io.BytesIO(converted.pdf)) as pdf:
        sizes = [(float(page.mediabox[2]), float(page.mediabox[3])) for page in pdf.pages]
    images = png.render_png(converted.pdf)
    assert len(images) == len(sizes) and png.render_png(converted.pdf) == images
    for image, (width, height) in zip(images, sizes, strict=True):
        assert image.startswith(b"\x89PNG\r\n\x1a\n")
        pixels_wide, pixels_high = struct.unpack(">II", image[16:24])
        assert (pixels_wide, pixels_high) == (math.ceil(width / 72 * 100), math.ceil(height / 72 * 100))
        rows = zlib.decompress(_idat(image))
        assert len(rows) == pixels_high * (1 + 3 * pixels_wide)
        assert rows.count(b"\0\0\0") > 100  # black text is drawn, not a blank page


def _idat(image: bytes) -> bytes:
    data, at = b"", 8
    while at < len(image):
        (length,), kind = struct.unpack(">I", image[at:at + 4]), image[at + 4:at + 8]
        if kind == b"IDAT":
            data += image[at + 8:at + 8 + length]
        at += 12 + length
    return data


PEAK_AFTER_DRAWING = """
import resource, sys
import pikepdf
from pipeline.archive import png
pdf = pikepdf.new()
for _ in range(int(sys.argv[1])):
    pdf.add_blank_page(page_size=(595, 842))
pdf.save(sys.argv[2])
assert len(png.render_png(open(sys.argv[2], "rb").read())) == int(sys.argv[1])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_png_of_a_long_document_holds_a_few_pages_in_memory_not_all(tmp_path):
    """Peak RSS of fresh processes (a high-water mark in this one could hide the growth)."""

    def peak_kib(pages: int) -> int:
        run = subprocess.run([sys.executable, "-c", PEAK_AFTER_DRAWING, str(pages), str(tmp_path / f"{pages}.pdf")],
                             capture_output=True, text=True, check=True)
        return int(run.stdout)

    grown_mb = (peak_kib(60) - peak_kib(1)) / 1024
    assert grown_mb < 40  # all 60 drawn pages at once would be 60 × 2,9 MB


def test_a_pdf_poppler_cannot_read_is_a_clear_problem():
    with pytest.raises(InputError) as caught:
        png.render_png(b"%PDF-1.4 this is not a pdf")
    [problem] = caught.value.problems
    assert problem.code == "archive.pdftoppm_failed"


def test_isolation_and_profile_are_on_every_command_line(tmp_path):
    command = programs.office_command(Path("/usr/bin/soffice"), tmp_path / "p", "--convert-to", "pdf")
    assert command[:len(programs.isolation())] == list(programs.isolation())
    assert "--headless" in command and f"-env:UserInstallation={(tmp_path / 'p').as_uri()}" in command


# ---------------------------------------------------------------- a LibreOffice kept warm

SILENT_BRIDGE = f"""#!{sys.executable}
# A bridge that starts, says it is ready, then never answers a request.
import sys, time
if sys.argv[1:2] == ["-c"]:
    sys.exit(0)  # "can you import uno?": yes
print('{{"ready": true}}', flush=True)
time.sleep(86400)
"""


def _decision_jobs(built) -> list[office.Job]:
    folder = built / FIXTURE
    files = [folder / "quyet-dinh.docx", *sorted(folder.glob("phu-luc-*.docx"))]
    return [office.Job(path, path.read_bytes()) for path in files]


@pytest.fixture(scope="module")
def warm_office():
    with warm.WarmOffice(processes=2) as kept:
        yield kept


def test_a_warm_office_gives_the_same_pages_as_a_batch_and_stays_warm(built, warm_office):
    jobs = _decision_jobs(built)
    cold = images.page_images(jobs)
    before = warm_office.pids
    assert images.page_images(jobs, warm=warm_office) == cold
    assert images.page_images(jobs, warm=warm_office) == cold
    assert sorted(warm_office.pids) == sorted(before)  # the same processes served both previews
    assert [len(pages) for pages in cold] == [2, 2, 3]


def test_a_warm_office_that_died_is_restarted_and_the_file_converted(built, warm_office):
    [job] = _decision_jobs(built)[:1]
    for pid in warm_office.pids:
        os.killpg(pid, signal.SIGKILL)
    results = warm_office.convert([job, job], pdfa=1)
    assert all(item.pdf and item.attempts == 2 for item in results)
    assert all(pdfa_level(item.pdf) in ("1A", "1B") for item in results)  # PDF/A-1 as asked


def test_a_warm_office_that_never_answers_is_killed_retried_once_and_reported(built, tmp_path):
    bridge = tmp_path / "silent-python"
    bridge.write_text(SILENT_BRIDGE, encoding="utf-8")
    bridge.chmod(0o755)
    job = _decision_jobs(built)[0]
    with warm.WarmOffice(processes=1, timeout=1, python=bridge) as silent:
        [first] = silent.pids
        [result] = silent.convert([job])
        [second] = silent.pids
    assert result.pdf is None and result.attempts == office.ATTEMPTS
    assert result.problem.code == "archive.conversion_timeout"
    assert "quyet-dinh.docx" in result.problem.message
    assert first != second and not Path(f"/proc/{first}").exists()
    assert not _office_processes(str(bridge).encode())


def test_a_warm_office_reports_what_it_cannot_open(warm_office, tmp_path):
    broken = office.Job(tmp_path / "hong.docx", b"PK\x03\x04 not a document")
    [result] = warm_office.convert([broken])
    assert result.pdf is None and result.problem.code == "archive.conversion_failed"
    with pytest.raises(InputError) as caught:
        images.page_images([broken], warm=warm_office)
    assert "hong.docx" in caught.value.problems[0].message


def test_without_python3_uno_the_warm_office_is_a_clear_problem(tmp_path):
    with pytest.raises(InputError) as caught:
        warm.WarmOffice(python=tmp_path / "python-without-uno")
    [problem] = caught.value.problems
    assert problem.code == "archive.uno_missing" and "setup.sh" in problem.hint
