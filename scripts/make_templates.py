"""Write the .docx templates in templates/ from this description of the NĐ 30 layout.

The templates are ordinary Word documents with docxtpl tags; a clerk may open and adjust them
in Word. This script is how they were made, so a change of layout is reviewed as code:

    .venv/bin/python scripts/make_templates.py

Every figure of the decree (paper, margins, font, sizes, indents, spacing) is read from
`pipeline.nd30.figures`, which the checker reads too; what is set here is only the templates' own layout
(column widths, lines, space around blocks), in twips (1 pt = 20). `main(out)` writes into another folder
(the tests compare it with the committed templates).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt as DocxPt
from docx.shared import Twips

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx_parts import (
    SECT_PR_ORDER,
    borderless_table,
    drop_styles_with_effects,
    put,
    row_flags,
    save,
    set_table_geometry,
    spanning_cell,
)

from pipeline.nd30 import figures
from pipeline.nd30.figures import Pt

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT
TABLE_TEXT, TABLE_HEADING = "Table Text", "Table Heading"
CELL_SIZE = Pt(11)
"""Annex tables: the decree sets no size for them; 11 pt fits 31 agencies' rows on landscape pages."""
TABLE_NOTE_SIZE = Pt(12)
CAPTION_SIZE = Pt(13)
"""Headings, summaries and notes around annex tables."""
RULE_SIZE = Pt(4)
"""The empty paragraph that carries a short line under a block: small, so the line sits under the text."""


def new_document(landscape: bool) -> Document:
    doc = Document()
    drop_styles_with_effects(doc)
    _set_defaults(doc)
    section = doc.sections[0]
    width, height = (Twips(length.twips) for length in figures.PAPER)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    else:
        section.page_width, section.page_height = width, height
    margins = figures.LANDSCAPE_MARGINS if landscape else figures.PORTRAIT_MARGINS
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Twips(margin.twips) for margin in (margins.top, margins.bottom, margins.left, margins.right))
    section.header_distance = section.footer_distance = Twips(figures.HEADER_DISTANCE.twips)
    _page_number_header(section)
    return doc


def _set_defaults(doc: Document) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default)
    for tag, value in (("w:sz", str(figures.BODY.written.half_points)),
                       ("w:szCs", str(figures.BODY.written.half_points))):
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
    normal.font.name = figures.FONT
    normal.font.size = DocxPt(figures.BODY.written.value)
    _fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = DocxPt(0)
    fmt.line_spacing = figures.LINE_SPACING[0]


def _fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), figures.FONT)


def _page_number_header(section) -> None:
    """Page number centred in the top margin, 14 pt, hidden on page 1 (NĐ 30, Phụ lục I, I.7)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        _run_format(run, figures.PAGE_NUMBER.written)
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


def _run_format(run, size: Pt, bold: bool = False, italic: bool = False) -> None:
    run.font.name = figures.FONT
    _fonts(run._r.get_or_add_rPr())
    run.font.size = DocxPt(size.value)
    run.font.bold = bold
    run.font.italic = italic


def para(container, text: str, size: Pt, *, bold: bool = False, italic: bool = False,
         align=CENTER, before: int = 0, after: int = 0, indent: int | None = None, keep_next: bool = False):
    """A paragraph; `keep_next`: on the same page as what follows (a heading, the end of the body)."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Twips(before), Twips(after)
    if keep_next:
        fmt.keep_with_next = True
    fmt.line_spacing = figures.LINE_SPACING[0]
    if indent is not None:
        fmt.first_line_indent = Twips(indent)
    if text:
        _run_format(paragraph.add_run(text), size, bold, italic)
    _mark_size(paragraph, size)
    return paragraph


def _mark_size(paragraph, size: Pt) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    _fonts(rpr)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(size.half_points))
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
    spacing.set(qn("w:line"), str(RULE_SIZE.twips))
    spacing.set(qn("w:lineRule"), "exact")
    _mark_size(paragraph, RULE_SIZE)
    return paragraph


