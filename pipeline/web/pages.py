"""The pages a clerk uses: the workspace's decisions, a case (form, sheets, build, previews, downloads,
issue/archive), checking a .docx, regenerating, signing in and out. Server-rendered, no JavaScript needed;
each POST is a form with the session's CSRF token. Slow work (builds, LibreOffice) runs off the event loop.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from pipeline.inputs.workspace import CASE_FILE
from pipeline.kinds.registry import kind_named, kinds
from pipeline.problems import InputError, Problem
from pipeline.web import actions, caseform, drafts
from pipeline.web.app import Refused, context, form_of, page_user, render
from pipeline.web.security import COOKIE, MAX_BODY, Action
from pipeline.web.workspace import file_in, files_in


async def _close_uploads(request: Request):
    """Uploaded files of a form are closed (their temporary files deleted) once the answer is sent."""
    try:
        yield
    finally:
        await request.close()


router = APIRouter(include_in_schema=False, dependencies=[Depends(_close_uploads)])


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
async def login_page(request: Request):
    return render(request, "login.html")


@router.post("/login")
async def login(request: Request):
    form = await request.form()
    ctx = context(request)
    user = await run_in_threadpool(ctx.store.authenticate, str(form.get("name", "")), str(form.get("password", "")))
    if user is None:
        return render(request, "login.html", 401, error="Sai tên đăng nhập hoặc mật khẩu.")
    session_id, _ = ctx.store.open_session(user)
    ctx.store.audit(user, "đăng nhập")
    response = _redirect("/")
    response.set_cookie(COOKIE, ctx.signer.sign(session_id), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=14 * 24 * 3600)
    return response


@router.post("/logout")
async def logout(request: Request):
    await form_of(request, Action.VIEW)
    ctx = context(request)
    ctx.store.close_session(ctx.signer.unsign(request.cookies.get(COOKIE)) or "")
    response = _redirect("/login")
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
async def case_list(request: Request):
    info = page_user(request, Action.VIEW)
    rows = await run_in_threadpool(actions.case_rows, context(request).workspace)
    return render(request, "cases.html", info=info, rows=rows, kinds=sorted(kinds()))


@router.post("/new")
async def new_case(request: Request):
    info, form = await form_of(request, Action.DRAFT)
    workspace = context(request).workspace
    name, kind, source = (str(form.get(key, "")).strip() for key in ("name", "kind", "copy_of"))
    try:
        if source:
            drafts.create_from_copy(workspace, name, source)
        elif kind in kinds():
            drafts.create_from_kind(workspace, name, kind)
        else:
            raise Refused(400, "web.unknown_kind", f"Không có loại quyết định «{kind[:40]}».")
    except ValueError:
        raise Refused(400, "web.bad_name", f"Tên hồ sơ «{name[:64]}» không dùng được.",
                      "Chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ lang-son-2025-khen-thuong.") from None
    except FileExistsError:
        raise Refused(409, "web.exists", f"Đã có hồ sơ «{name}».", "Chọn tên khác.") from None
    context(request).store.audit(info.user, "tạo hồ sơ", name, f"từ {source or kind}")
    return _redirect(f"/cases/{name}")


def _case_page(request: Request, info, name: str, status: int = 200, **values):
    ctx = context(request)
    workspace = ctx.workspace
    folder = workspace.case_dir(name)
    data = caseform.load_or_none(folder / CASE_FILE)
    template = data.get("template") if isinstance(data, dict) else None
    kind = kind_named(template) if template in kinds() else None
    problems = values.pop("problems", None)
    if problems is None:
        problems = actions.validate(workspace, name)
    fields = caseform.form_fields(kind) if kind else ()
    by_field, others = caseform.place_problems(tuple(problems), fields)
    first, rest = caseform.asked_first(kind, fields, data) if kind else ([], [])
    query = request.query_params.get("q", "")
    return render(request, "case.html", status, info=info, name=name, kind=kind, data=data, first=first, rest=rest,
                  shown=caseform.shown_value, by_field=by_field, others=others, query=query,
                  found=drafts.search_basis(workspace, query, name) if query else [],
                  docx=files_in(workspace.out / name, (".docx",)),
                  images=actions.preview_images(workspace, name), sheets=_sheets(workspace, name), **values)


def _sheets(workspace, name: str) -> dict[str, str]:
    try:
        return actions.sheet_names(workspace, name)
    except InputError:
        return {}


@router.get("/cases/{name}")
async def case_page(request: Request, name: str):
    info = page_user(request, Action.VIEW)
    return await run_in_threadpool(lambda: _case_page(request, info, name))


@router.post("/cases/{name}/form")
async def save_form(request: Request, name: str):
    info, form = await form_of(request, Action.DRAFT)
    ctx = context(request)
    folder = ctx.workspace.case_dir(name)
    kind = kind_named(_template_of(folder))
    answers = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    with ctx.workspace.lock(name):
        unreadable = caseform.save(folder / CASE_FILE, kind, answers)
    ctx.store.audit(info.user, "sửa hồ sơ", name)
    problems = [*(Problem("web.bad_yaml", message) for message in unreadable.values()), *actions.validate(ctx.workspace, name)]
    saved = "Đã lưu." + (" Hồ sơ không còn lỗi." if not any(p.is_error for p in problems) else
                         " Còn lỗi, xem cạnh từng ô.")
    return await run_in_threadpool(lambda: _case_page(request, info, name, problems=problems, message=saved))


def _template_of(folder) -> str:
    data = caseform.load_or_none(folder / CASE_FILE)
    template = data.get("template") if isinstance(data, dict) else None
    if template not in kinds():
        raise Refused(400, "web.unknown_kind", "Hồ sơ không ghi loại quyết định (template) hợp lệ.",
                      "Sửa khóa template trong case.yaml.")
    return template


@router.post("/cases/{name}/basis")
async def add_basis(request: Request, name: str):
    info, form = await form_of(request, Action.DRAFT)
    ctx = context(request)
    doc_id = str(form.get("id", ""))
    if actions.registry(ctx.workspace).get(doc_id) is None:
        raise Refused(400, "web.unknown_document", f"Không có văn bản «{doc_id[:80]}» trong danh mục.")
    with ctx.workspace.lock(name):
        caseform.append_basis(ctx.workspace.case_dir(name) / CASE_FILE, doc_id)
    ctx.store.audit(info.user, "thêm căn cứ", name, doc_id)
    return _redirect(f"/cases/{name}#legal_basis")


@router.get("/cases/{name}/scoresheet.xlsx")
async def blank_sheet(request: Request, name: str):
    page_user(request, Action.VIEW)
    try:
        data = await run_in_threadpool(actions.blank_sheet, context(request).workspace, name)
    except InputError as exc:
        raise Refused(400, exc.problems[0].code, exc.problems[0].message, exc.problems[0].hint) from None
    return Response(data, media_type=XLSX_TYPE,
                    headers={"content-disposition": f'attachment; filename="bang-diem-trong-{name}.xlsx"'})


async def upload_bytes(upload, suffix: str, parts: tuple[str, ...]) -> bytes:
    """An uploaded file's bytes, refused unless it is the kind of file its ending says (413 over the limit)."""
    if not isinstance(upload, UploadFile):
        raise Refused(400, "web.no_file", "Chưa chọn tệp.")
    data = await upload.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise Refused(413, "web.too_large", "Tệp gửi lên quá lớn.")
    if not (upload.filename or "").lower().endswith(suffix) or not drafts.is_office_file(data, parts):
        raise Refused(415, "web.wrong_type", f"«{(upload.filename or '')[:80]}» không phải tệp {suffix}.",
                      f"Chọn một tệp {suffix} lưu từ Word/Excel.")
    return data


