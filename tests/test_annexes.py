"""The annexes read back from the .docx equal a ranking computed here, independently, from the sheets' cells."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import docx
import openpyxl
import pytest
import yaml
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from pipeline.vn import collation_key
from tests.conftest import CASES, ROOT

CASE = CASES / "lang-son-2023-sipas-par"
CRITERIA = ROOT / "fixtures" / "criteria" / "lang-son" / "par-2023.yaml"


def _two(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}".replace(".", ",")


def _ranks(rows: list[tuple[str, Decimal, tuple]]) -> list[tuple[int, str, Decimal, tuple]]:
    """Descending by value, ties by Vietnamese collation; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda row: (-row[1], collation_key(row[0])))
    ranked, previous = [], None
    for position, (name, value, extra) in enumerate(ordered, start=1):
        rank = ranked[-1][0] if previous == value else position
        ranked.append((rank, name, value, extra))
        previous = value
    return ranked


def _maxima(group: str) -> dict[str, Decimal]:
    criteria = yaml.safe_load(CRITERIA.read_text(encoding="utf-8"))["groups"][group]["fields"]
    found: dict[str, Decimal] = {}

    def walk(nodes):
        for node in nodes:
            found[str(node["id"])] = Decimal(str(node["maximum"]))
            walk(node.get("criteria", ()) or node.get("sub_criteria", ()))

    walk(criteria)
    return found


def _expected_par() -> list[list[tuple]]:
    book = openpyxl.load_workbook(CASE / "par-2023.xlsx", data_only=True)
    groups = []
    for sheet, group in zip(book.worksheets, ("so-ban-nganh", "huyen")):
        maxima = _maxima(group)
        rows = []
        for values in sheet.iter_rows(min_row=7, values_only=True):
            if not isinstance(values[0], int):
                continue
            cells = [Decimal(str(v).replace(",", ".")) for v in values[3:12]]
            skipped = [part.strip() for part in str(values[12] or "").split(";") if part.strip()]
            maximum = Decimal(100) - sum((maxima[i] for i in skipped), Decimal(0))
            points = sum(cells, Decimal(0))
            rows.append((values[1], points / maximum * 100, (cells, points)))
        groups.append(_ranks(rows))
    return groups


def _table_rows(table) -> list[list[str]]:
    """The header and agencies' rows; the note under the last table is its last row, one merged cell."""
    return [[cell.text for cell in row.cells] for row in table.rows if len(row._tr.tc_lst) > 1]


def test_par_annex_equals_an_independent_ranking_of_the_sheet(built):
    document = docx.Document(built / CASE.name / "phu-luc-2-par.docx")
    expected_groups = _expected_par()
    assert len(document.tables) == 2
    for table, expected in zip(document.tables, expected_groups):
        header, *rows = _table_rows(table)
        assert header[:2] == ["STT", "Tên cơ quan, đơn vị"] and header[-4:] == ["Tổng điểm", "Chỉ số (%)", "Xếp hạng",
                                                                                "Xếp loại"]
        assert len(rows) == len(expected)
        for number, (row, (rank, name, percent, (cells, points))) in enumerate(zip(rows, expected), start=1):
            assert row[0] == str(number)
            assert row[1] == name
            assert row[2:11] == [_two(c) for c in cells]
            assert row[11] == _two(points)
            assert row[12] == _two(percent)
            assert row[13] == str(rank)
    # the fixture's samples contain an exact tie in each group and an agency whose maximum was lowered
    ranks = [[r[0] for r in group] for group in expected_groups]
    assert any(a == b for group in ranks for a, b in itertools.pairwise(group))


def test_sipas_annex_equals_an_independent_ranking_of_the_sheet(built):
    book = openpyxl.load_workbook(CASE / "sipas-2023.xlsx", data_only=True)
    groups: dict[str, list] = {}
    for values in book.active.iter_rows(min_row=5, values_only=True):
        if isinstance(values[0], int):
            components = [Decimal(str(v)) for v in values[3:8]]
            groups.setdefault(values[2], []).append((values[1], sum(components) / 5, (components,)))
    document = docx.Document(built / CASE.name / "phu-luc-1-sipas.docx")
    for table, expected in zip(document.tables, [_ranks(rows) for rows in groups.values()]):
        header, *rows = _table_rows(table)
        assert header[-2:] == ["Chỉ số hài lòng (%)", "Xếp hạng"]
        assert [(r[1], r[2:7], r[7], r[8]) for r in rows] == [
            (name, [_two(c) for c in components], _two(value), str(rank))
            for rank, name, value, (components,) in expected]


