"""Finding a document's parts by their content and place, never by assuming our own templates.

The Quốc hiệu paragraph anchors the header block (its table, left and right columns, the `Số:` and date
lines); the first paragraph after it is the tên loại (`QUYẾT ĐỊNH`) or an annex heading (`Phụ lục …`);
the trích yếu runs to its short line; then the thẩm quyền line, the paragraphs from the first `Căn cứ` to
`QUYẾT ĐỊNH:`, the articles (`Điều n.`), the table holding `Nơi nhận:` and the signer, and annexes that
start a new section or page with `Phụ lục …`. The kind follows: `decision`, `annex` or `other`; a part that
an `other` document does not have is not looked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from pipeline.check.text import all_caps, is_rule_line, norm, text_runs
from pipeline.nd30.rules import ANNEX, DECISION, OTHER
from pipeline.ooxml.reader import Document, Paragraph, Table

NATIONAL_NAMES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
DECISION_TITLE = "QUYẾT ĐỊNH"
ARTICLE = re.compile(r"^điều\s+(?P<number>\d+)\s*(?P<mark>[.:]?)", re.IGNORECASE)
DATE_LINE = re.compile(r"^(?P<place>[^,]+), ngày(?: (?P<day>\d+))? tháng(?: (?P<month>\d+))? "
                       r"năm (?P<year>\d{4})$")
ANNEX_HEADING = re.compile(r"^phụ lục(?:\s+(?P<number>[ivxlcdm]+|\d+))?\.?$", re.IGNORECASE)
_NUMBER_LINE = re.compile(r"^số\b", re.IGNORECASE)
_DRAFT_NUMBER = re.compile(r"^Số:\s*/")
_DATE_WORDS = re.compile(r"\bngày\b.*\btháng\b.*\bnăm\b", re.IGNORECASE)
_AUTHORITY = re.compile(r"^(?:CHỦ TỊCH )?ỦY BAN NHÂN DÂN (?:TỈNH|THÀNH PHỐ|THỊ XÃ|HUYỆN|QUẬN|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU) \S")
_BASIS_START = re.compile(r"^(?:căn cứ|theo đề nghị|xét đề nghị)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^[\[(].*[)\]]$|^\[")
_LABEL = re.compile(r"^\s*nơi nhận", re.IGNORECASE)
_PLACE = re.compile(r"^(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\b")


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """The header block: Quốc hiệu, Tiêu ngữ, issuing body (and parent body), Số and date lines.
    `left`/`right` are the paragraphs of the table's left column and of the Quốc hiệu's column (empty when
    the header is not in a table)."""

    national: Paragraph
    motto: Paragraph | None
    parents: tuple[Paragraph, ...]
    issuers: tuple[Paragraph, ...]
    number: Paragraph | None
    date: Paragraph | None
    table: Table | None
    left: tuple[Paragraph, ...]
    right: tuple[Paragraph, ...]
    end: int


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    """The table holding `Nơi nhận:` and the signer: the label and recipient lines (left), the title
    lines, signer name and any pictures (right)."""

    table: Table
    label: Paragraph | None
    recipients: tuple[Paragraph, ...]
    titles: tuple[Paragraph, ...]
    name: Paragraph | None
    same_row: bool
    level: bool
    pictures: bool


@dataclass(frozen=True, slots=True)
class AnnexPart:
    """One Phụ lục, in its own file or after a decision's signature: its `Phụ lục …` heading and numeral,
    title and `(Kèm theo …)` lines, every paragraph and table up to the next annex, whether it begins a
    page, and the sections it spans."""

    heading: Paragraph
    numeral: str | None
    title: tuple[Paragraph, ...]
    reference: tuple[Paragraph, ...]
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    new_page: bool
    sections: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each part of the document is. Parts a document does not have are None or empty."""

    kind: str
    header: HeaderBlock | None
    title: Paragraph | None
    subject: tuple[Paragraph, ...]
    subject_line: Paragraph | None
    authority: Paragraph | None
    bases: tuple[Paragraph, ...]
    decides: tuple[Paragraph, ...]
    body: tuple[Paragraph, ...]
    signature: SignatureBlock | None
    annexes: tuple[AnnexPart, ...]
    draft: bool
    parts: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def annex_sections(self) -> frozenset[int]:
        return frozenset(index for annex in self.annexes for index in annex.sections)