@router.post("/cases/{name}/sheets")
async def upload_sheet(request: Request, name: str):
    info, form = await form_of(request, Action.DRAFT)
    ctx = context(request)
    data = await upload_bytes(form.get("sheet"), ".xlsx", drafts.XLSX_PARTS)
    index = str(form.get("index", ""))
    try:
        saved = drafts.save_sheet(ctx.workspace, name, index, data)
    except KeyError:
        raise Refused(400, "web.unknown_index", f"Hồ sơ không có bảng điểm «{index[:20]}».") from None
    ctx.store.audit(info.user, "tải bảng điểm", name, saved)
    return _redirect(f"/cases/{name}/sheets")


@router.get("/cases/{name}/sheets")
async def sheets_page(request: Request, name: str):
    info = page_user(request, Action.VIEW)
    workspace = context(request).workspace
    try:
        reports = await run_in_threadpool(actions.sheet_reports, workspace, name)
    except InputError as exc:
        return render(request, "sheets.html", info=info, name=name, reports=[], problems=exc.problems, sheets={})
    return render(request, "sheets.html", info=info, name=name, reports=reports, problems=(),
                  sheets=_sheets(workspace, name))


@router.post("/cases/{name}/build")
async def build(request: Request, name: str):
    info, _ = await form_of(request, Action.BUILD)
    ctx = context(request)
    built = await run_in_threadpool(actions.build, ctx.workspace, name)
    ctx.store.audit(info.user, "tạo văn bản", name, built.result.status)
    return await run_in_threadpool(lambda: _case_page(request, info, name, problems=built.result.problems,
                                                      built=built))


@router.post("/cases/{name}/preview")
async def preview(request: Request, name: str):
    info, _ = await form_of(request, Action.BUILD)
    ctx = context(request)
    images, problems = await run_in_threadpool(actions.preview, ctx.workspace, name, ctx.office)
    ctx.store.audit(info.user, "xem trước", name, f"{len(images)} trang")
    if problems:
        return await run_in_threadpool(lambda: _case_page(request, info, name, problems=problems))
    return _redirect(f"/cases/{name}/preview")