def test_annex_layout(built):
    for name, label in (("phu-luc-1-sipas.docx", "Phụ lục I"), ("phu-luc-2-par.docx", "Phụ lục II")):
        document = docx.Document(built / "lang-son-2023-issued" / name)
        section = document.sections[0]
        assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width.twips == 16838
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        paragraphs = [p for p in document.paragraphs if p.text.strip()]
        assert paragraphs[0].text == label and paragraphs[0].runs[0].font.bold
        assert paragraphs[0].runs[0].font.size.pt == 14
        assert paragraphs[1].text == paragraphs[1].text.upper()
        assert paragraphs[2].text == ("(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2024 của Chủ tịch "
                                      "Ủy ban nhân dân tỉnh Lạng Sơn)")
        assert paragraphs[2].runs[0].font.italic
        note = document.tables[-1].rows[-1]  # the note, once, the last table's last row: one merged cell
        assert len(note._tr.tc_lst) == 1 and note.cells[0].text.endswith("./.")
        for table in document.tables:
            header, *_rows = table.rows
            assert header._tr.trPr.find(qn("w:tblHeader")) is not None
            assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
            grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            assert len(grid) == len(header.cells)
            assert sum(grid) <= 16838 - 1701 - 851 + 2
            for row in table.rows:  # Word reads the cells' widths, LibreOffice the grid: both must agree
                widths = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row._tr.tc_lst]
                assert widths == grid or (widths == [sum(grid)] and row._tr.tc_lst[0].grid_span == len(grid))


def test_draft_annex_leaves_number_and_day_blank(built):
    document = docx.Document(built / CASE.name / "phu-luc-1-sipas.docx")
    reference = next(p.text for p in document.paragraphs if p.text.startswith("(Kèm theo"))
    assert reference == ("(Kèm theo Quyết định số      /QĐ-UBND ngày      tháng 01 năm 2024 của Chủ tịch "
                         "Ủy ban nhân dân tỉnh Lạng Sơn)")


def test_single_annex_is_named_phu_luc_and_articles_point_to_it(built):
    document = docx.Document(built / "lang-son-2020-par" / "quyet-dinh.docx")
    assert "(Kèm theo Phụ lục chi tiết" in "\n".join(p.text for p in document.paragraphs)
    annex = docx.Document(built / "lang-son-2020-par" / "phu-luc-1-par.docx")
    assert annex.paragraphs[0].text == "Phụ lục"


@pytest.mark.parametrize("per_group", [True])
def test_one_annex_per_group(tmp_path, case_copy, per_group):
    from pipeline.build.stages import BuildOptions, build_cases
    from tests.conftest import BUILD_DAY

    folder = case_copy("lang-son-2023-issued")
    text = (folder / "case.yaml").read_text(encoding="utf-8").replace(
        "publishes: [sipas, par]", "publishes: [sipas, par]\nannexes_per_group: true")
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    [result] = build_cases([folder], BuildOptions(out=tmp_path / "out", build_day=BUILD_DAY))
    assert result.status == "built", result.problems
    names = sorted(p.name for p in (tmp_path / "out" / folder.name).glob("phu-luc-*.docx"))
    assert names == ["phu-luc-1-sipas.docx", "phu-luc-2-sipas.docx", "phu-luc-3-par.docx", "phu-luc-4-par.docx"]
    decision = docx.Document(tmp_path / "out" / folder.name / "quyet-dinh.docx")
    body = "\n".join(p.text for p in decision.paragraphs)
    assert "(chi tiết theo Phụ lục I và Phụ lục II đính kèm)" in body
    assert "(chi tiết theo Phụ lục III và Phụ lục IV đính kèm)" in body
    last = docx.Document(tmp_path / "out" / folder.name / "phu-luc-4-par.docx")
    assert last.paragraphs[0].text == "Phụ lục IV"
    assert "HUYỆN" in last.paragraphs[1].text and "SỞ, BAN" not in last.paragraphs[1].text
