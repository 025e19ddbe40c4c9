"""What the checker's parts and families say about a paragraph's text and look, and how they write it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from pipeline.nd30.figures import Sizes
from pipeline.ooxml.reader import Paragraph, Run, twips_to_mm

LINE_CENTRE_TOLERANCE = 120
"""Twips between the left and right indents of a short line that is still centred."""
ALIGNMENTS = {"left": "căn trái", "center": "căn giữa", "right": "căn phải", "both": "căn đều hai lề",
              "distribute": "căn đều hai lề"}
_UNDERSCORES = re.compile(r"^_{3,}$")


def norm(text: str) -> str:
    """NFC, no-break spaces as spaces, runs of white space as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def excerpt(paragraph: Paragraph) -> str | None:
    """The paragraph's first words (at most 8 and 60 characters), `…` when there is more."""
    words = norm(paragraph.shown).split(" ")
    text = " ".join(words[:8])
    if len(text) > 60:
        text = text[:59].rstrip()
    return (text + "…" if text != " ".join(words) else text) or None


def all_caps(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and not any(ch.islower() for ch in text)


def pt(value: float) -> str:
    return (f"{value:g}").replace(".", ",") + " pt"


def pts(values: Iterable[float]) -> str:
    return ", ".join(pt(value) for value in sorted(values))


def mm(twips: int) -> str:
    return f"{twips_to_mm(twips):.1f}".rstrip("0").rstrip(".").replace(".", ",") + " mm"


def alignment(paragraph: Paragraph) -> str:
    return ALIGNMENTS.get(paragraph.format.alignment, paragraph.format.alignment)


def text_runs(paragraph: Paragraph) -> list[Run]:
    """The runs that show text (hidden runs and white space left out)."""
    return [run for run in paragraph.runs if run.text.strip() and not run.format.hidden]


def is_rule_line(paragraph: Paragraph) -> bool:
    """A paragraph drawn as a horizontal line: a bottom border on an empty paragraph, a drawn line, or
    underscores."""
    if "line" in paragraph.drawings:
        return True
    text = norm(paragraph.shown)
    return (not text and paragraph.format.border_bottom) or bool(_UNDERSCORES.match(text))


def line_below(paragraph: Paragraph, following: list[Paragraph]) -> Paragraph | None:
    """The line right under `paragraph` (itself when it has a bottom border or an underline), or None.
    Empty paragraphs without a line in between are skipped."""
    if paragraph.format.border_bottom or "line" in paragraph.drawings or (
            text_runs(paragraph) and all(run.format.underline for run in text_runs(paragraph))):
        return paragraph
    for candidate in following[:3]:
        if is_rule_line(candidate):
            return candidate
        if not candidate.is_empty:
            return None
    return None


def off_centre(line: Paragraph) -> bool:
    """Whether a line drawn as the bottom border of an empty paragraph runs across the whole width or sits
    to one side (its length and place come from the paragraph's indents). Other lines are not measured."""
    fmt = line.format
    return (fmt.border_bottom and not line.drawings and not norm(line.shown)
            and (min(fmt.left, fmt.right) <= 0 or abs(fmt.left - fmt.right) > LINE_CENTRE_TOLERANCE))


def style_issues(paragraph: Paragraph, *, size: Sizes | None = None, bold: bool | None = None,
                 italic: bool | None = None, center: bool = False, caps: bool | None = None) -> list[str]:
    """What in the paragraph's visible text differs from the expected formatting, in Vietnamese."""
    runs = text_runs(paragraph)
    if not runs:
        return []
    issues: list[str] = []
    if size is not None:
        sizes = sorted({run.format.size for run in runs})
        if not all(size.allows(s) for s in sizes):
            issues.append(f"cỡ chữ cần {size} pt, thấy {', '.join(pt(s) for s in sizes)}")
    for name, wanted, yes, no in (("bold", bold, "in đậm", "không đậm"),
                                  ("italic", italic, "in nghiêng", "chữ đứng")):
        if wanted is None:
            continue
        flags = [getattr(run.format, name) for run in runs]
        if (wanted and not all(flags)) or (not wanted and any(flags)):
            found = yes if all(flags) else (no if not any(flags) else f"{yes} một phần")
            issues.append(f"cần {yes if wanted else no}, thấy {found}")
    if center and paragraph.format.alignment != "center":
        issues.append(f"cần căn giữa, thấy {alignment(paragraph)}")
    if caps is not None and all_caps(paragraph.shown) != caps:
        issues.append("cần in hoa toàn bộ" if caps else "cần viết chữ thường (không in hoa toàn bộ)")
    return issues
