"""LibreOffice kept running for a long-lived caller (the web page), so a preview skips its start.

`soffice --convert-to` cannot use a running LibreOffice: handed to one, the request converts and then
ends that process. So the warm process is driven over UNO, by `uno_bridge.py` under the system's
Python (Debian's python3-uno is built for /usr/bin/python3, not for our virtual environment). The
bridge and its LibreOffice run isolated as a batch does: their own network namespace where the
system allows it, a private profile directory, a private pipe name, one process group.

Each process takes one request at a time; a WarmOffice keeps one per core, so the files of a
preview are converted side by side. An answer that does not come within `timeout` seconds means LibreOffice
hangs: the process group is killed, a new one is started, and the file is tried again once before
it is reported, as in a batch. A process that died is restarted the same way.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Self

from pipeline.archive.office import ATTEMPTS, Converted, Job, conversion_problem, external_targets, read_lines
from pipeline.archive.programs import (
    SET_UP_HINT,
    find_program,
    isolation,
    office_arguments,
    office_environment,
    prepare_profile,
)
from pipeline.problems import InputError, Problem

BRIDGE = Path(__file__).with_name("uno_bridge.py")
UNO_PYTHON = Path("/usr/bin/python3")
START_TIMEOUT = 120.0
"""Seconds a new process may take to be ready (its start-up is not a conversion: it may take longer)."""


class _Gone(Exception):
    """The warm process hung (and was killed) or died; `timeout` tells which."""

    def __init__(self, timeout: bool) -> None:
        super().__init__("timeout" if timeout else "died")
        self.timeout = timeout


class WarmOffice:
    """`processes` LibreOffice processes kept warm; `convert` as `office.convert_batch` does, minus the start.

    Use as a context manager (or call `close`); safe to share between threads. Raises InputError when
    LibreOffice or the UNO bridge (python3-uno) is missing; every other failure is a result.
    """

    def __init__(self, *, processes: int = 2, timeout: float = 60.0, soffice: Path | None = None,
                 python: Path = UNO_PYTHON) -> None:
        soffice = soffice or find_program("soffice")
        python = _uno_python(python)
        self._free: queue.Queue[_Office] = queue.Queue()
        self._pool = ThreadPoolExecutor(max_workers=max(1, processes), thread_name_prefix="qdgen-warm")
        starting = [self._pool.submit(_Office, soffice, python, timeout) for _ in range(max(1, processes))]
        failure: BaseException | None = None
        for started in starting:
            try:
                self._free.put(started.result())
            except BaseException as error:  # noqa: BLE001 - raised below, once the others are closed
                failure = failure or error
        if failure is not None:
            self.close()
            raise failure

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def convert(self, jobs: Sequence[Job], *, pdfa: int | None = None) -> tuple[Converted, ...]:
        """Every job converted, results in the order given."""
        return tuple(self.convert_each(jobs, pdfa=pdfa))

    def convert_each(self, jobs: Sequence[Job], *, pdfa: int | None = None) -> Iterator[Converted]:
        """Each job's result in the order given, as soon as it is there (the processes go on meanwhile)."""
        pending = [self._pool.submit(self._on_a_free_office, job, pdfa) for job in jobs]
        try:
            for result in pending:
                yield result.result()
        finally:
            for result in pending:
                result.cancel()

    def close(self) -> None:
        """End every LibreOffice process (politely, then by force) and remove their scratch directories."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        while not self._free.empty():
            self._free.get().close()

    @property
    def pids(self) -> tuple[int, ...]:
        """The process ids of the idle bridges (each leads its LibreOffice's process group)."""
        return tuple(office.pid for office in list(self._free.queue) if office.pid is not None)

    def _on_a_free_office(self, job: Job, pdfa: int | None) -> Converted:
        office = self._free.get()
        try:
            return office.convert(job, pdfa)
        finally:
            self._free.put(office)


class _Office:
    """One bridge and its LibreOffice; used by one thread at a time (WarmOffice hands it out)."""

    def __init__(self, soffice: Path, python: Path, timeout: float) -> None:
        self.timeout = timeout
        self._soffice, self._python = soffice, python
        self._scratch = Path(tempfile.mkdtemp(prefix="qdgen-warm-"))
        self._process: subprocess.Popen[str] | None = None
        self._run: Path | None = None  # the running process's profile lives here
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._count = 0
        self._start()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def close(self) -> None:
        self._stop(polite=True)
        shutil.rmtree(self._scratch, ignore_errors=True)

    def convert(self, job: Job, pdfa: int | None) -> Converted:
        if outside := external_targets(job.data):
            return Converted(job, None, 0, conversion_problem("archive.external_reference", job, ", ".join(outside)))
        self._count += 1
        source, target = self._scratch / f"{self._count}.docx", self._scratch / f"{self._count}.pdf"
        source.write_bytes(job.data)
        code, detail = "archive.conversion_failed", ""
        try:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    answer = self._ask({"source": str(source), "target": str(target), "pdfa": pdfa})
                except _Gone as gone:
                    self._stop(polite=False)
                    self._start()
                    code = "archive.conversion_timeout" if gone.timeout else "archive.conversion_failed"
                    detail = f"{self.timeout:g}" if gone.timeout else "LibreOffice dừng đột ngột"
                    continue
                if "ok" in answer and target.is_file():
                    return Converted(job, target.read_bytes(), attempt)
                code, detail = "archive.conversion_failed", "LibreOffice không mở được tệp"
            return Converted(job, None, ATTEMPTS, conversion_problem(code, job, detail))
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    def _ask(self, request: dict[str, object]) -> dict[str, object]:
        """Send one request, return its answer; _Gone when none comes within the timeout."""
        if self._process is None:
            self._start()
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Gone(timeout=False) from None
        return self._answer()

    def _answer(self, timeout: float | None = None) -> dict[str, object]:
        try:
            line = self._answers.get(timeout=timeout or self.timeout)
        except queue.Empty:
            raise _Gone(timeout=True) from None
        if line is None:
            raise _Gone(timeout=False)
        try:
            return dict(json.loads(line))
        except (ValueError, TypeError):
            return {"error": line.strip()}

    def _start(self) -> None:
        """Start the bridge and its LibreOffice from a fresh copy of the profile; wait until it is ready."""
        run = self._run = self._scratch / f"run-{secrets.token_hex(4)}"
        run.mkdir()
        prepare_profile(self._soffice, run / "profile")
        pipe = f"qdgen-{os.getpid()}-{secrets.token_hex(8)}"
        office = office_arguments(self._soffice, run / "profile", f"--accept=pipe,name={pipe};urp;")
        self._answers = queue.Queue()
        self._process = subprocess.Popen([*isolation(), str(self._python), str(BRIDGE), pipe, *office],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         text=True, start_new_session=True, env=office_environment(run / "tmp"))
        threading.Thread(target=read_lines, args=(self._process, self._answers), daemon=True).start()
        try:
            self._answer(max(START_TIMEOUT, self.timeout))
        except _Gone:
            self._stop(polite=False)
            raise InputError([Problem("archive.office_not_started",
                                      "Không khởi động được LibreOffice để giữ chạy sẵn.",
                                      hint=SET_UP_HINT)]) from None

    def _stop(self, *, polite: bool) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if polite and process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # the bridge ends LibreOffice on end of input
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group
        process.wait()
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        if self._run is not None:
            shutil.rmtree(self._run, ignore_errors=True)


@functools.cache
def _uno_python(python: Path) -> Path:
    """`python` when it can import LibreOffice's `uno`; raises InputError `archive.uno_missing` otherwise."""
    found = python.is_file() and subprocess.run([str(python), "-c", "import uno"], capture_output=True,
                                                check=False).returncode == 0
    if not found:
        raise InputError([Problem("archive.uno_missing",
                                  f"{python} không nạp được mô-đun uno của LibreOffice; cần nó để giữ "
                                  "LibreOffice chạy sẵn cho xem trước nhanh.",
                                  hint="Chạy bash scripts/setup.sh (cài gói python3-uno).")])
    return python
