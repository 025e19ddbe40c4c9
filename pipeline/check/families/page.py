"""Page set-up (Phụ lục I, I.1–3): A4, portrait (landscape for annexes only), margins. PAGE-01, -02, -03."""

from __future__ import annotations

from pipeline.check.machinery import Checker
from pipeline.check.text import mm
from pipeline.nd30 import figures
from pipeline.nd30.rules import ANNEX
from pipeline.ooxml.reader import Section

MARGIN_NAMES = {"top": "Lề trên", "bottom": "Lề dưới", "left": "Lề trái", "right": "Lề phải"}


def in_annex(c: Checker, section: Section) -> bool:
    """Whether `section` holds an annex (its own file, or an annex after a decision's signature)."""
    return c.layout.kind == ANNEX or section.index in c.layout.annex_sections


def check_page(c: Checker) -> None:
    tolerance = figures.TWIPS_TOLERANCE
    paper = tuple(length.twips for length in figures.PAPER)
    for section in c.document.sections:
        annex = in_annex(c, section)
        size = sorted((section.width, section.height))
        if any(abs(a - b) > tolerance for a, b in zip(size, paper)):
            c.report("PAGE-01", f"Khổ giấy cần A4 ({figures.PAPER[0].value:g} × {figures.PAPER[1]}), thấy "
                                f"{mm(section.width)} × {mm(section.height)}.",
                     section=section.index, part="trang")
        if section.landscape and not annex:
            c.report("PAGE-01", "Trang cần in dọc (chỉ phụ lục được trình bày trang ngang), "
                                "thấy trang ngang.", section=section.index, part="trang")
        rule = "PAGE-03" if section.landscape and annex else "PAGE-02"
        margins = section.margins
        values = {"top": margins.top, "bottom": margins.bottom, "left": margins.left + margins.gutter,
                  "right": margins.right}
        for side, name in MARGIN_NAMES.items():
            allowed = getattr(figures.MARGINS, side)
            if not allowed.low.twips - tolerance <= values[side] <= allowed.high.twips + tolerance:
                landscape = " (trang ngang)" if rule == "PAGE-03" else ""
                c.report(rule, f"{name}{landscape}: cần {allowed.low}–{allowed.high}, thấy {mm(values[side])} "
                               f"({values[side]} twip).",
                         section=section.index, part="trang")
