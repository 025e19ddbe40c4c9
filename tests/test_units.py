"""Administrative units as dated data: real dates either side of 01/7/2025, problems at the caller's place,
and a broken data file reported at its lines."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from pipeline.domain.units import CEASED, EXISTS, NOT_YET, UNKNOWN
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.registry import read_registry
from pipeline.inputs.sources import read_yaml
from pipeline.inputs.units import read_units
from pipeline.problems import InputError, Location, Severity

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "fixtures" / "units"
LAST_DAY_BEFORE, FIRST_DAY_AFTER = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
CITIES_2025 = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}


@pytest.fixture(scope="module")
def units():
    return read_units(UNITS)


@pytest.fixture(scope="module")
def registry():
    return read_registry([ROOT / "legal_basis"])


def test_every_data_file_loads_and_cites_documents_of_the_registry(units, registry):
    assert [(d.province, d.partial, d.sample) for d in units.details] == [("Lai Châu", True, False),
                                                                          ("Lạng Sơn", False, False)]
    everything = [*units.provinces, *(u for d in units.details for u in (*d.districts, *d.communes, *d.departments))]
    assert all(unicodedata.is_normalized("NFC", unit.title) for unit in everything)
    cited = {unit.basis for unit in everything if unit.basis}
    assert cited and {doc_id for doc_id in cited if registry.get(doc_id) is None} == set()
    changed = [unit for unit in everything if unit.valid_from or unit.valid_until]
    assert all(unit.basis for unit in changed), [unit.title for unit in changed if not unit.basis]


@pytest.mark.parametrize("day, total, cities", [
    (dt.date(2024, 12, 31), 63, CITIES_2025 - {"Huế"}),  # Thừa Thiên Huế is still a tỉnh
    (LAST_DAY_BEFORE, 63, CITIES_2025),
    (FIRST_DAY_AFTER, 34, CITIES_2025),
    (dt.date(2026, 2, 1), 34, CITIES_2025),
])
def test_provinces_on_a_day_with_their_kind(units, day, total, cities):
    on_day = units.provinces_on(day)
    assert len(on_day) == total and len({unit.title for unit in on_day}) == total
    assert {unit.name for unit in on_day if unit.kind == "thành phố"} == cities
    assert {unit.kind for unit in on_day} == {"tỉnh", "thành phố"}


def test_the_52_merged_units_each_go_into_one_of_the_34(units):
    after = {unit.title for unit in units.provinces_on(FIRST_DAY_AFTER)}
    merged = [unit for unit in units.provinces if unit.valid_until == LAST_DAY_BEFORE]
    assert len(merged) == 52 and {unit.successor for unit in merged} <= after
    assert len({unit.successor for unit in merged}) == 23
    found = units.province_presence("Hà Giang", FIRST_DAY_AFTER)
    assert (found.state, found.since, found.unit.successor) == (CEASED, FIRST_DAY_AFTER, "tỉnh Tuyên Quang")
    assert units.province_presence("tỉnh Lạng Sơn", LAST_DAY_BEFORE).exists
    assert units.province_presence("Lạng Sơn", FIRST_DAY_AFTER).exists


def test_lang_son_communes_exist_from_1_july_2025_only(units):
    after = units.communes_on("Lạng Sơn", FIRST_DAY_AFTER)
    assert len(after) == 65
    assert sum(unit.kind == "xã" for unit in after) == 61 and sum(unit.kind == "phường" for unit in after) == 4
    assert "thị trấn" not in {unit.kind for unit in after}
    assert units.communes_on("Lạng Sơn", LAST_DAY_BEFORE) == ()
    assert units.communes_on("Cao Bằng", FIRST_DAY_AFTER) == ()  # no data for it


def test_lai_chau_communes_and_the_two_that_were_not_rearranged(units):
    after = units.communes_on("Lai Châu", FIRST_DAY_AFTER)
    assert (len(after), sum(unit.kind == "phường" for unit in after)) == (38, 2)
    assert {unit.title for unit in units.communes_on("Lai Châu", LAST_DAY_BEFORE)} == {"xã Mù Cả", "xã Tà Tổng"}
    [warning] = units.check_commune("Lai Châu", "xã Bản Hon", dt.date(2024, 3, 1), Location())
    assert (warning.code, warning.severity) == ("units.no_commune_data", Severity.WARNING)


@pytest.mark.parametrize("name, day, state, since, successor", [
    ("Sở Kế hoạch và Đầu tư", dt.date(2025, 2, 28), EXISTS, None, None),
    ("Sở Kế hoạch và Đầu tư", dt.date(2025, 3, 1), CEASED, dt.date(2025, 3, 1), "Sở Tài chính"),
    ("Sở Lao động - Thương binh và Xã hội", dt.date(2026, 1, 15), CEASED, dt.date(2025, 3, 1), "Sở Nội vụ"),
    ("Ban Dân tộc", dt.date(2025, 3, 1), CEASED, dt.date(2025, 3, 1), "Sở Dân tộc và Tôn giáo"),
    ("Sở Nông nghiệp và Môi trường", dt.date(2025, 2, 28), NOT_YET, dt.date(2025, 3, 1), None),
    ("Sở Nông nghiệp và Môi trường", dt.date(2025, 3, 1), EXISTS, None, None),
    ("Sở Tài chính", dt.date(2024, 1, 5), EXISTS, None, None),
    ("Sở Tài chính", dt.date(2026, 1, 5), EXISTS, None, None),
    ("Sở Văn hoá, Thể thao và Du lịch", dt.date(2026, 1, 5), EXISTS, None, None),
    ("UBND huyện Tràng Định", LAST_DAY_BEFORE, EXISTS, None, None),
    ("Ủy ban nhân dân huyện Tràng Định", FIRST_DAY_AFTER, CEASED, FIRST_DAY_AFTER, None),
    ("UBND thành phố Lạng Sơn", FIRST_DAY_AFTER, CEASED, FIRST_DAY_AFTER, None),
    ("UBND xã Đồng Đăng", LAST_DAY_BEFORE, NOT_YET, FIRST_DAY_AFTER, None),
    ("UBND phường Kỳ Lừa", FIRST_DAY_AFTER, EXISTS, None, None),
    ("Sở Du lịch", FIRST_DAY_AFTER, UNKNOWN, None, None),
])
def test_whether_an_agency_exists_on_a_day(units, name, day, state, since, successor):
    found = units.agency_presence("Lạng Sơn", name, day)
    assert found.state == state
    if state in (CEASED, NOT_YET):
        assert (found.since, found.unit.successor) == (since, successor)


def _case(tmp_path: Path, province: str, commune: str | None = None):
    """A case.yaml's issuer, read with its lines, to give the checks a real place."""
    text = f"template: quyet-dinh\nissuer:\n  province: {province}\n"
    if commune:
        text += f"  commune: {commune}\n"
    (tmp_path / "case.yaml").write_text(text, encoding="utf-8")
    return read_yaml(tmp_path / "case.yaml")


