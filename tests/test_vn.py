"""Vietnamese text rules: dates, numbers, tone marks, collation, control characters."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from pipeline import vn


@pytest.mark.parametrize(("args", "expected"), [
    ((2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
    ((2024, 1, 31), "ngày 31 tháng 01 năm 2024"),
    ((2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
    ((2019, 9, 5), "ngày 05 tháng 9 năm 2019"),
    ((2024, 12, 10), "ngày 10 tháng 12 năm 2024"),
    ((2024, 1, None), "ngày      tháng 01 năm 2024"),
    ((2025, None, None), "ngày      tháng      năm 2025"),
])
def test_long_dates_follow_nd30(args, expected):
    assert vn.long_date(*args) == expected


def test_short_dates_and_numbers():
    import datetime as dt

    assert vn.short_date(dt.date(2015, 6, 19)) == "19/6/2015"
    assert vn.short_date(dt.date(2024, 1, 14)) == "14/01/2024"
    assert vn.short_date(dt.date(2020, 12, 2)) == "02/12/2020"
    assert vn.number(Decimal("85.52")) == "85,52"
    assert vn.number(1234) == "1.234"
    assert vn.number(Decimal("1234567.5")) == "1.234.567,5"
    assert vn.number(Decimal("89.445"), 2) == "89,45"  # half up, not banker's rounding
    assert vn.number(Decimal("-3.5")) == "-3,5"
    assert vn.numbered("Số:", 5, "QĐ-UBND") == "Số: 05/QĐ-UBND"
    assert vn.numbered("Số:", 694, "QĐ-UBND") == "Số: 694/QĐ-UBND"
    assert vn.numbered("Số:", None, "QĐ-UBND") == "Số:      /QĐ-UBND"


@pytest.mark.parametrize(("old", "new"), [
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"), ("UỶ BAN", "ỦY BAN"), ("CỘNG HOÀ", "CỘNG HÒA"), ("hoà bình", "hòa bình"),
    ("thuỷ lợi", "thủy lợi"), ("xoá", "xóa"), ("hoàn thành", "hoàn thành"), ("quý", "quý"), ("khuyến", "khuyến"),
    ("Luật", "Luật"), ("thuận", "thuận"), ("Nguyễn", "Nguyễn"), ("LUẬT", "LUẬT"), ("khoẻ", "khỏe"),
])
def test_tone_marks_are_written_the_modern_way(old, new):
    assert vn.modern_tone_marks(old) == new
    assert vn.modern_tone_marks(unicodedata.normalize("NFD", old)) == new


def test_upper_keeps_vietnamese_letters():
    assert vn.upper("tỉnh Lạng Sơn") == "TỈNH LẠNG SƠN"
    assert vn.upper(unicodedata.normalize("NFD", "Đắk Nông")) == "ĐẮK NÔNG"


def test_vietnamese_collation():
    names = ["Sở Y tế", "Sở Đầu tư", "Sở Du lịch", "Sở Ăn uống", "Sở An ninh", "Sở Ân xá", "Sở Ba"]
    assert sorted(names, key=vn.collation_key) == ["Sở An ninh", "Sở Ăn uống", "Sở Ân xá", "Sở Ba", "Sở Du lịch",
                                                   "Sở Đầu tư", "Sở Y tế"]
    assert sorted(["Đình Lập", "Hữu Lũng"], key=vn.collation_key) == ["Đình Lập", "Hữu Lũng"]
    assert sorted(["Đình Lập", "Hữu Lũng"]) == ["Hữu Lũng", "Đình Lập"]  # why collation_key exists
    assert sorted(["má", "ma", "mà"], key=vn.collation_key) == ["ma", "mà", "má"]


def test_control_characters_and_legacy_text():
    assert vn.control_characters("a\x07b") == ["U+0007"]
    assert vn.control_characters("a\nb", allow_newline=True) == []
    assert vn.control_characters("a\nb") == ["U+000A"]
    assert vn.looks_like_legacy_encoding("Uû ban nh©n d©n")  # TCVN3 bytes read as Latin-1
    assert not vn.looks_like_legacy_encoding("Ủy ban nhân dân tỉnh Lạng Sơn")
    # Vietnamese capitals that are also Latin-1 letters are not legacy bytes
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Ông Nguyễn Văn A", "Ý kiến", "ĐỒNG Ý", "Ô tô", "ÂM"):
        assert not vn.looks_like_legacy_encoding(text), text
    assert vn.legacy_encoding_sample("Uû ban") == "Uû"


def test_roman_numerals():
    assert [vn.roman(n) for n in (1, 2, 3, 4, 9, 14)] == ["I", "II", "III", "IV", "IX", "XIV"]


def test_a_quoted_value_is_cut_to_a_sane_length_and_says_how_long_it_was():
    assert vn.excerpt("Sở Nội vụ") == "Sở Nội vụ"
    assert vn.excerpt("dòng 1\ndòng 2") == "dòng 1↵dòng 2"
    long = vn.excerpt(["x"] * 10_000_000)
    assert len(long) < 100 and long.endswith("ký tự)") and "50000000" in long


def test_invisible_characters_are_named_and_vietnamese_text_has_none():
    assert vn.invisible_characters("Sở\u200b Nội\u202e vụ\u200b") == ["U+200B ZERO WIDTH SPACE",
                                                                       "U+202E RIGHT-TO-LEFT OVERRIDE"]
    assert vn.without_invisible("Sở\u200b Nội vụ\u2060") == "Sở Nội vụ"
    assert vn.invisible_characters("Ủy ban nhân dân tỉnh Lạng Sơn — Đình Lập, «HÒA» 85,5 %\u00a0") == []
    assert vn.char_name("\x0b") == "U+000B LINE TABULATION"


def test_a_title_as_set_binds_place_names_and_the_year_to_the_word_before():
    assert vn.as_set("công bố Chỉ số  trên địa bàn tỉnh Lạng Sơn năm 2023", ("Lạng Sơn",)) == (
        "công bố Chỉ số trên địa bàn tỉnh Lạng\u00a0Sơn\u00a0năm\u00a02023")
    assert vn.as_set("Về việc A\ntại xã Đồng Đăng", ("Đồng Đăng",)) == "Về việc A\ntại xã Đồng\u00a0Đăng"
    assert vn.as_set("Năm 2024 bắt đầu") == "Năm\u00a02024 bắt đầu"  # nothing before it to bind to
    assert vn.one_line(vn.as_set("tỉnh Lạng Sơn\nnăm 2023", ("Lạng Sơn",))) == "tỉnh Lạng Sơn năm 2023"
