"""The body of a decision (Phụ lục I, II.6đ–e; Phụ lục II; III.1a): justified upright text of one size,
first-line indent, space between paragraphs and lines, articles, khoản and điểm numbered in order, the
closing `./.`, every annex mentioned, capitals. BODY-01 … BODY-09."""

from __future__ import annotations

import re
from collections import Counter

from pipeline import vn
from pipeline.check.layout import ARTICLE, annex_label, mentions
from pipeline.check.machinery import Checker
from pipeline.check.text import alignment, mm, norm, pt, pts, style_issues, text_runs
from pipeline.nd30 import figures
from pipeline.nd30.figures import TWIPS_PER_POINT
from pipeline.nd30.rules import DECISION
from pipeline.ooxml.reader import Paragraph

TNR_LINE_HEIGHT = 1.15
"""A single line of Times New Roman is about 1.15 × the font size."""
_AUTO_LINE = 240
"""`w:line` of an `auto` line rule is in 240ths of a line."""
_LINE_SLACK = 0.05
"""How far a spacing in points may be off, in lines, since a line's height is only about 1.15 × its size."""
_CLAUSE = re.compile(r"^(?P<number>\d+)\.\s")
_POINT = re.compile(r"^(?P<letter>[a-zđ])\)\s")
_CAPITALS = (
    (re.compile(r"(?<!\w)quyết định này\b"), "«Quyết định này» viết hoa chữ đầu"),
    (re.compile(r"(?<!\w)(?:ủy|uỷ) ban nhân dân\b"), "«Ủy ban nhân dân» viết hoa chữ đầu"),
    (re.compile(r"\bỦy Ban Nhân Dân\b|\bỦy ban Nhân dân\b"), "«Ủy ban nhân dân» chỉ viết hoa chữ đầu"),
    (re.compile(r"(?<!\w)điều \d+"), "«Điều» kèm số điều viết hoa chữ đầu"),
    (re.compile(r"(?<=[\w,] )Khoản \d+"), "«khoản» viết thường khi viện dẫn"),
    (re.compile(r"(?<=[\w,] )Điểm [a-zđ]\b"), "«điểm» viết thường khi viện dẫn"),
)


def indented(paragraph: Paragraph) -> bool:
    """Whether the first line is indented by one of the decree's indents (1 cm, 1,27 cm)."""
    return any(abs(paragraph.format.first_line - indent.twips) <= figures.INDENT_TOLERANCE
               for indent in figures.FIRST_LINE_INDENTS)


