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


def test_cached_uncached_and_pooled_builds_are_byte_identical(tmp_path):
    """Templates compiled once and inputs parsed once per process change nothing in the output, and
    neither does building in a process pool."""
    from pipeline.build import prepare
    from pipeline.ooxml import render
    cases = sorted(p for p in CASES.iterdir() if (p / "case.yaml").exists())
    options = BuildOptions(out=tmp_path / "warm", build_day=BUILD_DAY)
    build_cases(cases, BuildOptions(out=tmp_path / "first", build_day=BUILD_DAY))  # fills the caches
    warm = build_cases(cases, options, workers=1)
    render._compile.cache_clear()
    prepare.PARSED.clear()
    cold = build_cases(cases, BuildOptions(out=tmp_path / "cold", build_day=BUILD_DAY), workers=1)
    pooled = build_cases(cases * 1, BuildOptions(out=tmp_path / "pooled", build_day=BUILD_DAY), workers=2)
    assert {r.status for r in warm + cold} == {"built"}
    for folder in ("cold", "pooled"):
        for produced in sorted((tmp_path / "warm").rglob("*.docx")):
            other = tmp_path / folder / produced.relative_to(tmp_path / "warm")
            assert other.read_bytes() == produced.read_bytes(), other
    assert len(pooled) == len(cases)
