"""The figures of Nghị định 30/2020/NĐ-CP, Phụ lục I, as data: page, margins, font, sizes, indents, spacing.

Each figure is written here once. The rule table (`rules`) states them, the checker accepts what lies in
their ranges and `scripts/make_templates.py` writes the size a template uses (`Sizes.written`), so a change
of one figure changes all three. Lengths are `Mm` and font sizes `Pt`, never bare numbers: a figure is
converted to Word's units (twips, half-points) only where it is written or compared.

Sources: format.md §1 (page set-up, Phụ lục I, I.1–7), §2 (sizes per component, Phụ lục I, II and V) and §10
(what the Government's own files use, for the sizes and margins our templates choose within a range).
Read the figures through the module (`figures.BODY`), not by copying them into names of one's own, so that
a test may change one and see both the checker and the generator follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TWIPS_PER_POINT = 20
TWIPS_PER_MM = 1440 / 25.4


def decimal(value: float) -> str:
    """`12.7` → `12,7`, `14.0` → `14` (Vietnamese decimal comma)."""
    return f"{value:g}".replace(".", ",")


@dataclass(frozen=True, slots=True, order=True)
class Pt:
    """A length in points (font sizes, spacing between paragraphs)."""

    value: float

    @property
    def twips(self) -> int:
        return round(self.value * TWIPS_PER_POINT)

    @property
    def half_points(self) -> int:
        """What OOXML `w:sz` holds: 14 pt → 28."""
        return round(self.value * 2)

    def __str__(self) -> str:
        return f"{decimal(self.value)} pt"


@dataclass(frozen=True, slots=True, order=True)
class Mm:
    """A length in millimetres (paper, margins, indents)."""

    value: float

    @property
    def twips(self) -> int:
        """The whole twips at or above this length, so that a measure written in twips is never short of
        the figure (15 mm → 851, not 850,4 rounded down)."""
        return math.ceil(round(self.value * TWIPS_PER_MM, 6))

    def __str__(self) -> str:
        return f"{decimal(self.value)} mm"

    def in_cm(self) -> str:
        """`12.7 mm` → `1,27 cm` (how the decree states indents)."""
        return f"{decimal(round(self.value / 10, 4))} cm"


@dataclass(frozen=True, slots=True)
class MmRange:
    """A length the decree allows from `low` to `high`."""

    low: Mm
    high: Mm

    def __str__(self) -> str:
        return f"{decimal(self.low.value)}–{self.high}"


@dataclass(frozen=True, slots=True)
class Sizes:
    """The font sizes the decree allows for one part of a document (`low`–`high`, one size when they are
    equal) and the one our templates write."""

    low: Pt
    high: Pt
    written: Pt

    def __post_init__(self) -> None:
        if not self.low <= self.written <= self.high:
            raise ValueError(f"{self.written} is outside {self}")

    @classmethod
    def only(cls, size: Pt) -> Sizes:
        """A part the decree gives one size."""
        return cls(size, size, written=size)

    def allows(self, size: float) -> bool:
        return self.low.value <= size <= self.high.value

    def __str__(self) -> str:
        """`12–13` or `12` (without the unit, as the decree writes «cỡ 12–13»)."""
        low, high = decimal(self.low.value), decimal(self.high.value)
        return low if low == high else f"{low}–{high}"


@dataclass(frozen=True, slots=True)
class PageMargins:
    top: MmRange
    bottom: MmRange
    left: MmRange
    right: MmRange


@dataclass(frozen=True, slots=True)
class ChosenMargins:
    """The margins a template writes, each within the decree's range."""

    top: Mm
    bottom: Mm
    left: Mm
    right: Mm


# Page set-up (Phụ lục I, I.1–3)
PAPER = (Mm(210), Mm(297))
"""A4, width × height of a portrait page."""
MARGINS = PageMargins(top=MmRange(Mm(20), Mm(25)), bottom=MmRange(Mm(20), Mm(25)),
                      left=MmRange(Mm(30), Mm(35)), right=MmRange(Mm(15), Mm(20)))
PORTRAIT_MARGINS = ChosenMargins(top=MARGINS.top.high, bottom=MARGINS.bottom.low, left=MARGINS.left.high,
                                 right=MARGINS.right.high)
"""What the Government's own files use (format.md §10): the widest top, left and right margins allowed and
the narrowest bottom one."""
LANDSCAPE_MARGINS = ChosenMargins(top=MARGINS.top.low, bottom=MARGINS.bottom.low, left=MARGINS.left.low,
                                  right=MARGINS.right.low)
"""Landscape annex pages (not settled by the decree): the smallest margins allowed, for the widest tables."""
HEADER_DISTANCE = Mm(10)
"""From the page's top edge to the page number (Word's «Header from top»), as in the decree's own file."""

# Font (Phụ lục I, I.4)
FONT = "Times New Roman"
COLORS = ("auto", "000000")
"""Black: Word's automatic colour or #000000."""

# Font sizes per part (Phụ lục I, II and V; format.md §2)
TEXT = Sizes(Pt(13), Pt(14), written=Pt(14))
"""The common range: tên loại, trích yếu, căn cứ, nội dung, chữ ký, số trang, tên phụ lục."""
NATIONAL_NAME = Sizes(Pt(12), Pt(13), written=Pt(13))
MOTTO = TEXT
ISSUER = NATIONAL_NAME
NUMBER = Sizes.only(Pt(13))
PLACE_DATE = TEXT
TITLE = SUBJECT = AUTHORITY = BASES = BODY = TEXT
SIGNER = TEXT
PAGE_NUMBER = TEXT
RECIPIENTS_LABEL = Sizes.only(Pt(12))
RECIPIENTS = Sizes.only(Pt(11))
ANNEX_HEADING = Sizes.only(Pt(14))
ANNEX_TITLE = TEXT
ANNEX_REFERENCE = Sizes(TEXT.low, TEXT.high, written=TEXT.low)
"""The `(Kèm theo …)` line; our annexes write it a point smaller than the title, as Mẫu 2.1 does."""
ATTACHMENT_REFERENCE = TEXT
"""The `(Kèm theo …)` line of a document issued with a decision (Mẫu 1.3), the size of its title."""

# Paragraphs of the body (Phụ lục I, II.6e)
FIRST_LINE_INDENTS = (Mm(10), Mm(12.7))
"""1 cm or 1,27 cm."""
PARAGRAPH_GAP = Pt(6)
"""The least space between two paragraphs."""
LINE_SPACING = (1.0, 1.5)
"""Lines: from single to one and a half."""

# How close a measure read from a file must be to a figure
TWIPS_TOLERANCE = 2
INDENT_TOLERANCE = 10


def first_line_indents_text() -> str:
    """`1 cm hoặc 1,27 cm`."""
    return " hoặc ".join(indent.in_cm() for indent in FIRST_LINE_INDENTS)
