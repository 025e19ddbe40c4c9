"""The Sổ đăng ký văn bản đi exported as Phụ lục IV draws it, opened in the real LibreOffice: the cover,
the 10 columns, A4 landscape, header rows repeated on every page."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from pipeline.cli.commands import main
from pipeline.register.export import COLUMNS
from tests.register_support import build_drafts, draft_cases

CASES = 12  # enough lines for the book to run over more than one page


@pytest.fixture
def book(runner, case_copy, tmp_path):
    """A register with 12 decisions issued in 2024 and number 05 cancelled."""
    cases = draft_cases(case_copy, CASES)
    out, register = tmp_path / "out", tmp_path / "register.sqlite3"
    build_drafts(cases, out)
    for case in cases:
        result = runner.invoke(main, ["issue", str(case), "--register", str(register), "--out", str(out),
                                      "--date", "2024-03-08"])
        assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["register", "series", "--organ", "Ủy ban nhân dân tỉnh Lạng Sơn", "--symbol",
                                "QĐ-UBND", "--parent", "Chính phủ", "--volume", "2",
                                "--register", str(register)]).exit_code == 0
    assert runner.invoke(main, ["register", "cancel", "5", "--year", "2024", "--reason", "Cấp nhầm",
                                "--register", str(register)]).exit_code == 0
    return register


def _pdf_text(document, tmp_path) -> tuple[str, int]:
    """The text LibreOffice lays out (in content order, whitespace collapsed) and the page count."""
    subprocess.run([shutil.which("soffice"), "--headless", "--norestore",
                    f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(document)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "pdf" / f"{document.stem}.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+", info), info  # A4 landscape
    return " ".join(text.split()), pages


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_the_exported_register_opens_in_libreoffice_with_its_cover_and_ten_columns(kind, book, runner, tmp_path):
    document = tmp_path / f"so-dang-ky-2024.{kind}"
    result = runner.invoke(main, ["register", "export", "--year", "2024", "--format", kind, "-o", str(document),
                                  "--register", str(book)])
    assert result.exit_code == 0, result.output
    text, pages = _pdf_text(document, tmp_path)
    for words in ("CHÍNH PHỦ", "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm: 2024",
                  "Từ ngày 08/03/2024 đến ngày 08/03/2024", "Từ số 01 đến số 12", "Quyển số: 02"):
        assert words in text, words
    for title in COLUMNS:
        assert title in text, title
    assert pages >= 3  # the cover, then the book over more than one page
    assert text.count("Số, ký hiệu văn bản") == pages - 1  # the header repeated on every page of the book
    assert "05/QĐ-UBND" in text and "Số đã hủy, không dùng lại. Cấp nhầm" in text
    assert "12/QĐ-UBND" in text and "VT, NC (TPT)" in text


def test_the_xlsx_is_set_up_for_printing(book, runner, tmp_path):
    document = tmp_path / "so.xlsx"
    runner.invoke(main, ["register", "export", "--year", "2024", "--format", "xlsx", "-o", str(document),
                         "--register", str(book)])
    sheet = load_workbook(document)["Sổ đăng ký"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert [cell.value for cell in sheet[2]] == [f"({n})" for n in range(1, 11)]
    assert sheet.print_title_rows == "$1:$2" and sheet.page_setup.orientation == "landscape"
    first = [cell.value for cell in sheet[3]]
    assert first[:2] == ["01/QĐ-UBND", "08/03/2024"] and first[3] == "Chủ tịch Hồ Tiến Thiệu"
    assert first[4].startswith("- Như Điều 3\n- Thường trực Tỉnh ủy") and first[6] == "7"  # 5 nơi nhận + 2 bản lưu (VT, NC)
    assert first[7:9] == [None, None]  # ngày chuyển, ký nhận: left for the hand


def test_the_docx_repeats_its_header_rows(book, runner, tmp_path):
    document = tmp_path / "so.docx"
    runner.invoke(main, ["register", "export", "--year", "2024", "--format", "docx", "-o", str(document),
                         "--register", str(book)])
    xml = zipfile.ZipFile(document).read("word/document.xml").decode("utf-8")
    assert xml.count('<w:tblHeader w:val="true"/>') == 2 and 'w:orient="landscape"' in xml
    assert xml.count('<w:cantSplit w:val="true"/>') == CASES
