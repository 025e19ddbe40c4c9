"""Annexes (Phụ lục I, III.1; Mẫu 2.1): a new page, the `Phụ lục` line numbered I, II, …, the title, the
`(Kèm theo …)` line naming the decision, no header block, the closing `./.`, tables whose header row
repeats and whose rows do not break. ANX-01 … ANX-08."""

from __future__ import annotations

import re

from pipeline.check.families.header_block import date_issues
from pipeline.check.layout import DATE_LINE, NATIONAL_NAMES, AnnexPart, HeaderBlock
from pipeline.check.machinery import Checker
from pipeline.check.text import norm
from pipeline.nd30 import figures
from pipeline.nd30.rules import ANNEX, DECISION
from pipeline.ooxml.reader import Paragraph
from pipeline.vn import modern_tone_marks, roman, roman_value

DATA_TABLE_ROWS = 3
"""ANX-07/ANX-08 look at annex tables with a header row and at least two rows of data."""
REFERENCE = re.compile(r"^\(Kèm theo (?P<type>[^()]+?) số ?(?P<number>[^\s/]*)/(?P<symbol>\S+) ngày"
                       r"(?P<date>(?: \d+)? tháng(?: \d+)? năm \d{4}) của (?P<issuer>.+)\)$")
_REFERENCE_DATE = re.compile(r"^(?: (?P<day>\d+))? tháng(?: (?P<month>\d+))? năm (?P<year>\d{4})$")


def check_annexes(c: Checker) -> None:
    annexes = c.layout.annexes
    for index, annex in enumerate(annexes):
        heading = annex.heading
        text = norm(heading.shown)
        if not annex.new_page:
            c.report("ANX-01", "Phụ lục cần bắt đầu ở trang mới (ngắt mục sang trang mới).", heading)
        if not text.startswith("Phụ lục"):
            c.report("ANX-01", f"Chữ «Phụ lục» viết thường (chỉ hoa chữ đầu), không in hoa, thấy «{text}».",
                     heading)
        c.style("ANX-01", "Dòng «Phụ lục»", heading, size=figures.ANNEX_HEADING, bold=True, italic=False,
                center=True)
        _check_numeral(c, annex, index, len(annexes))
        if not annex.title:
            c.report("ANX-03", "Không tìm thấy tên phụ lục dưới dòng «Phụ lục».", heading)
        for paragraph in annex.title:
            c.style("ANX-03", "Tên phụ lục", paragraph, size=figures.ANNEX_TITLE, bold=True, center=True,
                    caps=True)
        _check_reference(c, annex)
        national = next((p for p in annex.paragraphs if norm(p.shown).upper() in NATIONAL_NAMES), None)
        if national is None and c.layout.kind == ANNEX and c.layout.header is not None:
            national = c.layout.header.national
        if national is not None:
            c.report("ANX-05", "Trang phụ lục không trình bày Quốc hiệu, tên cơ quan ban hành (Mẫu 2.1).",
                     national)
        last = next((p for p in reversed(annex.paragraphs) if not p.is_empty), heading)
        ending = norm(last.shown)
        if not ending.endswith("./."):
            c.report("ANX-06", f"Nội dung phụ lục cần kết thúc bằng «./.», thấy «…{ending[-12:]}».", last)
        for table in (t for t in annex.tables if len(t.rows) >= DATA_TABLE_ROWS):
            where = {"paragraph": next(table.paragraphs(), None), "section": table.section}
            if not table.rows[0].repeats:
                c.report("ANX-07", "Hàng tiêu đề của bảng cần lặp lại ở đầu mỗi trang (tblHeader), "
                                   "thấy không lặp.", **where)
            split = sum(not row.cant_split for row in table.rows)
            if split:
                c.report("ANX-08", f"Hàng của bảng không được ngắt sang trang sau (cantSplit): {split}/"
                                   f"{len(table.rows)} hàng chưa đặt.", **where)


