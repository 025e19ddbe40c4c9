"""`check_docx(path)`: a .docx checked against the format rules of Nghị định 30/2020/NĐ-CP (`nd30rules`).

The document's parts are found by their content and place, never by assuming our own templates:
the Quốc hiệu paragraph anchors the header block (its table, left and right columns, the `Số:` and date
lines); the first paragraph after it is the tên loại (`QUYẾT ĐỊNH`) or an annex heading (`Phụ lục …`);
the trích yếu runs to its short line; then the thẩm quyền line, the paragraphs from the first `Căn cứ` to
`QUYẾT ĐỊNH:`, the articles (`Điều n.`), the table holding `Nơi nhận:` and the signer, and annexes that
start a new section or page with `Phụ lục …`. The kind follows: `decision`, `annex` or `other`; a rule is
checked only on the kinds in its `applies_to`, and a part that an `other` document does not have is not
looked for.

Severity: rules required by the decree's text (E) are errors; rules from the official samples (M) and
from practice (P) are warnings, so a document with warnings only still passes (exit 0). Each problem's
code is the rule id; its location gives the file, `mục <section>, <part>` as `key`, the paragraph number
(1-based, reading order, table cells included) and the paragraph's first words. At most
`MAX_PER_RULE` problems are listed per rule and file, then one saying how many more there are.
An unreadable file gives one problem `check.unreadable`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType

from pipeline import vn
from pipeline.nd30.rules import ANNEX, DECISION, KIND_NAMES, OTHER, RULE_BY_ID
from pipeline.ooxml.reader import (
    Document,
    DocxError,
    Paragraph,
    Section,
    Table,
    field_name,
    read_docx,
    twips_to_mm,
)
from pipeline.problems import Location, Problem, Severity
from pipeline.vn import legacy_encoding_sample, modern_tone_marks, roman, roman_value

MAX_PER_RULE = 20
DATA_TABLE_ROWS = 3  # ANX-07/ANX-08 look at annex tables with a header row and at least two rows of data
TNR = "times new roman"
TWIPS_TOLERANCE = 2

A4 = (11906, 16838)
MARGINS = {"top": (1134, 1418), "bottom": (1134, 1418), "left": (1701, 1985), "right": (850, 1134)}
MARGIN_NAMES = {"top": "Lề trên", "bottom": "Lề dưới", "left": "Lề trái", "right": "Lề phải"}
FIRST_LINE_INDENTS = (567, 720)
INDENT_TOLERANCE = 10
LINE_CENTRE_TOLERANCE = 120  # twips between the left and right indents of a short centred line
MIN_PARAGRAPH_GAP = 120
TNR_LINE_HEIGHT = 1.15  # a single line of Times New Roman is about 1.15 × the font size

NATIONAL_NAMES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DECISION_TITLE = "QUYẾT ĐỊNH"
SIGNING_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")

_NUMBER_DECISION = re.compile(r"^Số: (?:0[1-9]|[1-9]\d+|\s*)/QĐ-UBND$")
_NUMBER_OTHER = re.compile(r"^Số: (?:0[1-9]|[1-9]\d+|\s*)(?:/\d{4})?/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$")
_NUMBER_LINE = re.compile(r"^số\b", re.IGNORECASE)
_DRAFT_NUMBER = re.compile(r"^Số:\s*/")
_DATE_LINE = re.compile(r"^(?P<place>[^,]+), ngày(?: (?P<day>\d+))? tháng(?: (?P<month>\d+))? "
                        r"năm (?P<year>\d{4})$")
_DATE_WORDS = re.compile(r"\bngày\b.*\btháng\b.*\bnăm\b", re.IGNORECASE)
_DAY = re.compile(r"^(?:0[1-9]|[12]\d|3[01])$")
_MONTH = re.compile(r"^(?:0[12]|[3-9]|1[0-2])$")
_ANNEX_HEADING = re.compile(r"^phụ lục(?:\s+(?P<number>[ivxlcdm]+|\d+))?\.?$", re.IGNORECASE)
_AUTHORITY = re.compile(r"^(?:CHỦ TỊCH )?ỦY BAN NHÂN DÂN (?:TỈNH|THÀNH PHỐ) \S")
_BASIS_START = re.compile(r"^(?:căn cứ|theo đề nghị|xét đề nghị)\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^điều\s+(?P<number>\d+)\s*(?P<mark>[.:]?)", re.IGNORECASE)
_CLAUSE = re.compile(r"^(?P<number>\d+)\.\s")
_POINT = re.compile(r"^(?P<letter>[a-zđ])\)\s")
_REFERENCE = re.compile(r"^\(Kèm theo (?P<type>[^()]+?) số ?(?P<number>[^\s/]*)/(?P<symbol>\S+) ngày"
                        r"(?P<date>(?: \d+)? tháng(?: \d+)? năm \d{4}) của (?P<issuer>.+)\)$")
_REFERENCE_DATE = re.compile(r"^(?: (?P<day>\d+))? tháng(?: (?P<month>\d+))? năm (?P<year>\d{4})$")
_LAW = re.compile(r"^(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh)\b")
_ACT = re.compile(r"^(?:Nghị quyết|Nghị định|Quyết định|Thông tư|Chỉ thị|Kế hoạch|Thông tư liên tịch)\b")
_ACT_NUMBER = re.compile(r"\bsố \S+/\S+")
_ACT_DATE = re.compile(r"\bngày \d{1,2}(?:/\d{1,2}/\d{4}| tháng \d{1,2} năm \d{4})")
_LAW_NUMBER = re.compile(r"\bsố \d+/\d{4}/")
_ACADEMIC = re.compile(r"^(?:GS|PGS|TS|TSKH|ThS|Ths|KS|BS|CN|NCS)\.?(?:\s|\.|$)")
_PLACEHOLDER = re.compile(r"^[\[(].*[)\]]$|^\[")
_DRAFTER = re.compile(r"^[A-ZĐ]{1,8}\.?\s*\(\d+\)\.?$")
_UNDERSCORES = re.compile(r"^_{3,}$")
_LABEL = re.compile(r"^\s*nơi nhận", re.IGNORECASE)
_PLACE = re.compile(r"^(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\b")
_CAPITALS = (
    (re.compile(r"(?<!\w)quyết định này\b"), "«Quyết định này» viết hoa chữ đầu"),
    (re.compile(r"(?<!\w)(?:ủy|uỷ) ban nhân dân\b"), "«Ủy ban nhân dân» viết hoa chữ đầu"),
    (re.compile(r"\bỦy Ban Nhân Dân\b|\bỦy ban Nhân dân\b"), "«Ủy ban nhân dân» chỉ viết hoa chữ đầu"),
    (re.compile(r"(?<!\w)điều \d+"), "«Điều» kèm số điều viết hoa chữ đầu"),
    (re.compile(r"(?<=[\w,] )Khoản \d+"), "«khoản» viết thường khi viện dẫn"),
    (re.compile(r"(?<=[\w,] )Điểm [a-zđ]\b"), "«điểm» viết thường khi viện dẫn"),
)
_ALIGNMENTS = {"left": "căn trái", "center": "căn giữa", "right": "căn phải", "both": "căn đều hai lề",
               "distribute": "căn đều hai lề"}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What `check_docx` found: the kind of document (`decision`, `annex`, `other`; `None` when the file
    could not be read) and every problem, errors and warnings, in document order per rule group."""

    path: Path
    kind: str | None
    problems: tuple[Problem, ...]

    @property
    def passed(self) -> bool:
        """No required (E) rule is broken and the file could be read."""
        return not any(problem.is_error for problem in self.problems)

    def to_json(self) -> dict[str, object]:
        return {"file": str(self.path), "kind": self.kind,
                "kind_name": KIND_NAMES.get(self.kind) if self.kind else None,
                "passed": self.passed, "problems": [problem.to_json() for problem in self.problems]}


