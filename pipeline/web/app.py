"""The ASGI application: `create_app(workspace)` gives the page and the API over one workspace.

Every route says which `Action` it is (and so which roles may call it); a browser is known by its signed
session cookie and sends the session's CSRF token with every form; a program sends `Authorization:
Bearer <token>`. Errors are pages for people and JSON (`{"problems": [...]}`, the CLI's problem shape)
for `/api/`; nothing ever shows a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline import __version__
from pipeline.problems import InputError, Location, Problem
from pipeline.web import actions
from pipeline.web.security import COOKIE, Action, BodyLimit, CookieSigner, allowed, same_token, secret_key
from pipeline.web.store import ROLE_NAMES, SessionInfo, Store, User
from pipeline.web.workspace import NotFound, Workspace

HERE = Path(__file__).resolve().parent
_log = logging.getLogger("qdgen.web")


class Refused(Exception):
    """An answer other than the page asked for: status, problem code, Vietnamese message, hint."""

    def __init__(self, status: int, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.status, self.problem = status, Problem(code, message, hint=hint)


def unauthenticated() -> Refused:
    return Refused(401, "web.unauthenticated", "Chưa đăng nhập.",
                   "Đăng nhập trên trang, hoặc gửi Authorization: Bearer <mã> (qdgen user token TÊN).")


def forbidden(user: User, action: Action) -> Refused:
    return Refused(403, "web.forbidden", f"Tài khoản {ROLE_NAMES[user.role]} không được {action.value}.",
                   "Nhờ người có vai trò phù hợp thực hiện việc này.")


def not_found(what: str) -> Refused:
    return Refused(404, "web.not_found", f"Không có «{what[:80]}».", "Kiểm tra lại tên hồ sơ hoặc tên tệp.")


@dataclass(frozen=True, slots=True)
class Context:
    """What every request needs: the workspace, the store, the cookie signer and the templates."""

    workspace: Workspace
    store: Store
    signer: CookieSigner
    templates: Jinja2Templates
    office: actions.KeptOffice


def context(request: Request) -> Context:
    return request.app.state.qdgen


def browser_session(request: Request) -> SessionInfo | None:
    ctx = context(request)
    session_id = ctx.signer.unsign(request.cookies.get(COOKIE))
    return ctx.store.session(session_id) if session_id else None


def api_user(request: Request, action: Action) -> User:
    """The user of an API call (Bearer token), allowed to do `action`; 401 or 403 otherwise."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = context(request).store.token_user(token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise unauthenticated()
    if not allowed(user.role, action):
        raise forbidden(user, action)
    return user


class LoginRequired(Exception):
    pass


def page_user(request: Request, action: Action) -> SessionInfo:
    """The signed-in user of a page, allowed to do `action` (a login page otherwise, or 403)."""
    info = browser_session(request)
    if info is None:
        raise LoginRequired
    if not allowed(info.user.role, action):
        raise forbidden(info.user, action)
    return info


async def form_of(request: Request, action: Action):
    """The posted form of a signed-in user allowed to do `action`, its CSRF token checked."""
    info = page_user(request, action)
    form = await request.form()
    if not same_token(info.csrf, form.get("csrf")):
        raise Refused(403, "web.csrf", "Biểu mẫu đã cũ hoặc không gửi từ trang này.", "Tải lại trang rồi làm lại.")
    return info, form


def render(request: Request, template: str, status: int = 200, **values) -> HTMLResponse:
    info = values.pop("info", None) or browser_session(request)
    root = context(request).workspace.root
    return context(request).templates.TemplateResponse(request, template, {
        "info": info, "role_names": ROLE_NAMES, "version": __version__, "Action": Action,
        "where": lambda location: _shown_location(location, root),
        "can": (lambda action: info is not None and allowed(info.user.role, action)), **values}, status_code=status)


def _shown_location(location: Location, root: Path) -> str:
    """A problem's place as a clerk reads it: files named from the workspace (`cases/x/case.yaml:18`)."""
    if location.file is not None and location.file.is_absolute() and location.file.is_relative_to(root):
        location = dataclasses.replace(location, file=location.file.relative_to(root))
    return str(location)


def create_app(workspace: Workspace) -> FastAPI:
    from pipeline.web import api, pages

    workspace.state.mkdir(parents=True, exist_ok=True)
    kept = actions.KeptOffice()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        kept.close()  # the warm LibreOffice ends with the server

    app = FastAPI(title="qdgen", version=__version__, docs_url=None, redoc_url=None,  # Swagger UI needs a CDN
                  lifespan=lifespan,
                  openapi_url="/api/openapi.json",
                  description="Soạn, kiểm tra và tạo Quyết định QĐ-UBND theo Nghị định 30/2020/NĐ-CP.")
    templates = Jinja2Templates(directory=HERE / "templates")
    app.state.qdgen = Context(workspace, Store(workspace.root), CookieSigner(secret_key(workspace.state)), templates,
                              kept)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    _handle_errors(app)
    app.add_middleware(BodyLimit)
    return app


def _handle_errors(app: FastAPI) -> None:
    def answer(request: Request, status: int, problems: list[Problem]) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"problems": [p.to_json() for p in problems]}, status_code=status)
        return render(request, "error.html", status, problems=problems, code=status)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return answer(request, exc.status, [exc.problem])

    @app.exception_handler(NotFound)
    async def unknown(request: Request, exc: NotFound) -> Response:
        return answer(request, 404, [not_found(str(exc)).problem])

    @app.exception_handler(InputError)
    async def refused_input(request: Request, exc: InputError) -> Response:
        return answer(request, 422, list(exc.problems))

    @app.exception_handler(LoginRequired)
    async def login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [Problem("web.bad_request", f"Thiếu hoặc sai trường «{'.'.join(map(str, e['loc'][1:]))}».",
                            hint="Xem tài liệu API: /api/docs.") for e in exc.errors()]
        return answer(request, 422, problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return answer(request, 404, [not_found(request.url.path).problem])
        return answer(request, exc.status_code, [Problem("web.http", str(exc.detail))])

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        _log.exception("lỗi không lường trước ở %s", request.url.path)
        return answer(request, 500, [Problem("web.internal", "Có lỗi bên trong máy chủ; việc này chưa được làm.",
                                             hint="Báo quản trị; chi tiết ở nhật ký của máy chủ.")])
