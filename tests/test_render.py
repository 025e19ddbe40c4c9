"""Rendering: text from inputs is data (never template code or XML); templates honour their contract."""

from __future__ import annotations

import docx

from pipeline.build.stages import BuildOptions, build_cases
from pipeline.kinds.base import BUNDLED_TEMPLATES as TEMPLATES
from pipeline.ooxml.render import context_of, load_template
from tests.conftest import BUILD_DAY, CASES

NASTY = "{{ x }} {% if %} & < > \" ' {#"


def test_template_syntax_and_xml_characters_in_inputs_render_literally(tmp_path, case_copy):
    folder = case_copy("lang-son-2023-issued")
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    text = text.replace("assessed_year: 2023", f"assessed_year: 2023\nsubject: '{NASTY.replace(chr(39), chr(39) * 2)}'")
    text = text.replace("  - Thường trực Tỉnh ủy", "  - 'Sở <A> & {{ B }}'")
    # each word of a signer's name starts with a capital (SIGN-03, which a build now enforces)
    text = text.replace("signer: {name: Hồ Tiến Thiệu,", "signer: {name: \"Hồ Tiến Thiệu<b>&{%x%}\",")
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    [result] = build_cases([folder], BuildOptions(out=tmp_path / "out", build_day=BUILD_DAY))
    assert result.status == "built", [p.message for p in result.problems]
    document = docx.Document(tmp_path / "out" / folder.name / "quyet-dinh.docx")
    paragraphs = [p.text for p in document.paragraphs]
    assert NASTY in paragraphs
    recipients, signer = document.tables[1].rows[0].cells
    assert "- Sở <A> & {{ B }};" in [p.text for p in recipients.paragraphs]
    assert "Hồ Tiến Thiệu<b>&{%x%}" in [p.text for p in signer.paragraphs]


def test_template_variables_are_what_compose_produces():
    """Every name a template reads is a field of the record composed for it (no silent blanks)."""
    from pipeline.build.options import load_registry
    from pipeline.build.prepare import prepare

    registry = load_registry(BuildOptions(out=CASES))
    prepared = prepare(CASES / "lang-son-2023-issued", registry, BuildOptions(out=CASES, build_day=BUILD_DAY))
    decision = prepared.decision
    assert load_template(TEMPLATES / "decisions" / "cong-bo-chi-so.docx").variables <= set(context_of(decision))
    assert load_template(TEMPLATES / "annexes" / "bang-xep-hang.docx").variables == {"annex"}


def test_cached_uncached_and_pooled_builds_are_byte_identical(tmp_path, monkeypatch):
    """Templates compiled once and inputs parsed once per process, or kept between processes (`memo`: the
    warm build recalls every prepared case, template, parse and check), change nothing in the output, and
    neither does building in a process pool."""
    from pipeline.build import prepare
    from pipeline.ooxml import render
    cases = sorted(p for p in CASES.iterdir() if (p / "case.yaml").exists())
    options = BuildOptions(out=tmp_path / "warm", build_day=BUILD_DAY)
    build_cases(cases, BuildOptions(out=tmp_path / "first", build_day=BUILD_DAY))  # fills the caches
    warm = build_cases(cases, options, workers=1)
    render._loaded.cache_clear()
    render._jinja_template.cache_clear()
    prepare.PARSED.clear()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cold-cache"))  # nothing remembered either
    cold = build_cases(cases, BuildOptions(out=tmp_path / "cold", build_day=BUILD_DAY), workers=1)
    pooled = build_cases(cases * 1, BuildOptions(out=tmp_path / "pooled", build_day=BUILD_DAY), workers=2)
    assert {r.status for r in warm + cold} == {"built"}
    for folder in ("cold", "pooled"):
        for produced in sorted((tmp_path / "warm").rglob("*.docx")):
            other = tmp_path / folder / produced.relative_to(tmp_path / "warm")
            assert other.read_bytes() == produced.read_bytes(), other
    assert len(pooled) == len(cases)


def test_line_breaks_in_values_are_written_as_docxtpl_writes_them(tmp_path):
    """`render._line_breaks` turns a drafter's `\\n` into Word's break exactly as docxtpl's `resolve_listing`
    does (two recipients of the 2023 fixture hold one), without importing docxtpl."""
    from docxtpl import DocxTemplate

    from pipeline.build.options import load_registry
    from pipeline.build.prepare import prepare
    from pipeline.ooxml import render

    options = BuildOptions(out=tmp_path, build_day=BUILD_DAY)
    prepared = prepare(CASES / "lang-son-2023-sipas-par", load_registry(options), options)
    template = load_template(prepared.templates.decision)
    xml = render._jinja_template(template.code["word/document.xml"]).render(context_of(prepared.decision))
    breaks = xml.count("\n", xml.index("<", 2))  # past the declaration's line end
    assert breaks >= 2
    resolved = render._line_breaks(xml)
    assert resolved == DocxTemplate(None).resolve_listing(xml)
    assert resolved.count("<w:br/>") == xml.count("<w:br/>") + breaks
    tabbed = xml.replace("\n", "\t", 1)  # a tab in a template's own text: left to docxtpl
    assert render._line_breaks(tabbed) == DocxTemplate(None).resolve_listing(tabbed)