@dataclass(frozen=True, slots=True)
class Inspected:
    """One file read and checked on its own, with what checks across files (`docset`) go on from:
    the document and its layout (None when the file could not be read)."""

    result: CheckResult
    document: Document | None
    layout: Layout | None


def check_docx(path: Path) -> CheckResult:
    """Check one .docx. Never raises for bad input: an unreadable file is a `check.unreadable` problem."""
    return inspect_docx(path).result


def inspect_docx(path: Path) -> Inspected:
    """`check_docx`, keeping the document and its layout."""
    path = Path(path)
    try:
        document = read_docx(path)
    except DocxError as error:
        return Inspected(CheckResult(path, None, (Problem(
            code="check.unreadable", message=f"Không đọc được tệp: {error}",
            location=Location(file=path), hint="Mở và lưu lại tệp bằng Word dưới dạng .docx."),)), None, None)
    layout = find_layout(document)
    checker = Checker(path, document, layout)
    for check in _CHECKS:
        check(checker)
    return Inspected(CheckResult(path, layout.kind, _capped(checker.problems)), document, layout)


# ---------------------------------------------------------------------------------------------------------
# Text helpers


def _norm(text: str) -> str:
    """NFC, no-break spaces as spaces, runs of white space as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def _excerpt(paragraph: Paragraph) -> str | None:
    words = _norm(paragraph.shown).split(" ")
    text = " ".join(words[:8])
    if len(text) > 60:
        text = text[:59].rstrip()
    return (text + "…" if text != " ".join(words) else text) or None


def _all_caps(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and not any(ch.islower() for ch in text)


def _pt(value: float) -> str:
    return (f"{value:g}").replace(".", ",") + " pt"


def _pts(values: Iterable[float]) -> str:
    return ", ".join(_pt(value) for value in sorted(values))


def _mm(twips: int) -> str:
    return f"{twips_to_mm(twips):.1f}".rstrip("0").rstrip(".").replace(".", ",") + " mm"


def _alignment(paragraph: Paragraph) -> str:
    return _ALIGNMENTS.get(paragraph.format.alignment, paragraph.format.alignment)


def _text_runs(paragraph: Paragraph):
    return [run for run in paragraph.runs if run.text.strip() and not run.format.hidden]


def _is_rule_line(paragraph: Paragraph) -> bool:
    """A paragraph drawn as a horizontal line: a bottom border on an empty paragraph, a drawn line, or
    underscores."""
    if "line" in paragraph.drawings:
        return True
    text = _norm(paragraph.shown)
    return (not text and paragraph.format.border_bottom) or bool(_UNDERSCORES.match(text))


def _has_line_below(paragraph: Paragraph, following: list[Paragraph]) -> Paragraph | None:
    """The line right under `paragraph` (itself when it has a bottom border or an underline), or None.
    Empty paragraphs without a line in between are skipped."""
    if paragraph.format.border_bottom or "line" in paragraph.drawings or (
            _text_runs(paragraph) and all(run.format.underline for run in _text_runs(paragraph))):
        return paragraph
    for candidate in following[:3]:
        if _is_rule_line(candidate):
            return candidate
        if not candidate.is_empty:
            return None
    return None


def _off_centre(line: Paragraph) -> bool:
    """Whether a line drawn as the bottom border of an empty paragraph runs across the whole width or sits
    to one side (its length and place come from the paragraph's indents). Other lines are not measured."""
    fmt = line.format
    return (fmt.border_bottom and not line.drawings and not _norm(line.shown)
            and (min(fmt.left, fmt.right) <= 0 or abs(fmt.left - fmt.right) > LINE_CENTRE_TOLERANCE))


def _style_issues(paragraph: Paragraph, *, size: tuple[float, float] | None = None, bold: bool | None = None,
                  italic: bool | None = None, center: bool = False, caps: bool | None = None) -> list[str]:
    """What in the paragraph's visible text differs from the expected formatting, in Vietnamese."""
    runs = _text_runs(paragraph)
    if not runs:
        return []
    issues: list[str] = []
    if size is not None:
        sizes = sorted({run.format.size for run in runs})
        if any(not size[0] <= s <= size[1] for s in sizes):
            wanted = _pt(size[0]) if size[0] == size[1] else f"{size[0]:g}–{_pt(size[1])}"
            issues.append(f"cỡ chữ cần {wanted}, thấy {', '.join(_pt(s) for s in sizes)}")
    for name, wanted, yes, no in (("bold", bold, "in đậm", "không đậm"),
                                  ("italic", italic, "in nghiêng", "chữ đứng")):
        if wanted is None:
            continue
        flags = [getattr(run.format, name) for run in runs]
        if (wanted and not all(flags)) or (not wanted and any(flags)):
            found = yes if all(flags) else (no if not any(flags) else f"{yes} một phần")
            issues.append(f"cần {yes if wanted else no}, thấy {found}")
    if center and paragraph.format.alignment != "center":
        issues.append(f"cần căn giữa, thấy {_alignment(paragraph)}")
    if caps is not None and _all_caps(paragraph.shown) != caps:
        issues.append("cần in hoa toàn bộ" if caps else "cần viết chữ thường (không in hoa toàn bộ)")
    return issues


# ---------------------------------------------------------------------------------------------------------
# Finding the parts


@dataclass(frozen=True, slots=True)
class Header:
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
class Signature:
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
class Annex:
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
    header: Header | None
    title: Paragraph | None
    subject: tuple[Paragraph, ...]
    subject_line: Paragraph | None
    authority: Paragraph | None
    bases: tuple[Paragraph, ...]
    decides: tuple[Paragraph, ...]
    body: tuple[Paragraph, ...]
    signature: Signature | None
    annexes: tuple[Annex, ...]
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
    lead = next((p for p in top if p.number > start and not p.is_empty and not _is_rule_line(p)), None)
    if lead is not None and _ANNEX_HEADING.match(_norm(lead.shown)):
        annexes = _find_annexes(document, top, lead.number, end, in_own_file=True)
        layout = Layout(ANNEX, header, None, (), None, None, (), (), (), None, annexes, False)
        return replace(layout, parts=MappingProxyType(_parts(layout)))
    titled = lead is not None and _norm(lead.shown).upper().rstrip(":").strip() == DECISION_TITLE
    numbered = bool(header and header.number and "/QĐ-" in _norm(header.number.shown).upper())
    kind = DECISION if titled or numbered else OTHER
    title, subject, subject_line = _find_title(top, lead, kind)
    after_title = subject_line or (subject[-1] if subject else title)
    first_after = after_title.number if after_title else start
    signature_table = _find_signature_table(document, first_after, end, fallback=False)
    annexes: tuple[Annex, ...] = ()
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
                    bool(number and _DRAFT_NUMBER.match(_norm(number.shown))))
    return replace(layout, parts=MappingProxyType(_parts(layout)))