@pytest.mark.parametrize("province, day, code, words, hint", [
    ("tỉnh Hà Nội", FIRST_DAY_AFTER, "units.wrong_kind", ["thành phố trực thuộc trung ương", "«thành phố Hà Nội»"], "Hà Nội"),
    ("tỉnh Huế", dt.date(2025, 3, 1), "units.wrong_kind", ["«thành phố Huế»"], "Huế"),
    ("Ha Noi", FIRST_DAY_AFTER, "units.unknown_province", ["«Ha Noi»"], "«thành phố Hà Nội»"),
    ("Lang Son", FIRST_DAY_AFTER, "units.unknown_province", ["«Lang Son»"], "«tỉnh Lạng Sơn»"),
    ("Hà Giang", dt.date(2026, 2, 1), "units.province_not_on_date",
     ["«tỉnh Hà Giang» không còn từ ngày 01/7/2025", "tỉnh Tuyên Quang", "Nghị quyết số 202/2025/QH15"],
     "«tỉnh Tuyên Quang»"),
    ("thành phố Huế", dt.date(2024, 5, 1), "units.province_not_on_date",
     ["chỉ có từ ngày 01/01/2025", "Nghị quyết số 175/2024/QH15"], "ngày"),
])
def test_province_problems_name_the_place_in_the_case(units, registry, tmp_path, province, day, code, words, hint):
    case = _case(tmp_path, province)
    problems = units.check_province(province, day, case.location("issuer.province"), registry)
    assert [(p.code, p.location.line, p.location.key, p.severity) for p in problems] == [
        (code, 3, "issuer.province", Severity.ERROR)]
    assert all(word in problems[0].message for word in words), problems[0].message
    assert hint in problems[0].hint


@pytest.mark.parametrize("province", ["Lạng Sơn", "tỉnh Lạng Sơn", "thành phố Hà Nội", "Hồ Chí Minh", "Hải Phòng"])
def test_provinces_as_they_are_written_pass(units, province):
    assert units.check_province(province, dt.date(2026, 2, 1), Location()) == ()


@pytest.mark.parametrize("commune, day, code, words, hint", [
    ("xã Đồng Đăng", dt.date(2024, 2, 5), "units.commune_not_on_date",
     ["«xã Đồng Đăng» chỉ có từ ngày 01/7/2025", "Nghị quyết số 1672/NQ-UBTVQH15", "05/02/2024"], "ngày"),
    ("xã Dong Dang", dt.date(2026, 2, 1), "units.unknown_commune", ["Tỉnh Lạng Sơn", "«Dong Dang»"], "«xã Đồng Đăng»"),
    ("phường Đồng Đăng", dt.date(2026, 2, 1), "units.wrong_kind", ["là xã, không phải phường"], "xã Đồng Đăng"),
    ("xã Pa Tần", dt.date(2026, 2, 1), "units.commune_other_province", ["thuộc tỉnh Lai Châu", "tỉnh Lạng Sơn"], "tỉnh"),
])
def test_commune_problems_name_the_place_in_the_case(units, registry, tmp_path, commune, day, code, words, hint):
    case = _case(tmp_path, "Lạng Sơn", commune)
    problems = units.check_commune("Lạng Sơn", commune, day, case.location("issuer.commune"), registry)
    assert [(p.code, p.location.line, p.location.key) for p in problems] == [(code, 4, "issuer.commune")]
    assert all(word in problems[0].message for word in words), problems[0].message
    assert hint in (problems[0].hint or problems[0].message)