def find_layout(document: Document) -> Layout:
    """The parts of `document` and its kind, found by content and place."""
    top = [b for b in document.blocks if isinstance(b, Paragraph)]
    header = _find_header(document)
    start = header.end if header else 0
    end = document.paragraphs[-1].number + 1 if document.paragraphs else 1
    lead = next((p for p in top if p.number > start and not p.is_empty and not is_rule_line(p)), None)
    if lead is not None and ANNEX_HEADING.match(norm(lead.shown)):
        annexes = _find_annexes(document, top, lead.number, end, in_own_file=True)
        layout = Layout(ANNEX, header, None, (), None, None, (), (), (), None, annexes, False)
        return replace(layout, parts=MappingProxyType(_parts(layout)))
    titled = lead is not None and norm(lead.shown).upper().rstrip(":").strip() == DECISION_TITLE
    numbered = bool(header and header.number and "/QĐ-" in norm(header.number.shown).upper())
    kind = DECISION if titled or numbered else OTHER
    title, subject, subject_line = _find_title(top, lead, kind)
    after_title = subject_line or (subject[-1] if subject else title)
    first_after = after_title.number if after_title else start
    signature_table = _find_signature_table(document, first_after, end, fallback=False)
    annexes: tuple[AnnexPart, ...] = ()
    authority: Paragraph | None = None
    bases = decides = body = ()
    if kind == DECISION:
        after = signature_table.first_number if signature_table else first_after
        annexes = _find_annexes(document, top, after, end, in_own_file=False)
        decision_end = annexes[0].heading.number if annexes else end
        signature_table = signature_table or _find_signature_table(document, first_after, decision_end, True)
        authority, bases, decides, body = _find_decision_body(top, first_after, decision_end, signature_table)
    number = header.number if header else None
    layout = Layout(kind, header, title, subject, subject_line, authority, bases, decides, body,
                    _signature(signature_table) if signature_table else None, annexes,
                    bool(number and _DRAFT_NUMBER.match(norm(number.shown))))
    return replace(layout, parts=MappingProxyType(_parts(layout)))


def _find_header(document: Document) -> HeaderBlock | None:
    national = next((p for p in document.paragraphs[:40]
                     if norm(p.shown).upper() in NATIONAL_NAMES), None)
    if national is None:
        return None
    if national.cell is None:
        following = [p for p in document.paragraphs if p.number > national.number and p.cell is None]
        motto = next((p for p in following[:3] if not p.is_empty and not is_rule_line(p)), None)
        return HeaderBlock(national, motto, (), (), None, None, None, (), (), (motto or national).number)
    table = document.tables[national.cell.table]
    column = national.cell.column

    def column_paragraphs(index: int) -> tuple[Paragraph, ...]:
        return tuple(p for row in table.rows for cell in row.cells if cell.column == index
                     for p in cell.paragraphs)

    right = column_paragraphs(column)
    left = column_paragraphs(0) if column > 0 else ()
    in_table = list(table.paragraphs())
    after_national = [p for p in right if p.number > national.number]
    motto = next((p for p in after_national[:3] if not p.is_empty and not is_rule_line(p)), None)
    number = next((p for p in (left or in_table) if _NUMBER_LINE.match(norm(p.shown))), None)
    date = next((p for p in (right or in_table) if _DATE_WORDS.search(norm(p.shown))), None)
    names = [p for p in left if not p.is_empty and not is_rule_line(p)
             and (number is None or p.number < number.number)]
    parents = _parent_lines(names)
    return HeaderBlock(national, motto, parents, tuple(names[len(parents):]), number, date, table, left, right,
                  in_table[-1].number)


def _parent_lines(names: list[Paragraph]) -> tuple[Paragraph, ...]:
    """The parent body's lines: the leading lines that are not bold, when bold lines (the issuing body)
    follow. A line that only begins a name continued by a place (`ỦY BAN NHÂN DÂN` / `TỈNH …`) is not one."""
    bold = [all(run.format.bold for run in text_runs(p)) for p in names]
    count = bold.index(True) if True in bold else 0
    if 0 < count < len(names) and _PLACE.match(norm(names[count].shown).upper()):
        count -= 1
    return tuple(names[:count])