def _find_header(document: Document) -> Header | None:
    national = next((p for p in document.paragraphs[:40]
                     if _norm(p.shown).upper() in NATIONAL_NAMES), None)
    if national is None:
        return None
    if national.cell is None:
        following = [p for p in document.paragraphs if p.number > national.number and p.cell is None]
        motto = next((p for p in following[:3] if not p.is_empty and not _is_rule_line(p)), None)
        return Header(national, motto, (), (), None, None, None, (), (), (motto or national).number)
    table = document.tables[national.cell.table]
    column = national.cell.column

    def column_paragraphs(index: int) -> tuple[Paragraph, ...]:
        return tuple(p for row in table.rows for cell in row.cells if cell.column == index
                     for p in cell.paragraphs)

    right = column_paragraphs(column)
    left = column_paragraphs(0) if column > 0 else ()
    in_table = list(table.paragraphs())
    after_national = [p for p in right if p.number > national.number]
    motto = next((p for p in after_national[:3] if not p.is_empty and not _is_rule_line(p)), None)
    number = next((p for p in (left or in_table) if _NUMBER_LINE.match(_norm(p.shown))), None)
    date = next((p for p in (right or in_table) if _DATE_WORDS.search(_norm(p.shown))), None)
    names = [p for p in left if not p.is_empty and not _is_rule_line(p)
             and (number is None or p.number < number.number)]
    parents = _parent_lines(names)
    return Header(national, motto, parents, tuple(names[len(parents):]), number, date, table, left, right,
                  in_table[-1].number)


def _parent_lines(names: list[Paragraph]) -> tuple[Paragraph, ...]:
    """The parent body's lines: the leading lines that are not bold, when bold lines (the issuing body)
    follow. A line that only begins a name continued by a place (`ỦY BAN NHÂN DÂN` / `TỈNH …`) is not one."""
    bold = [all(run.format.bold for run in _text_runs(p)) for p in names]
    count = bold.index(True) if True in bold else 0
    if 0 < count < len(names) and _PLACE.match(_norm(names[count].shown).upper()):
        count -= 1
    return tuple(names[:count])


