"""Every `qdgen` command through click's CliRunner: its success and its error exits (0 ok, 1 problems, 2 usage),
`--json` on stdout, the human report on stderr, Vietnamese words, and never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli.commands import main
from tests.conftest import CASES, ROOT

AGENCIES = ROOT / "fixtures" / "agencies" / "lang-son-2023.yaml"
CRITERIA = ROOT / "fixtures" / "criteria" / "lang-son" / "par-2023.yaml"
PAR_SHEET = CASES / "lang-son-2023-sipas-par" / "par-2023.xlsx"
SIPAS_SHEET = CASES / "lang-son-2023-sipas-par" / "sipas-2023.xlsx"
ISSUED = CASES / "lang-son-2023-issued"
CRITERIA_DECISION = CASES / "lang-son-2019-bo-tieu-chi"
ENGLISH = ("Usage:", "Error:", "Invalid value", "Missing argument", "Missing option", "No such", "Try '",
           "Traceback", "[default:", "[required]", "Show this message")


def run(*args: object) -> Result:
    """Invoke `qdgen args…`; whatever happens it ends in an exit code, never an exception."""
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output + result.stderr
    return result


def problem_codes(result: Result) -> set[str]:
    return {line.rsplit("[", 1)[1].rstrip("]") for line in result.stderr.splitlines() if line.endswith("]")}


# ---------------------------------------------------------------- usage: exit 2, in Vietnamese


USAGE_ERRORS = {
    "unknown command": (["bild"], "không có lệnh «bild». Có phải là: build?"),
    "missing argument": (["build"], "thiếu đối số"),
    "unknown option": (["build", "x", "--nope"], "không có tùy chọn --nope"),
    "option without its value": (["build", "x", "--out"], "tùy chọn --out cần một giá trị"),
    "bad day": (["validate", "x", "--as-of", "2024-13-01"], "«2024-13-01» không phải ngày dạng NNNN-TT-NN"),
    "day in another format": (["basis", "list", "--as-of", "01/07/2025"], "dạng NNNN-TT-NN"),
    "missing option": (["rank", PAR_SHEET], "thiếu tùy chọn '--agencies'"),
    "missing file": (["rank", "khong-co.xlsx", "--agencies", AGENCIES], "không có tệp hay thư mục «khong-co.xlsx»"),
    "folder for a file": (["rank", CASES, "--agencies", AGENCIES], "là thư mục; cần một tệp"),
    "not a choice": (["rank", PAR_SHEET, "--agencies", AGENCIES, "--index", "cchc"],
                     "«cchc» không phải một trong: par, sipas"),
    "archive without --out": (["archive", ISSUED], "thiếu tùy chọn '--out'"),
    "no workers": (["archive", ISSUED, "--out", "a", "--workers", "0"], "«0» không phải số nguyên dương"),
    "timeout not a number": (["archive", ISSUED, "--out", "a", "--timeout", "nan"], "không phải số dương"),
    "extra argument": (["preview", ISSUED, ISSUED], "thừa đối số"),
    "basis show without id": (["basis", "show"], "thiếu đối số 'MÃ'"),
    "basis affected without cases": (["basis", "affected", "lang-son/qd-1699-2023"], "cần ít nhất một mã"),
    "basis add without a registry to write": (["basis", "add", CRITERIA_DECISION], "--into"),
    "basis add, no bundled registry, nowhere to write": (
        ["basis", "add", CRITERIA_DECISION, "--no-bundled-registry"], "--into"),
    "regenerate without cases": (["regenerate"], "thiếu đối số"),
    "scoresheet without options": (["scoresheet"], "thiếu tùy chọn"),
    "check without files": (["check"], "thiếu đối số"),
    "check of a folder without .docx": (["check", ROOT / "fixtures" / "agencies"], "không có tệp .docx nào"),
}


@pytest.mark.parametrize("args, said", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_usage_errors_exit_2_in_vietnamese_with_the_usage_line(args, said):
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr
    assert "lỗi: " in result.stderr and "Cách dùng: " in result.stderr or "--out cần" in result.stderr
    assert not any(word in result.stderr for word in ENGLISH), result.stderr
    assert result.stdout == ""


def test_help_is_vietnamese_and_says_the_format_of_a_day():
    for args in ([], ["--help"], ["build", "--help"], ["basis", "--help"], ["basis", "add", "--help"]):
        result = run(*args)
        assert result.exit_code == (2 if not args else 0)
        text = result.stdout + result.stderr
        assert "Cách dùng: " in text and not any(word in text for word in ENGLISH), text
    assert "--as-of NNNN-TT-NN" in run("build", "--help").stdout
    assert "[mặc định: out]" in " ".join(run("build", "--help").stdout.split())
    assert run("--version").stdout.startswith("qdgen, phiên bản ")


# ---------------------------------------------------------------- build and validate


def test_build_json_then_up_to_date_and_a_broken_case(tmp_path, case_copy):
    out = tmp_path / "out"
    result = run("build", ISSUED, "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    [built] = json.loads(result.stdout)
    assert built["status"] == "built" and built["out"] == str(out / ISSUED.name)
    assert {Path(f["path"]).name for f in built["files"]} >= {"quyet-dinh.docx"}
    assert all(len(f["sha256"]) == 64 for f in built["files"])
    assert f"✓ {ISSUED} → {out / ISSUED.name}" in result.stderr
    again = run("build", ISSUED, "--out", out, "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)[0]["status"] == "up_to_date"
    assert "đã cập nhật, không cần tạo lại" in again.stderr

    broken = case_copy("lang-son-2020-par")
    (broken / "case.yaml").write_text("template: quyet-dinh\nkhong_co: 1\n", encoding="utf-8")
    result = run("build", broken, "--out", tmp_path / "out2", "--json")
    assert result.exit_code == 1
    [failed] = json.loads(result.stdout)
    assert failed["status"] == "failed" and failed["problems"]
    assert f"✗ {broken}: không tạo" in result.stderr
    assert not (tmp_path / "out2").exists()


def test_validate_json_ok_and_a_missing_case(tmp_path):
    result = run("validate", CASES / "lang-son-2023-sipas-par", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {str(CASES / "lang-son-2023-sipas-par"): []}
    assert "0 lỗi, 0 cảnh báo" in result.stderr
    result = run("validate", tmp_path / "khong-co", "--json")
    assert result.exit_code == 1
    [problems] = json.loads(result.stdout).values()
    assert problems and problems[0]["severity"] == "error"


def test_regenerate_lists_outdated_drafts_and_an_unreadable_case(tmp_path):
    scenario = tmp_path / "luat-2025"
    shutil.copytree(ROOT / "fixtures" / "scenarios" / "luat-2025", scenario)
    result = run("regenerate", scenario / "du-thao-2026", scenario / "da-ban-hanh-2024")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "da-ban-hanh-2024: đã ban hành — không tạo lại." in result.stdout
    assert "(chưa thay đổi gì; chạy lại với --apply để sửa và tạo lại)" in result.stdout
    result = run("regenerate", tmp_path / "khong-co")
    assert result.exit_code == 1 and problem_codes(result)


# ---------------------------------------------------------------- the registry


def test_basis_list_show_and_affected():
    result = run("basis", "list", "--as-of", "2026-01-01", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-01-01"
    row = next(row for row in data["documents"] if row["id"] == "lang-son/qd-1863-2018")
    assert row["state"] == "replaced" and row["date"] == "2018-09-25" and row["replaced_by"]
    human = run("basis", "list", "--as-of", "2026-01-01")
    assert human.stdout.startswith("Tình trạng vào ngày 01/01/2026:") and "lang-son/qd-1863-2018: " in human.stdout

    assert run("basis", "show", "nd-30-2020").exit_code == 0
    missing = run("basis", "show", "khong-co")
    assert missing.exit_code == 1 and problem_codes(missing) == {"registry.unknown_id"}

    result = run("basis", "affected", "lang-son/qd-1699-2023", CASES / "lang-son-2020-par", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [{"case": str(CASES / "lang-son-2020-par"), "cites": "lang-son/qd-2498-2020",
                                          "because_of": "lang-son/qd-1699-2023"}]


def test_a_registry_that_does_not_load_is_reported_not_raised(tmp_path):
    for args in (["basis", "list"], ["basis", "show", "nd-30-2020"],
                 ["basis", "affected", "nd-30-2020", ISSUED], ["regenerate", ISSUED]):
        result = run(*args, "--no-bundled-registry", "--registry", tmp_path / "khong-co")
        assert result.exit_code == 1, args
        assert problem_codes(result) == {"registry.missing_dir"}


@pytest.fixture
def bundled(tmp_path, monkeypatch) -> Path:
    """The bundled registry, as a copy: the tests of `basis add` never risk the real one."""
    copy = tmp_path / "legal_basis"
    shutil.copytree(ROOT / "legal_basis", copy)
    monkeypatch.setattr("pipeline.build.options.BUNDLED_REGISTRY", copy)
    return copy


def _issued_criteria_decision(case_copy, registry_id: str | None = None, title: str | None = None) -> Path:
    folder = case_copy(CRITERIA_DECISION.name)
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    if registry_id is not None:
        text = text.replace("registry_id: lang-son/qd-1719-2019", f"registry_id: {json.dumps(registry_id)}")
    if title is not None:
        text = text.replace("number: 1719", f"number: 1719\n{title}", 1)
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("registry_id", ["../../../escaped", "/tmp/escaped", "lang-son/../../escaped",
                                         "Lang-Son/QD-1719", "a/b/c", "lang-son/", "qd 1719"])
def test_basis_add_refuses_an_id_that_is_not_a_slug(tmp_path, case_copy, bundled, registry_id):
    folder = _issued_criteria_decision(case_copy, registry_id)
    into = tmp_path / "reg" / "inner"
    into.mkdir(parents=True)
    before = sorted(tmp_path.rglob("*.yaml"))
    result = run("basis", "add", folder, "--into", into)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert problem_codes(result) == {"registry.bad_id"}
    assert "case.yaml" in result.stderr
    assert sorted(tmp_path.rglob("*.yaml")) == before
    assert not Path("/tmp/escaped.yaml").exists()


def test_basis_add_refuses_a_province_folder_linking_out_of_the_registry(tmp_path, case_copy, bundled):
    folder = _issued_criteria_decision(case_copy, "thai-nguyen/qd-1719-2019")
    outside = tmp_path / "outside"
    outside.mkdir()
    into = tmp_path / "reg"
    into.mkdir()
    (into / "thai-nguyen").symlink_to(outside, target_is_directory=True)
    result = run("basis", "add", folder, "--into", into)
    assert result.exit_code == 1 and problem_codes(result) == {"registry.bad_id"}
    assert not list(outside.iterdir())


def test_basis_add_with_no_bundled_registry_writes_into_with_the_umask(tmp_path, bundled):
    registry = tmp_path / "reg"
    shutil.copytree(bundled, registry)
    (registry / "lang-son" / "qd-1719-2019.yaml").unlink()
    for later in ("qd-2498-2020", "qd-1699-2023"):
        (registry / "lang-son" / f"{later}.yaml").unlink()
    previous = os.umask(0o022)
    try:
        result = run("basis", "add", CRITERIA_DECISION, "--no-bundled-registry", "--into", registry)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.stderr
    entry = registry / "lang-son" / "qd-1719-2019.yaml"
    assert f"lang-son/qd-1719-2019: đã ghi ({entry})" in result.stdout
    assert stat.S_IMODE(entry.stat().st_mode) == 0o644


def test_basis_add_leaves_an_unchanged_bundled_entry_untouched(tmp_path, bundled):
    entry = bundled / "lang-son" / "qd-1719-2019.yaml"
    before, mtime = entry.read_bytes(), entry.stat().st_mtime_ns
    assert before.startswith(b"# Seed 004") and b"replaces: [lang-son/qd-1863-2018]" in before
    (tmp_path / "reg").mkdir()
    result = run("basis", "add", CRITERIA_DECISION, "--into", tmp_path / "reg")
    assert result.exit_code == 0, result.stderr
    assert "lang-son/qd-1719-2019: đã có, không đổi" in result.stdout
    assert entry.read_bytes() == before and entry.stat().st_mtime_ns == mtime
    assert not list((tmp_path / "reg").iterdir())


def test_basis_add_changes_the_bundled_registry_only_when_told(tmp_path, case_copy, bundled):
    folder = _issued_criteria_decision(case_copy, title="")
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(text.replace("date: 2019-09-05", "date: 2019-09-06"), encoding="utf-8")
    entry = bundled / "lang-son" / "qd-1719-2019.yaml"
    before = entry.read_bytes()
    (tmp_path / "reg").mkdir()
    refused = run("basis", "add", folder, "--into", tmp_path / "reg")
    assert refused.exit_code == 1
    assert problem_codes(refused) == {"registry.protected"} and "--into-bundled" in refused.stderr
    assert entry.read_bytes() == before
    allowed = run("basis", "add", folder, "--into-bundled")
    assert allowed.exit_code == 0, allowed.stderr
    assert "lang-son/qd-1719-2019: đã ghi" in allowed.stdout
    assert "date: 2019-09-06\n" in entry.read_text(encoding="utf-8")


def test_basis_add_of_a_case_that_does_not_load(tmp_path):
    (tmp_path / "reg").mkdir()
    result = run("basis", "add", tmp_path, "--into", tmp_path / "reg")
    assert result.exit_code == 1 and problem_codes(result)
    assert not list((tmp_path / "reg").iterdir())


# ---------------------------------------------------------------- score sheets


def test_rank_json_text_and_a_sheet_that_is_not_a_workbook(tmp_path):
    result = run("rank", PAR_SHEET, "--criteria", CRITERIA, "--agencies", AGENCIES, "--json")
    assert result.exit_code == 0, result.stderr
    ranking = json.loads(result.stdout)
    assert ranking["index"] == "par"
    first = ranking["groups"][0]["rows"][0]
    assert first["rank"] == 1 and "," not in first["percent"] and float(first["percent"]) > 0
    text = run("rank", SIPAS_SHEET, "--agencies", AGENCIES)
    assert text.exit_code == 0 and text.stdout.splitlines()[1].startswith("   1  ")
    bad = tmp_path / "khong-phai.xlsx"
    bad.write_text("không phải bảng tính", encoding="utf-8")
    result = run("rank", bad, "--agencies", AGENCIES, "--json")
    assert result.exit_code == 1 and problem_codes(result) and result.stdout == ""


def test_scoresheet_writes_once_and_refuses_to_overwrite(tmp_path):
    output = tmp_path / "trong.xlsx"
    result = run("scoresheet", "--criteria", CRITERIA, "--agencies", AGENCIES, "-o", output)
    assert result.exit_code == 0 and output.read_bytes().startswith(b"PK")
    again = run("scoresheet", "--criteria", CRITERIA, "--agencies", AGENCIES, "-o", output)
    assert again.exit_code == 1 and problem_codes(again) == {"scoresheet.exists"}
    result = run("scoresheet", "--criteria", AGENCIES, "--agencies", AGENCIES, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 1 and problem_codes(result) and not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------- checking, archiving, previewing


def test_check_json_of_a_build_and_of_files_that_are_not_docx(built, tmp_path):
    result = run("check", built / ISSUED.name, "--json")
    assert result.exit_code == 0, result.stderr
    assert all(item["passed"] for item in json.loads(result.stdout))
    sheet = tmp_path / "bang.xlsx"
    shutil.copy(PAR_SHEET, sheet)
    result = run("check", sheet, tmp_path / "khong-co.docx", "--json")
    assert result.exit_code == 1
    assert [item["passed"] for item in json.loads(result.stdout)] == [False, False]
    assert "2 tệp: 0 đạt, 2 không đạt." in result.stderr


def test_check_pages_lays_files_out_and_reports_page_findings_with_their_page(built, tmp_path):
    """`check --pages`: a decision whose body ends on a page before its signature block gets LAYOUT-02 with its
    page; a file that is not a .docx is reported, not laid out; the build's own documents pass."""
    import zipfile

    ok = run("check", "--pages", "--json", built / ISSUED.name)
    assert ok.exit_code == 0, ok.stderr
    assert all(item["problems"] == [] for item in json.loads(ok.stdout))
    decision = built / ISSUED.name / "quyet-dinh.docx"
    with zipfile.ZipFile(decision) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    table = xml.index("<w:tbl>", xml.index("QUYẾT ĐỊNH:"))  # the signature table follows the body
    parts["word/document.xml"] = (xml[:table] + '<w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p>'
                                  + xml[table:]).encode("utf-8")
    planted = tmp_path / "quyet-dinh.docx"
    with zipfile.ZipFile(planted, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    sheet = tmp_path / "bang.xlsx"
    shutil.copy(PAR_SHEET, sheet)
    found = run("check", "--pages", "--json", planted, sheet)
    [laid, unreadable] = json.loads(found.stdout)
    assert [p["code"] for p in laid["problems"]] == ["LAYOUT-02"]
    page = int(laid["problems"][0]["message"].removeprefix("Trang ").split(":")[0])
    assert page >= 2  # the signature page, which is never page 1 here
    assert unreadable["kind"] is None and found.exit_code == 1


def test_archive_refuses_drafts_and_changed_content_without_a_correction(tmp_path, case_copy):
    """The archive keeps what was signed: the same number with other content needs `--correction`."""
    root = tmp_path / "archive"
    draft = run("archive", CASES / "lang-son-2023-sipas-par", "--out", root, "--build-dir", tmp_path / "b0", "--json")
    assert draft.exit_code == 1 and json.loads(draft.stdout)[0]["status"] == "failed"
    assert problem_codes(draft) == {"archive.draft_refused"}
    missing = run("archive", tmp_path / "khong-co", "--out", root, "--build-dir", tmp_path / "b0")
    assert missing.exit_code == 1 and problem_codes(missing) and not root.exists()

    first = run("archive", ISSUED, "--out", root, "--build-dir", tmp_path / "b1", "--json")
    assert first.exit_code == 0, first.stderr
    [created] = json.loads(first.stdout)
    assert created["status"] == "created" and created["build"] == str(tmp_path / "b1" / ISSUED.name)

    case = case_copy(ISSUED.name)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("Thường trực Tỉnh ủy", "Thường trực Tỉnh ủy (để b/c)"),
                                    encoding="utf-8")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    refused = run("archive", case, "--out", root, "--build-dir", tmp_path / "b2", "--json")
    assert refused.exit_code == 1
    assert problem_codes(refused) == {"archive.issued_content_changed"}
    assert "05/QĐ-UBND năm 2024" in refused.stderr and "--correction" in refused.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before

    corrected = run("archive", case, "--out", root, "--build-dir", tmp_path / "b2", "--json",
                    "--correction", "Đính chính nơi nhận theo Công văn 12/VP-UBND")
    assert corrected.exit_code == 0, corrected.stderr
    [outcome] = json.loads(corrected.stdout)
    assert outcome["status"] == "new_version" and Path(outcome["version"]).name == "v2"
    record = json.loads((Path(outcome["version"]) / "record.json").read_text(encoding="utf-8"))
    assert record["archive"]["correction"] == "Đính chính nơi nhận theo Công văn 12/VP-UBND"
    assert record["archive"]["reasons"] == ["quyet-dinh.docx: nội dung thay đổi"]


