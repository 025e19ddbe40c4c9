"""The NĐ 30 figures are data once (`pipeline.nd30.figures`): the template generator writes them, the checker
accepts them, the rule table states them, and a change of one figure is followed by both sides."""

from __future__ import annotations

import dataclasses
import importlib
import re
import sys
from pathlib import Path

import pytest

from pipeline.check.checker import check_docx
from pipeline.nd30 import figures
from pipeline.nd30.figures import ChosenMargins, Mm, MmRange, PageMargins, Pt, Sizes
from pipeline.nd30.rules import RULE_BY_ID
from pipeline.ooxml.reader import read_docx

ROOT = Path(__file__).resolve().parents[1]
LAYOUT_CODES = re.compile(r"^(?:PAGE|FONT|PGNUM)-")


@pytest.fixture(scope="module")
def generator():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        yield importlib.import_module("make_templates")
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def _templates(generator, out: Path) -> dict[str, Path]:
    return {path.relative_to(out).as_posix(): path for path in generator.main(out)}


def _tagged_sizes(path: Path) -> dict[str, set[float]]:
    """The run sizes of each paragraph of a template by its text (tags such as `{{ title }}`)."""
    found: dict[str, set[float]] = {}
    for paragraph in read_docx(path).paragraphs:
        if paragraph.runs:
            found.setdefault(paragraph.text, set()).update(run.format.size for run in paragraph.runs)
    return found


# What each tagged paragraph of the templates is, by the figure that sets its size
PARTS = {
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": "NATIONAL_NAME", "Độc lập - Tự do - Hạnh phúc": "MOTTO",
    "{{ number_line }}": "NUMBER", "{{ place_date_line }}": "PLACE_DATE", "{{ title }}": "TITLE",
    "{{ subject_as_set }}": "SUBJECT", "{{ authority_line }}": "AUTHORITY", "QUYẾT ĐỊNH:": "TITLE",
    "Nơi nhận:": "RECIPIENTS_LABEL", "{{ signature.name }}": "SIGNER", "{{ annex.label }}": "ANNEX_HEADING",
    "{{ annex.title }}": "ANNEX_TITLE", "{{ annex.reference }}": "ANNEX_REFERENCE",
    "{{ attachment.title }}": "TITLE", "{{ attachment.reference }}": "ATTACHMENT_REFERENCE",
}


def test_every_size_the_generator_writes_is_its_figure_and_one_the_checker_accepts(generator, tmp_path):
    seen = set()
    for name, path in _templates(generator, tmp_path).items():
        for text, sizes in _tagged_sizes(path).items():
            if text in PARTS:
                figure: Sizes = getattr(figures, PARTS[text])
                assert sizes == {figure.written.value} and figure.allows(figure.written.value), (name, text)
                seen.add(text)
    assert seen == set(PARTS)


def test_every_page_the_generator_writes_is_inside_the_ranges_the_checker_accepts(generator, tmp_path):
    templates = _templates(generator, tmp_path)
    for name, path in templates.items():
        for section in read_docx(path).sections:
            paper = sorted(length.twips for length in figures.PAPER)
            assert sorted((section.width, section.height)) == paper, name
            for side in ("top", "bottom", "left", "right"):
                allowed: MmRange = getattr(figures.MARGINS, side)
                assert allowed.low.twips <= getattr(section.margins, side) <= allowed.high.twips, (name, side)
            assert section.margins.header == figures.HEADER_DISTANCE.twips
    decision = check_docx(templates["decisions/quyet-dinh.docx"])
    assert not [p.code for p in decision.problems if LAYOUT_CODES.match(p.code)]


