"""The .xlsx edge: numbers as Excel shows them or as clerks type them; hidden sheets left out; the XML
reader gives what two openpyxl loads (values, then formulas) gave, on Excel-shaped and hand-made files."""

from __future__ import annotations

import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.inputs import workbook as workbook_module
from pipeline.inputs.workbook import Cell, Sheet, column_letter, number, read_workbook
from pipeline.problems import InputError


@pytest.mark.parametrize("value, percent, expected", [
    (85, False, D(85)),
    (85.55, False, D("85.55")),
    (0.1 + 0.2, False, D("0.3")),
    (0.855, True, D("85.5")),
    ("85,5", False, D("85.5")),
    ("85.5", False, D("85.5")),
    (" 8,125\u00a0", False, D("8.125")),
    ("85,5 %", False, D("85.5")),
    ("1.234,5", False, D("1234.5")),
    ("-1,5", False, D("-1.5")),
    ("tám", False, None),
    ("8,5,1", False, None),
    (True, False, None),
    ("", False, None),
])
def test_number(value, percent, expected):
    assert number(Cell(value, percent=percent)) == expected


def test_hidden_sheets_are_left_out_and_text_is_nfc(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Bảng điểm"
    workbook.active["A1"] = "  Sở Nội vụ "
    hidden = workbook.create_sheet("Danh mục")
    hidden.sheet_state = "hidden"
    hidden["A1"] = 1
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    book = read_workbook(path)
    assert [sheet.title for sheet in book.sheets] == ["Bảng điểm"]
    assert book.sheets[0].cell(1, 1).value == "Sở Nội vụ"
    assert len(book.sha256) == 64


# ---------------------------------------------------------------- the XML reader against openpyxl

ROOT = Path(__file__).resolve().parent.parent
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _openpyxl_sheets(path: Path) -> list[Sheet]:
    """What the reader gave when it loaded the file twice with openpyxl (values, then formulas)."""
    with warnings.catch_warnings():  # what the reader told openpyxl to ignore
        warnings.filterwarnings("ignore", message="Workbook contains no default style", category=UserWarning)
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path)
    sheets = []
    for name in values.sheetnames:
        cached_sheet, formula_sheet = values[name], formulas[name]
        if not isinstance(cached_sheet, Worksheet) or cached_sheet.sheet_state != "visible":
            continue
        cells = {}
        for row in formula_sheet.iter_rows():
            for formula_cell in row:
                cached = cached_sheet.cell(formula_cell.row, formula_cell.column)
                formula = formula_cell.value if formula_cell.data_type == "f" else None
                if formula is not None and not isinstance(formula, str):
                    formula = getattr(formula, "text", None) or "="
                value = cached.value
                if isinstance(value, str):
                    value = unicodedata.normalize("NFC", value).strip()
                if value is None:
                    value = ""
                if value != "" or formula is not None:
                    cells[(formula_cell.row, formula_cell.column)] = Cell(
                        value, formula, "%" in (cached.number_format or ""))
        anchors = {(row, column): (merged.min_row, merged.min_col)
                   for merged in cached_sheet.merged_cells.ranges
                   for row in range(merged.min_row, merged.max_row + 1)
                   for column in range(merged.min_col, merged.max_col + 1)}
        sheets.append(Sheet(cached_sheet.title, cells, anchors,
                            formula_sheet.max_row, formula_sheet.max_column))
    return sheets