def test_preview_prints_its_pages_and_reports_a_case_that_does_not_build(tmp_path):
    result = run("preview", ISSUED, "--out", tmp_path / "preview", "--build-dir", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    pages = [Path(line) for line in result.stdout.splitlines()]
    assert pages and all(page.read_bytes().startswith(b"\x89PNG") for page in pages)
    assert "Tạo ảnh" not in result.stderr  # no progress bar when stderr is not a terminal
    failed = run("preview", tmp_path / "khong-co", "--out", tmp_path / "p2", "--build-dir", tmp_path / "out2")
    assert failed.exit_code == 1 and problem_codes(failed) and not (tmp_path / "p2").exists()


def test_progress_is_drawn_on_a_terminal_only(monkeypatch):
    import io
    import pty
    import sys

    from pipeline.cli.archiving import progress_bar

    master, replica = pty.openpty()
    with open(replica, "w", encoding="utf-8") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        with progress_bar("Tạo ảnh các trang") as progress:
            progress(1, 2)
            progress(2, 2)
        terminal.flush()
    chunks = []  # everything written, read to the end once the terminal side is closed (not what is there yet)
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # EIO: the other side is closed and all was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    drawn = b"".join(chunks).decode("utf-8", "replace")
    os.close(master)
    assert "Tạo ảnh các trang" in drawn and "100%" in drawn
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar("Tạo ảnh các trang") as progress:
        assert progress is None


def test_a_file_system_refusal_is_a_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    for args in (["build", ISSUED, "--out", blocker / "out"],
                 ["scoresheet", "--criteria", CRITERIA, "--agencies", AGENCIES, "-o", blocker / "trong.xlsx"]):
        result = run(*args)
        assert result.exit_code == 1
        assert problem_codes(result) == {"io.failed"}
        assert "một phần của đường dẫn là tệp, không phải thư mục" in result.stderr
