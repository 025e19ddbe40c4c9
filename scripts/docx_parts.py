"""python-docx helpers for `make_templates.py`: schema order of property elements, borderless and fixed-width
tables, a row merged into one borderless cell, table rows that repeat and do not split, and the clean-up
before a template is saved (spaces kept, unused styles and the Word 2010 styles part dropped). Nothing here
knows the decree's figures."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

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


def drop_styles_with_effects(doc: Document) -> None:
    """python-docx's default package carries a Word 2010 part that schema checkers flag."""
    part = doc.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rel_id)


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


def spanning_cell(row):
    """The row's cells merged into one without borders or side padding (a note that belongs to the table),
    emptied of paragraphs."""
    cell = row.cells[0].merge(row.cells[-1])
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    margins = OxmlElement("w:tcMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tc_pr.append(borders)
    tc_pr.append(margins)
    return cell


def row_flags(row, repeat: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if repeat:
        tr_pr.append(OxmlElement("w:tblHeader"))


def preserve_spaces(doc: Document) -> None:
    """Every text node keeps its spaces: rendered values such as `Số:      /QĐ-UBND` depend on it."""
    for part in (doc.part, *(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/header"))):
        for text in part.element.iter(qn("w:t")):
            text.set(qn("xml:space"), "preserve")


def prune_styles(doc: Document) -> None:
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
    """The template's bytes as every run writes them: spaces kept, unused styles gone, a normalised package."""
    from pipeline.ooxml.package import normalise_package

    preserve_spaces(doc)
    prune_styles(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalise_package(buffer.getvalue()))
