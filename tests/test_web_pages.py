"""The page over HTTP as a browser uses it (cookies, forms, CSRF) against a real uvicorn: signing in,
roles, the form writing the same case.yaml the CLI reads, sheets, regenerating, restarts, the CLI side."""

from __future__ import annotations

import io
import re
import shutil

import httpx
import openpyxl
from click.testing import CliRunner

from pipeline.archive.store import preview
from pipeline.cli.commands import main
from pipeline.web.store import Store
from tests.web_server import OUTDATED, PASSWORDS, ROOT, csrf_of, start

CASE = "lang-son-2023-sipas-par"


def test_nothing_is_open_without_signing_in_and_a_wrong_password_gets_no_cookie(server):
    with httpx.Client(base_url=server.url) as client:
        for path in ("/", f"/cases/{CASE}", "/check", "/regenerate", f"/cases/{CASE}/download/all.zip"):
            answer = client.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == "/login", path
        wrong = client.post("/login", data={"name": "an", "password": "sai-mat-khau"})
        assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
        assert "qdgen_session" not in client.cookies
        right = client.post("/login", data={"name": "an", "password": PASSWORDS["an"]}, follow_redirects=False)
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_every_form_needs_its_csrf_token(server):
    with server.browser("an") as (client, csrf):
        for data in ({}, {"csrf": "gia-mao"}):
            answer = client.post(f"/cases/{CASE}/build", data=data)
            assert answer.status_code == 403 and "web.csrf" in answer.text
        assert client.post(f"/cases/{CASE}/build", data={"csrf": csrf}).status_code == 200


def test_a_chuyen_vien_cannot_issue_or_archive_and_a_van_thu_is_told_what_is_missing(server):
    with server.browser("an") as (clerk, clerk_csrf), server.browser("binh") as (registrar, registrar_csrf):
        for action in ("issue", "archive"):
            refused = clerk.post(f"/cases/{CASE}/{action}", data={"csrf": clerk_csrf})
            assert refused.status_code == 403 and "chuyên viên không được" in refused.text
        shutil.copytree(server.workspace.cases_dir / CASE, server.workspace.cases_dir / "chua-tao")
        unbuilt = registrar.post("/cases/chua-tao/issue", data={"csrf": registrar_csrf, "date": "2024-02-05"})
        assert unbuilt.status_code == 422 and "issue.draft_not_built" in unbuilt.text  # build it first
        empty = registrar.get("/register")
        assert empty.status_code == 422 and "register." in empty.text  # nothing issued yet: no book to print
        assert registrar.post("/new", data={"csrf": registrar_csrf, "name": "x-y", "kind": "quyet-dinh"}
                              ).status_code == 403


def test_the_form_writes_the_case_yaml_keeping_comments_and_shows_each_mistake_at_its_field(server):
    with server.browser("an") as (client, csrf):
        created = client.post("/new", data={"csrf": csrf, "name": "khen-thuong-moi", "kind": "quyet-dinh"})
        assert created.status_code == 200 and str(created.url).endswith("/cases/khen-thuong-moi")
        page = created.text
        assert 'id="f-issuer-province"' in page and 'id="f-articles"' in page
        assert 'id="f-publishes"' not in page, "a key of another kind is not asked"
        assert 'id="err-issuer-province"' in page, "what is missing is said at its field"
        answers = {"csrf": csrf, "issuer.province": "Lạng Sơn", "issuer.authority": "chu-tich", "date": "2025-13",
                   "legal_basis": "luat-tccqdp-2025", "signer.name": "Hồ Tiến Thiệu", "signer.title": "Chủ tịch",
                   "articles": "- Giao Sở Tài chính bố trí kinh phí.", "recipients": "Như Điều 3;\nLưu: VT."}
        saved = client.post("/cases/khen-thuong-moi/form", data=answers)
        assert saved.status_code == 200
        error = re.search(r'id="err-date">(.*?)</ul>', saved.text, re.DOTALL)
        assert error and ("không có trên lịch" in error.group(1) or "không phải ngày" in error.group(1))
        assert 'id="err-issuer-province"' not in saved.text
        fixed = client.post("/cases/khen-thuong-moi/form", data={**answers, "date": "2025-12"})
        assert 'id="err-date"' not in fixed.text and "Hồ sơ không còn lỗi" in fixed.text
        ticked = client.post("/cases/khen-thuong-moi/form", data={**answers, "date": "2025-12",
                                                                   "effective_clause": ["", "on"]})
        assert 'id="f-effective_clause" name="effective_clause" checked' in ticked.text
    text = (server.workspace.cases_dir / "khen-thuong-moi" / "case.yaml").read_text(encoding="utf-8")
    assert "# Hồ sơ quyết định loại «quyet-dinh»" in text and "# tên tỉnh, ví dụ Lạng Sơn" in text
    assert "province: Lạng Sơn" in text and "date: 2025-12" in text and "effective_clause: true" in text
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(server.workspace.cases_dir / "khen-thuong-moi")])
    assert result.exit_code == 0, result.output


