"""Agency lists: the Lạng Sơn list loads; names match despite spelling variants; broken lists give lines."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.inputs.agencies import read_agencies
from pipeline.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
LANG_SON = ROOT / "fixtures/agencies/lang-son-2023.yaml"


def test_lang_son_groups_and_counts():
    agencies = read_agencies(LANG_SON)
    assert agencies.province == "Lạng Sơn"
    assert agencies.source == LANG_SON and len(agencies.sha256) == 64
    assert [(group.id, group.name, len(group.agencies)) for group in agencies.groups] == [
        ("so-ban-nganh", "Sở, ban, ngành", 20), ("huyen", "UBND huyện, thành phố", 11)]
    huyen = agencies.group("huyen").agencies
    assert huyen[0] == "UBND thành phố Lạng Sơn"
    assert all(name.startswith("UBND huyện ") for name in huyen[1:])
    assert all(unicodedata.is_normalized("NFC", name) for group in agencies.groups for name in group.agencies)


@pytest.mark.parametrize("written, listed", [
    ("Ủy ban nhân dân huyện Tràng Định", "UBND huyện Tràng Định"),
    ("Uỷ ban nhân dân huyện Tràng Định", "UBND huyện Tràng Định"),
    ("  ubnd  HUYỆN tràng định ", "UBND huyện Tràng Định"),
    (unicodedata.normalize("NFD", "Sở Văn hóa, Thể thao và Du lịch"), "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn",
     "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"),
])
def test_find_tolerates_spelling_variants(written, listed):
    agencies = read_agencies(LANG_SON)
    assert agencies.find(written)[1] == listed


def test_suggest_near_misses_only():
    agencies = read_agencies(LANG_SON)
    assert agencies.find("Sở Nội vu") is None
    assert agencies.suggest("Sở Nội vu") == "Sở Nội vụ"
    assert agencies.suggest("Sở Giáo dục Đào tạo") == "Sở Giáo dục và Đào tạo"
    assert agencies.suggest("Công an tỉnh") is None


def test_group_named_by_id_or_name():
    agencies = read_agencies(LANG_SON)
    assert agencies.group_of_text("huyen") == "huyen"
    assert agencies.group_of_text("II. UBND huyện, thành phố") == "huyen"
    assert agencies.group_of_text("sở, ban, ngành") == "so-ban-nganh"
    assert agencies.group_of_text("Xã") is None


@pytest.mark.parametrize("text, code, line", [
    (("province: X\ngroups:\n  - id: a\n    name: A\n    agencies: [Sở A, Sở B]\n"
     "  - id: b\n    name: B\n    agencies:\n      - Sở C\n      - sở a\n"), "agencies.duplicate_agency", 10),
    (("province: X\ngroups:\n  - id: a\n    name: A\n    agencies: [Sở A]\n"
     "  - id: a\n    name: B\n    agencies: [Sở B]\n"), "agencies.duplicate_group", 6),
    ("province: X\ngroups:\n  - id: a\n    name: A\n    agency: [Sở A]\n", "agencies.unknown_key", 5),
])
def test_broken_lists(tmp_path, text, code, line):
    path = tmp_path / "agencies.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_agencies(path)
    assert (code, line) in [(p.code, p.location.line) for p in raised.value.problems]