def decision_template() -> Document:
    gap, indent = figures.PARAGRAPH_GAP.twips, figures.FIRST_LINE_INDENTS[0].twips
    doc = new_document(landscape=False)
    _table_styles(doc)
    body = doc.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None
    left, right = 3686, 5812
    header = borderless_table(doc, (left, right), rows=2, indent=-284)
    top_left, top_right = header.rows[0].cells
    _header_columns(top_left, top_right, "organ_lines", left, right)
    para(header.rows[1].cells[0], "{{ number_line }}", figures.NUMBER.written, before=gap)
    para(header.rows[1].cells[1], "{{ place_date_line }}", figures.PLACE_DATE.written, italic=True, before=gap)

    para(doc, "{{ title }}", figures.TITLE.written, bold=True, before=480)
    para(doc, "{{ subject_as_set }}", figures.SUBJECT.written, bold=True)
    rule(doc, 2600, _text_width(landscape=False))
    para(doc, "{{ authority_line }}", figures.AUTHORITY.written, bold=True, before=360)
    bases = figures.BASES.written
    for text, before in (("{%p for line in preamble %}", 0), ("{{ line }}", gap), ("{%p endfor %}", 0)):
        para(doc, text, bases, italic=True, align=JUSTIFY, before=before, indent=indent)
    para(doc, "QUYẾT ĐỊNH:", figures.TITLE.written, bold=True, before=240, after=gap)
    body = figures.BODY.written
    # The last paragraph of the body keeps with the signature block: a signature page always carries the
    # end of the last article above it, as every official sample does.
    for text in ("{%p for p in body %}", "{%p if loop.last %}"):
        para(doc, text, body, align=JUSTIFY, indent=indent)
    for keep_next in (True, False):
        article = para(doc, "{{ p.label }}", body, bold=True, align=JUSTIFY, before=gap, indent=indent,
                       keep_next=keep_next)
        _run_format(article.add_run("{% if p.label %} {% endif %}{{ p.text }}"), body)
        para(doc, "{%p else %}" if keep_next else "{%p endif %}", body, align=JUSTIFY, indent=indent)
    para(doc, "{%p endfor %}", body, align=JUSTIFY, indent=indent)

    para(doc, "", body, keep_next=True)  # a blank line between the articles and the signature area
    signature = borderless_table(doc, (4111, 4961), rows=1, indent=-108)
    row_flags(signature.rows[0], repeat=False)  # the signature block and Nơi nhận stay on one page
    recipients, signer = signature.rows[0].cells
    para(recipients, "Nơi nhận:", figures.RECIPIENTS_LABEL.written, bold=True, italic=True, align=LEFT)
    for text in ("{%p for line in recipients %}", "{{ line }}", "{%p endfor %}"):
        para(recipients, text, figures.RECIPIENTS.written, align=LEFT)
    for text in ("{%p for line in signature.lines %}", "{{ line }}", "{%p endfor %}"):
        para(signer, text, figures.SIGNER.written, bold=True)
    for _ in range(4):
        para(signer, "", figures.SIGNER.written)
    para(signer, "{{ signature.name }}", figures.SIGNER.written, bold=True)
    return doc


