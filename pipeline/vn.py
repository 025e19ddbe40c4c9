"""Vietnamese text rules: NFC, numbers (85,52; 1.234), dates as NĐ 30 writes them, collation.

Pure functions, standard library only.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

BLANK = " " * 6
"""What stands in a draft where the registration office will write the number or the day."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Legacy 8-bit Vietnamese encodings read as Latin-1/cp1252 leave these tell-tale characters.
# TCVN3 (ABC) puts precomposed vowels at ¸ ¹ µ ¶ · Ê Ë Ì …; VNI typing leaves "Vieät Nam".
# Latin-1 characters that are not Vietnamese letters; next to a letter they betray TCVN3/VNI bytes read as
# Latin-1. Vietnamese capitals such as Ô, Ò, Ý are not among them, so "Ông", "HÒA", "Ý kiến" pass.
_LEGACY_CHARACTERS = "¡¢£¤¥¦§¨©ª¬®¯±´µ¶·¸¹º¼½¾¿ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïðñö÷øûüþÿ"
_LEGACY_TEXT = re.compile(f"[A-Za-z][{_LEGACY_CHARACTERS}]|[{_LEGACY_CHARACTERS}][A-Za-z]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_OLD_PLACEMENT = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONE_MARKS}])(?![^\W\d_]|[\u0300-\u036f])")


def modern_tone_marks(text: str) -> str:
    """Write `Ủy`/`HÒA` rather than `Uỷ`/`HOÀ` (domain.md §3): in a syllable ending in oa, oe or uy the
    tone mark goes on the first vowel. Syllables that go on (`hoàn`, `khuyến`) are left alone."""
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(_OLD_PLACEMENT.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed))


def control_characters(text: str, allow_newline: bool = False) -> list[str]:
    """The control characters in `text` (as `U+XXXX`), newline excepted when allowed."""
    found = [f"U+{ord(ch):04X}" for ch in _CONTROL.findall(text)]
    if not allow_newline and "\n" in text:
        found.append("U+000A")
    return found


_INVISIBLE = re.compile("[\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]")
"""Characters that show nothing or reorder what is shown: zero-width spaces and joiners, bidi marks,
embeddings, overrides and isolates (U+202E turns «Sở A» around on screen), the byte-order mark, word
joiners and invisible operators, variation selectors, Hangul fillers. Vietnamese text
never needs them; pasted from Word or a web page, they make two identical-looking names differ."""


_CONTROL_NAMES = {"\x00": "NULL", "\x08": "BACKSPACE", "\x09": "CHARACTER TABULATION", "\x0b": "LINE TABULATION",
                  "\x0c": "FORM FEED", "\x1b": "ESCAPE", "\x7f": "DELETE"}


def char_name(ch: str) -> str:
    """`U+200B ZERO WIDTH SPACE`: a character as a clerk can look it up."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '') or _CONTROL_NAMES.get(ch, 'CONTROL')}"


def invisible_characters(text: str) -> list[str]:
    """The invisible or reordering characters in `text`, each named once (`U+200B ZERO WIDTH SPACE`)."""
    return [char_name(ch) for ch in dict.fromkeys(_INVISIBLE.findall(text))]


def without_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


EXCERPT_LENGTH = 80


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """A value as quoted in a message: at most `limit` characters, line breaks shown as `↵`, cut with `…` and
    the full length. A message quotes what the clerk wrote so they can find it; it never repeats a file."""
    text = str(value)
    shown = text[:limit].replace("\r\n", "\n").replace("\n", "↵").replace("\r", "↵")
    if len(text) <= limit:
        return shown
    return f"{shown[: limit - 1].rstrip()}… ({len(text)} ký tự)"


def legacy_encoding_sample(text: str) -> str | None:
    """The first two characters that look like TCVN3/VNI bytes shown as Latin-1 (`©n` in `nh©n`), or None."""
    found = _LEGACY_TEXT.search(text)
    return found.group(0) if found else None


def looks_like_legacy_encoding(text: str) -> bool:
    """True when text looks like TCVN3/VNI bytes shown as Latin-1 instead of Unicode."""
    return legacy_encoding_sample(text) is not None


def upper(text: str) -> str:
    """Upper case that keeps Vietnamese letters precomposed (`Lạng Sơn` → `LẠNG SƠN`)."""
    return nfc(nfc(text).upper())


_VIETNAMESE_SEPARATORS = str.maketrans(",.", ".,")


def number(value: Decimal | int, places: int | None = None) -> str:
    """`1234.5` → `1.234,5`; with `places`, rounded half up to that many decimals (`89,45`)."""
    amount = Decimal(value)
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return sign + format(abs(amount), ",f").translate(_VIETNAMESE_SEPARATORS)


def day_text(day: int) -> str:
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Months 1 and 2 take a leading zero, 3 to 12 do not (NĐ 30, Phụ lục I, II.4b)."""
    return f"{month:02d}" if month <= 2 else str(month)


