"""Annex tables: the columns of domain.md §1, Vietnamese numbers, the note under each table."""

from __future__ import annotations

from decimal import Decimal as D

from pipeline.scoring.annex_tables import annex_tables
from pipeline.scoring.records import TIE_POLICY, Band, Column, RankedAgency, RankedGroup, Ranking

FIELDS = (Column("1", "Chỉ đạo, điều hành", D(11)), Column("2", "Thủ tục hành chính", D("14.5")),
          Column("survey", "Điều tra XHH", D(20)))
BANDS = (Band("A", D(90)), Band("B", D(80)), Band("C", D(70)), Band("D", D(0)))


def par_ranking() -> Ranking:
    so = RankedGroup("so-ban-nganh", "Sở, ban, ngành", FIELDS, (
        RankedAgency(1, "Sở Nội vụ", (D("10.5"), D("13.25"), D("17.456")), D("91.07555"), D("41.206"),
                     D("45.5"), band="A"),
        RankedAgency(2, "Sở Ngoại vụ", (D(8), None, D(16)), D("80.2"), D(24), D("29.925"), band="B",
                     not_assessed=("2",)),
        RankedAgency(2, "Sở Tư pháp", (D(9), D(11), D("16.5")), D("80.2"), D("36.5"), D("45.5"), band="B"),
    ), BANDS)
    huyen = RankedGroup("huyen", "UBND huyện, thành phố", FIELDS, (
        RankedAgency(1, "UBND huyện Đình Lập", (D(9), D(12), D(15)), D("79.12"), D(36), D("45.5")),), BANDS)
    return Ranking("par", (so, huyen), TIE_POLICY)


def test_par_columns_rows_and_headings():
    so, huyen = annex_tables(par_ranking())
    assert so.heading == "I. SỞ, BAN, NGÀNH"
    assert huyen.heading == "II. UBND HUYỆN, THÀNH PHỐ"
    assert so.columns == ("STT", "Tên cơ quan, đơn vị", "Chỉ đạo, điều hành (11 điểm)",
                          "Thủ tục hành chính (14,5 điểm)", "Điều tra XHH (20 điểm)", "Tổng điểm",
                          "Chỉ số (%)", "Xếp hạng", "Xếp loại")
    assert so.rows[0] == ("1", "Sở Nội vụ", "10,50", "13,25", "17,46", "41,21", "91,08", "1", "A")
    assert so.rows[1][:4] == ("2", "Sở Ngoại vụ", "8,00", "KĐG")
    assert [row[-2] for row in so.rows] == ["1", "2", "2"]
    assert so.numeric_columns == (2, 3, 4, 5, 6, 7)


def test_note_states_rounding_tie_policy_lowered_maximum_and_bands():
    note = annex_tables(par_ranking())[0].note
    assert "làm tròn đến 2 chữ số thập phân" in note
    assert TIE_POLICY in note
    assert "Sở Ngoại vụ không đánh giá tiêu chí 2; điểm tối đa 29,925 điểm." in note
    assert "KĐG: không đánh giá." in note
    assert "Xếp loại: A từ 90% trở lên; B từ 80% đến dưới 90%; C từ 70% đến dưới 80%; D dưới 70%." in note


def test_unnumbered_headings_for_one_annex_per_group():
    assert [table.heading for table in annex_tables(par_ranking(), numbered=False)] == [
        "SỞ, BAN, NGÀNH", "UBND HUYỆN, THÀNH PHỐ"]


def test_no_band_column_without_bands():
    row = RankedAgency(1, "Sở A", (D(10),), D(90), D(10), D(11))
    group = RankedGroup("so", "Sở, ban, ngành", FIELDS[:1], (row,))
    (table,) = annex_tables(Ranking("par", (group,), TIE_POLICY))
    assert table.columns[-1] == "Xếp hạng"
    assert table.rows == (("1", "Sở A", "10,00", "10,00", "90,00", "1"),)
    assert "Xếp loại" not in table.note


def test_sipas_columns_and_rows():
    columns = (Column("tiep-can", "Tiếp cận dịch vụ", None), Column("thu-tuc", "Thủ tục hành chính", None))
    group = RankedGroup("so", "Sở, ban, ngành", columns, (
        RankedAgency(1, "Sở Y tế", (D("90.125"), D("85.5")), D("87.8125")),))
    (table,) = annex_tables(Ranking("sipas", (group,), TIE_POLICY))
    assert table.columns == ("STT", "Tên cơ quan, đơn vị", "Tiếp cận dịch vụ (%)", "Thủ tục hành chính (%)",
                             "Chỉ số hài lòng (%)", "Xếp hạng")
    assert table.rows == (("1", "Sở Y tế", "90,13", "85,50", "87,81", "1"),)
    assert table.numeric_columns == (2, 3, 4, 5)
