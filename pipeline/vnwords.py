"""Numbers in Vietnamese words, as formal documents write them ("Bằng chữ: Hai triệu đồng").

Standard library only. num2words' `vi` is not used: it writes 1.010 as "một nghìn lẻ mười" (formal
text: "một nghìn không trăm mười"), reads 85,5 as "tám mươi lăm phẩy năm mươi" and −1 as "mười chín"
(domain.md §3).

Conventions
-----------
- Digits: không, một, hai, ba, bốn, năm, sáu, bảy, tám, chín; scales: nghìn, triệu, tỷ.
- A tens digit of 1 is "mười" (15 → "mười lăm"), of 2–9 "<digit> mươi" (20 → "hai mươi").
- The units digit changes after a tens digit: 1 → "mốt" after 2–9 (21 → "hai mươi mốt"; but
  11 → "mười một", 101 → "một trăm linh một"); 4 → "tư" after 2–9 (24 → "hai mươi tư"; but
  14 → "mười bốn", 104 → "một trăm linh bốn"); 5 → "lăm" after 1–9 (15 → "mười lăm",
  25 → "hai mươi lăm"; but 105 → "một trăm linh năm").
- An empty tens place before a units digit is "linh" (105 → "một trăm linh năm"). "linh" is the
  project's default; `empty_tens="lẻ"` gives the southern/colloquial "một trăm lẻ năm".
- The number is read in groups of three digits. The leading group is read as it stands
  (5.000 → "năm nghìn", 15.000 → "mười lăm nghìn"); every later group that is not all zero is read
  with all three places, so an empty hundreds place is "không trăm" (1.010 → "một nghìn không trăm
  mười", 2.021 → "hai nghìn không trăm hai mươi mốt").
- An all-zero group is skipped, scale word included: nobody writes "không nghìn" or "không triệu".
  The next non-zero group is still read in full: 1.000.005 → "một triệu không trăm linh năm",
  1.005.000 → "một triệu không trăm linh năm nghìn", 1.000.000.001 → "một tỷ không trăm linh một".
  This is how invoice, accounting and banking software writes amounts in words (for example the
  widely copied "Read money from number to Vietnam Dong text" routine, gist luanvuhlu/5d395c6e94321abd77ed,
  returns nothing for a "000" group and "Không Trăm …" for any other group; the Dart package
  trinhvuduc/number_to_vietnamese_words documents 1000000001 → "Một tỷ không trăm linh một").
- From 10^12 on, "tỷ" is reused on the count of tỷ, which is itself read by the same rules:
  5.000.000.000.000 → "năm nghìn tỷ", 10^15 → "một triệu tỷ", 10^18 → "một tỷ tỷ",
  1.234.000.000.000 → "một nghìn hai trăm ba mươi tư tỷ". The names "nghìn tỷ, triệu tỷ, tỷ tỷ" are
  those NĐ 123/2020/NĐ-CP (Điều 10 khoản 13) uses for the digit groups of amounts on invoices.
- Zero is "không"; a negative number takes "âm" (−1 → "âm một"); −0 is "không".
- Decimals: the integer part as above, then "phẩy" and the fraction digit by digit, every digit
  written, including trailing zeros (85,5 → "tám mươi lăm phẩy năm"; 0,05 → "không phẩy không năm";
  Decimal("1.50") → "một phẩy năm không").
- String input is either Vietnamese notation ("1.234,5", "1234,5") or plain ("1234.5"). A dot followed
  by groups of exactly three digits is a thousands separator, as the project writes numbers
  (domain.md §3): "1.234" is 1234, "1.5" is 1,5. Anything else raises ValueError. Floats are refused
  (TypeError): they do not keep the digits as written; pass a Decimal or a string.

Output is lower case except in `amount_in_words`, which is sentence case, and always Unicode NFC.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_EMPTY_TENS = ("linh", "lẻ")
_BILLION = 10**9
_BELOW_BILLION_SCALES = ((10**6, "triệu"), (10**3, "nghìn"), (1, None))

_VIETNAMESE = re.compile(r"([-−]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?", re.ASCII)
_PLAIN = re.compile(r"([-−]?)(\d+)(?:\.(\d+))?", re.ASCII)


def _units_word(tens: int, units: int) -> str:
    """The units digit, whose word depends on the tens digit before it (mốt, tư, lăm)."""
    if tens >= 2 and units == 1:
        return "mốt"
    if tens >= 2 and units == 4:
        return "tư"
    if tens >= 1 and units == 5:
        return "lăm"
    return _DIGITS[units]


def _read_group(group: int, full: bool, empty_tens: str) -> list[str]:
    """Words for a group 1–999; `full` reads an empty hundreds place as "không trăm"."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words = [_DIGITS[hundreds], "trăm"] if hundreds or full else []
    if tens == 1:
        words.append("mười")
    elif tens >= 2:
        words += [_DIGITS[tens], "mươi"]
    elif units and words:
        words.append(empty_tens)
    if units:
        words.append(_units_word(tens, units))
    return words