def short_date(day: dt.date) -> str:
    """`19/6/2015`, `02/12/2020`, `14/01/2024`: the form citations use."""
    return f"{day_text(day.day)}/{month_text(day.month)}/{day.year}"


def long_date(year: int, month: int | None, day: int | None) -> str:
    """`ngày 05 tháng 02 năm 2024`; unknown parts are left blank for the registration office."""
    day_part = f" {day_text(day)} " if day is not None else BLANK
    month_part = f" {month_text(month)} " if month is not None else BLANK
    return f"ngày{day_part}tháng{month_part}năm {year}"


def numbered(words: str, number: int | None, symbol: str) -> str:
    """`Số: 05/QĐ-UBND`; a draft (no number yet) leaves a blank for it: `Số:      /QĐ-UBND`."""
    if number is None:
        return f"{words}{BLANK}/{symbol}"
    return f"{words} {number:02d}/{symbol}"


def roman(value: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for size, letters in numerals:
        count, value = divmod(value, size)
        out.append(letters * count)
    return "".join(out)


MAX_ROMAN = 39
"""The highest numeral `roman_value` reads (XXXIX): annexes and chapters never come near it."""


def roman_value(text: str | None) -> int | None:
    """`"IV"` → 4 (any case); None for anything that is not a numeral `roman` writes, up to `MAX_ROMAN`."""
    wanted = (text or "").upper()
    return next((n for n in range(1, MAX_ROMAN + 1) if roman(n) == wanted), None)


_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the base letter


@functools.lru_cache(maxsize=8192)
def collation_key(text: str) -> tuple:
    """Sort key in Vietnamese alphabetical order (a ă â b c d đ …), tones as a secondary difference.

    Python's `sorted()` puts `Đ` after `Z` and `Ă` after `A…Z`; this does not.
    """
    primary: list[tuple[int, str]] = []
    secondary: list[int] = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if ch in _TONES:
            if secondary:
                secondary[-1] = _TONES[ch]
            continue
        if ch in _SHAPE_MARKS and primary:
            base = primary[-1][1] + ch
            letter = unicodedata.normalize("NFC", base)
            primary[-1] = (_ORDER.get(letter, 100), letter)
            continue
        if ch == "đ":
            primary.append((_ORDER["đ"], ch))
        else:
            primary.append((_ORDER.get(ch, 100 + ord(ch)), ch))
        secondary.append(0)
    return tuple(rank for rank, _ in primary), tuple(secondary), text


POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
"""The letters of điểm a), b), … in Vietnamese alphabetical order (NĐ 30 Phụ lục I: no f, j, w, z)."""


def ascii_slug(text: str) -> str:
    """`Lạng Sơn` → `Lang-Son`, `05/QĐ-UBND` → `05-QD-UBND`: ASCII letters and digits joined by hyphens, for
    names that must survive any file system or identifier scheme. Case is kept; callers lower it if they need."""
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return re.sub(r"[^A-Za-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")


NBSP = "\u00a0"
_YEAR = re.compile(r"(?:(?<=\S) )?\b(năm|Năm) (\d{4})\b")


def as_set(title: str, names: tuple[str, ...] = ()) -> str:
    """A heading as set on the page (the trích yếu): the drafter's own line breaks (`\\n`) kept; otherwise a
    place name in `names` is never split across lines, and «năm YYYY» neither, nor left alone on the last line
    (no-break spaces bind it to the word before, as Vietnamese typesetting keeps them)."""
    lines = []
    for line in title.split("\n"):
        line = " ".join(line.split())
        for name in sorted(names, key=len, reverse=True):
            if " " in name:
                line = line.replace(name, name.replace(" ", NBSP))
        lines.append(_YEAR.sub(lambda match: f"{NBSP if match.group(0)[0] == ' ' else ''}{match.group(1)}{NBSP}"
                                             f"{match.group(2)}", line))
    return "\n".join(lines)


def one_line(text: str) -> str:
    """`text` on one line with plain spaces: what registers, metadata and file properties record."""
    return " ".join(text.replace(NBSP, " ").split())
