"""`qdgen check --register`: DOC-02, a number used once a year per series, checked against the book."""

from __future__ import annotations

import shutil

from pipeline.cli.commands import main
from tests.register_support import build_drafts, draft_cases


def test_doc02_passes_registered_decisions_and_names_every_other_use_of_a_number(runner, case_copy, tmp_path):
    first, second = draft_cases(case_copy, 2)
    out, register = tmp_path / "out", tmp_path / "register.sqlite3"
    build_drafts([first, second], out)
    for case in (first, second):
        assert runner.invoke(main, ["issue", str(case), "--register", str(register), "--out", str(out),
                                    "--date", "2024-03-08"]).exit_code == 0
    decisions = [out / case.name / "quyet-dinh.docx" for case in (first, second)]
    draft = out / ".drafts" / first.name / "1" / "quyet-dinh.docx"
    passed = runner.invoke(main, ["check", *map(str, decisions), str(draft), "--register", str(register)])
    assert passed.exit_code == 0, passed.output
    assert "DOC-02" not in passed.output
    without = runner.invoke(main, ["check", str(decisions[0])])
    assert without.exit_code == 0 and "DOC-02" not in without.output  # no register: not checked

    copy = tmp_path / "typed-again" / "quyet-dinh.docx"  # the same number sent again as another file
    copy.parent.mkdir()
    shutil.copy(decisions[0], copy)
    twice = runner.invoke(main, ["check", str(decisions[0]), str(copy), "--register", str(register)])
    assert twice.exit_code == 1
    assert "«Số: 01/QĐ-UBND»: lỗi: Số 01/QĐ-UBND cũng là số của quyet-dinh.docx" in twice.stderr
    assert twice.stderr.count("[DOC-02]") == 1

    assert runner.invoke(main, ["register", "cancel", "2", "--year", "2024", "--reason", "Ký nhầm",
                                "--register", str(register)]).exit_code == 0
    cancelled = runner.invoke(main, ["check", str(decisions[1]), "--register", str(register)])
    assert cancelled.exit_code == 1 and "đã bị hủy trong sổ đăng ký (Ký nhầm). [DOC-02]" in cancelled.stderr


def test_doc02_refuses_a_number_missing_from_the_register_or_dated_otherwise(runner, built, case_copy, tmp_path):
    issued = built / "lang-son-2023-issued" / "quyet-dinh.docx"  # 05/QĐ-UBND of 05/02/2024
    empty = tmp_path / "register.sqlite3"
    [case] = draft_cases(case_copy, 1)
    build_drafts([case], tmp_path / "out")
    assert runner.invoke(main, ["issue", str(case), "--register", str(empty), "--out", str(tmp_path / "out"),
                                "--date", "2024-03-08", "--number", "5"]).exit_code == 0
    result = runner.invoke(main, ["check", str(issued), "--register", str(empty)])
    assert result.exit_code == 1
    assert ("Số 05/QĐ-UBND năm 2024 trong sổ đăng ký là văn bản ngày 08/3/2024 «Về việc tặng Bằng khen"
            in result.stderr)
    assert "tệp này ghi ngày 05/02/2024" in result.stderr
    other_year = runner.invoke(main, ["check", str(built / "lang-son-2019-bo-tieu-chi" / "quyet-dinh.docx"),
                                      "--register", str(empty)])
    assert other_year.exit_code == 1 and "chưa có trong sổ đăng ký văn bản đi" in other_year.stderr
    missing = runner.invoke(main, ["check", str(issued), "--register", str(tmp_path / "none.sqlite3")])
    assert missing.exit_code == 1 and "[register.missing]" in missing.stderr
