"""Page rules on documents laid out by the real LibreOffice: each planted page defect is caught by its rule,
and every fixture's documents pass every page rule.

The planted documents are built decisions and annexes of the 2023 fixture with one change to their XML
(a page break, a narrow column, a header row no longer repeated …); they and every document the fixtures
build are laid out in one LibreOffice batch.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from pipeline.pages.check import check_pages
from pipeline.pages.rules import PAGE_RULES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _mutated(source: Path, target: Path, change: Callable[[etree._Element], None]) -> Path:
    """A copy of `source` whose document.xml went through `change`."""
    with zipfile.ZipFile(source) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    change(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def _paragraph(root: etree._Element, text: str) -> etree._Element:
    for paragraph in root.iter(_w("p")):
        if "".join(paragraph.itertext()).strip() == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r}")


def _page_break_before(paragraph: etree._Element) -> None:
    properties = paragraph.find("w:pPr", NS)
    if properties is None:
        properties = etree.SubElement(paragraph, _w("pPr"))
        paragraph.insert(0, properties)
    properties.insert(0, etree.Element(_w("pageBreakBefore")))


def _signature_table(root: etree._Element) -> etree._Element:
    return next(table for table in root.iter(_w("tbl")) if "Nơi nhận:" in "".join(table.itertext()))


def split_signature(root):
    """As a hand-made document has it: a signature row that may split and a body that does not keep with
    it; 40 more recipients make the row taller than what is left of the page, and it splits."""
    for marker in [*_signature_table(root).iter(_w("cantSplit")), *root.iter(_w("keepNext"))]:
        marker.getparent().remove(marker)
    cell = _signature_table(root).find("w:tr/w:tc", NS)
    recipient = next(p for p in cell.findall("w:p", NS) if "".join(p.itertext()).startswith("- Như"))
    for _ in range(40):
        recipient.addnext(etree.fromstring(etree.tostring(recipient)))


def signature_alone(root):
    """A page break before the signature table: its page holds no line of the body."""
    table = _signature_table(root)
    spacer = etree.Element(_w("p"))
    table.addprevious(spacer)
    _page_break_before(spacer)


def decides_last_on_page(root):
    """The first article starts a page, leaving «QUYẾT ĐỊNH:» last on page 1."""
    _page_break_before(_paragraph(root, "QUYẾT ĐỊNH:").getnext())


def narrow_name_column(root):
    """The agency name column 12 pt wide: names no longer fit between two spaces."""
    for table in root.iter(_w("tbl")):
        grid = table.find("w:tblGrid", NS)
        if grid is not None and len(grid) > 3:
            grid[1].set(_w("w"), "240")
            for row in table.findall("w:tr", NS):
                width = row.find("w:tc[2]/w:tcPr/w:tcW", NS)
                if width is not None:
                    width.set(_w("w"), "240")


def header_not_repeated(root):
    for marker in list(root.iter(_w("tblHeader"))):
        marker.getparent().remove(marker)


def note_alone(root):
    """A last page holding only a note."""
    body = root.find("w:body", NS)
    note = etree.SubElement(body, _w("p"))
    run = etree.SubElement(note, _w("r"))
    etree.SubElement(run, _w("t")).text = "Ghi chú: số liệu dùng để thử."
    body.remove(note)
    body.find("w:sectPr", NS).addprevious(note)
    _page_break_before(note)


def number_on_first_page(root):
    for marker in list(root.iter(_w("titlePg"))):
        marker.getparent().remove(marker)


def year_alone(root, broken_before: str = "năm\u00a02023"):
    """A line break typed before «năm 2023»: the trích yếu's last line holds the year alone."""
    text = next(t for t in root.iter(_w("t")) if t.text and t.text.endswith("năm\u00a02023"))
    text.text = text.text.removesuffix(broken_before).rstrip("\u00a0 ")
    text.addnext(etree.Element(_w("br")))
    rest = etree.Element(_w("t"))
    rest.text = broken_before
    text.getnext().addnext(rest)