def _find_title(top: list[Paragraph], lead: Paragraph | None, kind: str) \
        -> tuple[Paragraph | None, tuple[Paragraph, ...], Paragraph | None]:
    """The tên loại, the trích yếu lines and the short line under them. An `other` document's first
    paragraph is taken as a tên loại only when it is in capitals, and its trích yếu only when a line
    closes it."""
    if lead is None or (kind == OTHER and not (all_caps(lead.shown) and len(lead.shown.split()) <= 6)):
        return None, (), None
    subject: list[Paragraph] = []
    line = None
    for paragraph in (p for p in top if p.number > lead.number):
        text = norm(paragraph.shown)
        if is_rule_line(paragraph):
            line = paragraph
            break
        if paragraph.is_empty or text.startswith("(Kèm theo"):
            continue
        if (_AUTHORITY.match(text.upper()) or _BASIS_START.match(text) or ARTICLE.match(text)
                or len(subject) == 4 or text.upper() == DECISION_TITLE + ":"):
            break
        subject.append(paragraph)
    if kind == OTHER and line is None:
        return lead, (), None
    return lead, tuple(subject), line


def _find_signature_table(document: Document, after: int, end: int, fallback: bool) -> Table | None:
    """The first table after the title block holding `Nơi nhận:`; with `fallback`, when there is none, the
    last table before `end` with a line in capitals (a signer's title)."""
    tables = [t for t in document.tables if not t.nested and after < t.first_number < end]
    labelled = next((t for t in tables if any(_is_label(p) for p in t.paragraphs())), None)
    if labelled is not None or not fallback:
        return labelled
    return next((t for t in reversed(tables) if any(all_caps(p.shown) for p in t.paragraphs())), None)


def _signature(table: Table) -> SignatureBlock:
    cells = [cell for row in table.rows for cell in row.cells]
    label_cell = next((cell for cell in cells if any(_is_label(p) for p in cell.paragraphs)), None)
    row_of = {id(cell): row for row in table.rows for cell in row.cells}
    candidates = [c for c in (row_of[id(label_cell)].cells if label_cell else cells) if c is not label_cell]
    if not any(all_caps(p.shown) for c in candidates for p in c.paragraphs):
        candidates = [c for c in cells if c is not label_cell]
    signer = max(candidates, key=lambda c: sum(all_caps(p.shown) for p in c.paragraphs), default=None)
    label = None
    recipients: tuple[Paragraph, ...] = ()
    if label_cell is not None:
        filled = [p for p in label_cell.paragraphs if not p.is_empty]
        label = next(p for p in filled if _is_label(p))
        recipients = tuple(p for p in filled if p.number > label.number)
    titles: list[Paragraph] = []
    name = None
    pictures = level = False
    if signer is not None:
        for paragraph in signer.paragraphs:
            if paragraph.is_empty and not titles:
                continue
            text = norm(paragraph.shown)
            if paragraph.is_empty or not all_caps(text) or _PLACEHOLDER.match(text):
                break
            titles.append(paragraph)
        rest = [p for p in signer.paragraphs if not p.is_empty and p not in titles
                and not _PLACEHOLDER.match(norm(p.shown))]
        name = rest[-1] if rest else None
        pictures = any("picture" in p.drawings for p in signer.paragraphs)
        first_filled = next((p for p in signer.paragraphs if not p.is_empty), None)
        level = bool(titles) and titles[0] is first_filled and (label is None or label is filled[0])
    same_row = bool(label and titles and label.cell.row == titles[0].cell.row)
    return SignatureBlock(table, label, recipients, tuple(titles), name, same_row, level, pictures)


def _is_label(paragraph: Paragraph) -> bool:
    return bool(_LABEL.match(paragraph.shown))


def _find_decision_body(top: list[Paragraph], after: int, end: int, signature: Table | None) -> tuple[
        Paragraph | None, tuple[Paragraph, ...], tuple[Paragraph, ...], tuple[Paragraph, ...]]:
    """A decision's thẩm quyền line, căn cứ, `QUYẾT ĐỊNH:` lines and body paragraphs, each found on its own
    between the title block (`after`) and `end`, so that parts out of order are still found."""
    scope = [p for p in top if after < p.number < end and not p.is_empty]
    authority = next((p for p in scope if _AUTHORITY.match(norm(p.shown).upper())), None)
    start = next((p for p in scope if _BASIS_START.match(norm(p.shown))), None)
    decides = tuple(p for p in scope if norm(p.shown).upper().rstrip(":").strip() == DECISION_TITLE
                    and (start is None or p.number > start.number))
    first_article = next((p for p in scope if ARTICLE.match(norm(p.shown))), None)
    bases: tuple[Paragraph, ...] = ()
    if start is not None:
        stops = [p.number for p in (*decides[:1], first_article) if p is not None and p.number > start.number]
        if signature and signature.first_number > start.number:
            stops.append(signature.first_number)
        stop = min(stops, default=end)
        bases = tuple(p for p in scope if start.number <= p.number < stop and p is not authority)
    body_start = decides[0].number if decides else (bases[-1].number if bases else after)
    body_end = signature.first_number if signature and signature.first_number > body_start else end
    body = tuple(p for p in scope if body_start < p.number < body_end and p not in decides)
    return authority, bases, decides, body


