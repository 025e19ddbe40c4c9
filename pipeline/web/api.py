"""The HTTP API for other systems (the province's e-office, scripts), served as OpenAPI at /api/docs.

Authenticated with `Authorization: Bearer <token>` (`qdgen user token NAME`), with the page's role checks.
Answers and errors carry the CLI's problem shape (`code`, `severity`, `message`, `location`, `hint`);
401 unauthenticated, 403 forbidden, 404 unknown case or file, 409 a taken case name, 413 too large,
415 a file that is not what it says, 422 what the inputs or the register refuse (with their problems).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from pipeline.inputs.workspace import CASE_FILE
from pipeline.web import actions, drafts
from pipeline.web.app import Refused, api_user, context
from pipeline.web.pages import DOCX_TYPE, upload_bytes
from pipeline.web.security import MAX_BODY, Action
from pipeline.web.store import User
from pipeline.web.workspace import FILE_NAME, file_in, write_new_file

router = APIRouter(prefix="/api", tags=["api"])


def allowed_to(action: Action):
    """A dependency: the caller's user, allowed to do `action` (401/403 before the body is even looked at)."""

    def user(request: Request) -> User:
        return api_user(request, action)

    return Depends(user)


Viewer = Annotated[User, allowed_to(Action.VIEW)]
Drafter = Annotated[User, allowed_to(Action.DRAFT)]
Builder = Annotated[User, allowed_to(Action.BUILD)]
Checker = Annotated[User, allowed_to(Action.CHECK)]
Issuer = Annotated[User, allowed_to(Action.ISSUE)]
_ERRORS = {status: {"description": text} for status, text in (
    (401, "Chưa xác thực"), (403, "Vai trò không được phép"), (404, "Không có hồ sơ hoặc tệp"),
    (413, "Tệp quá lớn"))}


@router.get("/cases", responses=_ERRORS, summary="Các hồ sơ của kho")
def list_cases(request: Request, _: Viewer) -> list[dict]:
    return [{"name": row.name, "state": row.state, "kind": row.kind, "date": row.date, "subject": row.subject,
             "number": row.number, "up_to_date": row.up_to_date, "why": list(row.why),
             "replaced": list(row.replaced), "problems": [p.to_json() for p in row.problems]}
            for row in actions.case_rows(context(request).workspace)]


@router.post("/cases", status_code=201, responses={**_ERRORS, 409: {"description": "Tên đã có"}},
             summary="Tạo hồ sơ từ case.yaml và các tệp nó ghi")
async def create_case(request: Request, user: Drafter, name: Annotated[str, Form()],
                      case: Annotated[UploadFile, File()], files: Annotated[list[UploadFile], File()] = ()
                      ) -> JSONResponse:
    ctx = context(request)
    text = await case.read(MAX_BODY + 1)
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(415, "web.wrong_type", "case.yaml phải là văn bản UTF-8.") from None
    sheets = []
    for upload in files:
        if not FILE_NAME.match(upload.filename or ""):
            raise Refused(400, "web.bad_name", f"Tên tệp «{(upload.filename or '')[:80]}» không dùng được.",
                          "Chỉ gửi tên tệp (không thư mục), chữ không dấu, chữ số, dấu chấm, gạch ngang.")
        sheets.append((upload.filename, await upload_bytes(upload, ".xlsx", drafts.XLSX_PARTS)))
    try:
        folder = ctx.workspace.new_case_dir(name)
    except ValueError:
        raise Refused(400, "web.bad_name", f"Tên hồ sơ «{name[:64]}» không dùng được.",
                      "Chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ lang-son-2025-khen-thuong.") from None
    except FileExistsError:
        raise Refused(409, "web.exists", f"Đã có hồ sơ «{name}».", "Chọn tên khác.") from None
    for file_name, data in sheets:
        write_new_file(folder, file_name, data)
    write_new_file(folder, CASE_FILE, text)
    ctx.store.audit(user, "tạo hồ sơ", name, "qua API")
    problems = await run_in_threadpool(actions.validate, ctx.workspace, name)
    return JSONResponse({"name": name, "problems": [p.to_json() for p in problems]}, status_code=201)


@router.post("/cases/{name}/build", responses=_ERRORS, summary="Tạo văn bản của hồ sơ")
def build(request: Request, name: str, user: Builder) -> JSONResponse:
    ctx = context(request)
    built = actions.build(ctx.workspace, name)
    ctx.store.audit(user, "tạo văn bản", name, built.result.status)
    result = built.result
    return JSONResponse({
        "case": name, "status": str(result.status), "reasons": list(result.reasons),
        "files": [{"name": file, "sha256": digest, "url": f"/api/cases/{name}/files/{file}"}
                  for file, digest in built.files],
        "problems": [p.to_json() for p in result.problems]}, status_code=422 if result.status == "failed" else 200)


@router.get("/cases/{name}/files/{file}", responses=_ERRORS, summary="Tải một tệp .docx đã tạo")
def download(request: Request, name: str, file: str, _: Viewer) -> FileResponse:
    return FileResponse(file_in(context(request).workspace.build_dir(name), file, (".docx",)),
                        media_type=DOCX_TYPE, filename=file)


@router.post("/check", responses=_ERRORS, summary="Kiểm tra thể thức các tệp .docx (như qdgen check --json)")
async def check(request: Request, user: Checker, files: Annotated[list[UploadFile], File()]) -> list[dict]:
    uploads = [(upload.filename or "tep.docx", await upload_bytes(upload, ".docx", drafts.DOCX_PARTS))
               for upload in files]
    context(request).store.audit(user, "kiểm tra thể thức", "", ", ".join(label for label, _ in uploads))
    return await run_in_threadpool(actions.check, uploads)


@router.post("/cases/{name}/issue", responses=_ERRORS, summary="Cấp số, ban hành (Sổ đăng ký văn bản đi)")
def issue(request: Request, name: str, user: Issuer, date: str | None = None, number: int | None = None) -> dict:
    ctx = context(request)
    issued = actions.issue(ctx.workspace, ctx.workspace.case_dir(name).name, number, date)
    ctx.store.audit(user, "cấp số", name, issued.entry.number_text)
    return {"number": issued.entry.number, "number_text": issued.entry.number_text,
            "date": issued.entry.date.isoformat(), "build": str(issued.build.status),
            "problems": [problem.to_json() for problem in issued.build.problems]}