@router.get("/cases/{name}/preview")
async def preview_page(request: Request, name: str):
    info = page_user(request, Action.VIEW)
    workspace = context(request).workspace
    workspace.case_dir(name)
    return render(request, "preview.html", info=info, name=name, images=actions.preview_images(workspace, name))


@router.get("/cases/{name}/preview/{image}")
async def preview_image(request: Request, name: str, image: str):
    page_user(request, Action.VIEW)
    return FileResponse(file_in(context(request).workspace.preview_dir(name), image, (".png",)),
                        media_type="image/png")


@router.get("/cases/{name}/download/{file}")
async def download(request: Request, name: str, file: str):
    page_user(request, Action.VIEW)
    workspace = context(request).workspace
    if file == "all.zip":
        data = await run_in_threadpool(actions.built_zip, workspace, name)
        return Response(data, media_type="application/zip",
                        headers={"content-disposition": f'attachment; filename="{name}.zip"'})
    path = file_in(workspace.build_dir(name), file, (".docx",))
    return FileResponse(path, filename=f"{name}-{path.name}", media_type=DOCX_TYPE)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("/cases/{name}/issue")
async def issue(request: Request, name: str):
    info, form = await form_of(request, Action.ISSUE)
    ctx = context(request)
    ctx.workspace.case_dir(name)
    try:
        issued = await run_in_threadpool(actions.issue, ctx.workspace, name, None, str(form.get("date", "")) or None)
    except InputError as exc:
        refused = exc.problems
        ctx.store.audit(info.user, "cấp số", name, "không cấp: " + ", ".join(p.code for p in refused))
        return await run_in_threadpool(lambda: _case_page(request, info, name, 422, problems=refused))
    message = f"Đã cấp số {issued.entry.number_text} ngày {issued.entry.date.strftime('%d/%m/%Y')}."
    ctx.store.audit(info.user, "cấp số", name, issued.entry.number_text)
    return await run_in_threadpool(lambda: _case_page(request, info, name, problems=issued.build.problems,
                                                      message=message))


@router.post("/cases/{name}/archive")
async def archive(request: Request, name: str):
    info, _ = await form_of(request, Action.ARCHIVE)
    ctx = context(request)
    outcome = await run_in_threadpool(actions.archive, ctx.workspace, name)
    ctx.store.audit(info.user, "lưu trữ", name, outcome.message)
    return await run_in_threadpool(lambda: _case_page(request, info, name, problems=outcome.problems,
                                                      message=outcome.message))


@router.get("/register")
async def register(request: Request, year: int | None = None):
    info = page_user(request, Action.REGISTER)
    year = year or dt.date.today().year
    data = await run_in_threadpool(actions.register_export, context(request).workspace, year)
    context(request).store.audit(info.user, "in sổ đăng ký", "", str(year))
    return Response(data, media_type=XLSX_TYPE,
                    headers={"content-disposition": f'attachment; filename="so-dang-ky-van-ban-di-{year}.xlsx"'})


@router.get("/check")
async def check_page(request: Request):
    return render(request, "check.html", info=page_user(request, Action.CHECK), reports=None)


@router.post("/check")
async def check(request: Request):
    info, form = await form_of(request, Action.CHECK)
    uploads = [(upload.filename or "tep.docx", await upload_bytes(upload, ".docx", drafts.DOCX_PARTS))
               for upload in form.getlist("files")]
    if not uploads:
        raise Refused(400, "web.no_file", "Chưa chọn tệp.")
    reports = await run_in_threadpool(actions.check, uploads)
    context(request).store.audit(info.user, "kiểm tra thể thức", "", ", ".join(label for label, _ in uploads))
    return render(request, "check.html", info=info, reports=reports)


@router.get("/regenerate")
async def regenerate_page(request: Request):
    info = page_user(request, Action.VIEW)
    plans = await run_in_threadpool(actions.regenerate_plans, context(request).workspace)
    return render(request, "regenerate.html", info=info, plans=plans, results=None)


@router.post("/regenerate")
async def regenerate(request: Request):
    info, form = await form_of(request, Action.DRAFT)
    ctx = context(request)
    names = [str(name) for name in form.getlist("case")]
    for name in names:
        ctx.workspace.case_dir(name)
    results = await run_in_threadpool(actions.regenerate_apply, ctx.workspace, names)
    for name in names:
        ctx.store.audit(info.user, "tạo lại theo căn cứ mới", name)
    plans = await run_in_threadpool(actions.regenerate_plans, ctx.workspace)
    return render(request, "regenerate.html", info=info, plans=plans, results=results)


@router.get("/api/docs")
async def api_docs(request: Request):
    """The API described from its OpenAPI document, rendered here (Swagger UI would load from a CDN)."""
    spec = request.app.openapi()
    calls = [(method.upper(), path, operation) for path, methods in spec["paths"].items()
             for method, operation in methods.items()]
    return render(request, "api_docs.html", calls=calls)


@router.get("/audit")
async def audit(request: Request):
    info = page_user(request, Action.USERS)
    return render(request, "audit.html", info=info, entries=context(request).store.audit_log())

