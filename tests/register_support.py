"""Registers for the tests: a SQLite file, or a database on a throw-away PostgreSQL server.

The server is real: a cluster created with initdb in a temporary folder and started with pg_ctl on a Unix
socket only (no TCP port), once per test session, stopped at its end. As root, PostgreSQL refuses to run,
so the cluster belongs to the `postgres` user and its programs run through `runuser`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from pipeline.build.stages import BuildOptions, build_cases
from tests.conftest import BUILD_DAY

_names = itertools.count(1)
ISSUE_DAY = dt.date(2024, 3, 8)


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres():
    """The socket folder of a running throw-away PostgreSQL server (scripts/setup.sh installs PostgreSQL;
    without it the tests fail rather than skip)."""
    binaries = _postgres_bin()
    if binaries is None:
        pytest.fail("PostgreSQL is not installed: run scripts/setup.sh")
    root = Path(tempfile.mkdtemp(prefix="qdgen-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, socket_dir = root / "data", root
    subprocess.run([*as_owner, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8", "--locale", "C"], check=True, capture_output=True)
    subprocess.run([*as_owner, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w",
                    "-o", f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=100",
                    "start"], check=True, capture_output=True)
    try:
        yield socket_dir
    finally:
        subprocess.run([*as_owner, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def new_postgres_database(socket_dir: Path) -> str:
    """A fresh, empty database on the test server; its URL."""
    import psycopg

    name = f"register_{os.getpid()}_{next(_names)}"
    with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@/{name}?host={socket_dir}"


def register_url(kind: str, tmp_path: Path, request) -> str:
    """A new, empty register of `kind` ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        return str(tmp_path / "register.sqlite3")
    return new_postgres_database(request.getfixturevalue("postgres"))


def draft_cases(case_copy, count: int) -> list[Path]:
    """`count` drafts of the general decision (number null, month known), each in its own case folder."""
    source = case_copy("lang-son-2024-khen-thuong")
    text = source.joinpath("case.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^number: \d+$", "number: null", text).replace(
        "date: 2024-03-08", "date: 2024-03\nas_of: 2024-03-07   # re-creates a March 2024 draft")
    cases = []
    for index in range(1, count + 1):
        folder = source.with_name(f"khen-thuong-{index:02d}")
        folder.mkdir()
        folder.joinpath("case.yaml").write_text(text, encoding="utf-8")
        cases.append(folder)
    return cases


def build_drafts(cases: list[Path], out: Path) -> BuildOptions:
    options = BuildOptions(out=out, build_day=BUILD_DAY)
    results = build_cases(cases, options)
    assert {r.status for r in results} == {"built"}, [p.message for r in results for p in r.problems]
    return options