def test_an_unchanged_form_leaves_the_case_file_byte_for_byte(server):
    path = server.workspace.cases_dir / CASE / "case.yaml"
    before = path.read_bytes()
    with server.browser("an") as (client, csrf):
        page = client.get(f"/cases/{CASE}").text
        answers = {"csrf": csrf}
        for name, value in re.findall(r'<input id="f-[^"]+" name="([^"]+)" value="([^"]*)"', page):
            answers[name] = value
        for name, value in re.findall(r'<textarea id="f-[^"]+" name="([^"]+)" rows="\d+">(.*?)</textarea>', page, re.DOTALL):
            answers[name] = value
        for name, body in re.findall(r'<select id="f-[^"]+" name="([^"]+)">(.*?)</select>', page, re.DOTALL):
            chosen = re.search(r"<option selected>([^<]*)<", body)
            answers[name] = chosen.group(1) if chosen else ""
        answers = {key: value.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace(
            "&gt;", ">").replace("&amp;", "&") for key, value in answers.items()}
        assert client.post(f"/cases/{CASE}/form", data=answers).status_code == 200
    assert path.read_bytes() == before


def test_a_copy_of_an_issued_decision_is_a_draft_and_the_registry_search_adds_a_basis(server):
    with server.browser("an") as (client, csrf):
        client.post("/new", data={"csrf": csrf, "name": "ban-sao-2023", "copy_of": "lang-son-2023-issued"})
        found = client.get("/cases/ban-sao-2023", params={"q": "1699"})
        assert "lang-son/qd-1699-2023" in found.text and "còn hiệu lực" in found.text
        client.post("/cases/ban-sao-2023/basis", data={"csrf": csrf, "id": "nd-98-2023"})
        unknown = client.post("/cases/ban-sao-2023/basis", data={"csrf": csrf, "id": "../../khong-co"})
        assert unknown.status_code == 400
    text = (server.workspace.cases_dir / "ban-sao-2023" / "case.yaml").read_text(encoding="utf-8")
    assert "number: null" in text and "number: 5" not in text
    assert re.search(r"legal_basis:\n(  - .*\n)*  - nd-98-2023\n", text), "added as the last căn cứ line"


