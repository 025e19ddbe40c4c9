"""Write the .docx templates in templates/ from this description of the NĐ 30 layout.

The templates are ordinary Word documents with docxtpl tags; a clerk may open and adjust them
in Word. This script is how they were made, so a change of layout is reviewed as code:

    .venv/bin/python scripts/make_templates.py

Units: twips (1 mm ≈ 56.7, 1 pt = 20); sizes in points. Values follow format.md §2 and §10
(the Government's own files): A4, margins 25/20/35/20 mm, Times New Roman, header 13/14 pt.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ooxml.package import normalise_package

FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT
INDENT = 567  # 1 cm first-line indent
TABLE_TEXT, TABLE_HEADING = "Table Text", "Table Heading"
A4 = (11906, 16838)


TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")
SECT_PR_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
                 "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
                 "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings")


def put(parent, child, order: tuple[str, ...]) -> None:
    """Insert `child` where the schema's sequence `order` wants it, replacing one of the same name."""
    name = child.tag.rpartition("}")[2]
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(name)
    for position, sibling in enumerate(parent):
        sibling_name = sibling.tag.rpartition("}")[2]
        if sibling_name in order and order.index(sibling_name) > rank:
            parent.insert(position, child)
            return
    parent.append(child)


def new_document(landscape: bool) -> Document:
    doc = Document()
    _drop_styles_with_effects(doc)
    _set_defaults(doc)
    section = doc.sections[0]
    width, height = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Twips(height), Twips(width)
        margins = (1134, 1134, 1701, 851)  # top, bottom, left, right: 20/20/30/15 mm
    else:
        section.page_width, section.page_height = Twips(width), Twips(height)
        margins = (1418, 1134, 1985, 1134)  # 25/20/35/20 mm
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = map(Twips, margins)
    section.header_distance = Twips(567)
    section.footer_distance = Twips(567)
    _page_number_header(section)
    return doc


def _drop_styles_with_effects(doc: Document) -> None:
    """python-docx's default package carries a Word 2010 part that schema checkers flag."""
    part = doc.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rel_id)


