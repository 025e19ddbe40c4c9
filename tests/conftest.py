"""Shared test fixtures: the project's fixture cases built once per session, and docx read-back helpers."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.stages import BuildOptions, build_cases

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "cases"
SEEDS = ROOT.parent / "shared" / "seeds"
BUILD_DAY = dt.date(2026, 11, 22)


def pytest_configure(config):
    """Remembered verdicts (`build.memo`) and the LibreOffice profile template go to a cache of this run (and
    the processes it starts), never the user's."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="qdgen-tests-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Every fixture case built once into a session folder: `built / <case name> / quyet-dinh.docx`."""
    out = tmp_path_factory.mktemp("built")
    results = build_cases(sorted(p for p in CASES.iterdir() if (p / "case.yaml").exists()),
                          BuildOptions(out=out, build_day=BUILD_DAY))
    failed = [(r.case, [f"{p.code} {p.location} {p.message}" for p in r.problems])
              for r in results if r.status == "failed"]
    assert not failed, failed
    return out


@pytest.fixture
def case_copy(tmp_path):
    """Copy a fixture case folder (and what it points to) into tmp_path; returns a factory."""

    def copy(name: str) -> Path:
        fixtures = tmp_path / "fixtures"
        if not fixtures.exists():
            shutil.copytree(ROOT / "fixtures", fixtures)
        return fixtures / "cases" / name

    return copy


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The web page on a real uvicorn (127.0.0.1) over a fresh copy of the fixtures, one per test module."""
    from tests.web_server import make_workspace, start

    running = start(make_workspace(tmp_path_factory.mktemp("workspace")))
    yield running
    running.stop()