def test_sheets_blank_download_upload_problems_at_their_cells_and_the_ranking(server, tmp_path):
    sheet = openpyxl.load_workbook(ROOT / "fixtures" / "cases" / CASE / "par-2023.xlsx")
    sheet.worksheets[0]["D7"] = 99
    buffer = io.BytesIO()
    sheet.save(buffer)
    with server.browser("an") as (client, csrf):
        blank = client.get(f"/cases/{CASE}/scoresheet.xlsx")
        assert blank.status_code == 200 and blank.content.startswith(b"PK")
        assert openpyxl.load_workbook(io.BytesIO(blank.content)).sheetnames
        good = client.get(f"/cases/{CASE}/sheets").text
        assert "Văn phòng UBND tỉnh" in good and 'class="ranking"' in good
        wrong_type = client.post(f"/cases/{CASE}/sheets", data={"csrf": csrf, "index": "par"},
                                 files={"sheet": ("par.xlsx", b"not a workbook")})
        assert wrong_type.status_code == 415
        uploaded = client.post(f"/cases/{CASE}/sheets", data={"csrf": csrf, "index": "par"},
                               files={"sheet": ("../../x.xlsx", buffer.getvalue())})
        assert uploaded.status_code == 200
        assert "par-2023.xlsx!Sở, ban, ngành!D7" in uploaded.text and "scores.above_maximum" in uploaded.text
        assert (server.workspace.cases_dir / CASE / "par-2023.xlsx").read_bytes() == buffer.getvalue()
        assert not (server.workspace.root / "x.xlsx").exists()
        original = (ROOT / "fixtures" / "cases" / CASE / "par-2023.xlsx").read_bytes()  # the issued case shares it
        restored = client.post(f"/cases/{CASE}/sheets", data={"csrf": csrf, "index": "par"},
                               files={"sheet": ("par-2023.xlsx", original)})
        assert "scores.above_maximum" not in restored.text


def test_regenerate_lists_the_outdated_draft_with_its_diff_and_applies_it(server):
    with server.browser("an") as (client, csrf):
        page = client.get("/regenerate").text
        assert OUTDATED in page and 'class="add"' in page and "luat-tccqdp-2015" in page
        applied = client.post("/regenerate", data={"csrf": csrf, "case": OUTDATED})
        assert applied.status_code == 200 and "đã sửa và tạo lại" in applied.text
    text = (server.workspace.cases_dir / OUTDATED / "case.yaml").read_text(encoding="utf-8")
    assert "luat-tccqdp-2025" in text and "luat-tccqdp-2015" not in text


def test_a_restart_loses_nothing_and_the_audit_log_says_who_did_what(server, tmp_path):
    with server.browser("an") as (client, csrf):
        client.post(f"/cases/{CASE}/build", data={"csrf": csrf})
        cookies = dict(client.cookies)
    again = start(server.workspace)  # a new application: new store, new signer, nothing kept in memory
    try:
        with httpx.Client(base_url=again.url, cookies=cookies) as same_browser:
            assert same_browser.get("/").status_code == 200, "the session survived the restart"
        with again.browser("chi") as (admin, _):
            log = admin.get("/audit").text
    finally:
        again.stop()
    assert re.search(r"<td>an</td><td>tạo văn bản</td><td>" + CASE, log)