def _read_below_billion(number: int, leading: bool, empty_tens: str) -> list[str]:
    """Words for 1 ≤ number < 10^9; `leading` when nothing has been read before it."""
    words: list[str] = []
    for size, scale in _BELOW_BILLION_SCALES:
        group = number // size % 1000
        if group:
            words += _read_group(group, full=bool(words) or not leading, empty_tens=empty_tens)
            if scale:
                words.append(scale)
    return words


def _read_integer(number: int, empty_tens: str) -> list[str]:
    """Words for number ≥ 1: the count of tỷ (read by the same rules), "tỷ", then the rest."""
    billions, rest = divmod(number, _BILLION)
    words = _read_integer(billions, empty_tens) + ["tỷ"] if billions else []
    if rest:
        words += _read_below_billion(rest, leading=not words, empty_tens=empty_tens)
    return words


def _split(text: str, patterns: tuple[re.Pattern[str], ...]) -> tuple[bool, int, str]:
    """(negative, integer part, fraction digits) of the first pattern that matches all of `text`."""
    for pattern in patterns:
        match = pattern.fullmatch(text)
        if match:
            sign, integer, fraction = match.groups()
            return bool(sign), int(integer.replace(".", "")), fraction or ""
    raise ValueError(f"not a number in Vietnamese (1.234,5) or plain (1234.5) notation: {text!r}")


def _parts(value: int | Decimal | str) -> tuple[bool, int, str]:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise TypeError(f"expected int, Decimal or str, got {type(value).__name__}")
    if isinstance(value, int):
        return value < 0, abs(value), ""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return _split(f"{value:f}", (_PLAIN,))
    return _split(value.strip(), (_VIETNAMESE, _PLAIN))


def read_number(value: int | Decimal | str, *, empty_tens: str = "linh") -> str:
    """The number in lower-case Vietnamese words: `1010` → "một nghìn không trăm mười".

    `empty_tens` is "linh" (default) or "lẻ". See the module docstring for the conventions.
    """
    empty_tens = unicodedata.normalize("NFC", empty_tens)
    if empty_tens not in _EMPTY_TENS:
        raise ValueError(f"empty_tens must be 'linh' or 'lẻ', not {empty_tens!r}")
    negative, integer, fraction = _parts(value)
    words = _read_integer(integer, empty_tens) if integer else ["không"]
    if fraction:
        words += ["phẩy"] + [_DIGITS[int(digit)] for digit in fraction]
    if negative and (integer or fraction.strip("0")):
        words.insert(0, "âm")
    return unicodedata.normalize("NFC", " ".join(words))


def amount_in_words(value: int | Decimal, currency: str = "đồng") -> str:
    """An amount for "(Bằng chữ: …)": `2000000` → "Hai triệu đồng" (sentence case)."""
    words = read_number(value)
    text = f"{words[0].upper()}{words[1:]} {currency}"
    return unicodedata.normalize("NFC", text)