def year_parted(root):
    """A line break typed between «năm» and «2023»."""
    year_alone(root, broken_before="2023")


PLANTED = {
    "LAYOUT-01": ("quyet-dinh.docx", split_signature),
    "LAYOUT-02": ("quyet-dinh.docx", signature_alone),
    "LAYOUT-03": ("quyet-dinh.docx", decides_last_on_page),
    "LAYOUT-04": ("phu-luc-1-sipas.docx", narrow_name_column),
    "LAYOUT-05": ("phu-luc-2-par.docx", header_not_repeated),
    "LAYOUT-06": ("phu-luc-1-sipas.docx", note_alone),
    "LAYOUT-07": ("quyet-dinh.docx", number_on_first_page),
    "LAYOUT-08": ("quyet-dinh.docx", year_alone),
}


FIXTURE = "lang-son-2023-sipas-par"
"""The fixture whose documents the planted defects are made from."""


@pytest.fixture(scope="module")
def laid_out(built, tmp_path_factory):
    """Every fixture's documents (the session's build), the planted variants of the 2023 fixture, all laid out
    in one LibreOffice batch: page findings by file (`case/name.docx` for a fixture, `LAYOUT-nn.docx`)."""
    folder = tmp_path_factory.mktemp("pages")
    fixtures = sorted(built.glob("*/*.docx"))
    planted = {rule: _mutated(built / FIXTURE / name, folder / f"{rule}.docx", change)
               for rule, (name, change) in (*PLANTED.items(), ("year-parted", ("quyet-dinh.docx", year_parted)))}
    results = {(result.path.relative_to(built).as_posix() if result.path.is_relative_to(built) else
                result.path.name): result for result in check_pages([*fixtures, *planted.values()])}
    return {name: {problem.code for problem in result.problems} for name, result in results.items()}, results


def test_every_page_rule_has_a_planted_defect():
    assert set(PLANTED) == {rule.id for rule in PAGE_RULES}


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_a_planted_page_defect_is_caught_by_its_rule(laid_out, rule):
    found, _ = laid_out
    base = f"{FIXTURE}/{PLANTED[rule][0]}"
    assert rule not in found[base], f"{base} already breaks {rule}"
    assert rule in found[f"{rule}.docx"], found[f"{rule}.docx"]


def test_the_2023_decision_and_annexes_pass_every_page_rule(laid_out):
    found, results = laid_out
    for name in ("quyet-dinh.docx", "phu-luc-1-sipas.docx"):
        assert found[f"{FIXTURE}/{name}"] == set(), [str(p) for p in results[f"{FIXTURE}/{name}"].problems]


def test_every_document_of_every_fixture_passes_every_page_rule(laid_out, built):
    """No finding at all, errors or warnings, on what every bundled case builds."""
    found, results = laid_out
    fixtures = {name: codes for name, codes in found.items() if "/" in name}
    assert len(fixtures) == len(list(built.glob("*/*.docx"))) >= 16
    failed = {name: [f"{p.code} {p.message}" for p in results[name].problems] for name, codes in fixtures.items()
              if codes}
    assert not failed, failed


def test_a_finding_names_the_page_and_the_text(laid_out):
    _, results = laid_out
    problem = next(p for p in results["LAYOUT-03.docx"].problems if p.code == "LAYOUT-03")
    assert problem.message.startswith("Trang 1:") and "«QUYẾT ĐỊNH:»" in problem.message
    assert problem.location.excerpt == "QUYẾT ĐỊNH:"


def test_a_year_parted_from_its_word_is_named(laid_out):
    _, results = laid_out
    messages = [p.message for p in results["year-parted.docx"].problems if p.code == "LAYOUT-08"]
    assert any("tách «năm» khỏi số năm «2023»" in message for message in messages), messages
