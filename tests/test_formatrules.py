"""`qdgen check`: NĐ 30 conformance of any .docx.

The generated documents pass with no problem at all; a corpus made by mutating a good decision and a good
annex (one defect each) is caught with the right rule id and nothing else; the Government's own decree is
recognised as another kind of document and gets the general rules only.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from pipeline.check.checker import MAX_PER_RULE, check_docx, find_layout
from pipeline.nd30.rules import RULE_BY_ID, RULES
from pipeline.ooxml.reader import NS, qn, read_docx
from pipeline.problems import Severity
from tests.test_ooxml import DECREE, p, tiny_docx

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "format.md"
DOCUMENT = "word/document.xml"


def w(tag: str) -> str:
    return qn("w:" + tag)


# ---------------------------------------------------------------------------------------------------------
# Editing a copy of a generated document with lxml


def text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


def para(root: etree._Element, start: str, nth: int = 0) -> etree._Element:
    return [x for x in root.iter(w("p")) if text(x).startswith(start)][nth]


def properties(element: etree._Element, tag: str) -> etree._Element:
    found = element.find(w(tag))
    if found is None:
        found = etree.Element(w(tag))
        element.insert(0, found)
    return found


def set_run(paragraph: etree._Element, tag: str, index: int | None = None, **attributes: str) -> None:
    """Set `<w:tag w:attr=…/>` in the rPr of every run (or of run `index`)."""
    runs = [r for r in paragraph.iter(w("r")) if r.find(w("t")) is not None]
    for run in runs if index is None else [runs[index]]:
        rpr = properties(run, "rPr")
        element = rpr.find(w(tag))
        if element is None:
            element = etree.SubElement(rpr, w(tag))
        for name, value in attributes.items():
            element.set(w(name), value)


def set_paragraph(paragraph: etree._Element, tag: str, **attributes: str) -> None:
    ppr = properties(paragraph, "pPr")
    element = ppr.find(w(tag))
    if element is None:
        element = etree.SubElement(ppr, w(tag))
    for name, value in attributes.items():
        element.set(w(name), value)


def retext(paragraph: etree._Element, old: str, new: str) -> None:
    for t in paragraph.iter(w("t")):
        if t.text and old in t.text:
            t.text = t.text.replace(old, new, 1)
            return
    raise AssertionError(f"{old!r} not in {text(paragraph)!r}")


def xml(fragment: str) -> etree._Element:
    """An element from a WordprocessingML fragment written with the `w:` prefix."""
    return etree.fromstring(f'<root xmlns:w="{NS["w"]}">{fragment}</root>')[0]


def drop(element: etree._Element | None) -> None:
    assert element is not None
    element.getparent().remove(element)


def body_section(root: etree._Element) -> etree._Element:
    return root.find(w("body")).find(w("sectPr"))


def table_with(root: etree._Element, start: str) -> etree._Element:
    return next(t for t in root.iter(w("tbl")) if any(text(x).startswith(start) for x in t.iter(w("p"))))


def rewrite(source: Path, target: Path, changes: dict[str, Callable[[etree._Element], None]]) -> Path:
    """A copy of `source` at `target` with each named part parsed, changed in place and written back."""
    with zipfile.ZipFile(source) as archive:
        items = {name: archive.read(name) for name in archive.namelist()}
    for name, change in changes.items():
        root = etree.fromstring(items[name])
        change(root)
        items[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items.items():
            archive.writestr(name, data)
    return target


def combine(decision: Path, annexes: list[Path], target: Path) -> Path:
    """A decision typed with its annexes in one file, each after a section break, as clerks do in Word."""
    def parse(path: Path, name: str) -> etree._Element:
        with zipfile.ZipFile(path) as archive:
            return etree.fromstring(archive.read(name))

    def append(root: etree._Element) -> None:
        body = root.find(w("body"))
        section = body_section(root)
        body.remove(section)
        for annex in annexes:
            ending = etree.SubElement(body, w("p"))
            etree.SubElement(ending, w("pPr")).append(section)
            annex_body = parse(annex, DOCUMENT).find(w("body"))
            section = annex_body.find(w("sectPr"))
            for block in annex_body:
                if block is not section:
                    body.append(block)
        body.append(section)

    def styles(root: etree._Element) -> None:
        root[:] = list(parse(annexes[0], "word/styles.xml"))

    return rewrite(decision, target, {DOCUMENT: append, "word/styles.xml": styles})


# ---------------------------------------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class Mutation:
    name: str
    source: str  # key of `sources`
    rule: str
    change: Callable[[etree._Element], None]
    part: str = DOCUMENT


def _motto_line(root):
    drop(para(root, "Độc lập").getnext().find(w("pPr")).find(w("pBdr")))


def _issuer_line(root):
    drop(para(root, "TỈNH LẠNG SƠN").getnext().find(w("pPr")).find(w("pBdr")))


def _chairman_signs_tm(root):
    title = para(root, "CHỦ TỊCH", 1)
    collective = copy.deepcopy(title)
    retext(collective, "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN")
    title.addprevious(collective)


def _national_header(root):
    cells = "".join(f'<w:tc><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="26"/>'
                    f"</w:rPr><w:t>{name}</w:t></w:r></w:p></w:tc>"
                    for name in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    root.find(w("body")).insert(0, xml(f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"))


def _page_size(width, height, orient="portrait"):
    return lambda root: body_section(root).find(w("pgSz")).attrib.update(
        {w("w"): width, w("h"): height, w("orient"): orient})


def _margin(side, twips):
    return lambda root: body_section(root).find(w("pgMar")).set(w(side), twips)


def _default_header_removed(root):
    drop(next(x for x in body_section(root).iter(w("headerReference")) if x.get(w("type")) == "default"))


def _theme_fonts(root):
    for fonts in root.iter(w("rFonts")):
        fonts.attrib.update({w("asciiTheme"): "minorHAnsi", w("hAnsiTheme"): "minorHAnsi"})


def _header_size(root):
    for size in root.iter(w("sz")):
        size.set(w("val"), "24")


def _run(start, tag, index=None, nth=0, **attributes):
    return lambda root: set_run(para(root, start, nth), tag, index, **attributes)


def _paragraph(start, tag, **attributes):
    return lambda root: set_paragraph(para(root, start), tag, **attributes)


def _text(start, old, new, nth=0):
    return lambda root: retext(para(root, start, nth), old, new)


MUTATIONS = (
    # page and font
    Mutation("letter paper", "decision", "PAGE-01", _page_size("12240", "15840")),
    Mutation("landscape decision", "decision", "PAGE-01", _page_size("16838", "11906", "landscape")),
    Mutation("left margin 25 mm", "decision", "PAGE-02", _margin("left", "1418")),
    Mutation("top margin 17.6 mm", "decision", "PAGE-02", _margin("top", "1000")),
    Mutation("landscape annex bottom margin 15 mm", "annex", "PAGE-03", _margin("bottom", "851")),
    Mutation("an Arial run", "decision", "FONT-01",
             _run("Điều 2.", "rFonts", 1, ascii="Arial", hAnsi="Arial", cs="Arial")),
    Mutation("hAnsi not TNR on Vietnamese letters", "decision", "FONT-01",
             _run("Lạng Sơn, ngày", "rFonts", hAnsi="Arial")),
    Mutation("legacy .VnTime font", "decision", "FONT-01",
             _run("Căn cứ Luật", "rFonts", ascii=".VnTime", hAnsi=".VnTime")),
    Mutation("a theme font on the page number", "decision", "FONT-01", _theme_fonts, "word/header1.xml"),
    Mutation("a red run", "decision", "FONT-02", _run("Điều 1.", "color", 1, val="FF0000")),
    Mutation("decomposed Unicode", "decision", "FONT-03",
             _text("Điều 3.", "Căn cứ", unicodedata.normalize("NFD", "Căn cứ"))),
    Mutation("TCVN3 bytes", "decision", "FONT-03", _text("Điều 3.", "Căn cứ", "C¨n cø")),
    # page numbers
    Mutation("a page number on page 1", "decision", "PGNUM-01",
             lambda r: drop(body_section(r).find(w("titlePg")))),
    Mutation("no page number at all", "decision", "PGNUM-01", _default_header_removed),
    Mutation("page number in 12 pt", "decision", "PGNUM-01", _header_size, "word/header1.xml"),
    Mutation("annex numbering does not restart", "annex", "PGNUM-02",
             lambda r: drop(body_section(r).find(w("pgNumType")))),
    # header block
    Mutation("Quốc hiệu not bold", "decision", "HDR-01", _run("CỘNG HÒA", "b", val="0")),
    Mutation("Quốc hiệu 14 pt", "decision", "HDR-01", _run("CỘNG HÒA", "sz", val="28")),
    Mutation("Tiêu ngữ with en dashes", "decision", "HDR-02",
             _text("Độc lập", "Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc")),
    Mutation("no line under the Tiêu ngữ", "decision", "HDR-03", _motto_line),
    Mutation("issuing body not bold", "decision", "HDR-04", _run("TỈNH LẠNG SƠN", "b", val="0")),
    Mutation("first line of the issuing body not bold", "decision", "HDR-04",
             _run("ỦY BAN NHÂN DÂN", "b", val="0")),
    Mutation("no line under the issuing body", "decision", "HDR-05", _issuer_line),
    Mutation("Số: 5/QĐ-UBND", "decision", "HDR-06", _text("Số:", "05/", "5/")),
    Mutation("Số line bold", "decision", "HDR-06", _run("Số:", "b", val="1")),
    Mutation("tháng 03", "decision", "HDR-07", _text("Lạng Sơn, ngày", "tháng 02", "tháng 03")),
    Mutation("date not italic", "decision", "HDR-07", _run("Lạng Sơn, ngày", "i", val="0")),
    Mutation("30 February", "decision", "HDR-07", _text("Lạng Sơn, ngày", "ngày 05", "ngày 30")),
    Mutation("place is not the province", "decision", "HDR-08",
             _text("Lạng Sơn, ngày", "Lạng Sơn", "Hà Nội")),
    # title, authority, căn cứ
    Mutation("QUYẾT ĐỊNH in 16 pt", "decision", "TTL-01", _run("QUYẾT ĐỊNH", "sz", val="32")),
    Mutation("tên loại with a colon", "decision", "TTL-01", _text("QUYẾT ĐỊNH", "ĐỊNH", "ĐỊNH:")),
    Mutation("trích yếu italic", "decision", "TTL-02", _run("Về việc", "i", val="1")),
    Mutation("no line under the trích yếu", "decision", "TTL-03",
             lambda r: drop(para(r, "Về việc").getnext())),
    Mutation("trích yếu 13 pt under a 14 pt title", "decision", "TTL-04", _run("Về việc", "sz", val="26")),
    Mutation("thẩm quyền not bold", "decision", "AUTH-01", _run("CHỦ TỊCH ỦY BAN", "b", val="0")),
    Mutation("a căn cứ ending with a comma", "decision", "CANCU-01",
             _text("Căn cứ Luật", "22/11/2019;", "22/11/2019,")),
    Mutation("the last căn cứ ending with a semicolon", "decision", "CANCU-01",
             _text("Theo đề nghị", "14/01/2024.", "14/01/2024;")),
    Mutation("a căn cứ not italic", "decision", "CANCU-01", _run("Căn cứ Quyết định", "i", val="0")),
    Mutation("a law cited with its number", "decision", "CANCU-02",
             _text("Căn cứ Luật", "Luật Tổ chức", "Luật số 77/2015/QH13 Tổ chức")),
    Mutation("a căn cứ without indent", "decision", "CANCU-03",
             _paragraph("Căn cứ Quyết định", "ind", firstLine="0")),
    Mutation("QUYẾT ĐỊNH without its colon", "decision", "QD-01", _text("QUYẾT ĐỊNH:", ":", "")),
    # body
    Mutation("an article aligned left", "decision", "BODY-01", _paragraph("Điều 2.", "jc", val="left")),
    Mutation("an article in 13 pt", "decision", "BODY-01", _run("Điều 2.", "sz", val="26")),
    Mutation("an article without first-line indent", "decision", "BODY-02",
             _paragraph("Điều 2.", "ind", firstLine="0")),
    Mutation("no space between articles", "decision", "BODY-03",
             _paragraph("Điều 2.", "spacing", before="0")),
    Mutation("double line spacing", "decision", "BODY-04",
             _paragraph("Điều 2.", "spacing", line="480", lineRule="auto")),
    Mutation("an article label not bold", "decision", "BODY-05", _run("Điều 2.", "b", 0, val="0")),
    Mutation("articles numbered 1, 2, 4", "decision", "BODY-05", lambda r: drop(para(r, "Điều 3."))),
    Mutation("Điều 2: with a colon", "decision", "BODY-05", _text("Điều 2.", "Điều 2.", "Điều 2:")),
    Mutation("points a), c)", "general", "BODY-06", _text("b) Sở Tài chính", "b)", "c)")),
    Mutation("a clause in bold", "general", "BODY-06", _run("1. Sở Thông tin", "b", val="1")),
    Mutation("no ./. at the end", "decision", "BODY-07", _text("Điều 4.", "./.", ".")),
    Mutation("quyết định này in lower case", "decision", "BODY-09",
             _text("Điều 4.", "Quyết định này", "quyết định này")),
    # signature and recipients
    Mutation("signer's title not bold", "decision", "SIGN-01", _run("CHỦ TỊCH", "b", nth=1, val="0")),
    Mutation("TM without its dot", "decision", "SIGN-01", _text("CHỦ TỊCH", "CHỦ", "TM CHỦ", nth=1)),
    Mutation("TM. on a Chairman's decision", "decision", "SIGN-02", _chairman_signs_tm),
    Mutation("a doctor's title before the name", "decision", "SIGN-03",
             _text("Hồ Tiến Thiệu", "Hồ", "TS. Hồ")),
    Mutation("signer's name in capitals", "decision", "SIGN-03",
             _text("Hồ Tiến Thiệu", "Hồ Tiến Thiệu", "Hồ TIẾN THIỆU")),
    Mutation("Nơi nhận: in 13 pt", "decision", "NN-01", _run("Nơi nhận", "sz", val="26")),
    Mutation("Nơi nhận: not italic", "decision", "NN-01", _run("Nơi nhận", "i", val="0")),
    Mutation("no Nơi nhận: label", "decision", "NN-01", _text("Nơi nhận", "Nơi nhận:", "Gửi:")),
    Mutation("a recipient line without ;", "decision", "NN-02", _text("- Thường trực Tỉnh ủy", ";", "")),
    Mutation("a recipient in 12 pt", "decision", "NN-02", _run("- Thường trực HĐND", "sz", val="24")),
    Mutation("Lưu line without its full stop", "decision", "NN-02", _text("- Lưu:", "(TPT).", "(TPT)")),
    Mutation("Như Điều 3 when the executors' article is 4", "decision", "NN-03",
             _text("- Như Điều", "4", "3")),
    # structure
    Mutation("signature before the articles", "decision", "DOC-01",
             lambda r: para(r, "QUYẾT ĐỊNH:").addprevious(table_with(r, "Nơi nhận"))),
    Mutation("a draft with a day", "draft", "DOC-03",
             _text("Lạng Sơn, ngày", "ngày      tháng", "ngày 15 tháng")),
    # annex
    Mutation("PHỤ LỤC I in capitals", "annex", "ANX-01", _text("Phụ lục", "Phụ lục", "PHỤ LỤC")),
    Mutation("annex heading in 13 pt", "annex", "ANX-01", _run("Phụ lục", "sz", val="26")),
    Mutation("Phụ lục 1", "annex", "ANX-02", _text("Phụ lục", "Phụ lục I", "Phụ lục 1")),
    Mutation("annex title in lower case", "annex", "ANX-03",
             _text("CHỈ SỐ", "CHỈ SỐ HÀI LÒNG", "Chỉ số hài lòng")),
    Mutation("reference line upright", "annex", "ANX-04", _run("(Kèm theo", "i", val="0")),
    Mutation("reference line number 5", "annex", "ANX-04", _text("(Kèm theo", "số 05/", "số 5/")),
    Mutation("Quốc hiệu on the annex page", "annex", "ANX-05", _national_header),
    Mutation("annex without ./.", "annex", "ANX-06", _text("Ghi chú", "./.", ".", nth=-1)),
    Mutation("a header row that does not repeat", "annex", "ANX-07",
             lambda r: drop(next(r.iter(w("tblHeader"))))),
    Mutation("a row that may split", "annex", "ANX-08", lambda r: drop(list(r.iter(w("cantSplit")))[5])),
)


@pytest.fixture(scope="session")
def sources(built) -> dict[str, Path]:
    """Good generated documents: an issued decision and its first annex, a draft, a general decision."""
    return {"decision": built / "lang-son-2023-issued" / "quyet-dinh.docx",
            "annex": built / "lang-son-2023-issued" / "phu-luc-1-sipas.docx",
            "annex2": built / "lang-son-2023-issued" / "phu-luc-2-par.docx",
            "draft": built / "lang-son-2023-sipas-par" / "quyet-dinh.docx",
            "general": built / "lang-son-2024-khen-thuong" / "quyet-dinh.docx"}


@pytest.fixture(scope="session")
def corpus(sources, tmp_path_factory) -> dict[str, tuple[Mutation, Path]]:
    """Every mutation applied once to a copy of its source: name → (mutation, mutated file)."""
    folder = tmp_path_factory.mktemp("corpus")
    out = {}
    for index, mutation in enumerate(MUTATIONS):
        target = folder / f"{index:02d}-{mutation.rule}.docx"
        out[mutation.name] = (mutation, rewrite(sources[mutation.source], target,
                                                {mutation.part: mutation.change}))
    return out


def codes(path: Path) -> set[str]:
    return {problem.code for problem in check_docx(path).problems}


def test_every_generated_document_passes_with_no_problem(built):
    documents = sorted(built.rglob("*.docx"))
    assert len(documents) >= 10
    found = {path.relative_to(built).as_posix(): [f"{x.code} {x.location} {x.message}"
                                                  for x in check_docx(path).problems] for path in documents}
    assert found == {name: [] for name in found}


def test_generated_documents_are_recognised(built):
    kinds = {path.relative_to(built).as_posix(): check_docx(path).kind
             for path in built.rglob("*.docx")}
    assert {kind for name, kind in kinds.items() if name.endswith("quyet-dinh.docx")} == {"decision"}
    assert {kind for name, kind in kinds.items() if "/phu-luc-" in name} == {"annex"}
    assert kinds["lang-son-2019-bo-tieu-chi/bo-tieu-chi.docx"] == "other"


def test_the_corpus_is_large_and_covers_every_rule_checked_per_file():
    assert len(MUTATIONS) >= 25 and len({m.name for m in MUTATIONS}) == len(MUTATIONS)
    checkable = {rule.id for rule in RULES if rule.applies_to and not rule.on_pages}  # pages: test_pages.py
    combined_only = {"BODY-08"}  # needs annexes in the decision's own file, see the combined tests below
    assert checkable - combined_only == {m.rule for m in MUTATIONS}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_defect_is_found_with_its_rule_and_nothing_else(mutation, corpus):
    _, path = corpus[mutation.name]
    result = check_docx(path)
    assert {problem.code for problem in result.problems} == {mutation.rule}, [
        f"{x.code} {x.location} {x.message}" for x in result.problems]
    expected = Severity.ERROR if RULE_BY_ID[mutation.rule].severity == "E" else Severity.WARNING
    assert {problem.severity for problem in result.problems} == {expected}
    assert result.passed == (expected is Severity.WARNING)


def test_problems_say_where_what_was_expected_and_what_was_found(corpus):
    problem, = check_docx(corpus["Số: 5/QĐ-UBND"][1]).problems
    assert problem.location.paragraph == 7 and problem.location.excerpt == "Số: 5/QĐ-UBND"
    assert problem.location.key == "mục 1, phần đầu"
    assert "thấy «Số: 5/QĐ-UBND»" in problem.message and "Số: 05/QĐ-UBND" in problem.message
    assert problem.hint.endswith("(Phụ lục I, II.3; Phụ lục III, I).")
    assert unicodedata.is_normalized("NFC", problem.message)
    month, = check_docx(corpus["tháng 03"][1]).problems
    assert "thấy «tháng 03»" in month.message and month.location.key == "mục 1, phần đầu"
    margin, = check_docx(corpus["left margin 25 mm"][1]).problems
    assert margin.message == "Lề trái: cần 30 mm–35 mm, thấy 25 mm (1418 twip)."
    assert margin.location.key == "mục 1, trang" and margin.location.paragraph is None
    chairman, = check_docx(corpus["TM. on a Chairman's decision"][1]).problems
    assert "không ký «TM.»" in chairman.message and chairman.location.excerpt == "TM. ỦY BAN NHÂN DÂN"
    executors, = check_docx(corpus["Như Điều 3 when the executors' article is 4"][1]).problems
    assert "cần «Như Điều 4»" in executors.message and executors.location.key == "mục 1, nơi nhận"


def test_a_vietnamese_letter_needs_times_new_roman_in_the_hansi_slot(corpus):
    problem, = check_docx(corpus["hAnsi not TNR on Vietnamese letters"][1]).problems
    assert "«Arial» (ô hAnsi (chữ tiếng Việt))" in problem.message
    legacy, = check_docx(corpus["legacy .VnTime font"][1]).problems
    assert "phông bảng mã cũ" in legacy.message
    in_header, = check_docx(corpus["a theme font on the page number"][1]).problems
    assert in_header.location.key == "mục 1, đầu trang" and in_header.location.paragraph is None
    assert "«Cambria» (ô ascii)" in in_header.message  # the theme's minor font


def test_an_hansi_font_does_not_matter_for_ascii_only_text(sources, tmp_path):
    """Digits and ASCII letters are shown with the ascii slot: another hAnsi font there is invisible."""
    def change(root):
        set_run(para(root, "95,14"), "rFonts", hAnsi="Arial")
    assert codes(rewrite(sources["annex"], tmp_path / "a.docx", {DOCUMENT: change})) == set()


# ---------------------------------------------------------------------------------------------------------
# A decision typed with its annexes in the same file


@pytest.fixture(scope="session")
def combined(sources, tmp_path_factory) -> Path:
    return combine(sources["decision"], [sources["annex"], sources["annex2"]],
                   tmp_path_factory.mktemp("combined") / "quyet-dinh-kem-phu-luc.docx")


def test_a_decision_with_its_annexes_in_one_file_passes(combined):
    result = check_docx(combined)
    assert (result.kind, result.problems) == ("decision", ())
    layout = find_layout(read_docx(combined))
    assert [a.numeral for a in layout.annexes] == ["I", "II"] and layout.annex_sections == {1, 2}
    assert all(annex.new_page for annex in layout.annexes)


def _continuous_break(root):
    """The first annex's section starts on the decision's last page (its note, once, ends the annex: the
    note is its table's last row, the section break the paragraph after the table)."""
    note = para(root, "Ghi chú", 0)
    end = next(element for element in note.iterancestors() if element.getparent().tag == w("body"))
    section = end.getnext().find(w("pPr")).find(w("sectPr"))
    section.insert(0, xml('<w:type w:val="continuous"/>'))


COMBINED_MUTATIONS = (
    ("an annex the articles do not mention", "BODY-08",
     _text("Điều 1.", " (chi tiết theo Phụ lục I đính kèm)", "")),
    ("two annexes, one without its numeral", "ANX-02", _text("Phụ lục II", "Phụ lục II", "Phụ lục")),
    ("an annex on the same page", "ANX-01", _continuous_break),
    ("an annex whose numbering goes on", "PGNUM-02", lambda r: drop(list(r.iter(w("pgNumType")))[1])),
    ("a reference line with another number", "ANX-04", _text("(Kèm theo", "số 05/", "số 06/", nth=1)),
    ("a reference line with another day", "ANX-04", _text("(Kèm theo", "ngày 05", "ngày 06")),
)


@pytest.mark.parametrize("name,rule,change", COMBINED_MUTATIONS, ids=[m[0] for m in COMBINED_MUTATIONS])
def test_defects_of_annexes_in_the_decisions_file(combined, tmp_path, name, rule, change):
    path = rewrite(combined, tmp_path / "m.docx", {DOCUMENT: change})
    found = check_docx(path).problems
    assert {x.code for x in found} == {rule}, [f"{x.code} {x.location} {x.message}" for x in found]


def test_an_annex_in_the_decisions_section_must_start_a_new_page(sources, tmp_path):
    """A hand-typed annex after the signature without any break: ANX-01, and its numbering cannot restart."""
    def change(root):
        body = root.find(w("body"))
        body.insert(len(body) - 1, xml('<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/>'
                                       '<w:sz w:val="28"/></w:rPr><w:t>Phụ lục</w:t></w:r></w:p>'))
    found = check_docx(rewrite(sources["decision"], tmp_path / "a.docx", {DOCUMENT: change})).problems
    assert {"ANX-01", "PGNUM-02"} <= {x.code for x in found}


# ---------------------------------------------------------------------------------------------------------
# Other documents and bad input


def test_the_decree_is_another_kind_and_gets_the_general_rules():
    """NĐ 30/2020 itself, typed by hand: its header, title, signature and recipients follow the rules; it
    reports one run in «Times New Roman Bold», combining accents in one paragraph and a white «[» before
    «(Đã ký)» in the signature (explained in the README)."""
    result = check_docx(DECREE)
    assert result.kind == "other" and not result.passed
    assert sorted((x.code, x.location.paragraph, x.location.key) for x in result.problems) == [
        ("FONT-01", 230, "mục 1, nội dung"), ("FONT-02", 360, "mục 1, chữ ký"),
        ("FONT-03", 260, "mục 1, nội dung")]
    layout = find_layout(read_docx(DECREE))
    assert layout.title.shown == "NGHỊ ĐỊNH" and [x.shown for x in layout.subject] == ["Về công tác văn thư"]
    assert layout.header.number.shown == "Số: 30/2020/NĐ-CP"
    assert [x.shown for x in layout.signature.titles] == ["TM. CHÍNH PHỦ", "THỦ TƯỚNG"]
    assert not layout.bases and not layout.body  # decision-only parts are not looked for


def test_a_plain_document_gets_page_and_font_rules_only(tmp_path):
    path = tiny_docx(tmp_path / "letter.docx", p("Kính gửi: Sở Nội vụ", rpr='<w:sz w:val="28"/>'))
    result = check_docx(path)
    assert result.kind == "other"
    assert {x.code for x in result.problems} == {"PGNUM-01"}  # no header with a page number


def test_any_one_block_removed_never_breaks_the_checker(sources, tmp_path):
    """Parts may be missing in a hand-typed document: each is reported, nothing raises."""
    with zipfile.ZipFile(sources["general"]) as archive:
        count = len(etree.fromstring(archive.read(DOCUMENT)).find(w("body")))
    for index in range(count - 1):
        def change(root, index=index):
            body = root.find(w("body"))
            body.remove(body[index])
        result = check_docx(rewrite(sources["general"], tmp_path / f"{index}.docx", {DOCUMENT: change}))
        assert result.kind in ("decision", "other")
        assert all(x.code in RULE_BY_ID for x in result.problems)


@pytest.mark.parametrize("content", [b"PK\x03\x04 broken", b"plain text", None])
def test_unreadable_input_is_one_problem_never_a_traceback(tmp_path, content):
    path = tmp_path / "bad.docx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/other.xml", "<x/>")
    else:
        path.write_bytes(content)
    result = check_docx(path)
    problem, = result.problems
    assert (result.kind, problem.code, problem.severity, result.passed) == \
        (None, "check.unreadable", Severity.ERROR, False)
    assert problem.message.startswith("Không đọc được tệp")
    assert result.to_json()["problems"][0]["code"] == "check.unreadable"


