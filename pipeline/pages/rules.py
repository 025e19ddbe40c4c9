"""The page rules (LAYOUT-01 … LAYOUT-08): what the registration desk sees once text is laid out on pages.

Each rule reads the pages LibreOffice laid out (`layout`) and the parts the .docx checker found (the
signature table, headings, tables, notes), matched to the pages by their text (`locate`). A finding names
the page and the text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pipeline.check.checker import Inspected
from pipeline.nd30.rules import RULES, Rule, RuleSeverity
from pipeline.ooxml.reader import Paragraph, Table
from pipeline.pages.layout import Line, Page
from pipeline.pages.locate import Placed, content_lines, locate, page_number_line, words_of
from pipeline.problems import Location, Problem, Severity

PAGE_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.on_pages)
RULE_BY_ID = {rule.id: rule for rule in PAGE_RULES}
_NOTE = re.compile(r"^(?:ghi chú|lưu ý|số liệu mẫu|\(\*\))", re.IGNORECASE)
_GROUP_HEADING = re.compile(r"^[IVXLC]+\.\s+\S")
_TITLED_ARTICLE = re.compile(r"^Điều \d+\.")
_YEAR = re.compile(r"^\d{4}\W*$")
_CENTRE_TOLERANCE = 15.0  # points between a page number's centre and the page's centre


@dataclass(frozen=True, slots=True)
class Laid:
    """One document: what the checker found in the .docx and the pages it was laid out on."""

    inspected: Inspected
    pages: tuple[Page, ...]

    @property
    def path(self):
        return self.inspected.result.path


def check_laid(laid: Laid) -> tuple[Problem, ...]:
    """Every page rule that applies to the document's kind."""
    kind = laid.inspected.layout.kind if laid.inspected.layout else "other"
    problems: list[Problem] = []
    for rule_id, check in _CHECKS:
        if kind in RULE_BY_ID[rule_id].applies_to:
            problems.extend(check(laid))
    return tuple(problems)


def _problem(laid: Laid, rule_id: str, message: str, page: int, excerpt: str | None = None,
             paragraph: Paragraph | None = None) -> Problem:
    rule = RULE_BY_ID[rule_id]
    text = excerpt if excerpt is None or len(excerpt) <= 60 else excerpt[:57] + "…"
    return Problem(rule_id, f"Trang {page}: {message} ({rule.summary}).",
                   Location(file=laid.path, paragraph=paragraph.number if paragraph else None, excerpt=text),
                   severity=Severity.ERROR if rule.severity is RuleSeverity.REQUIRED else Severity.WARNING)