def _set_defaults(doc: Document) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default)
    for tag, value in (("w:sz", "28"), ("w:szCs", "28")):
        el = rpr_default.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr_default.append(el)
        el.set(qn("w:val"), value)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _page_number_header(section) -> None:
    """Page number centred in the top margin, 14 pt, hidden on page 1 (NĐ 30, Phụ lục I, I.7)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        _run_format(run, 14)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    section.first_page_header.paragraphs[0].text = ""


def _run_format(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    _fonts(run._r.get_or_add_rPr())
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic


def para(container, text: str = "", size: float = 14, *, bold: bool = False, italic: bool = False,
         align=CENTER, before: int = 0, after: int = 0, indent: int | None = None):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Twips(before), Twips(after)
    fmt.line_spacing = 1.0
    if indent is not None:
        fmt.first_line_indent = Twips(indent)
    if text:
        _run_format(paragraph.add_run(text), size, bold, italic)
    _mark_size(paragraph, size)
    return paragraph


def _mark_size(paragraph, size: float) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    _fonts(rpr)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(size * 2)))
    rpr.append(sz)


def rule(container, width: int, available: int):
    """A solid line `width` twips long, centred: an empty 4 pt paragraph with a bottom border, so the line
    sits just under the text above it (a border on the text itself would need the text's own width)."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    side = max((available - width) // 2, 0)
    fmt.left_indent = fmt.right_indent = Twips(side)
    fmt.space_before = fmt.space_after = Twips(0)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        top.set(qn(attr), value)
    borders.append(top)
    ppr.insert(0, borders) if ppr.find(qn("w:pStyle")) is None else ppr.find(qn("w:pStyle")).addnext(borders)
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:line"), "80")
    spacing.set(qn("w:lineRule"), "exact")
    _mark_size(paragraph, 4)
    return paragraph


def borderless_table(doc, widths: tuple[int, ...], rows: int, indent: int = 0):
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    put(tbl_pr, borders, TBL_PR_ORDER)
    set_table_geometry(table, widths, indent)
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def set_table_geometry(table, widths: tuple[int, ...], indent: int = 0) -> None:
    """Widths in both the grid and the cells: LibreOffice reads the grid, Word the cells."""
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    put(tbl_pr, width, TBL_PR_ORDER)
    if indent:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(indent))
        ind.set(qn("w:type"), "dxa")
        put(tbl_pr, ind, TBL_PR_ORDER)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    put(tbl_pr, layout, TBL_PR_ORDER)
    for column, w in zip(table.columns, widths):
        column.width = Twips(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = Twips(w)


def decision_template() -> Document:
    doc = new_document(landscape=False)
    _table_styles(doc)
    body = doc.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None
    left, right = 3686, 5812
    header = borderless_table(doc, (left, right), rows=2, indent=-284)
    top_left, top_right = header.rows[0].cells
    para(top_left, "{%p for line in organ_lines %}", 13, bold=True)
    para(top_left, "{{ line }}", 13, bold=True)
    para(top_left, "{%p endfor %}", 13, bold=True)
    rule(top_left, 1300, left)
    para(top_right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    para(top_right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    rule(top_right, 3900, right)
    para(header.rows[1].cells[0], "{{ number_line }}", 13, before=120)
    para(header.rows[1].cells[1], "{{ place_date_line }}", 14, italic=True, before=120)

    para(doc, "{{ title }}", 14, bold=True, before=480)
    para(doc, "{{ subject }}", 14, bold=True)
    rule(doc, 2600, 8787)
    para(doc, "{{ authority_line }}", 14, bold=True, before=360)
    para(doc, "{%p for line in preamble %}", 14, italic=True, align=JUSTIFY, indent=INDENT)
    para(doc, "{{ line }}", 14, italic=True, align=JUSTIFY, before=120, indent=INDENT)
    para(doc, "{%p endfor %}", 14, italic=True, align=JUSTIFY, indent=INDENT)
    para(doc, "QUYẾT ĐỊNH:", 14, bold=True, before=240, after=120)
    para(doc, "{%p for p in body %}", 14, align=JUSTIFY, indent=INDENT)
    article = para(doc, "{{ p.label }}", 14, bold=True, align=JUSTIFY, before=120, indent=INDENT)
    _run_format(article.add_run("{% if p.label %} {% endif %}{{ p.text }}"), 14)
    para(doc, "{%p endfor %}", 14, align=JUSTIFY, indent=INDENT)

    para(doc, "", 14)  # a blank line between the articles and the signature area
    signature = borderless_table(doc, (4111, 4961), rows=1, indent=-108)
    recipients, signer = signature.rows[0].cells
    para(recipients, "Nơi nhận:", 12, bold=True, italic=True, align=LEFT)
    para(recipients, "{%p for line in recipients %}", 11, align=LEFT)
    para(recipients, "{{ line }}", 11, align=LEFT)
    para(recipients, "{%p endfor %}", 11, align=LEFT)
    para(signer, "{%p for line in signature.lines %}", 14, bold=True)
    para(signer, "{{ line }}", 14, bold=True)
    para(signer, "{%p endfor %}", 14, bold=True)
    for _ in range(4):
        para(signer, "", 14)
    para(signer, "{{ signature.name }}", 14, bold=True)
    return doc


def annex_template() -> Document:
    doc = new_document(landscape=True)
    _table_styles(doc)
    body = doc.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None
    section = doc.sections[0]
    pg_num = OxmlElement("w:pgNumType")
    pg_num.set(qn("w:start"), "1")
    put(section._sectPr, pg_num, SECT_PR_ORDER)
    available = 16838 - 1701 - 851
    para(doc, "{{ annex.label }}", 14, bold=True)
    para(doc, "{{ annex.title }}", 14, bold=True)
    para(doc, "{{ annex.reference }}", 13, italic=True)
    rule(doc, 2600, available)
    para(doc, "{%p for t in annex.tables %}", 13, align=LEFT)
    para(doc, "{%p if t.heading %}", 13, align=LEFT)
    para(doc, "{{ t.heading }}", 13, bold=True, align=LEFT, before=240, after=120)
    para(doc, "{%p endif %}", 13, align=LEFT)
    # STT | name | one column per value: the value cell repeats ({%tc %}) and the rows repeat ({%tr %});
    # render.py shares the remaining width equally among the repeated columns.
    widths = (700, 3300, 100, available - 4200, 100)  # 700: «STT» in bold 11 pt fits on one line
    table = doc.add_table(rows=4, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    set_table_geometry(table, widths)
    header, loop_start, row, loop_end = table.rows
    for cell, text in zip(header.cells, ("{{ t.columns[0] }}", "{{ t.columns[1] }}", "{%tc for c in t.columns[2:] %}",
                                         "{{ c }}", "{%tc endfor %}")):
        _cell(cell, text, bold=True)
    for cell, text, align in zip(row.cells, ("{{ r[0] }}", "{{ r[1] }}", "{%tc for v in r[2:] %}", "{{ v }}",
                                             "{%tc endfor %}"), (CENTER, LEFT, CENTER, CENTER, CENTER)):
        _cell(cell, text, align=align)
    for loop_row, text in ((loop_start, "{%tr for r in t.rows %}"), (loop_end, "{%tr endfor %}")):
        for position, cell in enumerate(loop_row.cells):
            _cell(cell, text if position == 0 else "")
    _row_flags(header, repeat=True)
    _row_flags(row, repeat=False)
    para(doc, "{{ t.note }}", 12, italic=True, align=JUSTIFY, before=120, indent=INDENT)
    para(doc, "{%p endfor %}", 13, align=LEFT)
    return doc


def attachment_template() -> Document:
    """A document issued "kèm theo" a decision (Mẫu 1.3, second page): its own header without Số and
    date, title, trích yếu, the reference line, then one table per agency group."""
    doc = new_document(landscape=False)
    _table_styles(doc)
    body = doc.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None
    left, right = 3686, 5812
    header = borderless_table(doc, (left, right), rows=1, indent=-284)
    top_left, top_right = header.rows[0].cells
    para(top_left, "{%p for line in attachment.organ_lines %}", 13, bold=True)
    para(top_left, "{{ line }}", 13, bold=True)
    para(top_left, "{%p endfor %}", 13, bold=True)
    rule(top_left, 1300, left)
    para(top_right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    para(top_right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    rule(top_right, 3900, right)
    para(doc, "{{ attachment.title }}", 14, bold=True, before=480)
    para(doc, "{{ attachment.subject }}", 14, bold=True)
    para(doc, "{{ attachment.reference }}", 14, italic=True)
    rule(doc, 2600, 8787)
    para(doc, "{%p for t in attachment.tables %}", 13, align=LEFT)
    para(doc, "{{ t.heading }}", 13, bold=True, align=LEFT, before=240, after=120)
    widths = (1000, 6287, 1500)
    table = doc.add_table(rows=4, cols=3)
    table.style = doc.styles["Table Grid"]
    set_table_geometry(table, widths)
    head, loop_start, row, loop_end = table.rows
    for cell, text in zip(head.cells, ("Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa")):
        _cell(cell, text, bold=True)
    _cell(row.cells[0], "{{ r.code }}")
    text_cell = row.cells[1]
    for paragraph in list(text_cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    para(text_cell, "{%p if r.level <= 1 %}", 11, align=LEFT)
    para(text_cell, "{{ r.text }}", 11, bold=True, align=LEFT, before=40, after=40)
    para(text_cell, "{%p elif r.level == 3 %}", 11, align=LEFT)
    para(text_cell, "{{ r.text }}", 11, italic=True, align=LEFT, before=40, after=40)
    para(text_cell, "{%p else %}", 11, align=LEFT)
    para(text_cell, "{{ r.text }}", 11, align=LEFT, before=40, after=40)
    para(text_cell, "{%p endif %}", 11, align=LEFT)
    _cell(row.cells[2], "{{ r.points }}")
    for loop_row, text in ((loop_start, "{%tr for r in t.rows %}"), (loop_end, "{%tr endfor %}")):
        for position, cell in enumerate(loop_row.cells):
            _cell(cell, text if position == 0 else "")
    _row_flags(head, repeat=True)
    _row_flags(row, repeat=False)
    para(doc, "{{ t.summary }}", 13, italic=True, align=JUSTIFY, before=120, indent=INDENT)
    para(doc, "{%p endfor %}", 13, align=LEFT)
    para(doc, "{{ attachment.note }}", 13, align=JUSTIFY, before=240, indent=INDENT)
    return doc


def _table_styles(doc: Document) -> None:
    """Paragraph styles for table cells: 11 pt (Times New Roman from Normal and the document defaults),
    2 pt above and below, single lines; headings bold. Cells name a style instead of repeating some
    450 bytes of direct formatting each: an annex of 31 agencies is about a third of the XML, which
    every render, zip and check goes through."""
    text = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = doc.styles["Normal"]
    text.font.size = Pt(11)
    fmt = text.paragraph_format
    fmt.space_before = fmt.space_after = Twips(40)
    fmt.line_spacing = 1.0
    heading = doc.styles.add_style(TABLE_HEADING, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = text
    heading.font.bold = True


def _cell(cell, text: str, bold: bool = False, align=CENTER) -> None:
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    paragraph = cell.add_paragraph(style=TABLE_HEADING if bold else TABLE_TEXT)
    paragraph.alignment = align
    if text:
        paragraph.add_run(text)


def _row_flags(row, repeat: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if repeat:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _preserve_spaces(doc: Document) -> None:
    """Every text node keeps its spaces: rendered values such as `Số:      /QĐ-UBND` depend on it."""
    for part in (doc.part, *(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/header"))):
        for text in part.element.iter(qn("w:t")):
            text.set(qn("xml:space"), "preserve")


def _prune_styles(doc: Document) -> None:
    """Keep only the styles the template uses (and what they are based on): a 350 kB styles part
    would be re-compressed on every render for nothing."""
    styles = doc.styles.element
    used = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    parts = (doc.part, *(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/header")))
    for part in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(el.get(qn("w:val")) for el in part.element.iter(qn(tag)))
    by_id = {style.get(qn("w:styleId")): style for style in styles.findall(qn("w:style"))}
    pending = list(used)
    while pending:
        style = by_id.get(pending.pop())
        for link in ("w:basedOn", "w:link", "w:next"):
            el = style.find(qn(link)) if style is not None else None
            if el is not None and el.get(qn("w:val")) not in used:
                used.add(el.get(qn("w:val")))
                pending.append(el.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in used:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)


def save(doc: Document, path: Path) -> None:
    _preserve_spaces(doc)
    _prune_styles(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(normalise_package(buffer.getvalue()))
    print(f"wrote {path.relative_to(ROOT)}")


DECISION_KINDS = ("cong-bo-chi-so", "quyet-dinh", "ban-hanh-bo-tieu-chi")
"""Decision kinds share the NĐ 30 layout; each has its own file so clerks can adjust one kind in Word."""


def main() -> None:
    for kind in DECISION_KINDS:
        save(decision_template(), ROOT / "templates" / "decisions" / f"{kind}.docx")
    save(annex_template(), ROOT / "templates" / "annexes" / "bang-xep-hang.docx")
    save(attachment_template(), ROOT / "templates" / "attachments" / "bo-tieu-chi.docx")


if __name__ == "__main__":
    main()
