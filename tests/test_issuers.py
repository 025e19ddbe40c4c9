"""Issuers at every level (province, centrally-run city, commune): what the header, authority line, date
line, signature and executors become; the issuer and the agency list checked against the decision's date."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest

from pipeline.build.stages import BuildOptions, build_cases
from pipeline.check.checker import check_docx
from pipeline.inputs.agencies import read_agencies
from pipeline.problems import InputError, Severity
from pipeline.records import Issuer
from tests.conftest import BUILD_DAY, CASES, ROOT

HA_NOI = CASES / "ha-noi-2026-quyet-dinh"
DONG_DANG = CASES / "dong-dang-2026-quyet-dinh"


def _lines(path: Path) -> list[str]:
    document = docx.Document(path)
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs]
    return [text for text in (*cells, *(p.text for p in document.paragraphs)) if text.strip()]


@pytest.mark.parametrize("case, organ, place, authority, office", [
    ("lang-son-2024-khen-thuong", "TỈNH LẠNG SƠN", "Lạng Sơn", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", None),
    (HA_NOI.name, "THÀNH PHỐ HÀ NỘI", "Hà Nội", "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
     ("Chánh Văn phòng Ủy ban nhân dân thành phố, Thủ trưởng các sở, ban, ngành, "
     "Chủ tịch Ủy ban nhân dân các xã, phường chịu trách nhiệm")),
    (DONG_DANG.name, "XÃ ĐỒNG ĐĂNG", "Đồng Đăng", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ ĐỒNG ĐĂNG",
     ("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã, Trưởng các phòng chuyên môn thuộc Ủy ban nhân "
     "dân xã, Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm")),
])
def test_header_authority_place_and_executors_follow_the_issuer(built, case, organ, place, authority, office):
    lines = _lines(built / case / "quyet-dinh.docx")
    head = lines.index("ỦY BAN NHÂN DÂN")
    assert lines[head + 1] == organ
    # A People's Committee has no chủ quản line (NĐ 30, Phụ lục I, I.2a): a commune names no province.
    assert "TỈNH LẠNG SƠN" not in lines or organ == "TỈNH LẠNG SƠN"
    assert any(re.fullmatch(rf"{place}, ngày .* năm \d{{4}}", line) for line in lines), lines[:8]
    assert authority in lines
    assert "CHỦ TỊCH" in lines
    if office:
        assert any(office in line for line in lines)


@pytest.mark.parametrize("case", [HA_NOI.name, DONG_DANG.name])
def test_city_and_commune_decisions_pass_the_check(built, case):
    result = check_docx(built / case / "quyet-dinh.docx")
    assert result.problems == (), [p.message for p in result.problems]


def _edited(tmp_path: Path, source: Path, replacements: dict[str, str], *, files: tuple[Path, ...] = ()) -> Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    for file in files:
        shutil.copy(file, folder / file.name)
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return folder


def _build(tmp_path: Path, folder: Path):
    [result] = build_cases([folder], BuildOptions(out=tmp_path / "out", build_day=BUILD_DAY))
    return result


def _line_of(folder: Path, prefix: str, name: str = "case.yaml") -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.strip().startswith(prefix))


AGENCIES_2023 = ROOT / "fixtures" / "agencies" / "lang-son-2023.yaml"
AGENCIES_2025 = ROOT / "fixtures" / "agencies" / "lang-son-2025.yaml"
CRITERIA_2023 = ROOT / "fixtures" / "criteria" / "lang-son" / "par-2023.yaml"
LOCAL_FILES = {"../../agencies/lang-son-2023.yaml": "lang-son-2023.yaml",
               "../../criteria/lang-son/par-2023.yaml": "par-2023.yaml"}


def test_the_2023_agency_list_in_a_2026_decision_is_refused_naming_each_agency_its_end_and_successor(tmp_path):
    """Issue 16: a copy of the 2023 case dated 2026-02 citing the 2025 law built without a word."""
    folder = _edited(tmp_path, CASES / "lang-son-2023-sipas-par", {
        "date: 2024-01\nas_of: 2024-01-31": "date: 2026-02\nas_of: 2026-02-15",
        "  - [luat-tccqdp-2015, luat-sua-doi-tccp-tccqdp-2019]": "  - luat-tccqdp-2025", **LOCAL_FILES},
        files=(AGENCIES_2023, CRITERIA_2023))
    result = _build(tmp_path, folder)
    assert result.status == "failed" and not (tmp_path / "out" / folder.name).exists()
    found = [p for p in result.problems if p.code == "units.agency_not_on_date"]
    assert {(p.location.line, p.location.key) for p in found} == {(_line_of(folder, "agencies:"), "agencies")}
    messages = "\n".join(p.message for p in found)
    assert "«Sở Kế hoạch và Đầu tư» không còn từ ngày 01/3/2025, được sắp xếp vào Sở Tài chính" in messages
    assert "«UBND huyện Tràng Định» không còn từ ngày 01/7/2025" in messages
    assert len(found) == 7 + 11  # the seven merged departments and the eleven district-level units
    assert all(p.severity == Severity.ERROR for p in found)


def test_the_2025_list_in_a_2024_decision_is_refused(tmp_path):
    folder = _edited(tmp_path, CASES / "lang-son-2023-sipas-par",
                     {"../../agencies/lang-son-2023.yaml": "lang-son-2025.yaml",
                      "../../criteria/lang-son/par-2023.yaml": "par-2023.yaml"},
                     files=(AGENCIES_2025, CRITERIA_2023))
    [problem] = [p for p in _build(tmp_path, folder).problems if p.code == "agencies.not_on_date"]
    assert problem.location.line == _line_of(folder, "agencies:")
    assert "từ ngày 01/7/2025" in problem.message and "01/01/2024" in problem.message
    # Without the period stated, each 2025 commune is named as not yet existing.
    listed = folder / "lang-son-2025.yaml"
    listed.write_text(listed.read_text(encoding="utf-8").replace("valid_from: 2025-07-01", ""), encoding="utf-8")
    found = [p for p in _build(tmp_path, folder).problems if p.code == "units.agency_not_on_date"]
    assert any("«UBND xã Đồng Đăng» chỉ có từ ngày 01/7/2025" in p.message for p in found)


@pytest.mark.parametrize("edit, code, key, words", [
    ({"province: Lạng Sơn": "province: Lang Sonn"}, "units.unknown_province", "issuer.province",
     "Có phải ý là «tỉnh Lạng Sơn»?"),
    ({"province: Lạng Sơn": "province: tỉnh Hà Nội", "  commune: xã Đồng Đăng\n": ""}, "units.wrong_kind",
     "issuer.province", "«thành phố Hà Nội»"),
    ({"commune: xã Đồng Đăng": "commune: xã Đồng Dang"}, "units.unknown_commune", "issuer.commune",
     "Có phải ý là «xã Đồng Đăng»?"),
    ({"commune: xã Đồng Đăng": "commune: xã Khoen On"}, "units.commune_other_province", "issuer.commune",
     "thuộc tỉnh Lai Châu"),
    ({"date: 2026-01\nas_of: 2026-01-15": "date: 2024-11\nas_of: 2024-11-15",
      "  - luat-tccqdp-2025\n  - lang-son/nq-1672-2025": "  - [luat-tccqdp-2015, luat-sua-doi-tccp-tccqdp-2019]",
      "date: 2026-01-08": "date: 2024-11-08"},
     "units.commune_not_on_date", "issuer.commune", "chỉ có từ ngày 01/7/2025"),
])
def test_a_bad_issuer_is_refused_at_its_line(tmp_path, edit, code, key, words):
    folder = _edited(tmp_path, DONG_DANG, edit)
    result = _build(tmp_path, folder)
    assert result.status == "failed"
    [problem] = [p for p in result.problems if p.code == code]
    assert (problem.location.key, problem.location.line) == (key, _line_of(folder, key.split(".")[1] + ":"))
    assert words in f"{problem.message} {problem.hint}"


LANG_SON_2025 = CASES / "lang-son-2025-sipas-par"


def test_the_2025_publication_ranks_the_merged_departments_and_the_communes_and_checks_clean(built):
    folder = built / LANG_SON_2025.name
    decision = "\n".join(_lines(folder / "quyet-dinh.docx"))
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;" in decision
    assert "Chủ tịch Ủy ban nhân dân các xã, phường chịu trách nhiệm thi hành" in decision
    assert "huyện" not in decision.replace("các huyện, thành phố trên địa bàn tỉnh Lạng Sơn;", "")  # QĐ 1699's title
    par = _lines(folder / "phu-luc-2-par.docx")
    assert "II. UBND XÃ, PHƯỜNG" in par and not any("huyện" in line.casefold() for line in par)
    listed = {line for line in par if line.startswith("UBND ")}
    assert len(listed) == 65 and {"UBND xã Đồng Đăng", "UBND phường Tam Thanh"} <= listed
    assert "Sở Tài chính" in par and "Sở Kế hoạch và Đầu tư" not in par
    for name in ("quyet-dinh.docx", "phu-luc-1-sipas.docx", "phu-luc-2-par.docx"):
        assert check_docx(folder / name).problems == (), name


@pytest.mark.parametrize("issuer, place", [
    (Issuer("Hồ Chí Minh", "chu-tich", "thành phố"), "Thành phố Hồ Chí Minh"),  # Phụ lục I's own example
    (Issuer("Hồ Chí Minh", "chu-tich", "thành phố", "Sài Gòn", "phường"), "Sài Gòn"),
    (Issuer("Cà Mau", "uy-ban", "tỉnh", "1", "phường"), "Phường 1"),  # a unit named by a number
    (Issuer("Quảng Ninh", "uy-ban", "tỉnh", "Vân Đồn", "đặc khu"), "Vân Đồn"),
])
def test_the_place_name_is_the_units_name_unless_it_is_a_number_or_a_person(issuer, place):
    assert issuer.place == place


def test_an_agency_list_whose_period_ends_before_it_begins_is_refused_at_its_line(tmp_path):
    listed = tmp_path / "co-quan.yaml"
    listed.write_text(AGENCIES_2025.read_text(encoding="utf-8").replace(
        "valid_from: 2025-07-01", "valid_from: 2025-07-01\nvalid_until: 2025-06-30"), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_agencies(listed)
    [problem] = raised.value.problems
    assert problem.code == "agencies.dates_reversed"
    assert problem.location.line == _line_of(listed.parent, "valid_until:", listed.name)


def test_a_city_named_after_a_person_keeps_its_kind_in_the_place_and_passes_the_check(tmp_path):
    """NĐ 30 Phụ lục I, I.4a writes «Thành phố Hồ Chí Minh, ngày …»: HDR-08 accepts the name with its kind."""
    folder = _edited(tmp_path, HA_NOI, {"province: Hà Nội": "province: Hồ Chí Minh"})
    result = _build(tmp_path, folder)
    assert result.status == "built", [p.message for p in result.problems]
    lines = _lines(result.out_dir / "quyet-dinh.docx")
    assert any(line.startswith("Thành phố Hồ Chí Minh, ngày") for line in lines), lines[:8]
    assert check_docx(result.out_dir / "quyet-dinh.docx").problems == ()