def test_many_problems_of_one_rule_are_capped(sources, tmp_path):
    def change(root):
        for run in root.iter(w("r")):
            if run.find(w("t")) is not None:
                properties(run, "rPr").append(xml('<w:color w:val="0000FF"/>'))
    found = check_docx(rewrite(sources["annex"], tmp_path / "blue.docx", {DOCUMENT: change})).problems
    assert len(found) == MAX_PER_RULE + 1 and found[-1].message.startswith("Còn ")


def test_json_report_carries_kind_and_problems(corpus):
    data = check_docx(corpus["Số: 5/QĐ-UBND"][1]).to_json()
    assert (data["kind"], data["kind_name"], data["passed"]) == ("decision", "quyết định", False)
    assert data["problems"][0]["code"] == "HDR-06" and data["problems"][0]["location"]["paragraph"] == 7


# ---------------------------------------------------------------------------------------------------------
# The rules as data


def test_rules_follow_format_md_section_13():
    """Every id of format.md §13 is in the rules with its severity (an E/P rule is checked as one of them)."""
    spec = SPEC.read_text(encoding="utf-8")
    section = spec[spec.index("## 13."):spec.index("## Sources")]
    listed = dict(re.findall(r"^- `([A-Z]+-\d+)` \(([EMP/]+)\)", section, flags=re.MULTILINE))
    assert listed and set(listed) <= set(RULE_BY_ID)
    assert all(RULE_BY_ID[rule].severity in severity.split("/") for rule, severity in listed.items())
    assert len(RULE_BY_ID) == len(RULES)
    assert all(rule.severity in "EMP" and rule.source and unicodedata.is_normalized("NFC", rule.summary)
               for rule in RULES)


