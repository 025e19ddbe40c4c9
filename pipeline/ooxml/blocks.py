"""The body and the headers as records: paragraphs with their runs, fields and drawings, tables (rows →
cells → paragraphs, nested tables), numbered in reading order; and the sections with the headers and
footers in force (a section without its own header of a type inherits the previous section's, as in
Word). Text boxes are not part of the body."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from types import MappingProxyType

from lxml import etree

from pipeline.ooxml.document import (
    NS,
    Cell,
    CellPosition,
    DocxError,
    Field,
    HeaderFooter,
    Margins,
    Paragraph,
    Row,
    Run,
    Section,
    Table,
    qn,
)
from pipeline.ooxml.styles import Styles, is_on, twips_value
from pipeline.ooxml.unpack import MAX_PARAGRAPHS, TOO_LARGE_HINT
from pipeline.vn import number

_W = "{" + NS["w"] + "}"
_P, _R, _T, _TBL, _TR, _TC = _W + "p", _W + "r", _W + "t", _W + "tbl", _W + "tr", _W + "tc"
_PPR, _RPR, _PSTYLE, _RSTYLE, _VAL = _W + "pPr", _W + "rPr", _W + "pStyle", _W + "rStyle", _W + "val"
_SECTPR, _FLDCHAR, _INSTR = _W + "sectPr", _W + "fldChar", _W + "instrText"
_TABS, _BREAKS = (_W + "tab", _W + "ptab"), (_W + "br", _W + "cr")
_SDT, _SDT_CONTENT, _FLDSIMPLE = _W + "sdt", _W + "sdtContent", _W + "fldSimple"
_TRPR = _W + "trPr"

# Body: paragraphs, runs, tables

_RUN_CONTAINERS = frozenset(qn(t) for t in ("w:hyperlink", "w:smartTag", "w:ins", "w:customXml",
                                            "w:fldSimple", "w:moveTo", "w:dir", "w:bdo", "w:sdtContent"))
_BLOCK_CONTAINERS = frozenset(qn(t) for t in ("w:sdtContent", "w:customXml", "w:ins", "w:moveTo"))
_LINE_MARKERS = frozenset(qn(t) for t in ("wps:cNvCnPr", "v:line"))
_LINE_SHAPES = frozenset(("line", "straightConnector1"))
_PICTURES = frozenset(qn(t) for t in ("pic:pic", "v:imagedata"))
_DRAWINGS = frozenset(qn(t) for t in ("w:drawing", "w:pict", "mc:AlternateContent", "w:object"))
_PAGE_FIELD = re.compile(r"^\s*([A-Z]+)")


def _drawing_kind(element: etree._Element) -> str:
    for node in element.iter():
        if node.tag in _LINE_MARKERS or (node.tag == qn("a:prstGeom") and node.get("prst") in _LINE_SHAPES):
            return "line"
        if node.tag in _PICTURES:
            return "picture"
        if node.get(qn("o:hr")) in ("t", "true"):
            return "line"
    return "shape"


def _runs(container: etree._Element) -> Iterator[etree._Element]:
    """The run elements of a paragraph in order, through hyperlinks, insertions, content controls, … ."""
    for child in container:
        tag = child.tag
        if tag == _R:
            yield child
        elif tag in _RUN_CONTAINERS:
            yield from _runs(child)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _runs(content)


class BlockBuilder:
    """Turns body or header XML into Paragraph/Table records, numbering paragraphs as it goes."""

    def __init__(self, styles: Styles, part: str):
        self.styles = styles
        self.part = part
        self.paragraphs: list[Paragraph] = []
        self.tables: list[Table] = []
        self.section_properties: list[etree._Element] = []

    def blocks(self, container: etree._Element, section: int, table_style: str | None = None,
               cell: CellPosition | None = None) -> tuple[Paragraph | Table, ...]:
        """The paragraphs and tables of `container` (the body, a cell or a header) in order. Section breaks
        are only looked for outside tables."""
        out: list[Paragraph | Table] = []
        for child in container:
            if child.tag == _P:
                out.append(self.paragraph(child, section, table_style, cell))
                properties = child.find(_PPR + "/" + _SECTPR)
                if properties is not None and cell is None:
                    self.section_properties.append(properties)
                    section += 1
            elif child.tag == _TBL:
                out.append(self.table(child, section, nested=cell is not None))
            elif child.tag in _BLOCK_CONTAINERS or child.tag == _SDT:
                inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
                if inner is not None:
                    before = len(self.section_properties)
                    out.extend(self.blocks(inner, section, table_style, cell))
                    section += len(self.section_properties) - before
        return tuple(out)

    def table(self, element: etree._Element, section: int, nested: bool) -> Table:
        index, first_number = len(self.tables), len(self.paragraphs) + 1
        self.tables.append(None)  # type: ignore[arg-type]  # reserve the index: nested tables come later
        properties = element.find(qn("w:tblPr"))
        style = properties.find(qn("w:tblStyle")) if properties is not None else None
        style_id = style.get(qn("w:val")) if style is not None else self.styles.default_style("table")
        rows = []
        for tr in _children(element, _TR):
            trpr = tr.find(_TRPR)
            cells = []
            for column, tc in enumerate(_children(tr, _TC)):
                position = CellPosition(index, len(rows), column)
                cells.append(Cell(column=column, blocks=self.blocks(tc, section, style_id, position)))
            rows.append(Row(index=len(rows), cells=tuple(cells),
                            repeats=_flag(trpr, _W + "tblHeader"), cant_split=_flag(trpr, _W + "cantSplit")))
        table = Table(index=index, style_id=style_id, rows=tuple(rows), section=section, nested=nested,
                      first_number=first_number)
        self.tables[index] = table
        return table

    def paragraph(self, element: etree._Element, section: int, table_style: str | None,
                  cell: CellPosition | None) -> Paragraph:
        if len(self.paragraphs) == MAX_PARAGRAPHS:
            raise DocxError(f"{self.part} có hơn {number(MAX_PARAGRAPHS)} đoạn văn, quá giới hạn kiểm tra",
                            code="docx.too_many_paragraphs", hint=TOO_LARGE_HINT)
        styles = self.styles
        ppr = element.find(_PPR)
        style = ppr.find(_PSTYLE) if ppr is not None else None
        style_id = style.get(_VAL) if style is not None else styles.default_style("paragraph")
        paragraph_format = styles.paragraph_format(table_style, style_id, ppr)
        runs: list[Run] = []
        fields: list[Field] = []
        drawings: set[str] = set()
        page_break = False
        open_fields: list[list] = []  # [instruction parts, format of the result or None, begin format]
        for r in _runs(element):
            run_format = styles.run_format(table_style, style_id, r.find(_RPR))
            pieces: list[str] = []
            for child in r:
                tag = child.tag
                if tag == _T:
                    pieces.append(child.text or "")
                elif tag == _RPR:
                    continue
                elif tag in _TABS:
                    pieces.append("\t")
                elif tag in _BREAKS:
                    pieces.append("\n")
                    page_break = page_break or child.get(_W + "type") == "page"
                elif tag == _W + "noBreakHyphen":
                    pieces.append("-")
                elif tag == _FLDCHAR:
                    kind = child.get(_W + "fldCharType")
                    if kind == "begin":
                        open_fields.append([[], None, run_format])
                    elif kind == "separate" and open_fields:
                        open_fields[-1][1] = False
                    elif kind == "end" and open_fields:
                        parts, result, begin = open_fields.pop()
                        fields.append(Field("".join(parts).strip(), result or begin))
                elif tag == _INSTR and open_fields:
                    open_fields[-1][0].append(child.text or "")
                elif tag in _DRAWINGS:
                    drawings.add(_drawing_kind(child))
            text = "".join(pieces)
            if text:
                runs.append(Run(text, run_format))
                if open_fields and open_fields[-1][1] is False:
                    open_fields[-1][1] = run_format
        for simple in element.findall(_FLDSIMPLE):
            first = simple.find(_R)
            fields.append(Field(simple.get(qn("w:instr"), "").strip(),
                                styles.run_format(table_style, style_id,
                                                  first.find(_RPR) if first is not None else None)))
        text = "".join(run.text for run in runs)
        shown = unicodedata.normalize(
            "NFC", "".join(run.text.upper() if run.format.caps or run.format.small_caps else run.text
                           for run in runs if not run.format.hidden))
        paragraph = Paragraph(number=len(self.paragraphs) + 1, part=self.part, text=text, shown=shown,
                              runs=tuple(runs), format=paragraph_format, fields=tuple(fields),
                              drawings=frozenset(drawings), page_break=page_break, section=section, cell=cell)
        self.paragraphs.append(paragraph)
        return paragraph


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children with `tag`, looking through content controls and custom XML around them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_CONTAINERS or child.tag == _SDT:
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _children(inner, tag)


def _flag(properties: etree._Element | None, tag: str) -> bool:
    """Whether the on/off property `tag` (Clark notation) is on in `properties`."""
    if properties is None:
        return False
    element = properties.find(tag)
    return element is not None and is_on(element)


def field_name(field: Field) -> str:
    """The field's type, upper case: `" PAGE   \\* MERGEFORMAT "` → `"PAGE"`."""
    match = _PAGE_FIELD.match(field.instruction.upper())
    return match.group(1) if match else ""


