"""`qdgen issue` as a clerk runs it: a built draft becomes a numbered decision, its draft build kept as
history; every refusal is Vietnamese, placed, and writes nothing (case file, register, outputs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pipeline.build.issue import issue_case
from pipeline.cli.commands import main
from pipeline.problems import InputError
from pipeline.register.book import configure_series, entries
from pipeline.register.database import opened
from pipeline.register.metadata import OUTGOING_FIELDS, RECIPIENT_FIELDS
from pipeline.register.schema import Base
from tests.register_support import (
    ISSUE_DAY,
    build_drafts,
    draft_cases,
    postgres,  # noqa: F401  (the session's PostgreSQL server)
    register_url,
)


def _issue(runner, case, register, out, *extra):
    return runner.invoke(main, ["issue", str(case), "--register", str(register), "--out", str(out), *extra])


def _snapshot(case, register, out):
    """Everything a refused issue must leave as it was."""
    files = sorted((str(p.relative_to(out)), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    return (case / "case.yaml").read_bytes(), register.read_bytes() if register.exists() else None, files


def test_a_clerk_issues_a_built_draft_and_the_draft_build_is_kept(runner, case_copy, tmp_path):
    [case] = draft_cases(case_copy, 1)
    out, register = tmp_path / "out", tmp_path / "register.sqlite3"
    build_drafts([case], out)
    result = _issue(runner, case, register, out, "--date", "2024-03-08", "--json")
    assert result.exit_code == 0, result.output
    assert "đã cấp số 01/QĐ-UBND ngày 08/3/2024" in result.stderr
    written = (case / "case.yaml").read_text(encoding="utf-8")
    assert "number: 1\ndate: 2024-03-08\n" in written and "as_of" not in written
    assert written.startswith("# A general decision")  # comments and layout kept
    manifest = json.loads((out / case.name / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["decision"]["number_text"], manifest["decision"]["is_draft"]) == ("01/QĐ-UBND", False)
    draft = json.loads((out / ".drafts" / case.name / "1" / "manifest.json").read_text(encoding="utf-8"))
    assert draft["decision"]["is_draft"] is True

    metadata = json.loads((out / case.name / "du-lieu-dac-ta.json").read_text(encoding="utf-8"))
    fields = {field["ten"]: field for field in metadata["truong"]}
    assert [f["ten"] for f in metadata["truong"]] == [f.name for f in OUTGOING_FIELDS]
    assert (fields["CodeNumber"]["gia_tri"], fields["CodeNotation"]["gia_tri"]) == ("01", "QĐ-UBND")
    assert fields["IssuedDate"]["gia_tri"] == "08/03/2024"
    assert fields["OrganName"]["gia_tri"] == "Ủy ban nhân dân tỉnh Lạng Sơn"
    assert (fields["Position"]["gia_tri"], fields["FullName"]["gia_tri"]) == ("Chủ tịch", "Hồ Tiến Thiệu")
    for field in metadata["truong"] + [f for recipient in metadata["noi_nhan"] for f in recipient]:
        assert field["gia_tri"] is None or len(str(field["gia_tri"])) <= field["do_dai"], field
    assert metadata["noi_nhan"][0][1]["gia_tri"] == "Như Điều 3"
    assert fields["IssuedAmount"]["gia_tri"] == 7  # 5 nơi nhận + 2 bản lưu (VT, NC)
    assert [f["ten"] for f in metadata["noi_nhan"][0]] == [f.name for f in RECIPIENT_FIELDS]

    again = _issue(runner, case, register, out)
    assert again.exit_code == 1
    assert "Hồ sơ đã ban hành: số 01/QĐ-UBND" in again.stderr and "[issue.already_issued]" in again.stderr
    rebuilt = runner.invoke(main, ["build", str(case), "--out", str(out), "--json"])
    assert json.loads(rebuilt.stdout)[0]["status"] == "up_to_date"
    listed = runner.invoke(main, ["register", "list", "--register", str(register), "--year", "2024"])
    assert "01/QĐ-UBND  08/03/2024  Về việc tặng Bằng khen" in listed.stdout


@pytest.mark.parametrize("extra, code, words", [
    (["--date", "2023-01-05"], "registry.not_yet_in_force", "2023-01-05"),
    (["--date", "2024-03-08", "--number", "1"], "register.number_used",
     "Số 01/QĐ-UBND năm 2024 đã cấp cho: Quyết định ngày 08/3/2024 «Về việc tặng Bằng khen"),
    (["--date", "2024-03-01"], "register.date_out_of_order", "số 01/QĐ-UBND đã cấp ngày 08/3/2024"),
    (["--date", "2024-13-01"], None, "không phải ngày"),
])
def test_a_refused_issue_says_why_in_vietnamese_and_writes_nothing(extra, code, words, runner, case_copy, tmp_path):
    first, second = draft_cases(case_copy, 2)
    out, register = tmp_path / "out", tmp_path / "register.sqlite3"
    build_drafts([first, second], out)
    assert _issue(runner, first, register, out, "--date", "2024-03-08").exit_code == 0
    before = _snapshot(second, register, out)
    result = _issue(runner, second, register, out, *extra)
    assert result.exit_code == (2 if code is None else 1)
    assert words in result.stderr
    if code:
        assert f"[{code}]" in result.stderr and "Traceback" not in result.output
    assert _snapshot(second, register, out) == before


def test_an_unbuilt_or_invalid_draft_gets_no_number(runner, case_copy, tmp_path):
    unbuilt, invalid = draft_cases(case_copy, 2)
    out, register = tmp_path / "out", tmp_path / "register.sqlite3"
    result = _issue(runner, unbuilt, register, out, "--date", "2024-03-08")
    assert result.exit_code == 1 and "[issue.draft_not_built]" in result.stderr
    assert "qdgen build" in result.stderr
    text = (invalid / "case.yaml").read_text(encoding="utf-8")
    (invalid / "case.yaml").write_text(text.replace("as_of: 2024-03-07", "as_of: 2026-11-01"), encoding="utf-8")
    result = _issue(runner, invalid, register, out, "--date", "2024-03-08")
    assert result.exit_code == 1 and "[issue.invalid_draft]" in result.stderr
    assert "[registry.replaced]" in result.stderr
    with opened(str(register)) as engine:
        assert entries(engine) == ()


def test_the_case_may_say_how_many_copies_are_issued(runner, case_copy, tmp_path):
    [case] = draft_cases(case_copy, 1)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("archive: {keep: [VT, NC], drafter: TPT}",
                                                 "archive: {keep: [VT, NC], drafter: TPT, copies: 12}"),
                                    encoding="utf-8")
    out, register = tmp_path / "out", tmp_path / "register.sqlite3"
    build_drafts([case], out)
    assert _issue(runner, case, register, out, "--date", "2024-03-08").exit_code == 0
    with opened(str(register)) as engine:
        assert [line.copies for line in entries(engine)] == [12]


def test_a_subject_longer_than_the_e_office_field_gets_no_number(runner, case_copy, tmp_path):
    [case] = draft_cases(case_copy, 1)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    long_subject = "Về việc tặng Bằng khen cho " + "các tập thể dẫn đầu, " * 25
    (case / "case.yaml").write_text(re.sub(r"^subject: .*$", f"subject: {long_subject}", text, flags=re.MULTILINE),
                                    encoding="utf-8")
    out, register = tmp_path / "out", tmp_path / "register.sqlite3"
    build_drafts([case], out)
    before = _snapshot(case, register, out)
    result = _issue(runner, case, register, out, "--date", "2024-03-08")
    assert result.exit_code == 1 and "[metadata.too_long]" in result.stderr
    assert "Trường 8 «Trích yếu nội dung» (Subject) tối đa 500 ký tự" in result.stderr
    assert "case.yaml:" in result.stderr and ": subject:" in result.stderr
    with opened(str(register)) as engine:
        assert entries(engine) == ()
    assert _snapshot(case, register, out)[0::2] == before[0::2]


def test_a_date_too_far_ahead_is_refused_until_the_office_allows_it(case_copy, tmp_path):
    [case] = draft_cases(case_copy, 1)
    options = dataclasses.replace(build_drafts([case], tmp_path / "out"), build_day=dt.date(2024, 3, 1))
    with opened(str(tmp_path / "register.sqlite3")) as engine:
        with pytest.raises(InputError) as refused:
            issue_case(case, engine, options, day=ISSUE_DAY)
        [problem] = refused.value.problems
        assert problem.code == "register.date_in_future" and "tối đa 0 ngày" in problem.message
        assert "--future-days" in problem.hint
        configure_series(engine, "Ủy ban nhân dân tỉnh Lạng Sơn", "QĐ-UBND", future_days=7)
        assert issue_case(case, engine, options, day=ISSUE_DAY).entry.number_text == "01/QĐ-UBND"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_cancelled_number_stays_in_the_book_and_is_never_given_again(kind, runner, case_copy, tmp_path, request):
    first, second = draft_cases(case_copy, 2)
    out, register = tmp_path / "out", register_url(kind, tmp_path, request)
    build_drafts([first, second], out)
    assert _issue(runner, first, register, out, "--date", "2024-03-08", "--number", "7").exit_code == 0
    cancel = runner.invoke(main, ["register", "cancel", "7", "--year", "2024", "--reason", "Cấp nhầm",
                                  "--register", str(register)])
    assert cancel.exit_code == 0, cancel.output
    assert _issue(runner, second, register, out, "--date", "2024-03-08").exit_code == 0
    listed = runner.invoke(main, ["register", "list", "--register", str(register)]).stdout
    assert "07/QĐ-UBND" in listed and "Số đã hủy, không dùng lại. Cấp nhầm" in listed
    assert "08/QĐ-UBND" in listed


def test_the_register_is_found_where_the_clerk_works_or_where_qdgen_register_says(runner, case_copy, tmp_path,
                                                                                  monkeypatch):
    first, second = draft_cases(case_copy, 2)
    out = tmp_path / "out"
    build_drafts([first, second], out)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QDGEN_REGISTER", raising=False)
    assert runner.invoke(main, ["issue", str(first), "--out", str(out), "--date", "2024-03-08"]).exit_code == 0
    assert (tmp_path / "register.sqlite3").exists()
    monkeypatch.setenv("QDGEN_REGISTER", str(tmp_path / "shared.sqlite3"))
    assert runner.invoke(main, ["issue", str(second), "--out", str(out), "--date", "2024-03-08"]).exit_code == 0
    with opened(str(tmp_path / "shared.sqlite3"), create=False) as engine:
        assert [line.number_text for line in entries(engine)] == ["01/QĐ-UBND"]  # a register of its own


def test_a_file_that_is_not_a_register_is_refused_untouched(runner, case_copy, tmp_path):
    [case] = draft_cases(case_copy, 1)
    out = tmp_path / "out"
    build_drafts([case], out)
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("Sổ tay ghi chép\n" * 200, encoding="utf-8")
    foreign = tmp_path / "other.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE cong_van (so INTEGER)")
    for register, words in ((text_file, "không phải sổ đăng ký văn bản đi"), (foreign, "đã có dữ liệu khác")):
        before = _snapshot(case, register, out)
        result = _issue(runner, case, register, out, "--date", "2024-03-08")
        assert result.exit_code == 1 and "[register.not_a_register]" in result.stderr
        assert words in result.stderr and str(register) in result.stderr
        assert _snapshot(case, register, out) == before


def test_a_register_from_a_newer_qdgen_is_refused(runner, tmp_path):
    register = tmp_path / "register.sqlite3"
    with opened(str(register)):
        pass
    with sqlite3.connect(register) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    result = runner.invoke(main, ["register", "list", "--register", str(register)])
    assert result.exit_code == 1 and "[register.newer_schema]" in result.stderr
    assert "phiên bản «0099», mới hơn" in result.stderr and "Cập nhật qdgen" in result.stderr


def test_a_database_that_cannot_be_reached_is_named_with_the_reason(runner, tmp_path):
    url = f"postgresql://clerk:secret@/so_dang_ky?host={tmp_path}/no-server"
    result = runner.invoke(main, ["register", "list", "--register", url])
    assert result.exit_code == 1 and "[register.unreachable]" in result.stderr
    assert "Không mở được sổ đăng ký postgresql://clerk:***@/so_dang_ky" in result.stderr
    assert "secret" not in result.output and "Traceback" not in result.output
    assert "No such file or directory" in result.stderr or "connection" in result.stderr
    missing = runner.invoke(main, ["register", "list", "--register", str(tmp_path / "none.sqlite3")])
    assert missing.exit_code == 1 and "[register.missing]" in missing.stderr
    assert not (tmp_path / "none.sqlite3").exists()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migrations_create_exactly_the_tables_the_code_uses(kind, tmp_path, request):
    with opened(register_url(kind, tmp_path, request)) as engine, engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_server_lost_half_way_is_a_problem_not_a_traceback(runner, tmp_path, request):
    url = register_url("postgresql", tmp_path, request)
    with pytest.raises(InputError) as refused, opened(url) as engine, engine.connect() as connection:
        connection.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
    [problem] = refused.value.problems
    assert problem.code == "register.unreachable" and "Không mở được sổ đăng ký postgresql://" in problem.message
    assert "terminating connection" in problem.message