def test_a_changed_margin_moves_the_generator_and_the_checker_together(generator, tmp_path, monkeypatch):
    committed = ROOT / "templates" / "decisions" / "quyet-dinh.docx"
    assert "PAGE-02" not in {p.code for p in check_docx(committed).problems}
    narrower = MmRange(Mm(25), Mm(28))
    monkeypatch.setattr(figures, "MARGINS", dataclasses.replace(figures.MARGINS, left=narrower))
    monkeypatch.setattr(figures, "PORTRAIT_MARGINS", dataclasses.replace(figures.PORTRAIT_MARGINS, left=Mm(28)))
    regenerated = _templates(generator, tmp_path)["decisions/quyet-dinh.docx"]
    assert read_docx(regenerated).sections[0].margins.left == Mm(28).twips == 1588
    old = [p.message for p in check_docx(committed).problems if p.code == "PAGE-02"]
    assert old == ["Lề trái: cần 25 mm–28 mm, thấy 35 mm (1985 twip)."]
    assert "PAGE-02" not in {p.code for p in check_docx(regenerated).problems}


def test_a_changed_size_moves_the_generator_and_the_checker_together(generator, tmp_path, monkeypatch):
    committed = ROOT / "templates" / "decisions" / "quyet-dinh.docx"
    monkeypatch.setattr(figures, "PAGE_NUMBER", Sizes(Pt(11), Pt(12), written=Pt(12)))
    regenerated = _templates(generator, tmp_path)["decisions/quyet-dinh.docx"]
    header = read_docx(regenerated).sections[0].headers["default"]
    assert {field.format.size for p in header.paragraphs for field in p.fields} == {12.0}
    old = [p.message for p in check_docx(committed).problems if p.code == "PGNUM-01"]
    assert len(old) == 1 and "cỡ chữ cần 11–12 pt, thấy 14 pt" in old[0]
    assert "PGNUM-01" not in {p.code for p in check_docx(regenerated).problems}


def test_the_rule_table_states_the_figures():
    assert f"lề trái {figures.MARGINS.left}" in RULE_BY_ID["PAGE-02"].summary == (
        "Lề trên 20–25 mm, lề dưới 20–25 mm, lề trái 30–35 mm, lề phải 15–20 mm")
    assert f"cỡ {figures.NATIONAL_NAME}," in RULE_BY_ID["HDR-01"].summary
    assert "1 cm hoặc 1,27 cm" in RULE_BY_ID["BODY-02"].summary


def test_values_convert_to_words_units():
    assert (Pt(14).half_points, Pt(6).twips, Pt(6.5).half_points) == (28, 120, 13)
    # A length in twips is never short of the figure: 15 mm is 850.4 twips, written 851
    assert (Mm(15).twips, Mm(10).twips, Mm(12.7).twips, Mm(210).twips, Mm(297).twips) == (
        851, 567, 720, 11906, 16838)
    assert (str(Pt(6)), str(Mm(12.7)), Mm(12.7).in_cm(), str(MmRange(Mm(20), Mm(25)))) == (
        "6 pt", "12,7 mm", "1,27 cm", "20–25 mm")
    with pytest.raises(ValueError):
        Sizes(Pt(13), Pt(14), written=Pt(12))


def test_the_templates_margins_lie_in_the_decrees_ranges():
    for chosen in (figures.PORTRAIT_MARGINS, figures.LANDSCAPE_MARGINS):
        assert isinstance(chosen, ChosenMargins) and isinstance(figures.MARGINS, PageMargins)
        for side in ("top", "bottom", "left", "right"):
            allowed = getattr(figures.MARGINS, side)
            assert allowed.low <= getattr(chosen, side) <= allowed.high


def test_every_figure_is_written_once_in_the_source():
    """No NĐ 30 figure is typed again as a literal where the checker or the generator uses it."""
    literals = re.compile(r"\b(?:11906|16838|1134|1418|1701|1985|850|851|567|720)\b|size=\(\d+, \d+\)")
    sources = [*(ROOT / "pipeline" / "check").rglob("*.py"), ROOT / "scripts" / "make_templates.py"]
    found = [f"{path.name}:{number}: {line.strip()}" for path in sources
             for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if literals.search(line)]
    assert found == []
