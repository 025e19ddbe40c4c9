"""Font (Phụ lục I, I.4): Times New Roman in every slot Word shows text with, black, Unicode NFC.
FONT-01, -02, -03; the body, headers and footers alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from pipeline.check.machinery import Checker
from pipeline.check.text import text_runs
from pipeline.nd30 import figures
from pipeline.ooxml.reader import Document, Paragraph
from pipeline.vn import legacy_encoding_sample

_ASCII_TEXT = re.compile(r"[!-~]")
_EAST_ASIAN_TEXT = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_COMPLEX_TEXT = re.compile("[\u0590-\u08ff\u0e00-\u0e7f]")
_OTHER_TEXT = re.compile("[^\\x00-\\x7f\\s\u0590-\u08ff\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SLOT_NAMES = {"ascii": "ascii", "h_ansi": "hAnsi (chữ tiếng Việt)", "east_asia": "eastAsia", "cs": "cs"}


def all_paragraphs(document: Document) -> Iterator[Paragraph]:
    """The body's paragraphs, then those of every header and footer part once."""
    yield from document.paragraphs
    seen: set[str] = set()
    for section in document.sections:
        for part in (*section.headers.values(), *section.footers.values()):
            if part.part not in seen:
                seen.add(part.part)
                yield from part.paragraphs


def _slots(text: str) -> set[str]:
    """The font slots Word uses to show `text`: ascii for U+0021–U+007E, eastAsia for CJK, cs for complex
    scripts, hAnsi for the rest (Vietnamese letters among them)."""
    return {slot for slot, pattern in (("ascii", _ASCII_TEXT), ("h_ansi", _OTHER_TEXT),
                                       ("east_asia", _EAST_ASIAN_TEXT), ("cs", _COMPLEX_TEXT))
            if pattern.search(text)}


def check_fonts(c: Checker) -> None:
    font = figures.FONT
    for paragraph in all_paragraphs(c.document):
        wrong_fonts: dict[str, set[str]] = {}
        colors: set[str] = set()
        for run in text_runs(paragraph):
            fonts = run.format.fonts
            if not fonts.ascii == fonts.h_ansi == fonts.east_asia == fonts.cs == font:
                for slot in _slots(run.text):
                    found = getattr(fonts, slot)
                    if found.strip().casefold() != font.casefold():
                        wrong_fonts.setdefault(found, set()).add(_SLOT_NAMES[slot])
            if run.format.color not in figures.COLORS:
                colors.add(run.format.color)
        if wrong_fonts:
            found = "; ".join(f"«{name}» (ô {', '.join(sorted(slots))})" + (
                ", phông bảng mã cũ" if name.startswith(".") or name.upper().startswith("VNI") else "")
                for name, slots in sorted(wrong_fonts.items()))
            c.report("FONT-01", f"Phông chữ cần {font}, thấy {found}.", paragraph)
        if colors:
            found = ", ".join("#" + x for x in sorted(colors))
            c.report("FONT-02", f"Màu chữ cần đen, thấy {found}.", paragraph)
        if not unicodedata.is_normalized("NFC", paragraph.text):
            c.report("FONT-03", "Chữ tiếng Việt cần ở dạng Unicode dựng sẵn (NFC), thấy dạng tổ hợp (NFD).",
                     paragraph)
        elif sample := legacy_encoding_sample(paragraph.text):
            c.report("FONT-03", f"Chữ cần mã Unicode, thấy dấu hiệu bảng mã TCVN3/VNI («{sample}»).",
                     paragraph)
