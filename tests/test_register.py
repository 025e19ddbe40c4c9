"""The outgoing register under load and under failure, on SQLite and on a real PostgreSQL server:
20 processes issuing at the same moment get 20 distinct consecutive numbers; a process killed mid-issue
leaves no half-issued case once the register is next opened."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from pipeline.build.issue import issue_case
from pipeline.build.stages import BuildOptions
from pipeline.inputs.load import read_case
from pipeline.register.book import entries
from pipeline.register.database import open_register, opened
from pipeline.register.recovery import resolve_pending
from pipeline.register.schema import ISSUED, PENDING
from tests.register_support import (
    ISSUE_DAY,
    build_drafts,
    draft_cases,
    postgres,  # noqa: F401  (the session's PostgreSQL server)
    register_url,
)

DATABASES = ["sqlite", "postgresql"]


def _issue_at_the_barrier(url: str, case: Path, options: BuildOptions, barrier) -> None:
    engine = open_register(url)
    barrier.wait()
    issue_case(case, engine, options, day=ISSUE_DAY)


@pytest.mark.parametrize("kind", DATABASES)
def test_twenty_clerks_issuing_at_once_get_twenty_distinct_consecutive_numbers(kind, case_copy, tmp_path, request):
    url = register_url(kind, tmp_path, request)
    open_register(url).dispose()  # the schema exists before the race; creating it concurrently is tested below
    cases = draft_cases(case_copy, 20)
    options = build_drafts(cases, tmp_path / "out")
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(cases))
    workers = [context.Process(target=_issue_at_the_barrier, args=(url, case, options, barrier)) for case in cases]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * len(cases)
    with opened(url) as engine:
        lines = entries(engine)
    assert sorted(line.number for line in lines) == list(range(1, 21))
    assert {line.state for line in lines} == {ISSUED}
    for line in lines:  # each case says the number the register gave it, and its issued build exists
        case = read_case(Path(line.case_path)).case
        assert (case.number, case.date.as_date()) == (line.number, ISSUE_DAY)
        manifest = (tmp_path / "out" / case.name / "manifest.json").read_text(encoding="utf-8")
        assert f'"number_text": "{line.number:02d}/QĐ-UBND"' in manifest


def _create_at_the_barrier(url: str, barrier) -> None:
    barrier.wait()
    open_register(url).dispose()


@pytest.mark.parametrize("kind", DATABASES)
def test_a_new_register_opened_by_many_clerks_at_once_is_created_once(kind, tmp_path, request):
    url = register_url(kind, tmp_path, request)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(8)
    workers = [context.Process(target=_create_at_the_barrier, args=(url, barrier)) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * 8
    with opened(url) as engine:
        assert entries(engine) == ()


def _issue_and_die_at(url: str, case: Path, options: BuildOptions, step: str) -> None:
    def checkpoint(reached: str) -> None:
        if reached == step:
            os.kill(os.getpid(), signal.SIGKILL)

    with opened(url) as engine:
        issue_case(case, engine, options, day=ISSUE_DAY, checkpoint=checkpoint)


@pytest.mark.parametrize("kind", DATABASES)
@pytest.mark.parametrize("step", ["reserved", "written"])
def test_a_clerk_killed_mid_issue_leaves_no_half_issued_case(kind, step, case_copy, tmp_path, request):
    url = register_url(kind, tmp_path, request)
    killed, other = draft_cases(case_copy, 2)
    options = build_drafts([killed, other], tmp_path / "out")
    draft_text = (killed / "case.yaml").read_text(encoding="utf-8")
    process = multiprocessing.get_context("fork").Process(target=_issue_and_die_at,
                                                          args=(url, killed, options, step))
    process.start()
    process.join()
    assert process.exitcode == -signal.SIGKILL
    engine = open_register(url)
    request.addfinalizer(engine.dispose)
    [line] = entries(engine)
    assert line.state == PENDING  # the recoverable middle state, nothing else
    written = (killed / "case.yaml").read_text(encoding="utf-8")
    assert written == draft_text if step == "reserved" else "number: 1\n" in written

    issued = issue_case(other, engine, options, day=ISSUE_DAY)  # the next clerk's command resolves it first
    assert [(r.number, r.state) for r in issued.recovered] == [(1, ISSUED)]
    assert issued.entry.number == 2
    case = read_case(killed).case
    assert (case.number, case.date.as_date()) == (1, ISSUE_DAY)
    recovered = (killed / "case.yaml").read_text(encoding="utf-8")
    assert recovered.startswith("# A general decision") and "as_of" not in recovered  # comments kept
    assert [(r.number, r.state) for r in entries(engine)] == [(1, ISSUED), (2, ISSUED)]
    assert resolve_pending(engine) == ()