def _signature_whole(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-01: the signature table's lines (Nơi nhận, recipients, titles, name) on one page."""
    signature = laid.inspected.layout.signature
    if signature is None:
        return
    parts = [p for p in (signature.label, *signature.recipients, *signature.titles, signature.name) if p]
    pages = sorted({placed.page for paragraph in parts for placed in _lines_of(laid, paragraph)})
    if len(pages) > 1:
        last = pages[-1]
        alone = [p.text for p in parts if any(placed.page == last for placed in _lines_of(laid, p))]
        yield _problem(laid, "LAYOUT-01", f"khối chữ ký và Nơi nhận bị tách qua các trang {pages[0]}–{last}; "
                       f"trang {last} có: {'; '.join(alone)}", last, alone[0] if alone else None, signature.name)


def _signature_page_has_body(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-02: on the page where the signature block starts, body text stands above it."""
    signature = laid.inspected.layout.signature
    if signature is None:
        return
    placed = [line for paragraph in (signature.label, *signature.titles, signature.name) if paragraph
              for line in _lines_of(laid, paragraph)]
    if not placed:
        return
    first_page = min(line.page for line in placed)
    if first_page == 1:
        return
    top = min(line.line.top for line in placed if line.page == first_page)
    above = [line for line in content_lines(laid.pages[first_page - 1]) if line.bottom <= top + 1]
    if not above:
        yield _problem(laid, "LAYOUT-02", "chỉ có khối chữ ký và Nơi nhận, không có dòng nào của nội dung "
                       "văn bản phía trên", first_page, None, signature.name)


def _headings(laid: Laid) -> Iterator[Paragraph]:
    layout = laid.inspected.layout
    yield from (p for p in (layout.title, *layout.subject, layout.authority, *layout.decides) if p)
    yield from (p for p in layout.body if _TITLED_ARTICLE.match(p.text) and _whole_bold(p))
    for annex in layout.annexes:
        yield from (annex.heading, *annex.title, *annex.reference)
        yield from (p for p in annex.paragraphs if _GROUP_HEADING.match(p.text))


def _whole_bold(paragraph: Paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.format.bold for run in runs)


def _no_heading_last(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-03: no heading is the last line of a page that has a next page."""
    last_lines = {page.number: content_lines(page)[-1] for page in laid.pages[:-1] if content_lines(page)}
    for heading in _headings(laid):
        lines = _lines_of(laid, heading)
        if lines and last_lines.get(lines[-1].page) is lines[-1].line:
            yield _problem(laid, "LAYOUT-03", f"«{heading.text}» là dòng cuối trang, tách khỏi phần nội dung "
                           "ở trang sau", lines[-1].page, heading.text, heading)


def _tables(laid: Laid) -> tuple[Table, ...]:
    return laid.inspected.document.tables


def _cell_paragraphs(table: Table) -> Iterator[Paragraph]:
    for row in table.rows:
        for cell in row.cells:
            yield from _texts(cell.blocks)


def _no_broken_word(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-04: two lines of one table column whose edge words join into one word of the table's text."""
    words = {word for table in _tables(laid) for p in _cell_paragraphs(table) for word in words_of(p.text)}
    for page in laid.pages:
        lines = content_lines(page)
        for upper in lines:
            lower = _line_below(upper, lines)
            if lower is None:
                continue
            head, tail = upper.words[-1], lower.words[0]
            if head + tail in words and not (head in words and tail in words):
                yield _problem(laid, "LAYOUT-04", f"từ «{head + tail}» bị ngắt thành «{head}» / «{tail}»",
                               page.number, f"{upper.text} / {lower.text}")


def _line_below(upper: Line, lines: Sequence[Line]) -> Line | None:
    """The line set directly under `upper` in the same column, if any."""
    height = upper.bottom - upper.top
    for line in lines:
        if (0 <= line.top - upper.top <= 1.6 * height and line.top > upper.top + 0.5 * height
                and line is not upper and _same_column(upper, line)):
            return line
    return None


def _same_column(upper: Line, lower: Line) -> bool:
    """Lines of one cell share their left edge (left-aligned), centre (centred) or right edge."""
    return (min(upper.right, lower.right) > max(upper.left, lower.left)
            and min(abs(upper.left - lower.left), abs(upper.centre - lower.centre), abs(upper.right - lower.right)) < 3)


def _header_repeated(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-05: every page a table continues on starts with its header row."""
    for table in _tables(laid):
        if len(table.rows) < 3 or table.nested:
            continue
        header = [p for cell in table.rows[0].cells for p in _texts(cell.blocks)]
        if not header:
            continue
        label = max(header, key=lambda p: len(p.text))
        columns = max(len(row.cells) for row in table.rows)
        rows = _placements_in_order(laid, _row_labels(table), 3 * columns)
        headers = _all_placements(laid, label, skippable=3 * columns)
        for page in sorted({placed.page for placed in rows})[1:]:
            first_row = min(placed.line.top for placed in rows if placed.page == page)
            if not any(placed.page == page and placed.line.top < first_row for placed in headers):
                yield _problem(laid, "LAYOUT-05", f"bảng tiếp tục sang trang {page} nhưng không lặp lại hàng "
                               f"tiêu đề («{label.text}»)", page, label.text, label)


def _texts(blocks) -> list[Paragraph]:
    return [block for block in blocks if isinstance(block, Paragraph) and block.text.strip()]


def _row_labels(table: Table) -> list[Paragraph]:
    """One paragraph per body row, from the column whose texts differ most (the agencies' names), so that
    each row is found where it is and not where an equal text (a rank, a band) first stands."""
    body = [row for row in table.rows[1:] if not row.repeats]
    columns = max(len(row.cells) for row in body) if body else 0

    def column(index: int) -> list[Paragraph]:
        return [paragraphs[0] for row in body if index < len(row.cells)
                and (paragraphs := _texts(row.cells[index].blocks))]

    best = max(range(columns), key=lambda index: len({p.text for p in column(index)}), default=None)
    return column(best) if best is not None else []


def _placements_in_order(laid: Laid, paragraphs: Sequence[Paragraph], skippable: int) -> list[Placed]:
    """The first line of each paragraph, each searched after the previous one was found."""
    found: list[Placed] = []
    after = (1, -1)
    for paragraph in paragraphs:
        placed = locate(laid.pages, paragraph.shown or paragraph.text, after, skippable)
        if placed:
            found.append(placed[0])
            after = (placed[0].page, laid.pages[placed[0].page - 1].lines.index(placed[0].line))
    return found


def _no_thin_page(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-06: no page that is blank, holds one line only, or only a note (the lines of a table's repeated
    header row, all of whose words are the header's, do not count as content: a note that is a table's last
    row is set under it)."""
    notes = [p for p in laid.inspected.document.paragraphs if _NOTE.match(p.text.strip())]
    note_lines = {id(placed.line) for p in notes for placed in _lines_of(laid, p)}
    header_words = {word for table in _tables(laid) if table.rows and table.rows[0].repeats
                    for cell in table.rows[0].cells for p in _texts(cell.blocks) for word in words_of(p.text)}
    for page in laid.pages:
        lines = content_lines(page)
        if not lines:
            yield _problem(laid, "LAYOUT-06", "trang trống", page.number)
        elif len(laid.pages) > 1 and len(lines) == 1:
            yield _problem(laid, "LAYOUT-06", f"trang chỉ có một dòng «{lines[0].text}»", page.number,
                           lines[0].text)
        elif any(id(line) in note_lines for line in lines) and all(
                id(line) in note_lines or set(line.words) <= header_words for line in lines):
            note = next(line for line in lines if id(line) in note_lines)
            yield _problem(laid, "LAYOUT-06", "trang chỉ có ghi chú", page.number, note.text)


def _page_numbers(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-07: no number on page 1; page n ≥ 2 shows n, centred at the top."""
    for page in laid.pages:
        line = page_number_line(page)
        if page.number == 1:
            if line is not None and line.text == "1":
                yield _problem(laid, "LAYOUT-07", "trang đầu hiện số trang", 1, line.text)
        elif line is None:
            yield _problem(laid, "LAYOUT-07", "không có số trang ở lề trên", page.number)
        elif line.text != str(page.number) or abs(line.centre - _text_centre(laid, page)) > _CENTRE_TOLERANCE:
            yield _problem(laid, "LAYOUT-07", f"số trang «{line.text}» sai số hoặc không căn giữa",
                           page.number, line.text)


def _text_centre(laid: Laid, page: Page) -> float:
    """The centre of the text area between the margins of the section laid out at this page's width (margins
    differ left and right, so the page's own centre is not where a centred page number stands)."""
    sections = laid.inspected.document.sections
    section = min(sections, key=lambda s: abs(s.width / 20 - page.width))
    return (section.margins.left / 20 + page.width - section.margins.right / 20) / 2


def _subject_lines(laid: Laid) -> Iterator[Problem]:
    """LAYOUT-08: the trích yếu, once laid out, does not end on a line holding one word or «năm YYYY» alone,
    nor set «năm» at the end of a line and its year at the start of the next."""
    lines = [(paragraph, placed) for paragraph in laid.inspected.layout.subject
             for placed in _lines_of(laid, paragraph)]
    if len(lines) < 2:
        return
    paragraph, last = lines[-1]
    if len(last.line.words) == 1 or (len(last.line.words) == 2 and _year_split(*last.line.words)):
        yield _problem(laid, "LAYOUT-08", f"dòng cuối của trích yếu chỉ có «{last.line.text}»", last.page,
                       last.line.text, paragraph)
    for (_, upper), (paragraph, lower) in itertools.pairwise(lines):
        if _year_split(upper.line.words[-1], lower.line.words[0]):
            yield _problem(laid, "LAYOUT-08", f"trích yếu tách «{upper.line.words[-1]}» khỏi số năm "
                           f"«{lower.line.words[0]}» ở dòng sau", lower.page, f"{upper.line.text} / {lower.line.text}",
                           paragraph)


def _year_split(word: str, following: str) -> bool:
    return word.casefold() == "năm" and bool(_YEAR.match(following))


def _lines_of(laid: Laid, paragraph: Paragraph) -> tuple[Placed, ...]:
    """The lines of the first placement of `paragraph`, searched from the top of the document."""
    return locate(laid.pages, paragraph.shown or paragraph.text)


def _all_placements(laid: Laid, paragraph: Paragraph, skippable: int) -> tuple[Placed, ...]:
    """Every placement of a paragraph's text (a repeated header row is set once per page)."""
    found: list[Placed] = []
    after = (1, -1)
    while placed := locate(laid.pages, paragraph.shown or paragraph.text, after, skippable):
        found.extend(placed)
        last = placed[-1]
        after = (last.page, laid.pages[last.page - 1].lines.index(last.line))
    return tuple(found)


_CHECKS = (("LAYOUT-01", _signature_whole), ("LAYOUT-02", _signature_page_has_body),
           ("LAYOUT-03", _no_heading_last), ("LAYOUT-04", _no_broken_word), ("LAYOUT-05", _header_repeated),
           ("LAYOUT-06", _no_thin_page), ("LAYOUT-07", _page_numbers), ("LAYOUT-08", _subject_lines))