# ---------------------------------------------------------------------------------------------------------
# Sections, headers and footers


def read_sections(body: etree._Element, builder: BlockBuilder, part_xml: Callable[[str], etree._Element | None],
                  rels: dict[str, tuple[str, str]], styles: Styles) -> tuple[Section, ...]:
    """The sections of the body `builder` has read, their headers and footers read from the parts that
    `part_xml` parses (None for a part the package does not have)."""
    properties = list(builder.section_properties)
    final = body.find(qn("w:sectPr"))
    properties.append(final if final is not None else etree.Element(qn("w:sectPr")))
    bounds: dict[int, list[int]] = {}
    for paragraph in builder.paragraphs:
        span = bounds.setdefault(paragraph.section, [paragraph.number, paragraph.number])
        span[1] = paragraph.number
    parts: dict[str, HeaderFooter] = {}
    headers: dict[str, HeaderFooter] = {}
    footers: dict[str, HeaderFooter] = {}
    sections = []
    for index, sect in enumerate(properties):
        for reference_tag, in_force in (("w:headerReference", headers), ("w:footerReference", footers)):
            for reference in sect.iter(qn(reference_tag)):
                kind_target = rels.get(reference.get(qn("r:id"), ""))
                if kind_target is None:
                    continue
                target = kind_target[1]
                if target not in parts:
                    root = part_xml(target)
                    part_builder = BlockBuilder(styles, target)
                    if root is not None:
                        part_builder.blocks(root, section=index)
                    parts[target] = HeaderFooter(target, tuple(part_builder.paragraphs))
                in_force[reference.get(qn("w:type"), "default")] = parts[target]
        size = sect.find(qn("w:pgSz"))
        margins = sect.find(qn("w:pgMar"))
        numbering = sect.find(qn("w:pgNumType"))
        start_type = sect.find(qn("w:type"))
        first, last = bounds.get(index, [0, -1])

        def value(element: etree._Element | None, name: str, default: int = 0) -> int:
            found = twips_value(element.get(qn("w:" + name))) if element is not None else None
            return default if found is None else found

        sections.append(Section(
            index=index, width=value(size, "w", 12240), height=value(size, "h", 15840),
            margins=Margins(*(abs(value(margins, name)) if name in ("top", "bottom") else value(margins, name)
                              for name in ("top", "bottom", "left", "right", "header", "footer", "gutter"))),
            title_page=_flag(sect, qn("w:titlePg")),
            page_number_start=twips_value(numbering.get(qn("w:start"))) if numbering is not None else None,
            start=start_type.get(qn("w:val"), "nextPage") if start_type is not None else "nextPage",
            headers=MappingProxyType(dict(headers)), footers=MappingProxyType(dict(footers)),
            first=first, last=last))
    return tuple(sections)