def test_every_reported_code_is_a_rule():
    source = "".join(path.read_text("utf-8")
                     for path in (Path(__file__).resolve().parents[1] / "pipeline" / "check").rglob("*.py"))
    reported = set(re.findall(r'"([A-Z]+-\d{2})"', source))
    assert reported and reported <= set(RULE_BY_ID)


def test_a_rule_id_leads_to_the_one_family_module_that_checks_it():
    """One grep from an id of format.md §13 finds its code: each rule checked on a file is reported in
    exactly one module of `pipeline/check/families`, named after the part of the decree it checks."""
    families = Path(__file__).resolve().parents[1] / "pipeline" / "check" / "families"
    reported_in = {path.stem: set(re.findall(r'"([A-Z]+-\d{2})"', path.read_text("utf-8")))
                   for path in families.glob("*.py") if path.stem != "__init__"}
    checked = {rule.id for rule in RULES if rule.applies_to and not rule.on_pages}  # pages: pipeline/pages/rules
    homes = {rule: [name for name, ids in reported_in.items() if rule in ids] for rule in checked}
    assert {rule: found for rule, found in homes.items() if len(found) != 1} == {}
    assert set().union(*reported_in.values()) == checked


# ---------------------------------------------------------------------------------------------------------
# Variants the decree allows are not flagged