def test_the_cli_adds_users_from_stdin_prints_tokens_and_serves_only_loopback_unless_told(tmp_path):
    runner = CliRunner()
    added = runner.invoke(main, ["user", "add", "dung", "--role", "van-thu", "--workspace", str(tmp_path)],
                          input="mot-mat-khau-dai\n")
    assert added.exit_code == 0, added.output
    short = runner.invoke(main, ["user", "add", "em", "--role", "van-thu", "--workspace", str(tmp_path)], input="ngan\n")
    assert short.exit_code == 1
    token = runner.invoke(main, ["user", "token", "dung", "--workspace", str(tmp_path)]).stdout.strip()
    store = Store(tmp_path)
    assert store.token_user(token).name == "dung" and store.authenticate("dung", "mot-mat-khau-dai")
    assert store.authenticate("em", "ngan") is None
    store.close()
    refused = runner.invoke(main, ["serve", "--workspace", str(tmp_path), "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "--allow-remote" in refused.output
    assert "mot-mat-khau-dai" not in (tmp_path / ".qdgen" / "web.sqlite3").read_bytes().decode("latin-1")


def test_check_page_reports_the_findings_of_an_uploaded_docx(server, built):
    with server.browser("binh") as (client, csrf):
        answer = client.post("/check", data={"csrf": csrf}, files=[
            ("files", ("quyet-dinh.docx", (built / CASE / "quyet-dinh.docx").read_bytes()))])
    assert answer.status_code == 200 and "✓ quyet-dinh.docx" in answer.text and "Không vi phạm" in answer.text
    assert csrf_of(answer.text) == csrf


def test_a_van_thu_archives_an_issued_decision_as_the_cli_does(server):
    with server.browser("binh") as (client, csrf):
        answer = client.post("/cases/lang-son-2023-issued/archive", data={"csrf": csrf})
        again = client.post("/cases/lang-son-2023-issued/archive", data={"csrf": csrf})
    assert answer.status_code == 200 and "đã lưu trữ →" in answer.text, re.findall(r"(?s)<p class=\"message\".*?</p>|<ul class=\"problems\".*?</ul>", answer.text)
    assert "không thay đổi" in again.text
    assert list((server.workspace.root / "archive").rglob("*.pdf"))


def test_the_built_files_download_one_by_one_or_as_one_zip(server):
    import zipfile

    with server.browser("an") as (client, csrf):
        page = client.post(f"/cases/{CASE}/build", data={"csrf": csrf}).text
        names = re.findall(r'class="docx">([^<]+)<', page)
        bundle = client.get(f"/cases/{CASE}/download/all.zip")
        single = client.get(f"/cases/{CASE}/download/quyet-dinh.docx")
        escape = client.get(f"/cases/{CASE}/download/..%2F..%2Fcases%2F{CASE}%2Fcase.yaml")
    folder = server.workspace.out / CASE
    assert sorted(names) == ["phu-luc-1-sipas.docx", "phu-luc-2-par.docx", "quyet-dinh.docx"]
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as package:
        assert {info.filename: package.read(info) for info in package.infolist()} == {
            f"{CASE}/{name}": (folder / name).read_bytes() for name in names}
    assert single.content == (folder / "quyet-dinh.docx").read_bytes()
    assert escape.status_code == 404


def test_a_case_file_that_is_not_yaml_shows_its_problem_instead_of_the_form(server):
    folder = server.workspace.cases_dir / "hong-yaml"
    folder.mkdir()
    (folder / "case.yaml").write_text("template: quyet-dinh\nissuer: [khong dong\n", encoding="utf-8")
    with server.browser("an") as (client, csrf):
        page = client.get("/cases/hong-yaml")
        saved = client.post("/cases/hong-yaml/form", data={"csrf": csrf, "date": "2025"})
        listed = client.get("/").text
    assert page.status_code == 200 and 'id="case-form"' not in page.text and "case.yaml:" in page.text
    assert saved.status_code == 400 and "web.unknown_kind" in saved.text
    assert 'id="problems-hong-yaml"' in listed


def test_previews_use_one_libreoffice_kept_warm_and_draw_what_qdgen_preview_draws(server, tmp_path):
    """The page's previews go through one LibreOffice it keeps running (started at the first preview), and
    the pages it draws are the same bytes `qdgen preview` draws with a LibreOffice of its own."""
    kept = server.server.config.app.state.qdgen.office
    with server.browser("an") as (client, csrf):
        assert client.post(f"/cases/{CASE}/preview", data={"csrf": csrf}).status_code == 200
        first = kept.pids
        assert first, "no LibreOffice kept after a preview"
        assert client.post(f"/cases/{CASE}/preview", data={"csrf": csrf}).status_code == 200
        assert kept.pids == first  # the same process served the second preview
    warm = sorted(server.workspace.preview_dir(CASE).glob("*.png"))
    folder = server.workspace.out / CASE
    cold = preview([folder / "quyet-dinh.docx", *sorted(folder.glob("phu-luc-*.docx"))], tmp_path / "cold")
    assert [path.name for path in warm] == sorted(path.name for path in cold)
    assert all(path.read_bytes() == (tmp_path / "cold" / path.name).read_bytes() for path in warm)