def _rewrite(path: Path, changes: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite parts of the package at `path` in place."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    for name, change in changes.items():
        parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _share_strings(path: Path) -> None:
    """Move every inline string into a shared-strings part, as Excel stores text (openpyxl writes text
    inline)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    table = etree.Element(f"{MAIN}sst", nsmap={None: MAIN[1:-1]})
    index: dict[bytes, int] = {}
    for name in [name for name in parts if name.startswith("xl/worksheets/sheet")]:
        root = etree.fromstring(parts[name])
        for cell in root.iter(f"{MAIN}c"):
            if cell.get("t") == "inlineStr":
                inline = cell.find(f"{MAIN}is")
                key = etree.tostring(inline)
                if key not in index:
                    index[key] = len(index)
                    item = etree.SubElement(table, f"{MAIN}si")
                    item.extend(list(inline))
                cell.remove(inline)
                cell.set("t", "s")
                etree.SubElement(cell, f"{MAIN}v").text = str(index[key])
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    table.set("count", str(len(index)))
    table.set("uniqueCount", str(len(index)))
    parts["xl/sharedStrings.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8",
                                                   standalone=True)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                     b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://'
                             b'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                             b'</Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _as_excel_saves_it(sheet_xml: bytes) -> bytes:
    """D2:D4 as one shared formula with cached values, E2 a formula with a text result, E3 an error, E4 a
    formula never computed, C4 a number in E notation, F2 an inline rich string, A6 a value under a merged
    range: what openpyxl does not write, Excel (or another program) does."""
    root = etree.fromstring(sheet_xml)
    cells = {c.get("r"): c for c in root.iter(f"{MAIN}c")}

    def put(ref: str, kind: str | None, formula: dict | None, text: str | None, value: str | None) -> None:
        cell = cells[ref]
        for child in list(cell):
            cell.remove(child)
        cell.attrib.pop("t", None)
        if kind:
            cell.set("t", kind)
        if formula is not None:
            f = etree.SubElement(cell, f"{MAIN}f", formula)
            f.text = text
        if value is not None:
            etree.SubElement(cell, f"{MAIN}v").text = value

    put("D2", None, {"t": "shared", "ref": "D2:D4", "si": "0"}, "B2*C2", "0.855")
    put("D3", None, {"t": "shared", "si": "0"}, None, "0.9")
    put("D4", None, {"t": "shared", "si": "0"}, None, "1")
    put("C4", None, None, None, "1E-2")
    put("E2", "str", {}, 'IF(D2>0.5," Đạt ","Chưa")', " Đạt ")
    put("E3", "e", {}, "1/0", "#DIV/0!")
    put("E4", None, {}, "SUM(B2:B4)", None)
    row = etree.SubElement(root.find(f"{MAIN}sheetData"), f"{MAIN}row", r="6")
    under = etree.SubElement(row, f"{MAIN}c", r="A6", t="inlineStr")  # under a merge: openpyxl drops it
    etree.SubElement(etree.SubElement(under, f"{MAIN}is"), f"{MAIN}t").text = "dưới ô gộp"
    put("F2", "inlineStr", None, None, None)
    inline = etree.SubElement(cells["F2"], f"{MAIN}is")
    for text in ("Sở ", "Nội vụ"):
        etree.SubElement(etree.SubElement(inline, f"{MAIN}r"), f"{MAIN}t").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_phonetic_run(strings_xml: bytes) -> bytes:
    root = etree.fromstring(strings_xml)
    rich = next(item for item in root if "Tư pháp" in "".join(item.itertext()))
    phonetic = etree.SubElement(rich, f"{MAIN}rPh", sb="0", eb="1")
    etree.SubElement(phonetic, f"{MAIN}t").text = "ソ"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def test_an_excel_shaped_workbook_reads_as_two_openpyxl_loads_did(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bảng điểm"
    sheet.append([unicodedata.normalize("NFD", "  Tên cơ quan, đơn vị "), "Điểm", "Hệ số", "Tỷ lệ", "Kết quả",
                  "Ghi chú", "Đúng"])
    sheet.append([CellRichText(TextBlock(InlineFont(b=True), "Sở "), "Tư pháp"), 85.5, 0.01, "=B2*C2", "=1",
                  "=1", True])
    sheet.append(["Sở Y tế", "90", 0.01, "=B3*C3", "=1/0", None, False])
    sheet.append(["Sở Tài chính", 100, 0.01, "=B4*C4", "=SUM(B2:B4)", " ", 1.0])
    sheet.append(["Tổng cộng", "=SUM(B2:B4)"])
    sheet.merge_cells("A5:A6")
    for ref in ("D2", "D3", "D4"):
        sheet[ref].number_format = "0.0%"
    sheet["C2"].number_format = "0.00%"
    sheet["G9"].number_format = "0%"  # a styled cell with no value still counts for max_row and max_column
    hidden = workbook.create_sheet("Danh mục")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "ẩn"
    second = workbook.create_sheet("Trang 2")
    second["B2"] = "Ủy ban nhân dân"
    second["C3"] = "Ủy ban nhân dân"  # one shared string used twice
    path = tmp_path / "excel.xlsx"
    workbook.save(path)
    _rewrite(path, {"xl/worksheets/sheet1.xml": _as_excel_saves_it})
    _share_strings(path)
    _rewrite(path, {"xl/sharedStrings.xml": _with_phonetic_run})

    expected = _openpyxl_sheets(path)
    got = read_workbook(path).sheets
    assert [sheet.title for sheet in got] == ["Bảng điểm", "Trang 2"]
    shared = {(3, 4), (4, 4)}  # openpyxl translates the shared formula; the reader only knows it is one
    assert {key: expected[0].cells[key].formula for key in shared} == {(3, 4): "=B3*C3", (4, 4): "=B4*C4"}
    expected[0].cells.update({key: Cell(expected[0].cells[key].value, "=", True) for key in shared})
    assert got == tuple(expected)
    first = got[0]
    assert first.cell(1, 1) == Cell("Tên cơ quan, đơn vị")
    assert first.cell(2, 1).value == "Sở Tư pháp"  # rich text runs joined, the phonetic run left out
    assert first.cell(2, 3) == Cell(0.01, None, True)
    assert first.cell(2, 4) == Cell(0.855, "=B2*C2", True)
    assert first.cell(3, 4) == Cell(0.9, "=", True) and first.cell(4, 4) == Cell(1, "=", True)
    assert first.cell(2, 5) == Cell("Đạt", '=IF(D2>0.5," Đạt ","Chưa")')
    assert first.cell(3, 5) == Cell("#DIV/0!", "=1/0")
    assert first.cell(4, 5).formula_without_value
    assert first.cell(2, 6).value == "Sở Nội vụ"
    assert first.cell(4, 6).blank  # " " stripped to nothing and not stored
    assert first.cell(3, 2).value == "90" and first.cell(4, 2).value == 100
    assert type(first.cell(4, 7).value) is int  # 1.0 is saved as 1
    assert type(first.cell(4, 3).value) is float  # 1E-2
    assert first.cell(2, 7).value is True and first.cell(3, 7).value is False
    assert first.cell(6, 1, merged=True).value == "Tổng cộng" and first.cell(6, 1).blank
    assert (first.max_row, first.max_column) == (9, 7)


@pytest.mark.parametrize("name", ["lang-son-2023-sipas-par/par-2023.xlsx",
                                  "lang-son-2023-sipas-par/sipas-2023.xlsx",
                                  "lang-son-2020-par/par-2020.xlsx"])
def test_fixture_workbooks_read_as_two_openpyxl_loads_did(name):
    path = ROOT / "fixtures/cases" / name
    assert read_workbook(path).sheets == tuple(_openpyxl_sheets(path))


def test_relationship_targets_may_be_relative_or_absolute_and_chart_sheets_are_left_out(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Sở Nội vụ"
    chart = workbook.create_chartsheet("Biểu đồ")
    chart.add_chart(BarChart())
    workbook.create_sheet("Trang 2")["B2"] = "Sở Tư pháp"
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    relative = b'Target="worksheets/sheet1.xml"'  # as Excel writes it; openpyxl writes "/xl/worksheets/…"
    _rewrite(path, {"xl/_rels/workbook.xml.rels":
                    lambda xml: xml.replace(b'Target="/xl/worksheets/sheet1.xml"', relative)})
    with zipfile.ZipFile(path) as archive:
        assert relative in archive.read("xl/_rels/workbook.xml.rels")
    book = read_workbook(path)
    assert [(sheet.title, sheet.cells) for sheet in book.sheets] == [
        ("Sheet", {(1, 1): Cell("Sở Nội vụ")}), ("Trang 2", {(2, 2): Cell("Sở Tư pháp")})]
    assert book.sheets == tuple(_openpyxl_sheets(path))


_TYPES = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '</Types>')
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKBOOK = (f'<workbook xmlns="{MAIN[1:-1]}" xmlns:r="{_OFFICE}"><sheets>'
             '<sheet name="Trang" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
                  f'<Relationship Id="rId2" Type="{_OFFICE}/styles" Target="styles.xml"/></Relationships>')
_STYLESHEET = (f'<styleSheet xmlns="{MAIN[1:-1]}"><numFmts count="2">'
               '<numFmt numFmtId="9" formatCode="0.0"/><numFmt numFmtId="164" formatCode="0.0&quot;%&quot;"/>'
               '</numFmts><fonts count="1"><font/></fonts>'
               '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1">'
               '<border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1">'
               '<xf numFmtId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="9"/>'
               '<xf numFmtId="10"/><xf numFmtId="164"/></cellXfs></styleSheet>')
_STRINGS = (f'<sst xmlns="{MAIN[1:-1]}"><si><t xml:space="preserve"> a_x005F_x000D_b </t></si>'
            '<si><r><t>Sở </t></r><r><rPr><b/></rPr><t>Nội vụ</t></r>'
            '<rPh sb="0" eb="1"><t>x</t></rPh></si>'
            '<si><t/></si></sst>')


def _hand_written(path: Path, sheet_data: str) -> Path:
    """A package as other programs write them: no `r` on cells, odd number formats, formula kinds."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLESHEET)
        archive.writestr("xl/sharedStrings.xml", _STRINGS)
        archive.writestr("xl/worksheets/sheet1.xml",
                         f'<worksheet xmlns="{MAIN[1:-1]}">{sheet_data}</worksheet>')
    return path


@pytest.mark.parametrize("sheet_data", [
    ('<dimension ref="A1:Z99"/><sheetData><row><c t="s"><v>0</v></c><c s="1"><v>1.5</v></c><c/>'
    '<c s="2"><v>3</v></c></row><row><c s="3"><v>4</v></c><c t="s"><v>1</v></c></row>'
    '<row r="7"><c t="s"><v>2</v></c><c r="C7" t="s"><v>1</v></c></row></sheetData>'),
    ('<sheetData><row r="1"><c r="A1"><f t="array" ref="A1:A2">SUM(B1:B2*C1:C2)</f><v>5</v></c>'
    '<c r="B1"><f t="dataTable" ref="B1:C2" dt2D="0" dtr="1" r1="D1"/><v>2</v></c><c r="C1"><f/></c>'
    '<c r="D1" t="d"><v>2024-01-31T00:00:00</v></c><c r="E1" t="b"><v>0</v></c>'
    '<c r="F1" t="e"><v>#N/A</v></c>'
    '<c r="G1" t="str"><f>"x"</f><v></v></c></row></sheetData>'),
    ('<sheetData><row r="3.0"><c r="A3"><v>1</v></c><c r="A3"/><c r="B3"><v>1</v></c>'
    '<c r="B3"><v>-1.5E+3</v></c></row></sheetData>'
    '<mergeCells count="2"><mergeCell ref="B3:C4"/><mergeCell ref="E5"/></mergeCells>'),
    '',
], ids=["no-references-and-number-formats", "formula-kinds-and-types", "repeated-cells-and-merges", "empty"])
def test_hand_written_packages_read_as_two_openpyxl_loads_did(tmp_path, sheet_data):
    path = _hand_written(tmp_path / "book.xlsx", sheet_data)
    assert read_workbook(path).sheets == tuple(_openpyxl_sheets(path))


def test_an_empty_cell_under_a_hyperlink_stays_blank(tmp_path):
    path = _hand_written(tmp_path / "book.xlsx",
                         '<sheetData><row r="2"><c r="B2"><v>1</v></c></row></sheetData>'
                         '<hyperlinks><hyperlink ref="B2:C12" location="Trang!A1"/></hyperlinks>')
    sheet = read_workbook(path).sheets[0]
    assert sheet.cells == {(2, 2): Cell(1)} and (sheet.max_row, sheet.max_column) == (12, 3)
    assert _openpyxl_sheets(path)[0].cells[(3, 3)] == Cell("Trang!A1")  # openpyxl filled it with the link


def _damaged(change: dict[str, Callable[[bytes], bytes]]) -> Callable[[Path], None]:
    return lambda path: _rewrite(path, change)


@pytest.mark.parametrize("damage", [
    _damaged({"xl/worksheets/sheet1.xml": lambda xml: xml[: len(xml) // 2]}),
    _damaged({"xl/workbook.xml": lambda xml: b"<html/>"}),
    _damaged({"xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b'Id="rId1"', b'Id="rId9"')}),
    _damaged({"xl/sharedStrings.xml": lambda xml: xml.replace(b"<si>", b"<x>").replace(b"</si>", b"</x>")}),
    _damaged({"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b'r="A1"', b'r="A1048577"')}),
    _damaged({"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b"<v>1</v>", b"<v>mot</v>")}),
    _damaged({"[Content_Types].xml": lambda xml: xml.replace(b"sheet.main+xml", b"other+xml")}),
], ids=["truncated-sheet", "not-a-workbook-part", "missing-relationship", "bad-shared-string",
        "beyond-the-last-row", "number-not-a-number", "no-workbook-content-type"])
def test_a_damaged_package_is_not_an_xlsx(tmp_path, damage):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Sở Nội vụ"
    workbook.active["B1"] = 1
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    _share_strings(path)
    assert read_workbook(path).sheets[0].cell(1, 1).value == "Sở Nội vụ"
    damage(path)
    with pytest.raises(InputError) as raised:
        read_workbook(path)
    assert [problem.code for problem in raised.value.problems] == ["scores.not_xlsx"]


def test_oversized_parts_and_merges_are_refused(tmp_path, monkeypatch):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Sở Nội vụ"
    workbook.active.merge_cells("A1:Z400")
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    assert read_workbook(path).sheets[0].cell(400, 26, merged=True).value == "Sở Nội vụ"
    monkeypatch.setattr(workbook_module, "MAX_MERGED_CELLS", 10_000)
    with pytest.raises(InputError) as raised:
        read_workbook(path)
    assert raised.value.problems[0].code == "scores.not_xlsx" and "gộp" in raised.value.problems[0].message
    monkeypatch.setattr(workbook_module, "MAX_PART_BYTES", 1_000)
    with pytest.raises(InputError) as raised:
        read_workbook(path)
    assert raised.value.problems[0].code == "scores.not_xlsx" and "MB" in raised.value.problems[0].message


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 16_384)] == ["A", "Z", "AA", "AZ", "XFD"]
