"""Page numbers (Phụ lục I, I.7 and III.1đ): in the top margin, centred, 13–14 pt upright, not on the first
page; each annex numbered from 1. PGNUM-01, -02."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.check.families.page import in_annex
from pipeline.check.machinery import Checker
from pipeline.check.text import alignment, pt
from pipeline.nd30 import figures
from pipeline.ooxml.reader import Field, Paragraph, field_name


def _page_fields(paragraphs: Iterable[Paragraph]) -> list[tuple[Paragraph, Field]]:
    return [(p, f) for p in paragraphs for f in p.fields if field_name(f) == "PAGE"]


def check_page_numbers(c: Checker) -> None:
    sizes = figures.PAGE_NUMBER
    for section in c.document.sections:
        annex = in_annex(c, section)
        where = {"section": section.index, "part": "đầu trang"}
        header = section.headers.get("default")
        fields = _page_fields(header.paragraphs) if header else []
        if not fields:
            in_footer = any(_page_fields(f.paragraphs) for f in section.footers.values())
            c.report("PGNUM-01", "Số trang cần đặt giữa lề trên (đầu trang), thấy "
                     + ("số trang ở chân trang." if in_footer else "không có số trang."), **where)
        for paragraph, page in fields[:1]:
            issues = []
            if paragraph.format.alignment != "center":
                issues.append(f"cần căn giữa, thấy {alignment(paragraph)}")
            if not sizes.allows(page.format.size):
                issues.append(f"cỡ chữ cần {sizes} pt, thấy {pt(page.format.size)}")
            if page.format.bold or page.format.italic:
                issues.append("cần chữ đứng, không đậm")
            if issues:
                c.report("PGNUM-01", f"Số trang ({header.part}): {'; '.join(issues)}.", **where)
        if section.index == 0 and not annex:
            first = section.headers.get("first")
            if not section.title_page and fields:
                c.report("PGNUM-01", "Trang đầu không được hiện số trang: cần bật «trang đầu khác» "
                                     "(titlePg), thấy trang đầu dùng đầu trang chung có số trang.", **where)
            elif section.title_page and first and _page_fields(first.paragraphs):
                c.report("PGNUM-01", "Trang đầu không được hiện số trang, thấy trường PAGE trong "
                                     f"{first.part}.", **where)
    for annex in c.layout.annexes:
        section = c.document.sections[annex.heading.section]
        if section.page_number_start != 1:
            start = section.page_number_start
            found = "không đặt lại" if start is None else f"bắt đầu từ {start}"
            c.report("PGNUM-02", "Số trang của phụ lục cần bắt đầu lại từ 1 (pgNumType start=1), "
                                 f"thấy {found}.", annex.heading)
