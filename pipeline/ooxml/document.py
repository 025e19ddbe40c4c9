"""What reading a .docx gives: frozen records of its body, sections and effective formatting, the XML
namespaces and units they are measured in, and the one error bad input raises (`DocxError`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def qn(tag: str) -> str:
    """`"w:p"` → `"{http://…/wordprocessingml/2006/main}p"` (Clark notation for lxml)."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


TWIPS_PER_MM = 1440 / 25.4


def twips_to_mm(twips: float) -> float:
    return twips / TWIPS_PER_MM


def mm_to_twips(mm: float) -> float:
    return mm * TWIPS_PER_MM


def half_points_to_pt(half_points: int) -> float:
    """OOXML `w:sz` is in half-points: 28 → 14.0 pt."""
    return half_points / 2


UNREADABLE = "check.unreadable"


class DocxError(Exception):
    """The file is not a readable .docx (not a zip, no main document part, malformed XML, a DTD, over a
    limit of `pipeline.ooxml.unpack`).

    The message is Vietnamese and says what is wrong; `code` is the problem code a report gives it
    (`check.unreadable`, `docx.dtd`, `docx.too_large`, …) and `hint` how to fix it, fitting what the file
    is. Nothing else is ever raised for bad input.
    """

    def __init__(self, message: str, *, code: str = UNREADABLE,
                 hint: str = "Mở và lưu lại tệp bằng Word dưới dạng .docx."):
        super().__init__(message)
        self.code = code
        self.hint = hint



@dataclass(frozen=True, slots=True)
class Fonts:
    """The four font slots of a run. Word picks one per character: `ascii` for U+0000–U+007F, `h_ansi`
    for other Latin text (Vietnamese letters such as `ạ`, `ơ`, `Đ`), `east_asia` for CJK, `cs` for complex
    scripts."""

    ascii: str
    h_ansi: str
    east_asia: str
    cs: str


@dataclass(frozen=True, slots=True)
class RunFormat:
    """A run's effective character formatting. `color` is `"auto"` or six upper-case hex digits;
    `underline` is `None` when the run is not underlined."""

    fonts: Fonts
    size: float
    bold: bool
    italic: bool
    caps: bool
    small_caps: bool
    hidden: bool
    color: str
    underline: str | None
    style_id: str | None


@dataclass(frozen=True, slots=True)
class ParagraphFormat:
    """A paragraph's effective properties, in twips. `alignment` is `left`, `center`, `right`, `both`,
    `distribute`, …; `first_line` is negative for a hanging indent; `line_rule` is `auto` (then `line` is in
    240ths of a line), `exact` or `atLeast`. `space_before`/`space_after` already resolve auto spacing."""

    style_id: str | None
    alignment: str
    first_line: int
    left: int
    right: int
    space_before: int
    space_after: int
    line: int
    line_rule: str
    contextual_spacing: bool
    border_bottom: bool
    page_break_before: bool


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    format: RunFormat


@dataclass(frozen=True, slots=True)
class Field:
    """A field (`PAGE`, `NUMPAGES`, …): its instruction and the formatting of what it displays."""

    instruction: str
    format: RunFormat


@dataclass(frozen=True, slots=True)
class CellPosition:
    table: int
    row: int
    column: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph. `number` is 1-based in reading order within its part (`word/document.xml` or a
    header). `text` is what is typed (breaks as `\\n`, tabs as `\\t`); `shown` is what is displayed (hidden
    runs dropped, caps applied). `drawings` holds `"line"`, `"picture"` or `"shape"` for drawn objects.
    `cell` is `None` outside tables (the innermost cell otherwise)."""

    number: int
    part: str
    text: str
    shown: str
    runs: tuple[Run, ...]
    format: ParagraphFormat
    fields: tuple[Field, ...]
    drawings: frozenset[str]
    page_break: bool
    section: int
    cell: CellPosition | None

    @property
    def is_empty(self) -> bool:
        return not self.shown.strip()


@dataclass(frozen=True, slots=True)
class Cell:
    column: int
    blocks: tuple[Paragraph | Table, ...]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The cell's own paragraphs (not those of tables nested in it)."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))


@dataclass(frozen=True, slots=True)
class Row:
    """`repeats` is the `w:tblHeader` flag (repeat as header row on each page); `cant_split` is
    `w:cantSplit` (the row is not broken across pages)."""

    index: int
    cells: tuple[Cell, ...]
    repeats: bool
    cant_split: bool


@dataclass(frozen=True, slots=True)
class Table:
    """A table. `first_number` is the number its first paragraph has (or would have, were it empty)."""

    index: int
    style_id: str | None
    rows: tuple[Row, ...]
    section: int
    nested: bool
    first_number: int

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph of the table in reading order, nested tables included."""
        for row in self.rows:
            for cell in row.cells:
                for block in cell.blocks:
                    if isinstance(block, Paragraph):
                        yield block
                    else:
                        yield from block.paragraphs()


@dataclass(frozen=True, slots=True)
class HeaderFooter:
    part: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Margins:
    top: int
    bottom: int
    left: int
    right: int
    header: int
    footer: int
    gutter: int


@dataclass(frozen=True, slots=True)
class Section:
    """One section. `first`/`last` are the numbers of its first and last body paragraphs. `headers` and
    `footers` map `default`/`first`/`even` to the part in force (inherited when the section has none of its
    own). `start` is how the section begins (`nextPage`, `continuous`, `evenPage`, `oddPage`)."""

    index: int
    width: int
    height: int
    margins: Margins
    title_page: bool
    page_number_start: int | None
    start: str
    headers: Mapping[str, HeaderFooter]
    footers: Mapping[str, HeaderFooter]
    first: int
    last: int

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed .docx. `part` is the name of its main part (the `part` of every body paragraph)."""

    path: Path
    part: str
    blocks: tuple[Paragraph | Table, ...]
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    sections: tuple[Section, ...]

    def paragraph(self, number: int) -> Paragraph:
        return self.paragraphs[number - 1]

