"""Ranking: Decimal arithmetic, ranks on exact values, Vietnamese order of equals, bands, not assessed."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from pipeline import vn
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.criteria import read_criteria
from pipeline.inputs.scoresheets import read_par_sheet, read_sipas_sheet
from pipeline.scoring.rank import rank_par, rank_sipas
from pipeline.scoring.records import (
    SURVEY,
    TIE_POLICY,
    AgencyGroup,
    AgencyList,
    Band,
    Component,
    CriteriaGroup,
    CriteriaSet,
    Criterion,
    ScoreRow,
    ScoreTable,
    SipasMethod,
    SurveyPart,
)

ROOT = Path(__file__).resolve().parent.parent
CASE_2023 = ROOT / "fixtures/cases/lang-son-2023-sipas-par"

# domain.md §1: national PAR Index 2012, appraised + survey = index, and the published rank.
NATIONAL_2012 = [
    ("Đà Nẵng", "53.25", "33.87", "87,12", 1),
    ("Bà Rịa - Vũng Tàu", "54.35", "31.79", "86,14", 2),
    ("TP Hồ Chí Minh", "52.75", "31.08", "83,83", 3),
    ("Đồng Tháp", "52.50", "30.91", "83,41", 4),
    ("An Giang", "54.25", "29.00", "83,25", 5),
    ("Hải Phòng", "51.50", "31.55", "83,05", 6),
    ("Hà Nội", "51.25", "31.52", "82,77", 7),
    ("Bắc Giang", "53.75", "29.00", "82,75", 8),
]


def one_group_set(fields: tuple[Criterion, ...], survey: D | None,
                  bands: tuple[Band, ...] = ()) -> CriteriaSet:
    total = sum((field.maximum for field in fields), survey or D(0))
    return CriteriaSet("Bộ tiêu chí thử", "thu/qd-1", total,
                       SurveyPart("Điều tra xã hội học", "Điều tra XHH", survey) if survey else None,
                       TIE_POLICY, (CriteriaGroup("tinh", fields, bands),))


def agencies_of(names) -> AgencyList:
    return AgencyList("Thử", (AgencyGroup("tinh", "Tỉnh, thành phố", tuple(names)),))


def table(rows: list[tuple[str, dict[str, str], tuple[str, ...]]], index: str = "par") -> ScoreTable:
    return ScoreTable(index, Path("thu.xlsx"), "0", tuple(
        ScoreRow(name, "tinh", {key: D(value) for key, value in cells.items()}, not_assessed, {})
        for name, cells, not_assessed in rows))


APPRAISED = Criterion("1", "Điểm thẩm định", D(65))


def simple(points: dict[str, tuple[str, str]], bands: tuple[Band, ...] = ()):
    """Rank agencies with (appraised, survey) points on a 65 + 35 set."""
    criteria = one_group_set((APPRAISED,), D(35), bands)
    rows = [(name, {"1": appraised, SURVEY: survey}, ()) for name, (appraised, survey) in points.items()]
    return rank_par(table(rows), criteria, agencies_of(points)).groups[0]


def test_national_2012_index_and_rank_reproduce():
    group = simple({name: (appraised, survey) for name, appraised, survey, _, _ in reversed(NATIONAL_2012)})
    got = [(row.agency, vn.number(row.percent, 2), row.rank) for row in group.rows]
    assert got == [(name, index, rank) for name, _, _, index, rank in NATIONAL_2012]
    assert all(isinstance(row.percent, D) and isinstance(row.points, D) for row in group.rows)
    assert group.rows[0].values == (D("53.25"), D("33.87"))
    assert group.rows[0].maximum == D(100)


def test_exact_ties_share_a_rank_and_the_next_rank_is_skipped():
    group = simple({"Hà Giang": ("50", "35"), "Đắk Lắk": ("55", "30"), "An Giang": ("60", "30"),
                    "Cà Mau": ("50", "30")})
    assert [(row.agency, row.rank) for row in group.rows] == [
        ("An Giang", 1), ("Đắk Lắk", 2), ("Hà Giang", 2), ("Cà Mau", 4)]


def test_equals_follow_vietnamese_order_not_code_points():
    names = ["Yên Bái", "Ấp Bắc", "Đồng Nai", "Dương Minh", "Hà Nam", "Ăn Khê"]
    group = simple({name: ("50", "30") for name in names})
    expected = ["Ăn Khê", "Ấp Bắc", "Dương Minh", "Đồng Nai", "Hà Nam", "Yên Bái"]
    assert [row.agency for row in group.rows] == expected
    assert sorted(names) != expected  # code-point order puts Ă, Đ, Ấ after Y
    assert {row.rank for row in group.rows} == {1}


def test_values_equal_after_rounding_are_not_ties():
    # national SIPAS 2015: Hà Tĩnh 84,94 rank 4, Lai Châu 84,94 rank 5 (ranked on unrounded values)
    group = simple({"Lai Châu": ("50", "34.936"), "Hà Tĩnh": ("50", "34.944")})
    assert [(row.agency, vn.number(row.percent, 2), row.rank) for row in group.rows] == [
        ("Hà Tĩnh", "84,94", 1), ("Lai Châu", "84,94", 2)]


def test_not_assessed_lowers_the_maximum_and_the_field_sub_index():
    field = Criterion("1", "Lĩnh vực một", D(10), (
        Criterion("1.1", "Tiêu chí một", D(4)),
        Criterion("1.2", "Tiêu chí hai", D(6), (Criterion("1.2.1", "a", D(2)),
                                                 Criterion("1.2.2", "b", D(4)))),
    ))
    other = Criterion("2", "Lĩnh vực hai", D(70))
    criteria = one_group_set((field, other), D(20))
    rows = [("Sở A", {"1": "6", "2": "63", SURVEY: "18"}, ("1.2.1",)),
            ("Sở B", {"1": "8", "2": "63", SURVEY: "18"}, ())]  # 89 / 100
    group = rank_par(table(rows), criteria, agencies_of(["Sở A", "Sở B"])).groups[0]
    a = next(row for row in group.rows if row.agency == "Sở A")
    assert a.maximum == D(98)
    assert a.points == D(87)
    assert a.percent == D(87) * 100 / D(98)
    assert a.sub_indexes == (D(75), D(90), D(90))  # 6/8, 63/70, 18/20
    assert a.not_assessed == ("1.2.1",)
    # Sở A: 87 / 98 ≈ 88,78 %, below Sở B (89 / 100).
    assert [row.agency for row in group.rows] == ["Sở B", "Sở A"]


def test_a_field_not_assessed_at_all_has_no_value_and_no_sub_index():
    criteria = one_group_set((Criterion("1", "Một", D(10)), Criterion("2", "Hai", D(70))), D(20))
    scores = table([("Sở A", {"2": "60", SURVEY: "15"}, ("1",))])
    group = rank_par(scores, criteria, agencies_of(["Sở A"])).groups[0]
    row = group.rows[0]
    assert row.values == (None, D(60), D(15))
    assert row.sub_indexes[0] is None
    assert row.maximum == D(90)
    assert vn.number(row.percent, 2) == "83,33"


def test_equal_indexes_from_different_maxima_are_exact_ties():
    first = Criterion("1", "Một", D(10), (Criterion("1.1", "a", D(1)), Criterion("1.2", "b", D(9))))
    criteria = one_group_set((first, Criterion("2", "Hai", D(70))), D(20))
    rows = [("Sở B", {"1": "9", "2": "63", SURVEY: "18"}, ()),          # 90 / 100
            ("Sở A", {"1": "8.1", "2": "63", SURVEY: "18"}, ("1.1",))]  # 89,1 / 99 = 90 exactly
    group = rank_par(table(rows), criteria, agencies_of(["Sở A", "Sở B"])).groups[0]
    assert [(row.agency, row.rank) for row in group.rows] == [("Sở A", 1), ("Sở B", 1)]


@pytest.mark.parametrize("appraised, survey, band", [
    ("60", "30", "A"), ("55", "35", "A"), ("55", "34.99", "B"), ("50", "30", "B"), ("45", "25", "C"),
    ("40", "29.99", "D"), ("0", "0", "D")])
def test_bands_apply_from_their_minimum_inclusive(appraised, survey, band):
    bands = (Band("A", D(90)), Band("B", D(80)), Band("C", D(70)), Band("D", D(0)))
    group = simple({"Sở A": (appraised, survey)}, bands)
    assert group.rows[0].band == band
    assert group.banded


def test_no_bands_no_band():
    group = simple({"Sở A": ("60", "30")})
    assert group.rows[0].band is None
    assert not group.banded


def test_without_survey_the_appraised_points_are_the_index():
    criteria = one_group_set((Criterion("1", "Một", D(40)), Criterion("2", "Hai", D(40))), None)
    group = rank_par(table([("Sở A", {"1": "30", "2": "30"}, ())]), criteria, agencies_of(["Sở A"])).groups[0]
    assert group.rows[0].percent == D(75)
    assert [column.key for column in group.columns] == ["1", "2"]


def test_groups_follow_the_agency_list_and_are_ranked_apart():
    criteria = CriteriaSet("Thử", "thu/qd-1", D(100), None, TIE_POLICY, (
        CriteriaGroup("huyen", (Criterion("1", "Một", D(100)),)),
        CriteriaGroup("so", (Criterion("1", "Một", D(100)),))))
    agencies = AgencyList("Thử", (AgencyGroup("so", "Sở, ban, ngành", ("Sở A", "Sở B")),
                                  AgencyGroup("huyen", "UBND huyện", ("Huyện C",))))
    rows = (ScoreRow("Huyện C", "huyen", {"1": D(99)}, (), {}), ScoreRow("Sở A", "so", {"1": D(80)}, (), {}),
            ScoreRow("Sở B", "so", {"1": D(85)}, (), {}))
    ranking = rank_par(ScoreTable("par", Path("x.xlsx"), "0", rows), criteria, agencies)
    assert [(group.id, group.name, [(r.agency, r.rank) for r in group.rows]) for group in ranking.groups] == [
        ("so", "Sở, ban, ngành", [("Sở B", 1), ("Sở A", 2)]), ("huyen", "UBND huyện", [("Huyện C", 1)])]
    assert ranking.tie_note == TIE_POLICY


def test_sipas_is_the_mean_of_its_components():
    keys = ("tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y")
    rows = [("Sở A", dict(zip(keys, ("80", "85", "90", "95", "100"))), ()),
            ("Sở B", dict(zip(keys, ("91", "91", "91", "91", "86"))), ())]
    ranking = rank_sipas(table(rows, "sipas"), agencies_of(["Sở A", "Sở B"]))
    group = ranking.groups[0]
    assert [(row.agency, row.percent, row.rank) for row in group.rows] == [
        ("Sở A", D(90), 1), ("Sở B", D(90), 1)]
    assert group.rows[0].points is None and group.rows[0].maximum is None
    assert next(column.label for column in group.columns) == "Tiếp cận dịch vụ"


def test_sipas_weights_when_the_method_gives_them():
    method = SipasMethod((Component("a", "Một", "Một", D(3)), Component("b", "Hai", "Hai", D(1))))
    scores = table([("Sở A", {"a": "80", "b": "100"}, ())], "sipas")
    ranking = rank_sipas(scores, agencies_of(["Sở A"]), method)
    assert ranking.groups[0].rows[0].percent == D(85)


def test_fixture_2023_ties_and_not_assessed():
    agencies = read_agencies(ROOT / "fixtures/agencies/lang-son-2023.yaml")
    criteria = read_criteria(ROOT / "fixtures/criteria/lang-son/par-2023.yaml")
    scores, problems = read_par_sheet(CASE_2023 / "par-2023.xlsx", criteria, agencies)
    assert problems == ()
    so, huyen = rank_par(scores, criteria, agencies).groups
    ranks = {row.agency: row for group in (so, huyen) for row in group.rows}
    assert ranks["Sở Tài chính"].rank == ranks["Sở Tư pháp"].rank
    assert ranks["Sở Tài chính"].percent == ranks["Sở Tư pháp"].percent
    assert ranks["Sở Tài chính"].values != ranks["Sở Tư pháp"].values
    order = [row.agency for row in huyen.rows]
    assert order.index("UBND huyện Đình Lập") + 1 == order.index("UBND huyện Hữu Lũng")
    assert ranks["UBND huyện Đình Lập"].rank == ranks["UBND huyện Hữu Lũng"].rank
    assert (ranks["Sở Ngoại vụ"].maximum, ranks["Ban Dân tộc"].maximum) == (D(99), D("97.5"))
    assert len(so.rows) == 20 and len(huyen.rows) == 11

    sipas, problems = read_sipas_sheet(CASE_2023 / "sipas-2023.xlsx", agencies)
    assert problems == ()
    rows = {row.agency: row for group in rank_sipas(sipas, agencies).groups for row in group.rows}
    assert rows["Sở Xây dựng"].rank == rows["Sở Y tế"].rank
