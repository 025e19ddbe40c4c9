"""The page's own small store: users, sessions, API tokens and the audit log, in SQLite via SQLAlchemy.

It lives in the workspace (`.qdgen/web.sqlite3`), apart from the case folders and from the Sổ đăng ký,
so a server restart loses nothing and the CLI never needs it. Passwords are hashed with argon2; session
ids and API tokens are stored only as their sha256, so a copy of the file opens no door.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ForeignKey, String, create_engine, delete, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

STORE_FILE = Path(".qdgen") / "web.sqlite3"
SESSION_DAYS = 14
_HASHER = PasswordHasher()


class Role(enum.StrEnum):
    """Who a user is in the office: what they may do is in `pipeline.web.security.ALLOWED`."""

    CHUYEN_VIEN = "chuyen-vien"
    VAN_THU = "van-thu"
    QUAN_TRI = "quan-tri"


ROLE_NAMES = {Role.CHUYEN_VIEN: "chuyên viên", Role.VAN_THU: "văn thư", Role.QUAN_TRI: "quản trị"}


class _Base(DeclarativeBase):
    pass


class _User(_Base):
    __tablename__ = "users"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password: Mapped[str] = mapped_column(String(256))


class _Secret(_Base):
    """A hashed secret that stands for a user: a browser session (with its CSRF token) or an API token."""

    __tablename__ = "secrets"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # "session" or "token"
    user: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64), default="")
    created: Mapped[dt.datetime] = mapped_column()


class _Audit(_Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column()
    user: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    case: Mapped[str] = mapped_column(String(128), default="")
    detail: Mapped[str] = mapped_column(String(1000), default="")


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class SessionInfo:
    user: User
    csrf: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: dt.datetime
    user: str
    action: str
    case: str
    detail: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Store:
    """Users, sessions, tokens and the audit log of one workspace."""

    def __init__(self, workspace: Path) -> None:
        path = workspace / STORE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
        event.listen(self._engine, "connect", lambda connection, _: connection.execute("PRAGMA foreign_keys=ON"))
        _Base.metadata.create_all(self._engine)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    def close(self) -> None:
        self._engine.dispose()

    # ------------------------------------------------------------------ users

    def add_user(self, name: str, role: Role, password: str) -> None:
        """Create the user, or set a new role and password for an existing one."""
        with self._sessions.begin() as session:
            user = session.get(_User, name) or _User(name=name)
            user.role, user.password = role.value, _HASHER.hash(password)
            session.add(user)

    def users(self) -> list[User]:
        with self._sessions() as session:
            return [User(u.name, Role(u.role)) for u in session.scalars(select(_User).order_by(_User.name))]

    def user(self, name: str) -> User | None:
        with self._sessions() as session:
            found = session.get(_User, name)
            return User(found.name, Role(found.role)) if found else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password is right; None otherwise (same answer for an unknown name)."""
        with self._sessions() as session:
            found = session.get(_User, name)
            try:
                if found is None:
                    _HASHER.hash(password)  # the same work either way: no telling names by the time taken
                    return None
                _HASHER.verify(found.password, password)
            except (VerificationError, InvalidHashError):
                return None
            return User(found.name, Role(found.role))

    # ------------------------------------------------------------------ sessions and tokens

    def open_session(self, user: User) -> tuple[str, str]:
        """A new browser session: (session id for the signed cookie, its CSRF token)."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            session.add(_Secret(digest=_digest(session_id), kind="session", user=user.name, csrf=csrf,
                                created=_now()))
        return session_id, csrf

    def session(self, session_id: str) -> SessionInfo | None:
        with self._sessions() as session:
            found = session.get(_Secret, _digest(session_id))
            if found is None or found.kind != "session" or found.created < _now() - dt.timedelta(days=SESSION_DAYS):
                return None
            user = session.get(_User, found.user)
            return SessionInfo(User(user.name, Role(user.role)), found.csrf) if user else None

    def close_session(self, session_id: str) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(_Secret).where(_Secret.digest == _digest(session_id), _Secret.kind == "session"))

    def new_token(self, name: str) -> str | None:
        """A new API token for the user (earlier ones stay valid); None for an unknown user."""
        token = "qdg_" + secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            if session.get(_User, name) is None:
                return None
            session.add(_Secret(digest=_digest(token), kind="token", user=name, created=_now()))
        return token

    def token_user(self, token: str) -> User | None:
        with self._sessions() as session:
            found = session.get(_Secret, _digest(token))
            if found is None or found.kind != "token":
                return None
            user = session.get(_User, found.user)
            return User(user.name, Role(user.role)) if user else None

    # ------------------------------------------------------------------ audit

    def audit(self, user: User, action: str, case: str = "", detail: str = "") -> None:
        with self._sessions.begin() as session:
            session.add(_Audit(at=_now(), user=user.name, action=action, case=case, detail=detail[:1000]))

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        with self._sessions() as session:
            rows = session.scalars(select(_Audit).order_by(_Audit.id.desc()).limit(limit))
            return [AuditEntry(r.at, r.user, r.action, r.case, r.detail) for r in rows]