def test_a_commune_of_today_passes_and_a_province_without_data_is_a_warning(units):
    assert units.check_commune("Lạng Sơn", "xã Đồng Đăng", dt.date(2026, 2, 1), Location()) == ()
    assert units.check_commune("Lạng Sơn", "Kỳ Lừa", dt.date(2026, 2, 1), Location()) == ()
    [warning] = units.check_commune("Cao Bằng", "xã Hòa An", dt.date(2026, 2, 1), Location())
    assert (warning.code, warning.severity) == ("units.no_commune_data", Severity.WARNING)


def test_an_old_agency_list_on_a_new_date_names_every_agency_that_ceased(units, registry):
    old = read_agencies(ROOT / "fixtures/agencies/lang-son-2023.yaml")
    day = dt.date(2026, 2, 1)
    problems = [p for group in old.groups for name in group.agencies
                for p in units.check_agency("Lạng Sơn", name, day, Location(), registry)]
    named = {p.message.split("»")[0].lstrip("«") for p in problems}
    assert len(problems) == 11 + 7 and {p.code for p in problems} == {"units.agency_not_on_date"}
    assert {"UBND huyện Tràng Định", "UBND thành phố Lạng Sơn", "Sở Kế hoạch và Đầu tư", "Ban Dân tộc"} <= named
    merged = next(p for p in problems if p.message.startswith("«Sở Giao thông vận tải»"))
    assert "01/3/2025" in merged.message and "Sở Xây dựng" in merged.message and "04/NQ-HĐND" in merged.message


def test_the_2025_agency_list_exists_on_its_date_and_not_before(units):
    new = read_agencies(ROOT / "fixtures/agencies/lang-son-2025.yaml")
    names = [name for group in new.groups for name in group.agencies]
    assert [(group.id, len(group.agencies)) for group in new.groups] == [("so-ban-nganh", 15), ("xa", 65)]
    assert [n for n in names if units.check_agency("Lạng Sơn", n, dt.date(2026, 2, 1), Location())] == []
    assert all(units.agency_presence("Lạng Sơn", n, dt.date(2026, 2, 1)).exists for n in names)
    before = [n for n in names if units.check_agency("Lạng Sơn", n, dt.date(2024, 1, 31), Location())]
    assert len(before) == 65 + 2  # every commune, and the two departments whose names are new on 01/3/2025


@pytest.mark.parametrize("text, code, line", [
    ("covers_from: 2008-08-01\nunits:\n  - tỉnh Lạng Sơn\n  - Hà Nội\n", "units.bad_kind", 4),
    ("covers_from: 2008-08-01\nunits:\n  - {unit: tỉnh A, until: 2025-06-30, into: tỉnh B}\n",
     "units.missing_successor", 3),
    ("covers_from: 2008-08-01\nunits:\n  - tỉnh A\n  - {unit: tỉnh A, from: 2025-07-01}\n", "units.overlap", 4),
    ("covers_from: 2008-08-01\nunits:\n  - {unit: tỉnh A, from: 2025-07-01, until: 2025-06-30}\n",
     "units.dates_reversed", 3),
    ("covers_from: 2008-08-01\nunits:\n  - {unit: tỉnh A, into: tỉnh B}\n", "units.into_without_until", 3),
    ("covers_from: 2008-08-01\nunits:\n  - {unit: tỉnh A, untill: 2025-06-30}\n", "units.unknown_key", 3),
    ("covers_from: 2025-02-30\nunits: [tỉnh A]\n", "units.bad_date", 1),
])
def test_a_broken_provinces_file_is_reported_at_its_line(tmp_path, text, code, line):
    (tmp_path / "provinces.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_units(tmp_path)
    assert [(p.code, p.location.line) for p in caught.value.problems] == [(code, line)]
    assert caught.value.problems[0].location.file == tmp_path / "provinces.yaml"


def test_a_province_file_for_an_unknown_province_or_with_a_bad_commune(tmp_path):
    (tmp_path / "provinces.yaml").write_text("covers_from: 2008-08-01\nunits: [tỉnh A]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("province: tỉnh B\ncovers_from: 2019-01-01\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        "province: tỉnh A\ncovers_from: 2019-01-01\ncommunes:\n  from: 2025-07-01\n  units:\n    - xã C\n"
        "    - huyện D\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_units(tmp_path)
    assert [(p.code, p.location.file.name, p.location.line) for p in caught.value.problems] == [
        ("units.bad_kind", "a.yaml", 7), ("units.unknown_province", "b.yaml", 1)]