def _deputy_signs(root):
    title = para(root, "CHỦ TỊCH", 1)
    deputy = copy.deepcopy(title)
    retext(title, "CHỦ TỊCH", "KT. CHỦ TỊCH")
    retext(deputy, "CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    title.addnext(deputy)


def _committee_signs(root):
    title = para(root, "CHỦ TỊCH", 1)
    retext(para(root, "CHỦ TỊCH ỦY BAN"), "CHỦ TỊCH ỦY BAN", "ỦY BAN")
    collective = copy.deepcopy(title)
    retext(collective, "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN")
    title.addprevious(collective)


def _titled_article(root):
    article = para(root, "Điều 3.")
    set_run(article, "b", val="1")
    retext(article, article.findall(f".//{w('t')}")[1].text, " Trách nhiệm thực hiện")


ACCEPTED = (
    ("a deputy signs KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", _deputy_signs),
    ("the committee's power, signed TM. ỦY BAN NHÂN DÂN", _committee_signs),
    ("HOÀ with the old tone placement", _text("CỘNG HÒA", "HÒA", "HOÀ")),
    ("a 1.27 cm first-line indent", _paragraph("Điều 2.", "ind", firstLine="720")),
    ("exact 18 pt line spacing", _paragraph("Điều 2.", "spacing", line="360", lineRule="exact")),
    ("1.5 line spacing", _paragraph("Điều 2.", "spacing", line="360", lineRule="auto")),
    ("an article with a bold title", _titled_article),
    ("Nơi nhận: justified", _paragraph("Nơi nhận", "jc", val="both")),
    ("colour given as black", _run("Điều 1.", "color", val="000000")),
)


@pytest.mark.parametrize("name,change", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_allowed_variants_give_no_problem(sources, tmp_path, name, change):
    found = check_docx(rewrite(sources["decision"], tmp_path / "v.docx", {DOCUMENT: change})).problems
    assert [f"{x.code} {x.location} {x.message}" for x in found] == []


# ---------------------------------------------------------------------------------------------------------
# The command


def test_cli_passes_a_folder_of_generated_documents(built, runner):
    from pipeline.cli.commands import main

    result = runner.invoke(main, ["check", str(built / "lang-son-2023-issued"), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted((Path(x["file"]).name, x["kind"], x["passed"], x["problems"]) for x in report) == [
        ("phu-luc-1-sipas.docx", "annex", True, []), ("phu-luc-2-par.docx", "annex", True, []),
        ("quyet-dinh.docx", "decision", True, [])]
    assert "✓" in result.stderr and "quyết định — 0 lỗi, 0 cảnh báo" in result.stderr


def test_cli_fails_on_a_required_rule_and_says_where(corpus, runner):
    from pipeline.cli.commands import main

    _, path = corpus["tháng 03"]
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "[HDR-07]" in result.stderr and "đoạn " in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_warnings_alone_still_pass(corpus, runner):
    from pipeline.cli.commands import main

    _, path = corpus["a header row that does not repeat"]
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert "cảnh báo: " in result.stderr and "[ANX-07]" in result.stderr


def test_cli_on_the_decree_finds_its_three_real_errors(runner):
    from pipeline.cli.commands import main

    result = runner.invoke(main, ["check", str(DECREE), "--json"])
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["kind"] == "other" and report["kind_name"] == "văn bản loại khác"
    assert [(p["code"], p["location"]["paragraph"]) for p in report["problems"]] == [
        ("FONT-01", 230), ("FONT-03", 260), ("FONT-02", 360)]


def test_cli_names_a_missing_file_in_vietnamese(tmp_path, built, runner):
    from pipeline.cli.commands import main

    missing = tmp_path / "khong-co.docx"
    result = runner.invoke(main, ["check", str(missing), str(built / "lang-son-2023-issued" / "quyet-dinh.docx")])
    assert result.exit_code == 1
    assert f"✗ {missing}: không đọc được" in result.stderr
    assert "không có tệp này" in result.stderr
    assert "2 tệp: 1 đạt, 1 không đạt." in result.stderr
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "không có tệp .docx nào" in result.stderr
