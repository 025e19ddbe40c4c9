"""A .docx is refused, not processed, when it is over a limit or carries a DTD; a file that is not a .docx
gets a hint that fits what it is. Memory is measured in a child process (`ru_maxrss`), never time."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline import vn
from pipeline.check.checker import check_docx
from pipeline.ooxml import unpack
from pipeline.problems import Severity
from tests.test_ooxml import R_NS, W_NS, p, tiny_docx

ROOT = Path(__file__).resolve().parents[1]
EMPTY_PARAGRAPH = b"<w:p/>"
MEASURE = """
import json, resource, sys
from pipeline.check.checker import check_docx
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = check_docx(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"codes": [x.code for x in result.problems], "grown_kb": after - before}))
"""


def _flood(path: Path, count: int, element: bytes = EMPTY_PARAGRAPH) -> Path:
    """A valid .docx whose body is `count` times `element` (an empty paragraph), written as a stream: a few
    hundred KB on disk for tens of MB unpacked."""
    tiny_docx(path, "")
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist() if name != "word/document.xml"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'.encode())
            block = element * 100_000
            for _ in range(count // 100_000):
                stream.write(block)
            stream.write(element * (count % 100_000) + b"</w:body></w:document>")
    return path


def _checked_in_a_child(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return json.loads(done.stdout)


def test_a_60_mb_part_of_empty_paragraphs_is_refused_in_bounded_memory(tmp_path):
    path = _flood(tmp_path / "flood.docx", 10_000_000)  # 60 MB of <w:p/>
    assert path.stat().st_size < 1_000_000
    found = _checked_in_a_child(path)
    assert found["codes"] == ["docx.part_too_large"]
    assert found["grown_kb"] < 20_000, found  # it is refused before it is unpacked


def test_a_part_under_the_byte_limit_with_too_many_elements_is_refused_in_bounded_memory(tmp_path):
    count, run = unpack.MAX_XML_TAGS + 200_000, b"<w:r/>"
    assert len(run) * count < unpack.MAX_PART_BYTES
    found = _checked_in_a_child(_flood(tmp_path / "elements.docx", count, run))
    assert found["codes"] == ["docx.too_many_elements"]
    assert found["grown_kb"] < 120_000, found  # at most the elements allowed are ever built


def test_too_many_paragraphs_and_too_many_bytes_in_all_parts_are_refused(tmp_path):
    result = check_docx(_flood(tmp_path / "paragraphs.docx", unpack.MAX_PARAGRAPHS + 1))
    problem, = result.problems
    assert (problem.code, result.kind, result.passed) == ("docx.too_many_paragraphs", None, False)
    assert "word/document.xml có hơn 50.000 đoạn văn" in problem.message and problem.hint

    # three parts, each under the part limit (white space in 1 MB pieces: libxml2 caps one text at 10 MB)
    spaces = ("<w:x/>" + " " * 1024 * 1024) * (unpack.MAX_TOTAL_BYTES // 3 // (1024 * 1024) + 1)
    path = tiny_docx(tmp_path / "total.docx", p("Kính gửi") + spaces, styles=spaces, numbering=spaces)
    problem, = check_docx(path).problems
    assert problem.code == "docx.too_large" and "64 MB" in problem.message


def _with_entity(path: Path, part: str) -> Path:
    """A run in red Arial whose only text is an internal entity, with the DTD in `part`."""
    body = p("&e;", rpr='<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:color w:val="FF0000"/>')
    tiny_docx(path, body)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    if part == "word/document.xml":
        parts[part] = b'<!DOCTYPE w:document [<!ENTITY e "Xin ch\xc3\xa0o">]>' + parts[part]
    else:
        parts["word/document.xml"] = parts["word/document.xml"].replace(b"&e;", "Xin chào".encode())
        parts[part] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + parts.get(part, b"<x/>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "docProps/custom.xml"])
def test_a_dtd_in_any_part_is_refused(tmp_path, part):
    result = check_docx(_with_entity(tmp_path / "dtd.docx", part))
    problem, = result.problems
    assert (problem.code, problem.severity, result.passed) == ("docx.dtd", Severity.ERROR, False)
    assert part in problem.message and "DTD" in problem.message


@pytest.mark.parametrize("prolog, encoding", [
    ("<!--" + " " * 8000 + "-->", "utf-8"),  # the start of the part does not tell: parsed up to the root
    ("", "utf-16"),
])
def test_a_dtd_behind_a_long_prolog_or_in_utf_16_is_refused(tmp_path, prolog, encoding):
    path = tiny_docx(tmp_path / "dtd.docx", p("Kính gửi"))
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    styles = parts["word/styles.xml"].decode()
    parts["word/styles.xml"] = (f'<?xml version="1.0" encoding="{encoding}"?>{prolog}'
                                f'<!DOCTYPE w:styles [<!ENTITY a "b">]>{styles}').encode(encoding)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert [x.code for x in check_docx(path).problems] == ["docx.dtd"]
    parts["word/styles.xml"] = f'<?xml version="1.0" encoding="{encoding}"?>{prolog}{styles}'.encode(encoding)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert "docx.dtd" not in {x.code for x in check_docx(path).problems}


def test_the_same_run_without_the_entity_fails_its_font_rules(tmp_path):
    body = p("Xin chào", rpr='<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:color w:val="FF0000"/>')
    codes = {x.code for x in check_docx(tiny_docx(tmp_path / "plain.docx", body)).problems}
    assert {"FONT-01", "FONT-02"} <= codes


def _zip(path: Path, names: tuple[str, ...]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return path


@pytest.mark.parametrize("make, says, hint", [
    (lambda d: d / "khong-co.docx", "không có tệp này", "đường dẫn"),
    (lambda d: d, "thư mục", "thư mục chứa các tệp .docx"),
    (lambda d: _zip(d / "bang-diem.xlsx", ("xl/workbook.xml",)), "bảng tính Excel", "không có thể thức"),
    (lambda d: _zip(d / "bang-diem.docx", ("xl/workbook.xml",)), "bảng tính Excel", "không có thể thức"),
    (lambda d: _write(d / "cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "Excel 97–2003", "bảng tính"),
    (lambda d: _write(d / "cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "Word 97–2003", "Save As"),
    (lambda d: _write(d / "ban-scan.pdf", b"%PDF-1.7\n"), "tệp PDF", "tệp .docx gốc"),
    (lambda d: _zip(d / "nen.zip", ("a.txt",)), "tệp nén zip", "Giải nén"),
])
def test_a_file_that_is_not_a_docx_gets_a_hint_that_fits_it(tmp_path, make, says, hint):
    problem, = check_docx(make(tmp_path)).problems
    assert problem.code == "check.unreadable" and says in problem.message and hint in problem.hint
    if "docx" not in says:
        assert "lưu lại tệp bằng Word dưới dạng .docx" not in problem.hint


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_the_readme_lists_every_limit_with_its_code():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("**Limits.**"):readme.index("## The inputs")]
    megabyte = 1024 * 1024
    for value, code in ((f"{unpack.MAX_PART_BYTES // megabyte} MB", "docx.part_too_large"),
                        (f"{unpack.MAX_TOTAL_BYTES // megabyte} MB", "docx.too_large"),
                        (vn.number(unpack.MAX_PARTS), "docx.too_many_parts"),
                        (vn.number(unpack.MAX_XML_TAGS), "docx.too_many_elements"),
                        (vn.number(unpack.MAX_PARAGRAPHS), "docx.too_many_paragraphs"),
                        ("<!DOCTYPE", "docx.dtd")):
        assert any(value in line and f"`{code}`" in line for line in section.replace(":\n", ": ").splitlines()), code


def test_a_dtd_in_a_part_not_named_xml_is_refused_when_it_is_read(tmp_path):
    path = _with_entity(tmp_path / "dtd.docx", "word/document.xml")
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/main.part"] = parts.pop("word/document.xml")
    parts["word/_rels/main.part.rels"] = parts.pop("word/_rels/document.xml.rels")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", b"word/main.part")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert [x.code for x in check_docx(path).problems] == ["docx.dtd"]


def test_a_zip_with_a_password_is_one_problem_never_a_traceback(tmp_path):
    data = bytearray(tiny_docx(tmp_path / "khoa.docx", p("Kính gửi")).read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            data[start + flags] |= 1  # the "encrypted" bit of each entry
            start += 4
    (tmp_path / "khoa.docx").write_bytes(bytes(data))
    problem, = check_docx(tmp_path / "khoa.docx").problems
    assert problem.code == "check.unreadable" and "mật khẩu" in problem.message