def _find_title(top: list[Paragraph], lead: Paragraph | None, kind: str) \
        -> tuple[Paragraph | None, tuple[Paragraph, ...], Paragraph | None]:
    """The tên loại, the trích yếu lines and the short line under them. An `other` document's first
    paragraph is taken as a tên loại only when it is in capitals, and its trích yếu only when a line
    closes it."""
    if lead is None or (kind == OTHER and not (_all_caps(lead.shown) and len(lead.shown.split()) <= 6)):
        return None, (), None
    subject: list[Paragraph] = []
    line = None
    for paragraph in (p for p in top if p.number > lead.number):
        text = _norm(paragraph.shown)
        if _is_rule_line(paragraph):
            line = paragraph
            break
        if paragraph.is_empty or text.startswith("(Kèm theo"):
            continue
        if (_AUTHORITY.match(text.upper()) or _BASIS_START.match(text) or _ARTICLE.match(text)
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
    return next((t for t in reversed(tables) if any(_all_caps(p.shown) for p in t.paragraphs())), None)


def _signature(table: Table) -> Signature:
    cells = [cell for row in table.rows for cell in row.cells]
    label_cell = next((cell for cell in cells if any(_is_label(p) for p in cell.paragraphs)), None)
    row_of = {id(cell): row for row in table.rows for cell in row.cells}
    candidates = [c for c in (row_of[id(label_cell)].cells if label_cell else cells) if c is not label_cell]
    if not any(_all_caps(p.shown) for c in candidates for p in c.paragraphs):
        candidates = [c for c in cells if c is not label_cell]
    signer = max(candidates, key=lambda c: sum(_all_caps(p.shown) for p in c.paragraphs), default=None)
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
            text = _norm(paragraph.shown)
            if paragraph.is_empty or not _all_caps(text) or _PLACEHOLDER.match(text):
                break
            titles.append(paragraph)
        rest = [p for p in signer.paragraphs if not p.is_empty and p not in titles
                and not _PLACEHOLDER.match(_norm(p.shown))]
        name = rest[-1] if rest else None
        pictures = any("picture" in p.drawings for p in signer.paragraphs)
        first_filled = next((p for p in signer.paragraphs if not p.is_empty), None)
        level = bool(titles) and titles[0] is first_filled and (label is None or label is filled[0])
    same_row = bool(label and titles and label.cell.row == titles[0].cell.row)
    return Signature(table, label, recipients, tuple(titles), name, same_row, level, pictures)


def _is_label(paragraph: Paragraph) -> bool:
    return bool(_LABEL.match(paragraph.shown))


def _find_decision_body(top: list[Paragraph], after: int, end: int, signature: Table | None) -> tuple[
        Paragraph | None, tuple[Paragraph, ...], tuple[Paragraph, ...], tuple[Paragraph, ...]]:
    """A decision's thẩm quyền line, căn cứ, `QUYẾT ĐỊNH:` lines and body paragraphs, each found on its own
    between the title block (`after`) and `end`, so that parts out of order are still found."""
    scope = [p for p in top if after < p.number < end and not p.is_empty]
    authority = next((p for p in scope if _AUTHORITY.match(_norm(p.shown).upper())), None)
    start = next((p for p in scope if _BASIS_START.match(_norm(p.shown))), None)
    decides = tuple(p for p in scope if _norm(p.shown).upper().rstrip(":").strip() == DECISION_TITLE
                    and (start is None or p.number > start.number))
    first_article = next((p for p in scope if _ARTICLE.match(_norm(p.shown))), None)
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
                  in_own_file: bool) -> tuple[Annex, ...]:
    """Annexes from paragraph `start` on. In an annex's own file the first heading starts at `start` and
    later ones must begin a page; after a decision's signature every `Phụ lục …` paragraph starts one."""
    headings: list[Paragraph] = []
    for paragraph in top:
        if start <= paragraph.number < end and _ANNEX_HEADING.match(_norm(paragraph.shown)) and (
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
            if isinstance(block, Table) or _is_rule_line(block) or len(title) == 3 or len(reference) == 3:
                break
            text = _norm(block.shown)
            if reference or text.lower().startswith("(kèm theo"):
                reference.append(block)
                if text.endswith(")"):
                    break
            elif text:
                title.append(block)
        first_section = heading.section if _first_in_section(document, heading) else heading.section + 1
        last_section = headings[index + 1].section if index + 1 < len(headings) else len(document.sections)
        annexes.append(Annex(
            heading=heading, numeral=_ANNEX_HEADING.match(_norm(heading.shown)).group("number"),
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
        parts.update((p.number, _norm(annex.heading.shown)) for p in annex.paragraphs)
    return parts


# ---------------------------------------------------------------------------------------------------------
# Reporting


class Checker:
    """Collects the problems of one document; drops those of rules that do not apply to its kind. Each
    problem carries its rule's severity and summary, and where it is (section, part, paragraph)."""

    def __init__(self, path: Path, document: Document, layout: Layout):
        self.path = path
        self.document = document
        self.layout = layout
        self.problems: list[Problem] = []

    def applies(self, rule_id: str) -> bool:
        return self.layout.kind in RULE_BY_ID[rule_id].applies_to

    def report(self, rule_id: str, message: str, paragraph: Paragraph | None = None,
               section: int | None = None, part: str | None = None) -> None:
        rule = RULE_BY_ID[rule_id]
        if not self.applies(rule_id):
            return
        in_body = paragraph is not None and paragraph.part == self.document.part
        if paragraph is not None:
            section = paragraph.section if section is None else section
            part = part or (self.layout.parts.get(paragraph.number, "nội dung") if in_body else "đầu trang")
        where = ", ".join(x for x in (f"mục {section + 1}" if section is not None else None, part) if x)
        self.problems.append(Problem(
            code=rule_id, message=message,
            location=Location(file=self.path, key=where or None,
                              paragraph=paragraph.number if in_body else None,
                              excerpt=_excerpt(paragraph) if paragraph is not None else None),
            hint=f"{rule.summary} ({rule.source}).",
            severity=Severity.ERROR if rule.severity == "E" else Severity.WARNING))

    def style(self, rule_id: str, label: str, paragraph: Paragraph, **expected) -> None:
        issues = _style_issues(paragraph, **expected)
        if issues:
            self.report(rule_id, f"{label}: {'; '.join(issues)}.", paragraph)


def _capped(problems: list[Problem]) -> tuple[Problem, ...]:
    counts = Counter(problem.code for problem in problems)
    kept: list[Problem] = []
    seen: Counter[str] = Counter()
    for problem in problems:
        seen[problem.code] += 1
        if seen[problem.code] <= MAX_PER_RULE:
            kept.append(problem)
        elif seen[problem.code] == MAX_PER_RULE + 1:
            kept.append(Problem(
                code=problem.code, severity=problem.severity, hint=problem.hint,
                location=Location(file=problem.location.file),
                message=f"Còn {counts[problem.code] - MAX_PER_RULE} chỗ khác vi phạm cùng quy tắc "
                        "(không liệt kê)."))
    return tuple(kept)


# ---------------------------------------------------------------------------------------------------------
# Page setup, fonts, page numbers


def _in_annex(c: Checker, section: Section) -> bool:
    return c.layout.kind == ANNEX or section.index in c.layout.annex_sections


def _check_pages(c: Checker) -> None:
    for section in c.document.sections:
        annex = _in_annex(c, section)
        size = sorted((section.width, section.height))
        if any(abs(a - b) > TWIPS_TOLERANCE for a, b in zip(size, A4)):
            c.report("PAGE-01", "Khổ giấy cần A4 (210 × 297 mm), thấy "
                                f"{_mm(section.width)} × {_mm(section.height)}.",
                     section=section.index, part="trang")
        if section.landscape and not annex:
            c.report("PAGE-01", "Trang cần in dọc (chỉ phụ lục được trình bày trang ngang), "
                                "thấy trang ngang.", section=section.index, part="trang")
        rule = "PAGE-03" if section.landscape and annex else "PAGE-02"
        margins = section.margins
        values = {"top": margins.top, "bottom": margins.bottom, "left": margins.left + margins.gutter,
                  "right": margins.right}
        for side, (low, high) in MARGINS.items():
            if not low - TWIPS_TOLERANCE <= values[side] <= high + TWIPS_TOLERANCE:
                c.report(rule, f"{MARGIN_NAMES[side]}{' (trang ngang)' if rule == 'PAGE-03' else ''}: cần "
                               f"{_mm(low)}–{_mm(high)}, thấy {_mm(values[side])} ({values[side]} twip).",
                         section=section.index, part="trang")


def _all_paragraphs(document: Document) -> Iterator[Paragraph]:
    yield from document.paragraphs
    seen: set[str] = set()
    for section in document.sections:
        for part in (*section.headers.values(), *section.footers.values()):
            if part.part not in seen:
                seen.add(part.part)
                yield from part.paragraphs


_ASCII_TEXT = re.compile(r"[!-~]")
_EAST_ASIAN_TEXT = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_COMPLEX_TEXT = re.compile("[\u0590-\u08ff\u0e00-\u0e7f]")
_OTHER_TEXT = re.compile("[^\\x00-\\x7f\\s\u0590-\u08ff\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _slots(text: str) -> set[str]:
    """The font slots Word uses to show `text`: ascii for U+0021–U+007E, eastAsia for CJK, cs for complex
    scripts, hAnsi for the rest (Vietnamese letters among them)."""
    return {slot for slot, pattern in (("ascii", _ASCII_TEXT), ("h_ansi", _OTHER_TEXT),
                                       ("east_asia", _EAST_ASIAN_TEXT), ("cs", _COMPLEX_TEXT))
            if pattern.search(text)}


_SLOT_NAMES = {"ascii": "ascii", "h_ansi": "hAnsi (chữ tiếng Việt)", "east_asia": "eastAsia", "cs": "cs"}


def _check_fonts(c: Checker) -> None:
    for paragraph in _all_paragraphs(c.document):
        wrong_fonts: dict[str, set[str]] = {}
        colors: set[str] = set()
        for run in _text_runs(paragraph):
            fonts = run.format.fonts
            if not fonts.ascii == fonts.h_ansi == fonts.east_asia == fonts.cs == "Times New Roman":
                for slot in _slots(run.text):
                    font = getattr(fonts, slot)
                    if font.strip().casefold() != TNR:
                        wrong_fonts.setdefault(font, set()).add(_SLOT_NAMES[slot])
            if run.format.color not in ("auto", "000000"):
                colors.add(run.format.color)
        if wrong_fonts:
            found = "; ".join(f"«{font}» (ô {', '.join(sorted(slots))})" + (
                ", phông bảng mã cũ" if font.startswith(".") or font.upper().startswith("VNI") else "")
                for font, slots in sorted(wrong_fonts.items()))
            c.report("FONT-01", f"Phông chữ cần Times New Roman, thấy {found}.", paragraph)
        if colors:
            found = ", ".join("#" + x for x in sorted(colors))
            c.report("FONT-02", f"Màu chữ cần đen, thấy {found}.", paragraph)
        if not unicodedata.is_normalized("NFC", paragraph.text):
            c.report("FONT-03", "Chữ tiếng Việt cần ở dạng Unicode dựng sẵn (NFC), thấy dạng tổ hợp (NFD).",
                     paragraph)
        elif sample := legacy_encoding_sample(paragraph.text):
            c.report("FONT-03", f"Chữ cần mã Unicode, thấy dấu hiệu bảng mã TCVN3/VNI («{sample}»).",
                     paragraph)


def _page_fields(paragraphs: Iterable[Paragraph]):
    return [(p, f) for p in paragraphs for f in p.fields if field_name(f) == "PAGE"]


def _check_page_numbers(c: Checker) -> None:
    for section in c.document.sections:
        annex = _in_annex(c, section)
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
                issues.append(f"cần căn giữa, thấy {_alignment(paragraph)}")
            if not 13 <= page.format.size <= 14:
                issues.append(f"cỡ chữ cần 13–14 pt, thấy {_pt(page.format.size)}")
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


# ---------------------------------------------------------------------------------------------------------
# Header block, title, authority


def _check_header(c: Checker) -> None:
    header = c.layout.header
    if header is None:
        if c.layout.kind == DECISION:
            c.report("HDR-01", f"Không tìm thấy Quốc hiệu «{NATIONAL_NAMES[0]}» (một đoạn riêng).",
                     section=0, part="phần đầu")
        return
    national = header.national
    text = _norm(national.shown)
    if text not in NATIONAL_NAMES:
        c.report("HDR-01", f"Quốc hiệu cần «{NATIONAL_NAMES[0]}», thấy «{text}».", national)
    c.style("HDR-01", "Quốc hiệu", national, size=(12, 13), bold=True, italic=False, center=True)
    if national.cell is not None and national.cell.column == 0:
        c.report("HDR-01", "Quốc hiệu cần ở ô bên phải của phần đầu, thấy ở ô bên trái.", national)
    motto = header.motto
    if motto is None:
        c.report("HDR-02", f"Không tìm thấy tiêu ngữ «{MOTTO}» dưới Quốc hiệu.", national)
    else:
        text = _norm(motto.shown)
        if text != MOTTO:
            dash = " (gạch nối «-» có cách chữ, không dùng «–»)" if "–" in text or "—" in text else ""
            c.report("HDR-02", f"Tiêu ngữ cần «{MOTTO}»{dash}, thấy «{text}».", motto)
        c.style("HDR-02", "Tiêu ngữ", motto, size=(13, 14), bold=True, italic=False, center=True)
        following = [p for p in (header.right or c.document.paragraphs) if p.number > motto.number]
        if not _has_line_below(motto, following) and not any("line" in p.drawings for p in header.right):
            c.report("HDR-03", "Cần đường kẻ ngang nét liền dưới tiêu ngữ, thấy không có.", motto)
    if header.table is not None:
        _check_issuer(c, header)
        _check_number(c, header)
        _check_date(c, header)


def _check_issuer(c: Checker, header: Header) -> None:
    if not header.issuers:
        c.report("HDR-04", "Không tìm thấy tên cơ quan ban hành ở ô bên trái phần đầu.", header.national)
        return
    for paragraph in header.parents:
        c.style("HDR-04", "Tên cơ quan chủ quản", paragraph, size=(12, 13), bold=False, center=True,
                caps=True)
    for paragraph in header.issuers:
        c.style("HDR-04", "Tên cơ quan ban hành", paragraph, size=(12, 13), bold=True, italic=False,
                center=True, caps=True)
    last = header.issuers[-1]
    following = [p for p in header.left if p.number > last.number]
    line = _has_line_below(last, following)
    if line is None and not any("line" in p.drawings for p in header.left):
        c.report("HDR-05", "Cần đường kẻ ngang nét liền, ngắn dưới tên cơ quan ban hành, thấy không có.",
                 last)
    elif line is not None and line is not last and _off_centre(line):
        c.report("HDR-05", "Đường kẻ dưới tên cơ quan cần ngắn (1/3–1/2 dòng chữ) và căn giữa, "
                           "thấy kẻ hết độ rộng ô hoặc lệch một bên.", line)


def _check_number(c: Checker, header: Header) -> None:
    number = header.number
    if number is None:
        if c.layout.kind == DECISION:
            c.report("HDR-06", "Không tìm thấy dòng «Số: …/QĐ-UBND» dưới tên cơ quan ban hành.",
                     header.national)
        return
    text = _norm(number.shown)
    pattern = _NUMBER_DECISION if c.layout.kind == DECISION else _NUMBER_OTHER
    if not pattern.match(text):
        wanted = "Số: 05/QĐ-UBND" if c.layout.kind == DECISION else "Số: 05/QĐ-UBND, Số: 30/2020/NĐ-CP"
        c.report("HDR-06", f"Số, ký hiệu cần dạng «{wanted}» (số dưới 10 có số 0 đứng trước, không có "
                           f"dấu cách trong ký hiệu; bản thảo để trống số), thấy «{text}».", number)
    c.style("HDR-06", "Số, ký hiệu", number, size=(13, 13), bold=False, italic=False, center=True)
    if number.cell is not None and number.cell.column != 0:
        c.report("HDR-06", "Dòng Số cần ở ô bên trái, dưới tên cơ quan ban hành.", number)


def _check_date(c: Checker, header: Header) -> None:
    date = header.date
    if date is None:
        if c.layout.kind == DECISION:
            c.report("HDR-07", "Không tìm thấy dòng địa danh, ngày tháng năm ban hành.", header.national)
        return
    text = _norm(date.shown)
    match = _DATE_LINE.match(text)
    if not match:
        c.report("HDR-07", f"Địa danh và ngày cần dạng «Lạng Sơn, ngày 05 tháng 02 năm 2024», thấy «{text}».",
                 date)
    else:
        for issue in _date_issues(match.group("day"), match.group("month"), match.group("year")):
            c.report("HDR-07", f"Ngày ban hành: {issue}, thấy «{text}».", date)
    c.style("HDR-07", "Địa danh, ngày tháng", date, size=(13, 14), italic=True, center=True)
    if date.cell is not None and date.cell.column == 0:
        c.report("HDR-07", "Địa danh, ngày tháng cần ở ô bên phải, dưới tiêu ngữ.", date)
    if header.number is not None and date.cell is not None and header.number.cell is not None and (
            date.cell.row != header.number.cell.row or date.cell.table != header.number.cell.table):
        c.report("HDR-07", "Địa danh, ngày tháng cần cùng hàng với dòng Số, ký hiệu.", date)
    if match and c.layout.kind == DECISION and header.issuers:
        province = re.search(r"(?:TỈNH|THÀNH PHỐ) (.+)$", _norm(header.issuers[-1].shown).upper())
        place = match.group("place")
        if (province and place.upper() != province.group(1)) or not place[:1].isupper():
            expected = province.group(1).title() if province else "tên tỉnh, viết hoa chữ đầu"
            c.report("HDR-08", f"Địa danh cần là tên tỉnh nơi cơ quan đóng trụ sở («{expected}»), "
                               f"thấy «{place}».", date)


def _date_issues(day: str | None, month: str | None, year: str) -> list[str]:
    issues = []
    if day is not None and not _DAY.match(day):
        issues.append(f"ngày cần hai chữ số (01–31), thấy «{day}»")
    if month is not None and not _MONTH.match(month):
        issues.append(f"tháng 1, 2 viết «01», «02»; tháng 3–12 không có số 0 đứng trước, "
                      f"thấy «tháng {month}»")
    if day is not None and month is not None and not issues:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            issues.append("ngày không có thật")
    if day is not None and month is None:
        issues.append("có ngày nhưng để trống tháng")
    return issues


def _check_title(c: Checker) -> None:
    layout = c.layout
    title = layout.title
    if title is None:
        if layout.kind == DECISION:
            c.report("TTL-01", "Không tìm thấy tên loại văn bản «QUYẾT ĐỊNH».", section=0, part="tên loại")
        return
    text = _norm(title.shown)
    if layout.kind == DECISION and text != DECISION_TITLE:
        c.report("TTL-01", f"Tên loại cần «{DECISION_TITLE}» (in hoa, không có dấu hai chấm), "
                           f"thấy «{text}».", title)
    elif text.endswith(":"):
        c.report("TTL-01", f"Tên loại không có dấu hai chấm, thấy «{text}».", title)
    c.style("TTL-01", "Tên loại văn bản", title, size=(13, 14), bold=True, italic=False, center=True)
    if not layout.subject:
        c.report("TTL-02", "Không tìm thấy trích yếu nội dung dưới tên loại văn bản.", title)
        return
    sizes = {run.format.size for run in _text_runs(title)}
    for paragraph in layout.subject:
        c.style("TTL-02", "Trích yếu", paragraph, size=(13, 14), bold=True, italic=False, center=True,
                caps=False)
        subject_sizes = {run.format.size for run in _text_runs(paragraph)}
        if len(sizes) == 1 and 13 <= min(sizes) <= 14 and subject_sizes and subject_sizes != sizes:
            c.report("TTL-04", f"Trích yếu cần cùng cỡ chữ với tên loại ({_pts(sizes)}), "
                               f"thấy {_pts(subject_sizes)}.", paragraph)
    line = layout.subject_line
    if line is None:
        if not layout.subject[-1].format.border_bottom:
            c.report("TTL-03", "Cần đường kẻ ngang nét liền, ngắn, căn giữa dưới trích yếu, thấy không có.",
                     layout.subject[-1])
    elif _off_centre(line):
        c.report("TTL-03", "Đường kẻ dưới trích yếu cần ngắn và căn giữa, thấy kẻ hết dòng hoặc lệch một "
                           "bên.", line)
    elif _norm(line.shown) and line.format.alignment != "center":
        c.report("TTL-03", "Đường kẻ dưới trích yếu cần căn giữa.", line)


def _check_authority(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION or layout.title is None:
        return
    authority = layout.authority
    if authority is None:
        anchor = layout.bases[0] if layout.bases else layout.title
        c.report("AUTH-01", "Không tìm thấy dòng thẩm quyền ban hành «CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …» hoặc "
                            "«ỦY BAN NHÂN DÂN TỈNH …» trước các căn cứ.", anchor)
        return
    c.style("AUTH-01", "Thẩm quyền ban hành", authority, size=(13, 14), bold=True, center=True, caps=True)


# ---------------------------------------------------------------------------------------------------------
# Căn cứ, QUYẾT ĐỊNH:, articles


def _check_bases(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION:
        return
    if not layout.bases:
        anchor = layout.decides[0] if layout.decides else layout.title
        if anchor is not None:
            c.report("CANCU-01", "Không tìm thấy căn cứ ban hành («Căn cứ …», «Theo đề nghị …»).", anchor)
        return
    last = layout.bases[-1]
    for paragraph in layout.bases:
        c.style("CANCU-01", "Căn cứ", paragraph, size=(13, 14), italic=True)
        text = _norm(paragraph.shown)
        if paragraph is last and not (text.endswith(".") and not text.endswith("./.")):
            c.report("CANCU-01", f"Căn cứ cuối cùng cần kết thúc bằng dấu chấm «.», thấy «…{text[-12:]}».",
                     paragraph)
        elif paragraph is not last and not text.endswith(";"):
            c.report("CANCU-01", f"Mỗi căn cứ (trừ căn cứ cuối) cần kết thúc bằng dấu chấm phẩy «;», thấy "
                                 f"«…{text[-12:]}».", paragraph)
        if re.search(r";\s*Căn cứ\b", text):
            c.report("CANCU-01", "Mỗi căn cứ cần một đoạn riêng, thấy nhiều «Căn cứ» trong một đoạn.",
                     paragraph)
        _check_citation(c, paragraph, text)
        if not any(abs(paragraph.format.first_line - x) <= INDENT_TOLERANCE for x in FIRST_LINE_INDENTS):
            c.report("CANCU-03", "Căn cứ cần lùi đầu dòng 1 cm hoặc 1,27 cm, "
                                 f"thấy {_mm(paragraph.format.first_line)}.", paragraph)


def _check_citation(c: Checker, paragraph: Paragraph, text: str) -> None:
    if not text.lower().startswith("căn cứ"):
        return
    for segment in re.split(r";\s*", text[len("Căn cứ"):].strip().rstrip(".;")):
        if _LAW.match(segment) and _LAW_NUMBER.search(segment.split(" ngày ")[0]):
            c.report("CANCU-02", f"Viện dẫn Luật, Pháp lệnh chỉ ghi tên loại và tên, không ghi số, ký hiệu: "
                                 f"«{segment[:60]}».", paragraph)
        elif _ACT.match(segment) and not (_ACT_NUMBER.search(segment) and _ACT_DATE.search(segment)):
            c.report("CANCU-02", f"Viện dẫn văn bản cần ghi số, ký hiệu và ngày ban hành: «{segment[:60]}».",
                     paragraph)


def _check_decides(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION or layout.title is None:
        return
    if not layout.decides:
        anchor = layout.bases[-1] if layout.bases else layout.title
        c.report("QD-01", "Không tìm thấy dòng «QUYẾT ĐỊNH:» sau các căn cứ.", anchor)
        return
    for extra in layout.decides[1:]:
        c.report("QD-01", "Chỉ có một dòng «QUYẾT ĐỊNH:», thấy thêm dòng này.", extra)
    decides = layout.decides[0]
    text = _norm(decides.shown)
    if text != DECISION_TITLE + ":":
        c.report("QD-01", f"Cần đúng «{DECISION_TITLE}:» (có dấu hai chấm), thấy «{text}».", decides)
    title_sizes = {run.format.size for run in _text_runs(layout.title)}
    size = (13, 14)
    if len(title_sizes) == 1 and 13 <= min(title_sizes) <= 14:
        size = (min(title_sizes), min(title_sizes))
    c.style("QD-01", "«QUYẾT ĐỊNH:»", decides, size=size, bold=True, center=True, caps=True)


def _check_body(c: Checker) -> None:
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
        for run in _text_runs(paragraph):
            sizes[run.format.size] += len(run.text)
    common = sizes.most_common(1)[0][0] if sizes else None
    previous: Paragraph | None = None
    for paragraph in body:
        issues = _style_issues(paragraph, size=(13, 14), italic=False)
        if paragraph.format.alignment not in ("both", "distribute"):
            issues.append(f"cần căn đều hai lề, thấy {_alignment(paragraph)}")
        own = {run.format.size for run in _text_runs(paragraph)}
        if common is not None and own - {common} and 13 <= common <= 14:
            issues.append(f"cần cùng cỡ chữ với phần nội dung ({_pt(common)}), thấy {_pts(own)}")
        if issues:
            c.report("BODY-01", f"Nội dung: {'; '.join(issues)}.", paragraph)
        if not any(abs(paragraph.format.first_line - x) <= INDENT_TOLERANCE for x in FIRST_LINE_INDENTS):
            c.report("BODY-02", "Lùi đầu dòng cần 1 cm hoặc 1,27 cm, "
                                f"thấy {_mm(paragraph.format.first_line)}.", paragraph)
        if previous is not None and previous.number == paragraph.number - 1:
            gap = _gap(previous, paragraph)
            if gap < MIN_PARAGRAPH_GAP - TWIPS_TOLERANCE:
                c.report("BODY-03", f"Khoảng cách với đoạn trên cần tối thiểu 6 pt, thấy {_pt(gap / 20)}.",
                         paragraph)
        lines = _line_spacing(paragraph)
        if lines is not None:
            c.report("BODY-04", f"Khoảng cách dòng cần từ 1 dòng đến 1,5 dòng, thấy {lines}.", paragraph)
        previous = paragraph
    _check_articles(c, body)
    last = _norm(body[-1].shown)
    if not last.endswith("./."):
        c.report("BODY-07", f"Đoạn cuối phần nội dung cần kết thúc bằng «./.», thấy «…{last[-12:]}».",
                 body[-1])
    for annex in layout.annexes:
        label = annex_label(annex)
        if not mentions(layout, label):
            c.report("BODY-08", f"Nội dung cần dẫn chiếu đến «{label}», thấy không nhắc đến.", annex.heading)
    for paragraph in layout.bases + body:
        found = [message for pattern, message in _CAPITALS if pattern.search(_norm(paragraph.shown))]
        if found:
            c.report("BODY-09", f"Viết hoa: {'; '.join(found)}.", paragraph)


def annex_label(annex: Annex) -> str:
    """`Phụ lục II`, or `Phụ lục` for an annex without a numeral."""
    return "Phụ lục" + (f" {annex.numeral}" if annex.numeral else "")


def mentions(layout: Layout, label: str) -> bool:
    """Whether a decision's căn cứ or articles name `label` (`Phụ lục II`, not within `Phụ lục III`)."""
    text = "\n".join(_norm(p.shown) for p in layout.body + layout.bases)
    return re.search(re.escape(label) + r"(?!\w)", text) is not None


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
    if fmt.line_rule == "auto":
        return None if 240 <= fmt.line <= 360 else f"{fmt.line / 240:.2f} dòng".replace(".", ",")
    size = max((run.format.size for run in _text_runs(paragraph)), default=14)
    lines = fmt.line / (size * 20 * TNR_LINE_HEIGHT)
    if fmt.line_rule == "atLeast":
        lines = max(lines, 1.0)
    if 0.95 <= lines <= 1.55:
        return None
    rule = "chính xác" if fmt.line_rule == "exact" else "tối thiểu"
    return f"{_pt(fmt.line / 20)} ({rule}) ≈ {lines:.2f} dòng chữ {_pt(size)}".replace(".", ",")


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
        text = _norm(paragraph.shown)
        article = _ARTICLE.match(text)
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
            if any(run.format.bold for run in _text_runs(paragraph)):
                c.report("BODY-06", "Điểm cần chữ thường (không đậm), thấy in đậm.", paragraph)


# ---------------------------------------------------------------------------------------------------------
# Signature and recipients


def _check_signature(c: Checker) -> None:
    layout = c.layout
    signature = layout.signature
    if signature is None:
        if layout.kind == DECISION and layout.title is not None:
            anchor = layout.body[-1] if layout.body else layout.title
            c.report("SIGN-01", "Không tìm thấy bảng chữ ký (quyền hạn, chức vụ, họ tên người ký) và "
                                "nơi nhận.", anchor)
        return
    if not signature.titles:
        c.report("SIGN-01", "Không tìm thấy dòng quyền hạn, chức vụ người ký (in hoa).",
                 next(signature.table.paragraphs()))
    for paragraph in signature.titles:
        c.style("SIGN-01", "Quyền hạn, chức vụ người ký", paragraph, size=(13, 14), bold=True, center=True)
        first = _norm(paragraph.shown).split(" ")[0]
        if (re.match(r"^(?:TM|KT|Q|TL|TUQ)\b", first) or re.match(r"^[A-Z]\.[A-Z]\.", first)) \
                and first not in SIGNING_PREFIXES:
            c.report("SIGN-01", f"Chữ viết tắt quyền hạn cần là {', '.join(SIGNING_PREFIXES)} (có dấu chấm), "
                                f"thấy «{first}».", paragraph)
    _check_signing_authority(c, signature)
    name = signature.name
    if name is None:
        if not layout.draft and layout.kind == DECISION:
            c.report("SIGN-03", "Không tìm thấy họ tên người ký.", signature.titles[-1] if signature.titles
                     else next(signature.table.paragraphs()))
    else:
        text = _norm(name.shown)
        if _ACADEMIC.match(text):
            c.report("SIGN-03", f"Không ghi học hàm, học vị trước họ tên người ký, thấy «{text}».", name)
        elif not all(word[:1].isupper() and word[1:] == word[1:].lower() for word in text.split(" ")):
            c.report("SIGN-03", f"Họ tên người ký cần viết hoa chữ đầu mỗi tiếng (Hồ Tiến Thiệu), "
                                f"thấy «{text}».", name)
        c.style("SIGN-03", "Họ tên người ký", name, size=(13, 14), bold=True, center=True)
    _check_recipients(c, signature)


def _check_draft(c: Checker) -> None:
    """A draft leaves both number and day blank and carries no signature or seal; a numbered decision has
    its day."""
    layout = c.layout
    header = layout.header
    if layout.kind != DECISION or header is None or header.number is None or header.date is None:
        return
    date = _DATE_LINE.match(_norm(header.date.shown))
    if date is not None and layout.draft != (date.group("day") is None):
        c.report("DOC-03", "Bản thảo để trống cả số và ngày; văn bản đã có số ghi đủ ngày ban hành, thấy "
                           f"«{_norm(header.number.shown)}» với «{_norm(header.date.shown)}».", header.date)
    if layout.draft and layout.signature and layout.signature.pictures:
        c.report("DOC-03", "Bản thảo không có ảnh chữ ký, con dấu, thấy có ảnh trong khối chữ ký.",
                 next(layout.signature.table.paragraphs()))


def _check_signing_authority(c: Checker, signature: Signature) -> None:
    authority = c.layout.authority
    if c.layout.kind != DECISION or not signature.titles:
        return
    lines = [_norm(p.shown) for p in signature.titles]
    if authority is not None:
        power = _norm(authority.shown).upper()
        if power.startswith("ỦY BAN NHÂN DÂN") and not lines[0].startswith("TM. ỦY BAN NHÂN DÂN"):
            c.report("SIGN-02", f"Thẩm quyền tập thể («{power}») cần ký «TM. ỦY BAN NHÂN DÂN», "
                                f"thấy «{lines[0]}».", signature.titles[0])
        if power.startswith("CHỦ TỊCH"):
            for paragraph, line in zip(signature.titles, lines):
                if line.startswith("TM."):
                    c.report("SIGN-02", f"Thẩm quyền của Chủ tịch («{power}») không ký «TM.», thấy «{line}».",
                             paragraph)
    for index, (paragraph, line) in enumerate(zip(signature.titles, lines)):
        if line == "PHÓ CHỦ TỊCH" and (index == 0 or lines[index - 1] != "KT. CHỦ TỊCH"):
            c.report("SIGN-02", "Phó Chủ tịch ký thay cần dòng «KT. CHỦ TỊCH» ngay trên «PHÓ CHỦ TỊCH».",
                     paragraph)
        if line.startswith("KT.") and index == len(lines) - 1:
            c.report("SIGN-02", f"Sau «{line}» cần chức vụ của người ký thay (ví dụ «PHÓ CHỦ TỊCH»).",
                     paragraph)


def _check_recipients(c: Checker, signature: Signature) -> None:
    label = signature.label
    if label is None:
        if c.layout.kind == DECISION:
            c.report("NN-01", "Không tìm thấy «Nơi nhận:» trong bảng chữ ký.",
                     next(signature.table.paragraphs()))
        return
    text = _norm(label.shown)
    if text != "Nơi nhận:":
        c.report("NN-01", f"Cần đúng «Nơi nhận:» (có dấu hai chấm), thấy «{text}».", label)
    issues = _style_issues(label, size=(12, 12), bold=True, italic=True)
    if label.format.alignment in ("center", "right"):
        issues.append(f"cần căn trái, thấy {_ALIGNMENTS[label.format.alignment]}")
    if issues:
        c.report("NN-01", f"«Nơi nhận:»: {'; '.join(issues)}.", label)
    if signature.titles and not (signature.same_row and signature.level):
        c.report("NN-01", "«Nơi nhận:» cần ngang hàng với dòng quyền hạn, chức vụ người ký (cùng hàng bảng, "
                          "dòng đầu của mỗi ô).", label)
    lines = list(signature.recipients)
    if lines and _DRAFTER.match(_norm(lines[-1].shown)):
        lines.pop()
    items: list[list[Paragraph]] = []
    for paragraph in lines:
        c.style("NN-02", "Nơi nhận", paragraph, size=(11, 11), bold=False, italic=False)
        line = _norm(paragraph.shown)
        if line.startswith(("-", "–")) or not items:
            if not re.match(r"^- \S", line):
                c.report("NN-02", f"Mỗi nơi nhận bắt đầu bằng gạch đầu dòng «- », thấy «{line[:20]}».",
                         paragraph)
            items.append([paragraph])
        else:
            items[-1].append(paragraph)
    if not items:
        c.report("NN-02", "Không có nơi nhận nào dưới «Nơi nhận:».", label)
        return
    for item in items[:-1]:
        end = _norm(item[-1].shown)
        if not end.endswith(";"):
            c.report("NN-02", f"Mỗi nơi nhận (trừ dòng cuối) kết thúc bằng «;», thấy «…{end[-15:]}».",
                     item[-1])
    last_first, last_end = _norm(items[-1][0].shown), _norm(items[-1][-1].shown)
    if not last_first.startswith("- Lưu:"):
        c.report("NN-02", f"Dòng cuối nơi nhận cần «- Lưu: VT, …», thấy «{last_first[:30]}».", items[-1][0])
    if not last_end.endswith("."):
        c.report("NN-02", f"Dòng cuối nơi nhận kết thúc bằng dấu chấm «.», thấy «…{last_end[-15:]}».",
                 items[-1][-1])
    if c.layout.kind == DECISION:
        _check_first_recipient(c, items[0][0])


def _check_first_recipient(c: Checker, paragraph: Paragraph) -> None:
    articles = [int(m.group("number")) for p in c.layout.body if (m := _ARTICLE.match(_norm(p.shown)))]
    executors = [int(m.group("number")) for p in c.layout.body if (m := _ARTICLE.match(_norm(p.shown)))
                 and re.search(r"thi hành Quyết định này|chịu trách nhiệm thi hành", _norm(p.shown))]
    match = re.match(r"^- Như Điều (\d+)\s*;$", _norm(paragraph.shown))
    if not match:
        wanted = f"- Như Điều {executors[-1]};" if executors else "- Như Điều n;"
        c.report("NN-03", f"Nơi nhận đầu tiên của quyết định cần «{wanted}», "
                          f"thấy «{_norm(paragraph.shown)}».", paragraph)
        return
    number = int(match.group(1))
    if executors and number != executors[-1]:
        c.report("NN-03", f"«Như Điều {number}» cần chỉ điều giao trách nhiệm thi hành: cần «Như Điều "
                          f"{executors[-1]}», thấy «Như Điều {number}».", paragraph)
    elif not executors and number not in articles:
        c.report("NN-03", f"«Như Điều {number}»: quyết định không có Điều {number}.", paragraph)


# ---------------------------------------------------------------------------------------------------------
# Annexes and structure


def _check_annexes(c: Checker) -> None:
    annexes = c.layout.annexes
    for index, annex in enumerate(annexes):
        heading = annex.heading
        text = _norm(heading.shown)
        if not annex.new_page:
            c.report("ANX-01", "Phụ lục cần bắt đầu ở trang mới (ngắt mục sang trang mới).", heading)
        if not text.startswith("Phụ lục"):
            c.report("ANX-01", f"Chữ «Phụ lục» viết thường (chỉ hoa chữ đầu), không in hoa, thấy «{text}».",
                     heading)
        c.style("ANX-01", "Dòng «Phụ lục»", heading, size=(14, 14), bold=True, italic=False, center=True)
        _check_numeral(c, annex, index, len(annexes))
        if not annex.title:
            c.report("ANX-03", "Không tìm thấy tên phụ lục dưới dòng «Phụ lục».", heading)
        for paragraph in annex.title:
            c.style("ANX-03", "Tên phụ lục", paragraph, size=(13, 14), bold=True, center=True, caps=True)
        _check_reference(c, annex)
        national = next((p for p in annex.paragraphs if _norm(p.shown).upper() in NATIONAL_NAMES), None)
        if national is None and c.layout.kind == ANNEX and c.layout.header is not None:
            national = c.layout.header.national
        if national is not None:
            c.report("ANX-05", "Trang phụ lục không trình bày Quốc hiệu, tên cơ quan ban hành (Mẫu 2.1).",
                     national)
        last = next((p for p in reversed(annex.paragraphs) if not p.is_empty), heading)
        ending = _norm(last.shown)
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


def _check_numeral(c: Checker, annex: Annex, index: int, count: int) -> None:
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


def _check_reference(c: Checker, annex: Annex) -> None:
    """The `(Kèm theo …)` line, which may wrap over several paragraphs."""
    if not annex.reference:
        c.report("ANX-04", "Không tìm thấy dòng «(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … "
                           "của …)» dưới tên phụ lục.", annex.title[-1] if annex.title else annex.heading)
        return
    first = annex.reference[0]
    text = _reference_text(annex)
    match = _REFERENCE.match(text)
    if not match:
        c.report("ANX-04", "Dòng dẫn cần dạng «(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2024 "
                           f"của Chủ tịch Ủy ban nhân dân tỉnh …)», thấy «{text}».", first)
    else:
        number = match.group("number")
        if number and not re.match(r"^(?:0[1-9]|[1-9]\d+)$", number):
            c.report("ANX-04", f"Số văn bản dưới 10 cần số 0 đứng trước, thấy «{number}».", first)
        date = _REFERENCE_DATE.match(match.group("date"))
        for issue in _date_issues(date.group("day"), date.group("month"), date.group("year")):
            c.report("ANX-04", f"Ngày trong dòng dẫn: {issue}.", first)
        _check_reference_matches(c, first, match)
    for paragraph in annex.reference:
        c.style("ANX-04", "Dòng «Kèm theo …»", paragraph, size=(13, 14), italic=True, center=True)


def _check_reference_matches(c: Checker, reference: Paragraph, match: re.Match) -> None:
    """In a decision typed with its annexes, the reference line repeats the decision's number and date."""
    if c.layout.kind != DECISION or c.layout.header is None:
        return
    for issue in reference_issues(match, c.layout.header):
        c.report("ANX-04", f"{issue}.", reference)


def annex_reference(annex: Annex) -> tuple[Paragraph, re.Match] | None:
    """The first paragraph of an annex's `(Kèm theo …)` line and its parts, when it has the usual form."""
    if not annex.reference:
        return None
    match = _REFERENCE.match(_reference_text(annex))
    return (annex.reference[0], match) if match else None


def _reference_text(annex: Annex) -> str:
    """The `(Kèm theo …)` line as one text: it may wrap over several paragraphs."""
    return " ".join(_norm(p.shown) for p in annex.reference)


def reference_issues(match: re.Match, header: Header) -> list[str]:
    """How a `(Kèm theo …)` line disagrees with the header of the decision it names: number and symbol,
    date, and the issuing body (the line may add "Chủ tịch" before it)."""
    issues = []
    number = re.match(r"^Số: ?([^\s/]*)/(\S+)$", _norm(header.number.shown)) if header.number else None
    found = f"{match.group('number')}/{match.group('symbol')}"
    if number and f"{number.group(1)}/{number.group(2)}" != found:
        issues.append(f"Số, ký hiệu trong dòng dẫn cần trùng với quyết định («{number.group(1)}/"
                      f"{number.group(2)}»), thấy «{found}»")
    date = _DATE_LINE.match(_norm(header.date.shown)) if header.date else None
    if date:
        expected = f"{' ' + date.group('day') if date.group('day') else ''} tháng" \
                   f"{' ' + date.group('month') if date.group('month') else ''} năm {date.group('year')}"
        if match.group("date") != expected:
            issues.append(f"Ngày trong dòng dẫn cần trùng ngày ban hành quyết định («ngày{expected}»), "
                          f"thấy «ngày{match.group('date')}»")
    issuer = " ".join(_norm(p.shown) for p in header.issuers)
    named = modern_tone_marks(match.group("issuer")).casefold()
    if issuer and not named.endswith(modern_tone_marks(issuer).casefold()):
        issues.append(f"Cơ quan trong dòng dẫn cần là cơ quan ban hành quyết định («{issuer}»), "
                      f"thấy «{match.group('issuer')}»")
    return issues


def _check_order(c: Checker) -> None:
    layout = c.layout
    if layout.kind != DECISION:
        return
    landmarks = [("phần đầu", layout.header.national if layout.header else None), ("tên loại", layout.title),
                 ("thẩm quyền", layout.authority), ("căn cứ", layout.bases[0] if layout.bases else None),
                 ("«QUYẾT ĐỊNH:»", layout.decides[0] if layout.decides else None),
                 ("các điều", next((p for p in layout.body if _ARTICLE.match(_norm(p.shown))), None)),
                 ("chữ ký, nơi nhận",
                  next(layout.signature.table.paragraphs()) if layout.signature else None),
                 ("phụ lục", layout.annexes[0].heading if layout.annexes else None)]
    found = [(name, p) for name, p in landmarks if p is not None]
    for (before_name, before), (name, paragraph) in pairwise(found):
        if paragraph.number < before.number:
            c.report("DOC-01", f"Thứ tự các phần: {name} cần đứng sau {before_name}, thấy đứng trước.",
                     paragraph)


_CHECKS = (_check_pages, _check_fonts, _check_page_numbers, _check_header, _check_title, _check_authority,
           _check_bases, _check_decides, _check_body, _check_signature, _check_draft, _check_annexes,
           _check_order)
