"""Opening a register: where it is, whether it is one, and bringing its schema up to date (Alembic).

`--register` (or the environment variable QDGEN_REGISTER) names either a file (SQLite, the default
`register.sqlite3` in the working folder) or a database URL (`postgresql://user@host/db`) when an office
shares one register. Every failure is a `Problem` naming the register and why: not a register, a newer
schema than this qdgen knows, a server that cannot be reached.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from pipeline.problems import InputError, Location, Problem

REGISTER_ENV = "QDGEN_REGISTER"
DEFAULT_FILE = "register.sqlite3"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_WAIT_SECONDS = 120
"""How long a clerk's command waits for another one holding the SQLite register (numbers are given one
at a time); PostgreSQL waits on its row lock the same way."""
_MIGRATION_LOCK = 0x71D6E4  # PostgreSQL advisory lock taken while a schema is created or upgraded


def register_url(value: str | None) -> str:
    """The database URL of `--register VALUE`, else QDGEN_REGISTER, else ./register.sqlite3."""
    value = value or os.environ.get(REGISTER_ENV) or DEFAULT_FILE
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).resolve()}"


def describe(url: str) -> str:
    """The register as a clerk knows it: its file, or its URL without the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _where(url: str) -> Location:
    if make_url(url).get_backend_name() == "sqlite":
        return Location(file=Path(describe(url)))
    return Location(key=describe(url))


def _refuse(code: str, url: str, message: str, hint: str) -> InputError:
    return InputError([Problem(code, message, _where(url), hint)])


def open_register(value: str | None, create: bool = True) -> Engine:
    """An engine on the register, its schema at the newest version; raises InputError.

    `create`: a missing SQLite file becomes a new, empty register (otherwise it is an error)."""
    url = register_url(value)
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
    except ArgumentError:
        raise _refuse("register.bad_url", url, f"«{url}» không phải đường dẫn hay địa chỉ cơ sở dữ liệu.",
                      "Dùng một tệp (register.sqlite3) hoặc postgresql://người_dùng@máy_chủ/tên_csdl.") from None
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if not path.exists() and not create:
            raise _refuse("register.missing", url, f"Chưa có sổ đăng ký văn bản đi {path}.",
                          "Sổ được tạo khi cấp số đầu tiên (qdgen issue); kiểm tra --register hoặc QDGEN_REGISTER.")
        if not path.parent.is_dir():
            raise _refuse("register.missing", url, f"Không có thư mục {path.parent} để đặt sổ đăng ký.",
                          "Tạo thư mục trước, hoặc chọn nơi khác bằng --register.")
    try:
        engine = _engine(parsed, backend)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise _refuse("register.bad_url", url, f"Không dùng được cơ sở dữ liệu «{backend}»: {exc}.",
                      "qdgen dùng SQLite (một tệp) hoặc PostgreSQL (postgresql://…).") from None
    try:
        with engine.begin() as connection:
            _migrate(connection, url, backend)
    except DBAPIError as exc:
        engine.dispose()
        raise _database_error(exc, url, backend) from None
    except InputError:
        engine.dispose()
        raise
    return engine


@contextmanager
def opened(value: str | None, create: bool = True) -> Iterator[Engine]:
    """`open_register` for the length of a `with` block; its connections closed at the end. A database
    error inside the block (the server gone half-way, a lock never released) becomes a Problem too."""
    engine = open_register(value, create)
    try:
        yield engine
    except DBAPIError as exc:
        raise _database_error(exc, register_url(value), engine.url.get_backend_name()) from None
    finally:
        engine.dispose()


def _engine(url, backend: str) -> Engine:
    if backend != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_WAIT_SECONDS})

    @event.listens_for(engine, "connect")
    def _manual_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy, not pysqlite, says when a transaction begins

    @event.listens_for(engine, "begin")
    def _write_lock_first(connection):
        # One writer at a time from the first statement: reading the last number and writing the next one
        # happen under the same lock, and a second clerk waits instead of failing half-way.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _database_error(exc: DBAPIError, url: str, backend: str) -> InputError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if backend == "sqlite" and "not a database" in reason:
        return _refuse("register.not_a_register", url, f"Tệp {describe(url)} không phải sổ đăng ký văn bản đi.",
                       "Kiểm tra --register hoặc QDGEN_REGISTER; sổ là tệp SQLite do qdgen tạo.")
    return _refuse("register.unreachable", url, f"Không mở được sổ đăng ký {describe(url)}: {reason}",
                   "Kiểm tra máy chủ cơ sở dữ liệu đang chạy, địa chỉ, tên người dùng và quyền truy cập.")


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _migrate(connection: Connection, url: str, backend: str) -> None:
    """Create or upgrade the schema inside the caller's transaction; refuse a foreign or newer database."""
    if backend == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    scripts = ScriptDirectory(str(MIGRATIONS))
    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        if inspect(connection).get_table_names():
            raise _refuse("register.not_a_register", url,
                          f"Cơ sở dữ liệu {describe(url)} đã có dữ liệu khác, không phải sổ đăng ký văn bản đi.",
                          "Chọn một cơ sở dữ liệu trống hoặc một sổ do qdgen tạo.")
    elif current not in {script.revision for script in scripts.walk_revisions()}:
        raise _refuse("register.newer_schema", url,
                      f"Sổ đăng ký {describe(url)} ở phiên bản «{current}», mới hơn bản qdgen này biết "
                      f"(«{scripts.get_current_head()}»); không mở để tránh làm hỏng sổ.",
                      "Cập nhật qdgen lên phiên bản mới nhất rồi chạy lại.")
    if current != scripts.get_current_head():
        command.upgrade(_alembic(connection), "head")
