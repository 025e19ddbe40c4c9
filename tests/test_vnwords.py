"""Vietnamese number reading for "(Bằng chữ: …)" against a hand-checked table (domain.md §3)."""

import unicodedata
from decimal import Decimal

import pytest

from pipeline.vnwords import amount_in_words, read_number

READINGS = [
    # units, tens, and the mốt / tư / lăm / mười rules
    (0, "không"),
    (1, "một"),
    (2, "hai"),
    (3, "ba"),
    (4, "bốn"),
    (5, "năm"),
    (6, "sáu"),
    (7, "bảy"),
    (8, "tám"),
    (9, "chín"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (44, "bốn mươi tư"),
    (50, "năm mươi"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    # hundreds and the empty tens place
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (999, "chín trăm chín mươi chín"),
    # thousands: later groups are read with all three places
    (1_000, "một nghìn"),
    (1_001, "một nghìn không trăm linh một"),
    (1_010, "một nghìn không trăm mười"),
    (1_015, "một nghìn không trăm mười lăm"),
    (1_100, "một nghìn một trăm"),
    (2_021, "hai nghìn không trăm hai mươi mốt"),
    (2_024, "hai nghìn không trăm hai mươi tư"),
    (10_000, "mười nghìn"),
    (15_000, "mười lăm nghìn"),
    (21_000, "hai mươi mốt nghìn"),
    (100_000, "một trăm nghìn"),
    (105_000, "một trăm linh năm nghìn"),
    (505_515, "năm trăm linh năm nghìn năm trăm mười lăm"),
    # millions: all-zero groups are skipped, the next group is still read in full
    (1_000_000, "một triệu"),
    (1_000_005, "một triệu không trăm linh năm"),
    (1_005_000, "một triệu không trăm linh năm nghìn"),
    (1_500_000, "một triệu năm trăm nghìn"),
    (2_000_000, "hai triệu"),
    (5_025_110, "năm triệu không trăm hai mươi lăm nghìn một trăm mười"),
    (12_345_678, "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám"),
    # tỷ, and tỷ counted in nghìn / triệu / tỷ
    (1_000_000_000, "một tỷ"),
    (1_000_000_001, "một tỷ không trăm linh một"),
    (1_505_555_005, "một tỷ năm trăm linh năm triệu năm trăm năm mươi lăm nghìn không trăm linh năm"),
    (5_000_000_000_000, "năm nghìn tỷ"),
    (1_000_000_000_005, "một nghìn tỷ không trăm linh năm"),
    (1_234_000_000_000, "một nghìn hai trăm ba mươi tư tỷ"),
    (10**15, "một triệu tỷ"),
    (10**18, "một tỷ tỷ"),
    # negatives
    (-1, "âm một"),
    (-55, "âm năm mươi lăm"),
    (-1_000_005, "âm một triệu không trăm linh năm"),
    # decimals: digit by digit after "phẩy", written digits kept
    (Decimal("85.5"), "tám mươi lăm phẩy năm"),
    (Decimal("0.05"), "không phẩy không năm"),
    (Decimal("1.50"), "một phẩy năm không"),
    (Decimal("89.45"), "tám mươi chín phẩy bốn năm"),
    (Decimal("21.15"), "hai mươi mốt phẩy một năm"),
    (Decimal("-0.5"), "âm không phẩy năm"),
    (Decimal("-0"), "không"),
    (Decimal("1E+3"), "một nghìn"),
    (Decimal(1000), "một nghìn"),
    # strings, Vietnamese notation
    ("1.234,5", "một nghìn hai trăm ba mươi tư phẩy năm"),
    ("2.000.000", "hai triệu"),
    ("1.010", "một nghìn không trăm mười"),
    ("85,52", "tám mươi lăm phẩy năm hai"),
    ("1,50", "một phẩy năm không"),
    ("-1.000.005", "âm một triệu không trăm linh năm"),
    ("−7", "âm bảy"),
    (" 2.021 ", "hai nghìn không trăm hai mươi mốt"),
    # strings, plain notation
    ("1234.5", "một nghìn hai trăm ba mươi tư phẩy năm"),
    ("2000000", "hai triệu"),
    ("1.5", "một phẩy năm"),
    ("0.05", "không phẩy không năm"),
    ("-1", "âm một"),
]


@pytest.mark.parametrize(("value", "expected"), READINGS, ids=[repr(value) for value, _ in READINGS])
def test_read_number(value, expected):
    assert read_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (105, "một trăm lẻ năm"),
        (1_001, "một nghìn không trăm lẻ một"),
        (1_005_000, "một triệu không trăm lẻ năm nghìn"),
        (110, "một trăm mười"),
        ("1.204,5", "một nghìn hai trăm lẻ bốn phẩy năm"),
    ],
)
def test_le_for_an_empty_tens_place(value, expected):
    assert read_number(value, empty_tens="lẻ") == expected


def test_empty_tens_accepts_decomposed_le_and_nothing_else():
    assert read_number(105, empty_tens=unicodedata.normalize("NFD", "lẻ")) == "một trăm lẻ năm"
    with pytest.raises(ValueError):
        read_number(105, empty_tens="lẽ")


@pytest.mark.parametrize(
    "text", ["", "abc", "1,234.5", "1.234.5", "1.23,4", "1 234", "+5", "1.", ",5", "--1", "١٢", "NaN"]
)
def test_bad_strings_raise_value_error(text):
    with pytest.raises(ValueError):
        read_number(text)


def test_non_finite_decimal_raises_value_error():
    with pytest.raises(ValueError):
        read_number(Decimal("Infinity"))


@pytest.mark.parametrize("value", [1.5, True, None])
def test_floats_and_other_types_raise_type_error(value):
    with pytest.raises(TypeError):
        read_number(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2_000_000, "Hai triệu đồng"),
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (0, "Không đồng"),
        (-1, "Âm một đồng"),
        (Decimal(12345678), "Mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám đồng"),
    ],
)
def test_amount_in_words(value, expected):
    assert amount_in_words(value) == expected


def test_amount_in_words_other_currency():
    assert amount_in_words(21, currency="đô la Mỹ") == "Hai mươi mốt đô la Mỹ"


def test_output_is_nfc():
    text = read_number(Decimal("-1234567891.45"), empty_tens="lẻ") + amount_in_words(104)
    assert unicodedata.is_normalized("NFC", text)


def test_num2words_vi_is_not_formal():
    """Why the module does not wrap num2words: its `vi` reads 1.010 as "một nghìn lẻ mười"."""
    num2words = pytest.importorskip("num2words").num2words
    assert num2words(1010, lang="vi") != read_number(1010)
    assert num2words(2021, lang="vi") != read_number(2021)
