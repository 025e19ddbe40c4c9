"""The HTTP API against a real uvicorn: every status code, names that try to be paths, a 100 MB upload,
two clerks building one case at once, and the answers' shape (the CLI's problem codes)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import select
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.check.docset import check_files
from tests.web_server import OUTDATED, ROOT

CASE = "lang-son-2023-sipas-par"


def _codes(answer) -> list[str]:
    return [problem["code"] for problem in answer.json()["problems"]]


def test_no_or_a_wrong_token_is_401_on_every_endpoint(server):
    calls = [("get", "/api/cases"), ("post", f"/api/cases/{CASE}/build"),
             ("get", f"/api/cases/{CASE}/files/quyet-dinh.docx"), ("post", "/api/check"), ("post", "/api/cases")]
    for user_headers in ({}, {"authorization": "Bearer qdg_not-a-token"}, {"authorization": "Basic YW46YW4="}):
        with server.api(None) as client:
            for method, path in calls:
                answer = client.request(method, path, headers=user_headers)
                assert answer.status_code == 401, (method, path, answer.text)
                assert _codes(answer) == ["web.unauthenticated"]


def test_the_case_list_says_draft_issued_numbers_and_what_is_outdated(server):
    with server.api("binh") as client:
        rows = {row["name"]: row for row in client.get("/api/cases").json()}
    assert rows[CASE]["state"] == "draft" and rows[CASE]["number"] is None
    assert rows["lang-son-2023-issued"]["state"] == "issued" and rows["lang-son-2023-issued"]["number"] == 5
    assert rows[OUTDATED]["replaced"] and "luat-tccqdp-2015" in rows[OUTDATED]["replaced"][0]
    assert not rows["lang-son-2020-par"]["replaced"], "checked on its own as_of day, January 2021"
    assert all(row["problems"] == [] for row in rows.values())


def test_build_returns_the_files_with_their_sha256_and_they_download_as_built(server):
    with server.api("an") as client:
        answer = client.post(f"/api/cases/{CASE}/build")
        assert answer.status_code == 200, answer.text
        built = answer.json()
        assert built["status"] in ("built", "up_to_date")
        names = {file["name"] for file in built["files"]}
        assert names == {"quyet-dinh.docx", "phu-luc-1-sipas.docx", "phu-luc-2-par.docx"}
        for file in built["files"]:
            data = client.get(file["url"]).content
            assert hashlib.sha256(data).hexdigest() == file["sha256"]
            assert data == (server.workspace.out / CASE / file["name"]).read_bytes()
        assert client.post(f"/api/cases/{CASE}/build").json()["status"] == "up_to_date"


def test_unknown_cases_and_files_are_404_and_names_never_become_paths(server):
    outside = server.workspace.root / "secret.docx"
    outside.write_bytes(b"PK\x03\x04 not for download")
    (server.workspace.out / CASE).mkdir(parents=True, exist_ok=True)
    link = server.workspace.out / CASE / "link.docx"
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    with server.api("an") as client:
        for path in ("/api/cases/khong-co/build", "/api/cases/..%2F..%2Fetc/build", f"/api/cases/{CASE}%2F..%2F../build",
                     "/api/cases/%2Fetc%2Fpasswd/build"):
            answer = client.post(path)
            assert answer.status_code == 404, (path, answer.text)
        for file in ("nothing.docx", "..%2Fsecret.docx", "%2Fetc%2Fpasswd", "..%2F..%2Fcases%2F" + CASE + "%2Fcase.yaml",
                     "link.docx", "manifest.json", ".%2Fquyet-dinh.docx"):
            answer = client.get(f"/api/cases/{CASE}/files/{file}")
            assert answer.status_code == 404, (file, answer.text)
            assert _codes(answer) == ["web.not_found"]
            assert b"not for download" not in answer.content


def test_a_case_is_created_from_case_yaml_and_its_files_then_built(server):
    folder = ROOT / "fixtures" / "cases" / CASE
    files = [("case", ("case.yaml", (folder / "case.yaml").read_bytes()))]
    files += [("files", (name, (folder / name).read_bytes())) for name in ("par-2023.xlsx", "sipas-2023.xlsx")]
    with server.api("an") as client:
        answer = client.post("/api/cases", data={"name": "tu-api-2023"}, files=files)
        assert answer.status_code == 201, answer.text
        assert [p for p in answer.json()["problems"] if p["severity"] == "error"] == []
        assert client.post("/api/cases", data={"name": "tu-api-2023"}, files=files).status_code == 409
        assert client.post("/api/cases/tu-api-2023/build").json()["status"] == "built"


def test_a_file_name_that_is_a_path_or_a_case_name_that_is_not_a_name_is_refused(server):
    case_yaml = (ROOT / "fixtures" / "cases" / CASE / "case.yaml").read_bytes()
    sheet = (ROOT / "fixtures" / "cases" / CASE / "par-2023.xlsx").read_bytes()
    with server.api("an") as client:
        for evil in ("../evil.xlsx", "/tmp/evil.xlsx", ".hidden.xlsx", "a/b.xlsx"):
            answer = client.post("/api/cases", data={"name": "duong-dan"},
                                 files=[("case", ("case.yaml", case_yaml)), ("files", (evil, sheet))])
            assert answer.status_code == 400 and _codes(answer) == ["web.bad_name"], (evil, answer.text)
        for name in ("../x", "A", "-x", "x/y", "cases"[:0]):
            answer = client.post("/api/cases", data={"name": name}, files=[("case", ("case.yaml", case_yaml))])
            assert answer.status_code in (400, 422), (name, answer.text)
        not_xlsx = client.post("/api/cases", data={"name": "khong-phai-xlsx"},
                               files=[("case", ("case.yaml", case_yaml)), ("files", ("par.xlsx", b"plain text"))])
        assert not_xlsx.status_code == 415 and _codes(not_xlsx) == ["web.wrong_type"]
    assert not (server.workspace.root / "evil.xlsx").exists() and not Path("/tmp/evil.xlsx").exists()
    assert not (server.workspace.cases_dir / "duong-dan").exists()


def test_check_gives_the_findings_qdgen_check_gives(server, built):
    files = [built / CASE / "quyet-dinh.docx", ROOT.parent / "shared" / "reference" / "nd30-2020" / "30_2020_ND_CP.docx"]
    with server.api("binh") as client:
        answer = client.post("/api/check", files=[("files", (f.name, f.read_bytes())) for f in files])
        assert answer.status_code == 200, answer.text
        reports = answer.json()
        refused = client.post("/api/check", files=[("files", ("x.docx", b"not a zip"))])
    expected = [result.to_json() for result in check_files([files[0]])] + [
        result.to_json() for result in check_files([files[1]])]
    assert [r["file"] for r in reports] == [f.name for f in files]
    assert [(r["kind"], r["passed"], [p["code"] for p in r["problems"]]) for r in reports] == [
        (r["kind"], r["passed"], [p["code"] for p in r["problems"]]) for r in expected]
    assert reports[0]["passed"] and not reports[1]["passed"]
    assert refused.status_code == 415 and _codes(refused) == ["web.wrong_type"]


def test_roles_are_checked_403_and_a_van_thu_issues_through_the_register(server):
    """A chuyên viên builds the draft; only the văn thư gives it its number, once."""
    shutil.copytree(server.workspace.cases_dir / CASE, server.workspace.cases_dir / "cap-so-api")
    with server.api("binh") as van_thu, server.api("an") as chuyen_vien, server.api("chi") as quan_tri:
        assert van_thu.post("/api/cases", data={"name": "x-y"},
                            files=[("case", ("case.yaml", b"template: x\n"))]).status_code == 403
        assert chuyen_vien.post(f"/api/cases/{CASE}/issue").status_code == 403
        assert _codes(quan_tri.post(f"/api/cases/{CASE}/build")) == ["web.forbidden"]
        unbuilt = van_thu.post("/api/cases/cap-so-api/issue", params={"date": "2024-02-05"})
        assert unbuilt.status_code == 422 and _codes(unbuilt) == ["issue.draft_not_built"]
        assert chuyen_vien.post("/api/cases/cap-so-api/build").status_code == 200
        issued = van_thu.post("/api/cases/cap-so-api/issue", params={"date": "2024-02-05"})
        assert issued.status_code == 200, issued.text
        assert issued.json()["number_text"] == "01/QĐ-UBND" and issued.json()["build"] == "built"
        again = van_thu.post("/api/cases/cap-so-api/issue", params={"date": "2024-02-05"})
        assert again.status_code == 422 and "issue.already_issued" in _codes(again)


def _raw_request(server, head: str, body_chunks=()) -> tuple[bytes, int]:
    """Send a request by hand, stopping the body as soon as the server answers: (answer, body bytes sent)."""
    host, port = server.url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(head.encode())
        for chunk in body_chunks:
            if select.select([connection], [], [], 0)[0]:
                break  # the server has answered: stop sending
            try:
                connection.sendall(chunk)
            except OSError:
                break
            sent += len(chunk)
        answer = b""
        with contextlib.suppress(OSError):
            while data := connection.recv(65536):
                answer += data
                if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                    break
    return answer, sent


def test_a_100_mb_upload_is_refused_413_before_its_body_is_read(server):
    head = (f"POST /api/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.tokens['an']}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n")
    answer, _ = _raw_request(server, head)  # not one byte of the 100 MB is sent: the answer comes anyway
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["problems"][0]["code"] == "web.too_large"


def test_a_body_without_its_length_is_cut_off_at_the_limit(server):
    head = (f"POST /api/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.tokens['an']}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n")
    part = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.docx"\r\n\r\n'
    megabyte = b"x" * (1024 * 1024)
    chunks = [b"%x\r\n%s\r\n" % (len(data), data) for data in [part, *[megabyte] * 100]]
    answer, sent = _raw_request(server, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 40 * 1024 * 1024, "the server read far past its 20 MB limit"


def _build_as(server, user: str, name: str):
    with server.api(user) as client:
        return client.post(f"/api/cases/{name}/build")


def test_two_clerks_building_one_case_at_once_take_turns(server):
    name = "lang-son-2024-khen-thuong"
    with ThreadPoolExecutor(2) as pool:
        with server.workspace.lock(name):  # both requests arrive while the case is busy
            pending = [pool.submit(_build_as, server, user, name) for user in ("an", "binh")]
            assert not any(future.done() for future in pending), "a build went on while the case was locked"
        answers = [future.result().json() for future in pending]
    assert sorted(answer["status"] for answer in answers) == ["built", "up_to_date"]
    first, second = ({f["name"]: f["sha256"] for f in answer["files"]} for answer in answers)
    assert first == second
    folder = server.workspace.out / name
    assert {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in first} == first
    left = [p for p in folder.parent.iterdir() if p.name.startswith(f".{name}.")]  # staging of this case
    assert not left, "a temporary folder was left"


def test_errors_are_json_never_a_traceback_and_the_api_is_described_as_openapi(server):
    with server.api("an") as client:
        spec = client.get("/api/openapi.json").json()
        described = client.get("/api/docs").text
        missing = client.post("/api/cases", data={"name": "thieu-tep"})
    assert {"/api/cases", "/api/cases/{name}/build", "/api/cases/{name}/files/{file}", "/api/check"} <= set(spec["paths"])
    assert "POST /api/cases/{name}/build" in described and "cdn" not in described.lower()
    assert missing.status_code == 422 and _codes(missing) == ["web.bad_request"]
    assert "Traceback" not in missing.text