def _find_annexes(document: Document, top: list[Paragraph], start: int, end: int,
                  in_own_file: bool) -> tuple[AnnexPart, ...]:
    """Annexes from paragraph `start` on. In an annex's own file the first heading starts at `start` and
    later ones must begin a page; after a decision's signature every `Phụ lục …` paragraph starts one."""
    headings: list[Paragraph] = []
    for paragraph in top:
        if start <= paragraph.number < end and ANNEX_HEADING.match(norm(paragraph.shown)) and (
                not in_own_file or not headings or _starts_page(document, paragraph)):
            headings.append(paragraph)
    annexes = []
    for index, heading in enumerate(headings):
        stop = headings[index + 1].number if index + 1 < len(headings) else end
        blocks = [b for b in document.blocks
                  if heading.number < (b.number if isinstance(b, Paragraph) else b.first_number) < stop]
        title: list[Paragraph] = []
        reference: list[Paragraph] = []
        for block in blocks:
            if isinstance(block, Table) or is_rule_line(block) or len(title) == 3 or len(reference) == 3:
                break
            text = norm(block.shown)
            if reference or text.lower().startswith("(kèm theo"):
                reference.append(block)
                if text.endswith(")"):
                    break
            elif text:
                title.append(block)
        first_section = heading.section if _first_in_section(document, heading) else heading.section + 1
        last_section = headings[index + 1].section if index + 1 < len(headings) else len(document.sections)
        annexes.append(AnnexPart(
            heading=heading, numeral=ANNEX_HEADING.match(norm(heading.shown)).group("number"),
            title=tuple(title), reference=tuple(reference),
            paragraphs=tuple(p for p in document.paragraphs if heading.number <= p.number < stop),
            tables=tuple(b for b in blocks if isinstance(b, Table)),
            new_page=(in_own_file and index == 0) or _starts_page(document, heading),
            sections=tuple(range(first_section, last_section))))
    return tuple(annexes)


def _first_in_section(document: Document, paragraph: Paragraph) -> bool:
    section = document.sections[paragraph.section]
    return all(p.is_empty for p in document.paragraphs[section.first - 1:paragraph.number - 1])


def _starts_page(document: Document, paragraph: Paragraph) -> bool:
    """Whether the paragraph begins a page: it has `pageBreakBefore`, a page break follows the last
    content before it, or it opens a section that starts on a new page."""
    if paragraph.format.page_break_before:
        return True
    section = document.sections[paragraph.section]
    before = document.paragraphs[section.first - 1:paragraph.number - 1]
    filled = [i for i, p in enumerate(before) if not p.is_empty]
    if filled:
        return any(p.page_break for p in before[filled[-1]:])
    return section.index == 0 or section.start != "continuous" or any(p.page_break for p in before)


def _parts(layout: Layout) -> dict[int, str]:
    """The name of the part each found paragraph belongs to (used in locations)."""
    parts: dict[int, str] = {}
    if layout.header and layout.header.table:
        parts.update((p.number, "phần đầu") for p in layout.header.table.paragraphs())
    groups = (("tên loại", (layout.title,) if layout.title else ()), ("trích yếu", layout.subject),
              ("thẩm quyền", (layout.authority,) if layout.authority else ()), ("căn cứ", layout.bases),
              ("quyết định", layout.decides), ("nội dung", layout.body))
    for name, paragraphs in groups:
        parts.update((p.number, name) for p in paragraphs)
    if layout.signature:
        parts.update((p.number, "chữ ký") for p in layout.signature.table.paragraphs())
        label = (layout.signature.label,) if layout.signature.label else ()
        parts.update((p.number, "nơi nhận") for p in label + layout.signature.recipients)
    for annex in layout.annexes:
        parts.update((p.number, norm(annex.heading.shown)) for p in annex.paragraphs)
    return parts


def annex_label(annex: AnnexPart) -> str:
    """`Phụ lục II`, or `Phụ lục` for an annex without a numeral."""
    return "Phụ lục" + (f" {annex.numeral}" if annex.numeral else "")


def mentions(layout: Layout, label: str) -> bool:
    """Whether a decision's căn cứ or articles name `label` (`Phụ lục II`, not within `Phụ lục III`)."""
    text = "\n".join(norm(p.shown) for p in layout.body + layout.bases)
    return re.search(re.escape(label) + r"(?!\w)", text) is not None