def _header_columns(top_left, top_right, lines: str, left: int, right: int) -> None:
    """The issuing body's lines (from the context list `lines`) over a short line, and the Quốc hiệu and
    Tiêu ngữ over a line as long as the Tiêu ngữ."""
    for text in (f"{{%p for line in {lines} %}}", "{{ line }}", "{%p endfor %}"):
        para(top_left, text, figures.ISSUER.written, bold=True)
    rule(top_left, 1300, left)
    para(top_right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", figures.NATIONAL_NAME.written, bold=True)
    para(top_right, "Độc lập - Tự do - Hạnh phúc", figures.MOTTO.written, bold=True)
    rule(top_right, 3900, right)


def _text_width(landscape: bool) -> int:
    """The width between the margins, in twips."""
    margins = figures.LANDSCAPE_MARGINS if landscape else figures.PORTRAIT_MARGINS
    paper = figures.PAPER[1] if landscape else figures.PAPER[0]
    return paper.twips - margins.left.twips - margins.right.twips


def annex_template() -> Document:
    doc = new_document(landscape=True)
    _table_styles(doc)
    body = doc.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None
    section = doc.sections[0]
    pg_num = OxmlElement("w:pgNumType")
    pg_num.set(qn("w:start"), "1")
    put(section._sectPr, pg_num, SECT_PR_ORDER)
    available = _text_width(landscape=True)
    para(doc, "{{ annex.label }}", figures.ANNEX_HEADING.written, bold=True)
    para(doc, "{{ annex.title }}", figures.ANNEX_TITLE.written, bold=True)
    para(doc, "{{ annex.reference }}", figures.ANNEX_REFERENCE.written, italic=True)
    rule(doc, 2600, available)
    para(doc, "{%p for t in annex.tables %}", CAPTION_SIZE, align=LEFT)
    para(doc, "{%p if t.heading %}", CAPTION_SIZE, align=LEFT)
    para(doc, "{{ t.heading }}", CAPTION_SIZE, bold=True, align=LEFT, before=240, after=120, keep_next=True)
    para(doc, "{%p endif %}", CAPTION_SIZE, align=LEFT)
    # STT | name | one column per value: the value cell repeats ({%tc %}) and the rows repeat ({%tr %});
    # rendering fits every column to the text it holds (pipeline/ooxml/table_fit.py): these are placeholders.
    def agency(row, keep_next: bool) -> None:
        for cell, text, align in zip(row.cells, ("{{ r[0] }}", "{{ r[1] }}", "{%tc for v in r[2:] %}", "{{ v }}",
                                                 "{%tc endfor %}"), (CENTER, LEFT, CENTER, CENTER, CENTER)):
            _cell(cell, text, align=align, keep_next=keep_next)

    headings = ("{{ t.columns[0] }}", "{{ t.columns[1] }}", "{%tc for c in t.columns[2:] %}", "{{ c }}",
                "{%tc endfor %}")
    _data_table(doc, (700, 3300, 100, available - 4200, 100), headings, agency, "t.note", TABLE_NOTE_SIZE)
    para(doc, "{%p endfor %}", CAPTION_SIZE, align=LEFT)
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
    _header_columns(top_left, top_right, "attachment.organ_lines", left, right)
    para(doc, "{{ attachment.title }}", figures.TITLE.written, bold=True, before=480)
    para(doc, "{{ attachment.subject }}", figures.SUBJECT.written, bold=True)
    para(doc, "{{ attachment.reference }}", figures.ATTACHMENT_REFERENCE.written, italic=True)
    rule(doc, 2600, _text_width(landscape=False))
    para(doc, "{%p for t in attachment.tables %}", CAPTION_SIZE, align=LEFT)
    para(doc, "{{ t.heading }}", CAPTION_SIZE, bold=True, align=LEFT, before=240, after=120, keep_next=True)
    def criterion(row, keep_next: bool) -> None:
        _cell(row.cells[0], "{{ r.code }}", keep_next=keep_next)
        text_cell = row.cells[1]
        for paragraph in list(text_cell.paragraphs):
            paragraph._p.getparent().remove(paragraph._p)
        for text, bold, italic in (("{%p if r.level <= 1 %}", False, False), ("{{ r.text }}", True, False),
                                   ("{%p elif r.level == 3 %}", False, False), ("{{ r.text }}", False, True),
                                   ("{%p else %}", False, False), ("{{ r.text }}", False, False),
                                   ("{%p endif %}", False, False)):
            spaced = 40 if text == "{{ r.text }}" else 0
            para(text_cell, text, CELL_SIZE, bold=bold, italic=italic, align=LEFT, before=spaced, after=spaced,
                 keep_next=keep_next)
        _cell(row.cells[2], "{{ r.points }}", keep_next=keep_next)

    headings = ("Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa")
    _data_table(doc, (1000, 6287, 1500), headings, criterion, "t.summary", CAPTION_SIZE)  # summary with its table
    para(doc, "{%p endfor %}", CAPTION_SIZE, align=LEFT)
    return doc


def _data_table(doc: Document, widths: tuple[int, ...], headings: tuple[str, ...], fill, note: str, size: Pt) -> None:
    """A table of `t`: its header row repeated on every page, the rows of `t.rows` ({%tr %}), then the last of
    them again, kept with the next row, and the `note` (a summary, a Ghi chú) as the table's last row, one cell
    across it without borders. A page never holds the note without a row of its table, whatever the number of
    rows: LibreOffice keeps a row with the next row of its table, never a table's last row with a paragraph
    after the table. `fill(row, keep_next)` writes one row's cells; a table without a note has its rows only."""
    table = doc.add_table(rows=8, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    set_table_geometry(table, widths)
    for cell, text in zip(table.rows[0].cells, headings):
        _cell(cell, text, bold=True)
    row_flags(table.rows[0], repeat=True)
    loop_start, row, loop_end, tail_start, last_row, note_row, tail_end = table.rows[1:]
    for loop_row, text in ((loop_start, f"{{%tr for r in (t.rows[:-1] if {note} else t.rows) %}}"),
                           (loop_end, "{%tr endfor %}"), (tail_start, f"{{%tr for r in (t.rows[-1:] if {note} else ()) %}}"),
                           (tail_end, "{%tr endfor %}")):
        for position, cell in enumerate(loop_row.cells):
            _cell(cell, text if position == 0 else "")
    for data_row, keep_next in ((row, False), (last_row, True)):
        fill(data_row, keep_next)
        row_flags(data_row, repeat=False)
    para(spanning_cell(note_row), f"{{{{ {note} }}}}", size, italic=True, align=JUSTIFY, before=120,
         indent=figures.FIRST_LINE_INDENTS[0].twips)
    row_flags(note_row, repeat=False)


def _table_styles(doc: Document) -> None:
    """Paragraph styles for table cells: 11 pt (Times New Roman from Normal and the document defaults),
    2 pt above and below, single lines; headings bold. Cells name a style instead of repeating some
    450 bytes of direct formatting each: an annex of 31 agencies is about a third of the XML, which
    every render, zip and check goes through."""
    text = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = doc.styles["Normal"]
    text.font.size = DocxPt(CELL_SIZE.value)
    fmt = text.paragraph_format
    fmt.space_before = fmt.space_after = Twips(40)
    fmt.line_spacing = 1.0
    heading = doc.styles.add_style(TABLE_HEADING, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = text
    heading.font.bold = True


def _cell(cell, text: str, bold: bool = False, align=CENTER, keep_next: bool = False) -> None:
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    paragraph = cell.add_paragraph(style=TABLE_HEADING if bold else TABLE_TEXT)
    paragraph.alignment = align
    if keep_next:
        paragraph.paragraph_format.keep_with_next = True
    if text:
        paragraph.add_run(text)


DECISION_KINDS = ("cong-bo-chi-so", "quyet-dinh", "ban-hanh-bo-tieu-chi")
"""Decision kinds share the NĐ 30 layout; each has its own file so clerks can adjust one kind in Word."""


def main(out: Path = ROOT / "templates") -> list[Path]:
    """Write every template under `out` (the committed ones by default); the paths written."""
    targets = [(decision_template, out / "decisions" / f"{kind}.docx") for kind in DECISION_KINDS]
    targets += [(annex_template, out / "annexes" / "bang-xep-hang.docx"),
                (attachment_template, out / "attachments" / "bo-tieu-chi.docx")]
    for make, path in targets:
        save(make(), path)
    return [path for _, path in targets]


if __name__ == "__main__":
    for written in main():
        print(f"wrote {written.relative_to(ROOT)}")
