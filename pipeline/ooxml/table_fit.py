"""Refit the grid of a rendered table whose columns were repeated ({%tc for %}) to the text it holds.

LibreOffice lays columns out from `w:tblGrid`, Word from the cells' `w:tcW`; after a column loop neither
matches the new column count, so both are rewritten, with widths computed from the cells' text
(`widths.column_widths`) so that no word breaks inside a cell. A cell merged across the whole row (a note
that belongs to the table) keeps spanning it and does not size any column. Works on the serialised XML of
our own templates (no nested tables, no other merged cells) with regular expressions, many times faster
than parsing the document; the template's styles are read once, when it is compiled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape
from types import MappingProxyType

from lxml import etree

from pipeline.ooxml.widths import CellText, column_widths

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_GRID_COL = re.compile(r'<w:gridCol w:w="(\d+)"/>')
_ROW_OR_CELL_WIDTH = re.compile(r'<w:tr[ >]|<w:tcW (?:w:w="\d+" w:type="dxa"|w:type="dxa" w:w="\d+")/>'
                                r'(?P<span><w:gridSpan w:val="\d+"/>)?')
_TABLE_WIDTH = re.compile(r'<w:tblW (?:w:w="(\d+)" w:type="dxa"|w:type="dxa" w:w="(\d+)")/>')
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)
_CELL = re.compile(r"<w:tc>.*?</w:tc>", re.DOTALL)
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_STYLE = re.compile(r'<w:pStyle w:val="([^"]+)"/>')
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_BOLD = re.compile(r"<w:b/>|<w:b w:val=\"(?:1|true|on)\"/>")
_DEFAULT_HALF_POINTS = 22


@dataclass(frozen=True, slots=True)
class TextStyles:
    """Size (half-points) and weight of each paragraph style, and the cell padding (left + right, twips)."""

    sizes: Mapping[str, tuple[int, bool]] = field(default_factory=lambda: MappingProxyType({}))
    default: tuple[int, bool] = (_DEFAULT_HALF_POINTS, False)
    padding: int = 216

    @classmethod
    def read(cls, styles_xml: bytes) -> TextStyles:
        """Resolve every paragraph style's size and bold through its `basedOn` chain."""
        if not styles_xml:
            return cls()
        root = etree.fromstring(styles_xml, etree.XMLParser(resolve_entities=False, no_network=True))
        own: dict[str, tuple[str | None, int | None, bool | None]] = {}
        padding = 0
        for style in root.iter(f"{_W}style"):
            based = style.find(f"{_W}basedOn")
            size = style.find(f"{_W}rPr/{_W}sz")
            bold = style.find(f"{_W}rPr/{_W}b")
            own[style.get(f"{_W}styleId")] = (
                based.get(f"{_W}val") if based is not None else None,
                int(size.get(f"{_W}val")) if size is not None else None,
                (bold.get(f"{_W}val", "1") in ("1", "true", "on")) if bold is not None else None)
            if style.get(f"{_W}type") == "table" and style.get(f"{_W}default") == "1":
                margins = style.find(f"{_W}tblPr/{_W}tblCellMar")
                if margins is not None:
                    padding = sum(int(margins.find(f"{_W}{side}").get(f"{_W}w", "0"))
                                  for side in ("left", "right") if margins.find(f"{_W}{side}") is not None)

        def resolve(style_id: str | None, depth: int = 0) -> tuple[int | None, bool | None]:
            if style_id not in own or depth > 10:
                return None, None
            based, size, bold = own[style_id]
            inherited_size, inherited_bold = resolve(based, depth + 1)
            return (size if size is not None else inherited_size), (bold if bold is not None else inherited_bold)

        sizes = {}
        for style_id in own:
            size, bold = resolve(style_id)
            sizes[style_id] = (size or _DEFAULT_HALF_POINTS, bool(bold))
        return cls(MappingProxyType(sizes), cls().default, padding or cls().padding)


def fit_tables(xml: str, styles: TextStyles) -> str:
    """Every table of a rendered part refitted to its text."""
    pieces, position = [], 0
    while (start := xml.find("<w:tbl>", position)) != -1:
        end = xml.index("</w:tbl>", start) + len("</w:tbl>")
        pieces += [xml[position:start], _fit_table(xml[start:end], styles)]
        position = end
    return "".join(pieces) + xml[position:]


def _columns(table: str, styles: TextStyles) -> list[list[CellText]]:
    columns: list[list[CellText]] = []
    for number, row in enumerate(_ROW.finditer(table)):
        heading = number == 0 or "<w:tblHeader/>" in row.group()
        for index, cell in enumerate(_CELL.finditer(row.group())):
            if "<w:gridSpan " in cell.group():
                continue
            while len(columns) <= index:
                columns.append([])
            for paragraph in _PARAGRAPH.finditer(cell.group()):
                xml = paragraph.group()
                style = _STYLE.search(xml)
                half_points, bold = styles.sizes.get(style.group(1), styles.default) if style else styles.default
                text = unescape("".join(_TEXT.findall(xml)))  # every XML escape, &#34; of autoescape too
                columns[index].append(CellText(text, half_points, bold or bool(_BOLD.search(xml)), heading))
    return columns


def _fit_table(table: str, styles: TextStyles) -> str:
    grid_start, grid_end = table.find("<w:tblGrid>"), table.find("</w:tblGrid>")
    first_row = table.find("<w:tr")
    if grid_start < 0 or first_row < 0:
        return table
    total = int(next(width for width in _TABLE_WIDTH.search(table, 0, first_row).groups() if width))
    widths = column_widths(_columns(table, styles), total, styles.padding)
    grid = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    cell_widths = [f'<w:tcW w:type="dxa" w:w="{width}"/>' for width in widths]
    whole_row = f'<w:tcW w:type="dxa" w:w="{total}"/><w:gridSpan w:val="{len(widths)}"/>'
    cell = 0

    def fit(match: re.Match) -> str:
        """Row starts restart the count; each cell width in a row takes the next column's width; a merged
        cell spans the whole row."""
        nonlocal cell
        if match.group().startswith("<w:tr"):
            cell = 0
            return match.group()
        if match.group("span"):
            return whole_row
        cell += 1
        return cell_widths[min(cell, len(cell_widths)) - 1]

    return table[:grid_start] + grid + _ROW_OR_CELL_WIDTH.sub(fit, table[grid_end:])
