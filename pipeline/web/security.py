"""Who may do what, how a browser or a program proves who it is, and the limits on what it may send.

- Roles → actions (`ALLOWED`): checked on every route through `require`.
- Browsers: a signed (itsdangerous), HttpOnly, SameSite=Strict cookie holding a session id that the store
  knows; every form carries the session's CSRF token and is refused without it.
- Programs: `Authorization: Bearer <token>` (`qdgen user token NAME`); no cookie, so no CSRF.
- Bodies: `BodyLimit` refuses a request larger than the limit from its Content-Length before reading
  it, and stops reading a body without one as soon as it passes the limit (413).
"""

from __future__ import annotations

import enum
import hmac
import json
import secrets
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from pipeline.web.store import Role

COOKIE = "qdgen_session"
MAX_BODY = 20 * 1024 * 1024
"""The largest request accepted (score sheets and .docx files are well under a megabyte)."""


class Action(enum.StrEnum):
    VIEW = "xem"
    DRAFT = "soạn, sửa hồ sơ"
    BUILD = "tạo văn bản"
    CHECK = "kiểm tra thể thức"
    ISSUE = "cấp số, ban hành"
    REGISTER = "sổ đăng ký"
    ARCHIVE = "lưu trữ"
    USERS = "quản lý người dùng"


_EVERYONE = frozenset(Role)
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW: _EVERYONE,
    Action.CHECK: _EVERYONE,
    Action.DRAFT: frozenset({Role.CHUYEN_VIEN}),
    Action.BUILD: frozenset({Role.CHUYEN_VIEN, Role.VAN_THU}),
    Action.ISSUE: frozenset({Role.VAN_THU}),
    Action.REGISTER: frozenset({Role.VAN_THU}),
    Action.ARCHIVE: frozenset({Role.VAN_THU}),
    Action.USERS: frozenset({Role.QUAN_TRI}),
}


def allowed(role: Role, action: Action) -> bool:
    return role in ALLOWED[action]


def secret_key(state: Path) -> str:
    """The key signing session cookies, kept in the workspace (mode 600) so a restart keeps sessions."""
    path = state / "secret-key"
    if not path.exists():
        state.mkdir(parents=True, exist_ok=True)
        temporary = state / ".secret-key.new"
        temporary.write_text(secrets.token_urlsafe(48), encoding="ascii")
        temporary.chmod(0o600)
        temporary.replace(path)
    return path.read_text(encoding="ascii").strip()


class CookieSigner:
    def __init__(self, key: str) -> None:
        self._serializer = URLSafeSerializer(key, salt="qdgen-session")

    def sign(self, session_id: str) -> str:
        return self._serializer.dumps(session_id)

    def unsign(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            value = self._serializer.loads(cookie)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


def same_token(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit` bytes, without reading more of it than the limit."""

    def __init__(self, app, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _too_large(send, self.limit)
        seen = 0
        over = started = False

        async def limited_receive():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def checked_send(message):
            """Once the body went over, whatever the app answers (a parser may call it a bad body) is 413."""
            nonlocal started
            if over:
                if not started:
                    started = True
                    await _too_large(send, self.limit)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, checked_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send, limit: int) -> None:
    problem = {"code": "web.too_large", "severity": "error", "location": {},
               "message": f"Tệp gửi lên quá lớn (tối đa {limit // (1024 * 1024)} MB).",
               "hint": "Gửi từng tệp một, hoặc giảm kích thước tệp."}
    body = json.dumps({"problems": [problem]}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
