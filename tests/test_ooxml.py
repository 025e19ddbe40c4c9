"""The read-only OOXML layer: effective formatting through the whole style chain, body order, sections."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.ooxml.reader import (
    DocxError,
    field_name,
    half_points_to_pt,
    mm_to_twips,
    read_docx,
    twips_to_mm,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
THEME = """<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="t">
<a:themeElements><a:clrScheme name="c">
<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>
<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
<a:dk2><a:srgbClr val="1F497D"/></a:dk2><a:lt2><a:srgbClr val="EEECE1"/></a:lt2>
<a:accent1><a:srgbClr val="4F81BD"/></a:accent1></a:clrScheme>
<a:fontScheme name="f">
<a:majorFont><a:latin typeface="Cambria"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>
<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>
</a:fontScheme></a:themeElements></a:theme>"""
DECREE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "nd30-2020" / "30_2020_ND_CP.docx"
SECTION = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1134" w:bottom="1134" '
           'w:left="1985" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>')


def tiny_docx(path: Path, body: str, styles: str = "", theme: str | None = THEME,
              numbering: str | None = None, headers: dict[str, str] | None = None,
              section: str = SECTION) -> Path:
    """A minimal .docx at `path`: `body` is the XML inside `w:body` (the final `section` is appended),
    `styles` the XML inside `w:styles`, `headers` maps a relationship id to the XML inside `w:hdr`."""
    headers = headers or {}
    rels = [f'<Relationship Id="rIdStyles" Type="{REL_TYPE}styles" Target="styles.xml"/>']
    parts = {
        "word/document.xml": f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}{section}</w:body>'
                             "</w:document>",
        "word/styles.xml": f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>',
    }
    if theme is not None:
        rels.append(f'<Relationship Id="rIdTheme" Type="{REL_TYPE}theme" Target="theme/theme1.xml"/>')
        parts["word/theme/theme1.xml"] = theme
    if numbering is not None:
        rels.append(f'<Relationship Id="rIdNumbering" Type="{REL_TYPE}numbering" Target="numbering.xml"/>')
        parts["word/numbering.xml"] = f'<w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>'
    for rid, xml in headers.items():
        rels.append(f'<Relationship Id="{rid}" Type="{REL_TYPE}header" Target="{rid}.xml"/>')
        parts[f"word/{rid}.xml"] = f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{xml}</w:hdr>'
    package_rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml",
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        main = f'<Relationship Id="rId1" Type="{REL_TYPE}officeDocument" Target="word/document.xml"/>'
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{package_rels}">{main}</Relationships>')
        archive.writestr("word/_rels/document.xml.rels",
                         f'<Relationships xmlns="{package_rels}">{"".join(rels)}</Relationships>')
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return path


def p(text: str = "", ppr: str = "", rpr: str = "") -> str:
    run = f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{run}</w:p>"


def first_run(path: Path):
    return read_docx(path).paragraphs[0].runs[0].format


def test_units():
    assert round(mm_to_twips(25)) == 1417 and round(twips_to_mm(1985)) == 35
    assert half_points_to_pt(27) == 13.5


def test_nothing_set_anywhere_gives_words_fallbacks(tmp_path):
    """No rFonts and no sz at any level: Word shows Times New Roman 10 pt, black, upright, left-aligned."""
    fmt = first_run(tiny_docx(tmp_path / "a.docx", p("Lạng Sơn")))
    assert (fmt.fonts.ascii, fmt.fonts.h_ansi, fmt.size, fmt.bold, fmt.italic, fmt.color) == \
        ("Times New Roman", "Times New Roman", 10.0, False, False, "auto")
    paragraph = read_docx(tmp_path / "a.docx").paragraphs[0].format
    assert (paragraph.alignment, paragraph.line, paragraph.line_rule, paragraph.first_line) == \
        ("left", 240, "auto", 0)


def test_document_defaults_then_theme_fonts(tmp_path):
    styles = ('<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" '
              'w:hAnsiTheme="minorHAnsi" w:ascii="Times New Roman"/><w:sz w:val="26"/></w:rPr></w:rPrDefault>'
              '<w:pPrDefault><w:pPr><w:spacing w:after="200" w:line="276" w:lineRule="auto"/></w:pPr>'
              '</w:pPrDefault></w:docDefaults>')
    path = tiny_docx(tmp_path / "a.docx", p("Lạng Sơn"), styles)
    fmt = first_run(path)
    # the theme font wins over the name given at the same level
    assert (fmt.fonts.ascii, fmt.fonts.h_ansi, fmt.size) == ("Calibri", "Calibri", 13.0)
    paragraph = read_docx(path).paragraphs[0].format
    assert (paragraph.space_after, paragraph.line) == (200, 276)


def test_theme_font_of_a_missing_theme_falls_back_to_the_name(tmp_path):
    styles = ('<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:ascii="Arial"/>'
              '</w:rPr></w:rPrDefault></w:docDefaults>')
    assert first_run(tiny_docx(tmp_path / "a.docx", p("x"), styles, theme=None)).fonts.ascii == "Arial"


CHAIN = ('<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>'
         '<w:sz w:val="20"/></w:rPr></w:rPrDefault></w:docDefaults>'
         '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:pPr><w:jc w:val="both"/></w:pPr>'
         '<w:rPr><w:sz w:val="28"/></w:rPr></w:style>'
         '<w:style w:type="paragraph" w:styleId="Base"><w:basedOn w:val="Normal"/>'
         '<w:pPr><w:ind w:firstLine="567"/></w:pPr><w:rPr><w:rFonts w:hAnsi="Arial"/><w:b/></w:rPr></w:style>'
         '<w:style w:type="paragraph" w:styleId="Child"><w:basedOn w:val="Base"/>'
         '<w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="26"/></w:rPr></w:style>'
         '<w:style w:type="character" w:styleId="Strong"><w:rPr><w:b/></w:rPr></w:style>'
         '<w:style w:type="character" w:styleId="Emphasis"><w:basedOn w:val="Strong"/>'
         '<w:rPr><w:i/></w:rPr></w:style>')


def test_paragraph_style_chain_child_wins(tmp_path):
    path = tiny_docx(tmp_path / "a.docx", p("Lạng Sơn", '<w:pStyle w:val="Child"/>') + p("plain"), CHAIN)
    styled, plain = read_docx(path).paragraphs
    fmt = styled.runs[0].format
    assert (fmt.size, fmt.bold, fmt.fonts.ascii, fmt.fonts.h_ansi) == (13.0, True, "Times New Roman", "Arial")
    assert (styled.format.alignment, styled.format.first_line, styled.format.style_id) == \
        ("center", 567, "Child")
    assert (plain.format.style_id, plain.format.alignment, plain.runs[0].format.size) == \
        ("Normal", "both", 14)


def test_toggle_properties_flip_across_style_levels_and_are_absolute_when_direct(tmp_path):
    body = (p("both bold", '<w:pStyle w:val="Base"/>', '<w:rStyle w:val="Strong"/>')
            + p("chain", "", '<w:rStyle w:val="Emphasis"/>')
            + p("direct", '<w:pStyle w:val="Base"/>', '<w:rStyle w:val="Strong"/><w:b/>')
            + p("off", '<w:pStyle w:val="Base"/>', '<w:b w:val="0"/>'))
    toggled, chain, direct, off = (x.runs[0].format for x in read_docx(tiny_docx(tmp_path / "a.docx", body,
                                                                                CHAIN)).paragraphs)
    assert toggled.bold is False  # bold paragraph style + bold character style = not bold (ECMA-376 §17.7.3)
    assert (chain.bold, chain.italic, chain.style_id) == (True, True, "Emphasis")  # basedOn: child inherits
    assert direct.bold is True and off.bold is False


def test_table_style_comes_between_defaults_and_paragraph_style(tmp_path):
    styles = CHAIN + ('<w:style w:type="table" w:styleId="Grid"><w:pPr><w:jc w:val="right"/>'
                      '<w:spacing w:before="40"/></w:pPr>'
                      '<w:rPr><w:sz w:val="22"/><w:color w:val="FF0000"/></w:rPr></w:style>')
    cell = '<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{}</w:tc>'
    cells = cell.format(p("in table")) + cell.format(p("styled", '<w:pStyle w:val="Child"/>'))
    body = f'<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/></w:tblPr><w:tr>{cells}</w:tr></w:tbl>'
    table_paragraph, styled = read_docx(tiny_docx(tmp_path / "a.docx", body, styles)).paragraphs
    # Normal (the default paragraph style) sets sz 28 and jc both over the table style: paragraph style wins
    assert (table_paragraph.runs[0].format.size, table_paragraph.runs[0].format.color) == (14.0, "FF0000")
    assert table_paragraph.format.alignment == "both" and table_paragraph.format.space_before == 40
    assert styled.format.alignment == "center" and styled.runs[0].format.size == 13.0


def test_table_style_reaches_paragraphs_without_a_paragraph_style_setting(tmp_path):
    styles = ('<w:style w:type="table" w:styleId="Grid"><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>'
              '<w:sz w:val="22"/></w:rPr></w:style>')
    body = f'<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/></w:tblPr><w:tr><w:tc>{p("ô")}</w:tc></w:tr></w:tbl>'
    fmt = first_run(tiny_docx(tmp_path / "a.docx", body, styles))
    assert (fmt.fonts.h_ansi, fmt.size) == ("Arial", 11.0)


def test_direct_formatting_theme_colour_and_underline(tmp_path):
    body = (p("a", "", '<w:color w:val="auto"/>')
            + p("b", "", '<w:color w:val="000000" w:themeColor="accent1"/>')
            + p("c", "", '<w:u w:val="single"/><w:caps/>') + p("d", "", '<w:u w:val="none"/>'))
    a, b, c, d = (x.runs[0].format for x in read_docx(tiny_docx(tmp_path / "a.docx", body)).paragraphs)
    assert (a.color, b.color, c.underline, c.caps, d.underline) == ("auto", "4F81BD", "single", True, None)


def test_numbering_level_indents_a_paragraph(tmp_path):
    numbering = ('<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
                 '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    listed = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    body = p("list", listed) + p("override", listed + '<w:ind w:firstLine="567"/>')
    listed, direct = read_docx(tiny_docx(tmp_path / "a.docx", body, numbering=numbering)).paragraphs
    assert (listed.format.left, listed.format.first_line) == (720, -360)
    assert (direct.format.left, direct.format.first_line) == (720, 567)


def test_text_breaks_hidden_runs_caps_hyperlinks_and_deletions(tmp_path):
    body = ('<w:p><w:r><w:t>- PCVP,</w:t><w:br/><w:t>các phòng</w:t><w:tab/></w:r>'
            '<w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink>'
            '<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>'
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>'
            '<w:r><w:rPr><w:caps/></w:rPr><w:t>phụ lục</w:t></w:r></w:p>')
    paragraph = read_docx(tiny_docx(tmp_path / "a.docx", body)).paragraphs[0]
    assert paragraph.text == "- PCVP,\ncác phòng\tlinkhiddenphụ lục"
    assert paragraph.shown == "- PCVP,\ncác phòng\tlinkPHỤ LỤC"


def test_fields_drawings_and_page_breaks(tmp_path):
    body = ('<w:p><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE   \\* MERGEFORMAT </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:t>2</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<w:fldSimple w:instr="NUMPAGES"><w:r><w:t>3</w:t></w:r></w:fldSimple>'
            '<w:r><w:br w:type="page"/></w:r></w:p>')
    paragraph = read_docx(tiny_docx(tmp_path / "a.docx", body)).paragraphs[0]
    assert [(field_name(f), f.format.size) for f in paragraph.fields] == [("PAGE", 13.0), ("NUMPAGES", 10.0)]
    assert paragraph.text == "23\n" and paragraph.page_break


def test_tables_rows_cells_and_reading_order(tmp_path):
    inner = f'<w:tbl><w:tr><w:tc>{p("nested")}</w:tc></w:tr></w:tbl>'
    body = (p("before") + '<w:tbl><w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>'
            f'<w:tc>{p("A1")}</w:tc><w:tc>{p("B1")}{inner}{p("B1 after")}</w:tc></w:tr>'
            '<w:tr><w:trPr><w:cantSplit w:val="0"/></w:trPr>'
            f'<w:tc>{p("A2")}</w:tc><w:tc>{p("B2")}</w:tc></w:tr>'
            '</w:tbl>' + p("after"))
    document = read_docx(tiny_docx(tmp_path / "a.docx", body))
    assert [x.text for x in document.paragraphs] == [
        "before", "A1", "B1", "nested", "B1 after", "A2", "B2", "after"]
    assert [x.number for x in document.paragraphs] == list(range(1, 9))
    outer = document.tables[0]
    assert [(row.repeats, row.cant_split) for row in outer.rows] == [(True, True), (False, False)]
    assert document.paragraph(7).cell.row == 1 and document.paragraph(7).cell.column == 1
    assert document.tables[1].nested and document.paragraph(4).cell.table == 1
    assert [type(b).__name__ for b in document.blocks] == ["Paragraph", "Table", "Paragraph"]
    assert outer.first_number == 2 and [c.column for c in outer.rows[0].cells] == [0, 1]


def test_sections_headers_inherit_and_restart(tmp_path):
    header = ('<w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
              '<w:fldSimple w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple></w:p>')
    first_section = ('<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/>'
                     '<w:pgSz w:w="11907" w:h="16840"/><w:pgMar w:top="-1418" w:bottom="1134" '
                     'w:left="1985" w:right="1134" w:header="567" w:footer="567" w:gutter="0"/><w:titlePg/>'
                     '</w:sectPr></w:pPr>'
                     '<w:r><w:t>end of 1</w:t></w:r></w:p>')
    landscape = ('<w:sectPr><w:type w:val="continuous"/>'
                 '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
                 '<w:pgMar w:top="1134" w:bottom="851" w:left="1701" w:right="851" w:header="567" '
                 'w:footer="567" w:gutter="0"/><w:pgNumType w:start="1"/></w:sectPr>')
    document = read_docx(tiny_docx(tmp_path / "a.docx", p("one") + first_section + p("two"),
                                   headers={"rIdH1": header}, section=landscape))
    one, two = document.sections
    assert (one.first, one.last, two.first, two.last) == (1, 2, 3, 3)
    assert one.title_page and not two.title_page and one.margins.top == 1418 and not one.landscape
    assert two.landscape and two.page_number_start == 1
    assert (one.start, two.start) == ("nextPage", "continuous")
    assert one.headers["default"] is two.headers["default"]  # the second section inherits the header
    page = two.headers["default"].paragraphs[0]
    assert page.format.alignment == "center" and field_name(page.fields[0]) == "PAGE"


@pytest.mark.parametrize("content", [b"not a zip at all", None, b"<w:document"])
def test_unreadable_files_raise_docx_error(tmp_path, content):
    path = tmp_path / "bad.docx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "no document here")
    elif content.startswith(b"<"):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", content)
    else:
        path.write_bytes(content)
    with pytest.raises(DocxError):
        read_docx(path)


def test_missing_file_is_a_docx_error(tmp_path):
    with pytest.raises(DocxError):
        read_docx(tmp_path / "absent.docx")


def test_the_decrees_own_header_block(tmp_path):
    """The Government's file: bold from a heading style, size 13 from it; the trích yếu is bold only through
    the Strong character style on a non-bold heading style."""
    document = read_docx(DECREE)
    national = document.paragraph(5)
    assert national.shown == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert (national.runs[0].format.bold, national.runs[0].format.size, national.format.alignment) == \
        (True, 13.0, "center")
    subject = document.paragraph(12)
    assert subject.shown == "Về công tác văn thư" and subject.runs[0].format.bold
    assert document.sections[0].width == 11907 and document.sections[0].title_page
