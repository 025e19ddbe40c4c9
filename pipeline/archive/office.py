"""LibreOffice as a component: convert .docx to PDF(/A) in batches (`render_png` is in `png`).

A batch runs in up to `workers` LibreOffice processes (one per core; no more than one per
FILES_PER_PROCESS files), each converting its whole share of files in one `soffice --convert-to`
call: starting LibreOffice costs more than converting a decision.
Every process is headless, has a private profile directory (a copy of a kept template, see
`programs`), and runs without network (its own network namespace where `unshare` allows it; .docx
files that link resources from outside are refused before LibreOffice sees them). A process that
prints nothing for `timeout` seconds is hung: its process group is killed, the file it was on is
retried once, then reported, and the files after it go on in a new process. If the caller is
interrupted, every process is killed.
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline.archive.png import render_png
from pipeline.archive.programs import (
    SET_UP_HINT,
    find_program,
    keep_profile,
    office_command,
    office_environment,
    prepare_profile,
)
from pipeline.problems import Location, Problem

__all__ = ["ATTEMPTS", "SET_UP_HINT", "Cancelled", "Converted", "Job", "convert_batch", "export_filter",
           "external_targets", "find_program", "render_png"]

ATTEMPTS = 2
"""How often a file is tried before it is reported."""
FILES_PER_PROCESS = 4
"""A LibreOffice process is started for every this many files at most: starting one costs about as much as
converting five decisions, so a second process for the three files of one case costs a second start-up of
CPU for little time saved (and for none on a loaded machine)."""

_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_POLL = 0.05  # seconds between checks for silence, cancellation or a PDF written without a word


@dataclass(frozen=True, slots=True)
class Job:
    """One .docx to convert: `data` is what LibreOffice reads; `path` only names it in messages."""

    path: Path
    data: bytes


@dataclass(frozen=True, slots=True)
class Converted:
    """The outcome for one job: `pdf` is `None` exactly when `problem` says why."""

    job: Job
    pdf: bytes | None
    attempts: int
    problem: Problem | None = None


_Finished = queue.Queue[tuple[int, Converted | BaseException]]
"""Where workers put each job's outcome (or an unexpected error, under index -1)."""


def export_filter(pdfa: int | None) -> str:
    """LibreOffice's `--convert-to` argument: PDF/A-`pdfa` (1 or 2), or plain PDF for `None`."""
    if pdfa is None:
        return "pdf:writer_pdf_Export"
    return 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"' + str(pdfa) + '"}}'