def check_body(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION:
        return
    body = layout.body
    if not body:
        anchor = layout.decides[0] if layout.decides else layout.title
        if anchor is not None:
            c.report("BODY-05", "Không tìm thấy điều nào («Điều 1. …») sau «QUYẾT ĐỊNH:».", anchor)
        return
    sizes: Counter[float] = Counter()
    for paragraph in body:
        for run in text_runs(paragraph):
            sizes[run.format.size] += len(run.text)
    common = sizes.most_common(1)[0][0] if sizes else None
    previous: Paragraph | None = None
    for paragraph in body:
        issues = style_issues(paragraph, size=figures.BODY, italic=False)
        if paragraph.format.alignment not in ("both", "distribute"):
            issues.append(f"cần căn đều hai lề, thấy {alignment(paragraph)}")
        own = {run.format.size for run in text_runs(paragraph)}
        if common is not None and own - {common} and figures.BODY.allows(common):
            issues.append(f"cần cùng cỡ chữ với phần nội dung ({pt(common)}), thấy {pts(own)}")
        if issues:
            c.report("BODY-01", f"Nội dung: {'; '.join(issues)}.", paragraph)
        if not indented(paragraph):
            c.report("BODY-02", f"Lùi đầu dòng cần {figures.first_line_indents_text()}, "
                                f"thấy {mm(paragraph.format.first_line)}.", paragraph)
        if previous is not None and previous.number == paragraph.number - 1:
            gap = _gap(previous, paragraph)
            if gap < figures.PARAGRAPH_GAP.twips - figures.TWIPS_TOLERANCE:
                c.report("BODY-03", f"Khoảng cách với đoạn trên cần tối thiểu {figures.PARAGRAPH_GAP}, "
                                    f"thấy {pt(gap / TWIPS_PER_POINT)}.",
                         paragraph)
        lines = _line_spacing(paragraph)
        if lines is not None:
            low, high = (figures.decimal(lines) for lines in figures.LINE_SPACING)
            c.report("BODY-04", f"Khoảng cách dòng cần từ {low} dòng đến {high} dòng, thấy {lines}.",
                     paragraph)
        previous = paragraph
    _check_articles(c, body)
    last = norm(body[-1].shown)
    if not last.endswith("./."):
        c.report("BODY-07", f"Đoạn cuối phần nội dung cần kết thúc bằng «./.», thấy «…{last[-12:]}».",
                 body[-1])
    for annex in layout.annexes:
        label = annex_label(annex)
        if not mentions(layout, label):
            c.report("BODY-08", f"Nội dung cần dẫn chiếu đến «{label}», thấy không nhắc đến.", annex.heading)
    for paragraph in layout.bases + body:
        found = [message for pattern, message in _CAPITALS if pattern.search(norm(paragraph.shown))]
        if found:
            c.report("BODY-09", f"Viết hoa: {'; '.join(found)}.", paragraph)


def _gap(previous: Paragraph, paragraph: Paragraph) -> int:
    """Space between two consecutive paragraphs in twips, as Word adds it (after + before), contextual
    spacing between paragraphs of the same style removing both."""
    same = previous.format.style_id == paragraph.format.style_id
    after = 0 if previous.format.contextual_spacing and same else previous.format.space_after
    before = 0 if paragraph.format.contextual_spacing and same else paragraph.format.space_before
    return after + before


def _line_spacing(paragraph: Paragraph) -> str | None:
    """None when the line spacing is between single and 1.5 lines, otherwise what it is, in words."""
    fmt = paragraph.format
    low, high = figures.LINE_SPACING
    if fmt.line_rule == "auto":
        lines = fmt.line / _AUTO_LINE
        return None if low <= lines <= high else f"{lines:.2f} dòng".replace(".", ",")
    size = max((run.format.size for run in text_runs(paragraph)), default=figures.BODY.written.value)
    lines = fmt.line / (size * TWIPS_PER_POINT * TNR_LINE_HEIGHT)
    if fmt.line_rule == "atLeast":
        lines = max(lines, 1.0)
    if low - _LINE_SLACK <= lines <= high + _LINE_SLACK:
        return None
    rule = "chính xác" if fmt.line_rule == "exact" else "tối thiểu"
    return f"{pt(fmt.line / 20)} ({rule}) ≈ {lines:.2f} dòng chữ {pt(size)}".replace(".", ",")


def _label_bold(paragraph: Paragraph, label: str) -> tuple[bool, float]:
    """Whether the characters of `label` (the paragraph's start, spaces aside) are bold, and the bold share
    of the characters after it."""
    length = len(label.replace(" ", ""))
    seen = rest_bold = rest_total = 0
    label_bold = True
    for run in paragraph.runs:
        if run.format.hidden:
            continue
        for ch in run.text:
            if ch.isspace():
                continue
            if seen < length:
                label_bold = label_bold and run.format.bold
            else:
                rest_total += 1
                rest_bold += run.format.bold
            seen += 1
    return label_bold, rest_bold / rest_total if rest_total else 0.0


def _is_heading_like(text: str) -> bool:
    """An article's or clause's title: short and not ending like a sentence."""
    return len(text.split()) <= 20 and not re.search(r"[.;,]$|\./\.$", text)


def _check_articles(c: Checker, body: tuple[Paragraph, ...]) -> None:
    expected_article = 1
    clause = 0
    point = -1
    for paragraph in body:
        text = norm(paragraph.shown)
        article = ARTICLE.match(text)
        if article:
            number = int(article.group("number"))
            label = text[:article.end()]
            if not text.startswith("Điều") or article.group("mark") != ".":
                c.report("BODY-05", f"Nhãn điều cần dạng «Điều {number}.», thấy «{label}».", paragraph)
            if number != expected_article:
                c.report("BODY-05", f"Các điều cần đánh số liên tiếp: cần «Điều {expected_article}», thấy "
                                    f"«Điều {number}».", paragraph)
            label_bold, rest_bold = _label_bold(paragraph, label)
            rest = text[article.end():].strip()
            if not label_bold:
                c.report("BODY-05", f"Nhãn «{label.strip()}» cần in đậm, thấy không đậm.", paragraph)
            if rest and rest_bold > 0.5 and not _is_heading_like(rest):
                c.report("BODY-05", "Nội dung điều không có tiêu đề cần chữ thường (không đậm), thấy in đậm.",
                         paragraph)
            expected_article = number + 1
            clause, point = 0, -1
            continue
        clause_match, point_match = _CLAUSE.match(text), _POINT.match(text)
        if clause_match:
            number = int(clause_match.group("number"))
            if number != clause + 1:
                c.report("BODY-06", f"Các khoản cần đánh số liên tiếp: cần «{clause + 1}.», "
                                    f"thấy «{number}.».", paragraph)
            clause, point = number, -1
            _, rest_bold = _label_bold(paragraph, "")
            if rest_bold > 0.5 and not _is_heading_like(text[clause_match.end():]):
                c.report("BODY-06", "Khoản không có tiêu đề cần chữ thường (không đậm), thấy in đậm.",
                         paragraph)
        elif point_match:
            letter = point_match.group("letter")
            index = vn.POINT_LETTERS.find(letter)
            if index != point + 1:
                wanted = vn.POINT_LETTERS[point + 1] if point + 1 < len(vn.POINT_LETTERS) else "?"
                c.report("BODY-06", "Các điểm cần theo thứ tự chữ cái tiếng Việt (a, b, c, d, đ, e, g, …): "
                                    f"cần «{wanted})», thấy «{letter})».", paragraph)
            point = max(index, point + 1)
            if any(run.format.bold for run in text_runs(paragraph)):
                c.report("BODY-06", "Điểm cần chữ thường (không đậm), thấy in đậm.", paragraph)