def _check_numeral(c: Checker, annex: AnnexPart, index: int, count: int) -> None:
    numeral = annex.numeral
    if numeral is None:
        if count > 1:
            c.report("ANX-02", "Khi có từ hai phụ lục, mỗi phụ lục cần số thứ tự La Mã (Phụ lục I, "
                               "Phụ lục II …).", annex.heading)
        return
    if numeral.isdigit():
        c.report("ANX-02", "Số thứ tự phụ lục cần viết bằng chữ số La Mã "
                           f"(Phụ lục {roman(int(numeral) or 1)}), thấy «{numeral}».", annex.heading)
        return
    value = roman_value(numeral)
    if value is None:
        c.report("ANX-02", f"Số La Mã không hợp lệ: «{numeral}».", annex.heading)
    elif count > 1 and value != index + 1:
        c.report("ANX-02", f"Phụ lục cần đánh số liên tiếp: cần «Phụ lục {roman(index + 1)}», "
                           f"thấy «Phụ lục {numeral}».", annex.heading)


def _check_reference(c: Checker, annex: AnnexPart) -> None:
    """The `(Kèm theo …)` line, which may wrap over several paragraphs."""
    if not annex.reference:
        c.report("ANX-04", "Không tìm thấy dòng «(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … "
                           "của …)» dưới tên phụ lục.", annex.title[-1] if annex.title else annex.heading)
        return
    first = annex.reference[0]
    text = _reference_text(annex)
    match = REFERENCE.match(text)
    if not match:
        c.report("ANX-04", "Dòng dẫn cần dạng «(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2024 "
                           f"của Chủ tịch Ủy ban nhân dân tỉnh …)», thấy «{text}».", first)
    else:
        number = match.group("number")
        if number and not re.match(r"^(?:0[1-9]|[1-9]\d+)$", number):
            c.report("ANX-04", f"Số văn bản dưới 10 cần số 0 đứng trước, thấy «{number}».", first)
        date = _REFERENCE_DATE.match(match.group("date"))
        for issue in date_issues(date.group("day"), date.group("month"), date.group("year")):
            c.report("ANX-04", f"Ngày trong dòng dẫn: {issue}.", first)
        _check_reference_matches(c, first, match)
    for paragraph in annex.reference:
        c.style("ANX-04", "Dòng «Kèm theo …»", paragraph, size=figures.ANNEX_REFERENCE, italic=True,
                center=True)


def _check_reference_matches(c: Checker, reference: Paragraph, match: re.Match) -> None:
    """In a decision typed with its annexes, the reference line repeats the decision's number and date."""
    if c.layout.kind != DECISION or c.layout.header is None:
        return
    for issue in reference_issues(match, c.layout.header):
        c.report("ANX-04", f"{issue}.", reference)


def annex_reference(annex: AnnexPart) -> tuple[Paragraph, re.Match] | None:
    """The first paragraph of an annex's `(Kèm theo …)` line and its parts, when it has the usual form."""
    if not annex.reference:
        return None
    match = REFERENCE.match(_reference_text(annex))
    return (annex.reference[0], match) if match else None


def _reference_text(annex: AnnexPart) -> str:
    """The `(Kèm theo …)` line as one text: it may wrap over several paragraphs."""
    return " ".join(norm(p.shown) for p in annex.reference)


def reference_issues(match: re.Match, header: HeaderBlock) -> list[str]:
    """How a `(Kèm theo …)` line disagrees with the header of the decision it names: number and symbol,
    date, and the issuing body (the line may add "Chủ tịch" before it)."""
    issues = []
    number = re.match(r"^Số: ?([^\s/]*)/(\S+)$", norm(header.number.shown)) if header.number else None
    found = f"{match.group('number')}/{match.group('symbol')}"
    if number and f"{number.group(1)}/{number.group(2)}" != found:
        issues.append(f"Số, ký hiệu trong dòng dẫn cần trùng với quyết định («{number.group(1)}/"
                      f"{number.group(2)}»), thấy «{found}»")
    date = DATE_LINE.match(norm(header.date.shown)) if header.date else None
    if date:
        expected = f"{' ' + date.group('day') if date.group('day') else ''} tháng" \
                   f"{' ' + date.group('month') if date.group('month') else ''} năm {date.group('year')}"
        if match.group("date") != expected:
            issues.append(f"Ngày trong dòng dẫn cần trùng ngày ban hành quyết định («ngày{expected}»), "
                          f"thấy «ngày{match.group('date')}»")
    issuer = " ".join(norm(p.shown) for p in header.issuers)
    named = modern_tone_marks(match.group("issuer")).casefold()
    if issuer and not named.endswith(modern_tone_marks(issuer).casefold()):
        issues.append(f"Cơ quan trong dòng dẫn cần là cơ quan ban hành quyết định («{issuer}»), "
                      f"thấy «{match.group('issuer')}»")
    return issues