def convert_batch(jobs: Sequence[Job], *, pdfa: int | None = 1, timeout: float = 60.0, workers: int = 2,
                  progress: Callable[[int, int], None] | None = None,
                  on_converted: Callable[[int, Converted], None] | None = None,
                  soffice: Path | None = None, cancel: threading.Event | None = None,
                  started: threading.Event | None = None) -> tuple[Converted, ...]:
    """Convert every job, results in the order given; `progress(done, total)` is called after each one,
    after `on_converted(position, result)` (which may start work on it while the other files are converted).

    `soffice` is the LibreOffice program (default: `soffice` on the PATH; the tests pass one that hangs
    on purpose). `cancel`, set by another thread, stops the batch: its LibreOffice processes are killed
    and Cancelled is raised. `started` is set once a LibreOffice process runs (or the batch is over).
    Failures are results, not exceptions; only a missing `soffice` raises (InputError).
    """
    started = started or threading.Event()
    soffice = soffice or find_program("soffice")
    finished: _Finished = queue.Queue()
    runnable: list[tuple[int, Job]] = []
    for index, job in enumerate(jobs):
        if outside := external_targets(job.data):
            problem = conversion_problem("archive.external_reference", job, ", ".join(outside))
            finished.put((index, Converted(job, None, 0, problem)))
        else:
            runnable.append((index, job))
    results: dict[int, Converted] = {}
    cancel = cancel or threading.Event()
    with tempfile.TemporaryDirectory(prefix="qdgen-office-") as scratch:
        count = min(max(1, workers), -(-len(runnable) // FILES_PER_PROCESS))
        threads = [threading.Thread(target=_worker, daemon=True,
                                    args=(soffice, runnable[n::count], Path(scratch, f"w{n}"),
                                          export_filter(pdfa), timeout, finished, cancel, started))
                   for n in range(count)]
        for thread in threads:
            thread.start()
        try:
            for done in range(1, len(jobs) + 1):
                index, outcome = finished.get()
                if isinstance(outcome, BaseException):
                    raise outcome
                results[index] = outcome
                if on_converted is not None:
                    on_converted(index, outcome)
                if progress is not None:
                    progress(done, len(jobs))
        except BaseException:
            cancel.set()  # kills LibreOffice after an error or Ctrl-C
            raise
        finally:
            for thread in threads:  # after a complete batch: LibreOffice's own exit (it keeps the template)
                thread.join()
            started.set()  # for a batch that had nothing to start
    return tuple(results[index] for index in range(len(jobs)))


def external_targets(docx: bytes) -> tuple[str, ...]:
    """Resources a .docx links from outside itself (images, OLE links, templates); hyperlinks do not count."""
    try:
        package = zipfile.ZipFile(io.BytesIO(docx))
    except zipfile.BadZipFile:
        return ()  # not a package: LibreOffice will say so
    targets = []
    with package:
        for name in package.namelist():
            if name.endswith(".rels"):
                for rel in etree.fromstring(package.read(name)).iter(_RELATIONSHIP):
                    if rel.get("TargetMode") == "External" and rel.get("Type") != _HYPERLINK:
                        targets.append(rel.get("Target", ""))
    return tuple(targets)


class Cancelled(Exception):
    """The caller gave up on the batch (its `cancel` event was set)."""


def _worker(soffice: Path, share: Sequence[tuple[int, Job]], workdir: Path, export: str, timeout: float,
            finished: _Finished, cancel: threading.Event, started: threading.Event) -> None:
    """A worker thread: converts its share; an unexpected error or Cancelled is handed to the caller's thread."""
    try:
        _convert_share(soffice, share, workdir, export, timeout, finished, cancel, started)
    except BaseException as error:  # noqa: BLE001 - handed over: convert_batch re-raises it
        finished.put((-1, error))


def _convert_share(soffice: Path, share: Sequence[tuple[int, Job]], workdir: Path, export: str,
                   timeout: float, finished: _Finished, cancel: threading.Event, started: threading.Event) -> None:
    """Convert `share` in as few LibreOffice processes as hangs and crashes allow."""
    inbox, outbox = workdir / "in", workdir / "out"
    inbox.mkdir(parents=True)
    for index, job in share:
        (inbox / f"{index:05d}.docx").write_bytes(job.data)
    jobs = dict(share)
    profile = workdir / "profile"
    prepare_profile(soffice, profile)
    attempts = dict.fromkeys(jobs, 0)
    reported: set[int] = set()
    pending = list(jobs)

    def collect() -> None:
        present = set(os.listdir(outbox)) if outbox.exists() else set()
        for index in pending:
            name = f"{index:05d}.pdf"
            if index not in reported and name in present and (pdf := _complete_pdf(outbox / name)):
                reported.add(index)
                finished.put((index, Converted(jobs[index], pdf, attempts[index] + 1)))

    while pending:
        run = _Run([inbox / f"{index:05d}.docx" for index in pending])
        ended, status = _soffice(soffice, run, profile, outbox, export, timeout, collect, cancel, started)
        if ended == "exit":
            keep_profile(soffice, profile)
        collect()
        missing = [index not in reported for index in pending]
        culprit = len(pending) if ended == "exit" else run.culprit(missing)
        failed = [(n, "archive.conversion_failed", "LibreOffice không mở được tệp")
                  for n in range(min(culprit, len(pending))) if missing[n]]
        if culprit < len(pending) and ended == "timeout":
            failed.append((culprit, "archive.conversion_timeout", f"{timeout:g}"))
        elif culprit < len(pending):
            failed.append((culprit, "archive.conversion_failed", f"LibreOffice dừng đột ngột (mã {status})"))
        retry = []
        for position, code, detail in failed:
            index = pending[position]
            attempts[index] += 1
            if attempts[index] < ATTEMPTS:
                retry.append(index)
            else:
                problem = conversion_problem(code, jobs[index], detail)
                finished.put((index, Converted(jobs[index], None, attempts[index], problem)))
        pending = [index for index in pending[culprit + 1:] if index not in reported] + retry


class _Run:
    """Where one LibreOffice process is in its list of files, from what it prints: `convert <file> -> …`
    once a file is loaded (it is then exported), `Error: …` when a file cannot be loaded."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = tuple(files)
        self._positions = {path.name: n for n, path in enumerate(files)}
        self._last = -1  # the last file LibreOffice started exporting or failed to load
        self._exporting = False

    def read(self, line: str) -> None:
        if line.startswith("convert ") and " -> " in line:
            source = Path(line.removeprefix("convert ").partition(" -> ")[0]).name
            self._last, self._exporting = self._positions.get(source, self._last), True
        elif line.startswith("Error:"):
            self._last, self._exporting = self._last + 1, False

    def culprit(self, missing: Sequence[bool]) -> int:
        """The position of the file a killed or crashed process was on (`len(files)`: past them all).

        `missing[n]` tells whether file n has no PDF."""
        if self._exporting and 0 <= self._last < len(missing) and missing[self._last]:
            return self._last
        return self._last + 1


def _soffice(soffice: Path, run: _Run, profile: Path, outbox: Path, export: str, timeout: float,
             on_line: Callable[[], None], cancel: threading.Event, started: threading.Event) -> tuple[str, int]:
    """One LibreOffice process over `run.files` (`started` is set once it runs); each line it prints goes to
    `run.read`, then `on_line()`, which is also called in its silences.

    Returns `("exit" | "crash" | "timeout", exit status)`; silent for `timeout` seconds → killed.
    Raises Cancelled (after killing it) when `cancel` is set.
    """
    if cancel.is_set():
        raise Cancelled
    command = office_command(soffice, profile, "--convert-to", export, "--outdir", str(outbox),
                             *map(str, run.files))
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True,
                               env=office_environment(profile.parent / "tmp"))
    started.set()
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=read_lines, args=(process, lines), daemon=True)
    reader.start()
    heard = time.monotonic()
    try:
        while True:
            try:
                line = lines.get(timeout=_POLL)
            except queue.Empty:
                line = ""  # silence (a line LibreOffice prints is never empty: it ends with its newline)
            if cancel.is_set():
                raise Cancelled
            if line is None:
                break
            if not line:
                if time.monotonic() - heard > timeout:
                    return "timeout", _kill(process)
                on_line()  # the last PDF is written in silence, a tenth of a second before LibreOffice exits
                continue
            heard = time.monotonic()
            run.read(line.strip())
            on_line()
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", _kill(process)
    except BaseException:
        _kill(process)
        raise
    finally:
        reader.join()
    return ("exit" if process.returncode == 0 else "crash"), process.returncode


def _kill(process: subprocess.Popen[str]) -> int:
    """Kill the process group (soffice, oosplash, soffice.bin) and reap it; its exit status."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    return process.wait()


def read_lines(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    """Every line a process prints, into `lines`, then None at its end (read by a thread)."""
    assert process.stdout is not None
    with process.stdout:
        for line in process.stdout:
            lines.put(line)
    lines.put(None)


def _complete_pdf(path: Path) -> bytes | None:
    """The PDF LibreOffice finished writing at `path`, `None` when it was cut short."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data if data.rstrip().endswith(b"%%EOF") else None


def conversion_problem(code: str, job: Job, detail: str) -> Problem:
    """`archive.external_reference`, `archive.conversion_timeout` or `archive.conversion_failed` for `job`."""
    where = Location(file=job.path)
    name = job.path.name
    if code == "archive.external_reference":
        return Problem(code, f"{name} liên kết tài nguyên bên ngoài ({detail}); bản lưu trữ không được tải "
                             "gì từ mạng.", where, "Chèn hình ảnh, tệp vào trong .docx thay vì liên kết.")
    if code == "archive.conversion_timeout":
        return Problem(code, f"LibreOffice không chuyển xong {name} trong {detail} giây (đã thử {ATTEMPTS} "
                             "lần, lần nào cũng phải dừng).", where,
                       "Mở tệp bằng LibreOffice để xem có gì bất thường, hoặc tăng --timeout.")
    return Problem(code, f"LibreOffice không chuyển được {name} sang PDF (đã thử {ATTEMPTS} lần): {detail}.",
                   where, "Mở tệp bằng LibreOffice hoặc Word để kiểm tra tệp có hỏng không.")
