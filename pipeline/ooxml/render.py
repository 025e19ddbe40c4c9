"""Stage 4b: place composed strings into a .docx template (docxtpl tags, one strict Jinja env).

A template is opened, patched (docxtpl's tag clean-up) and compiled once per process, its other
parts deflated once, and reused; rendering only runs the compiled templates and zips the result
with the template's other parts deterministically.
Text from the inputs is data: autoescape is on, so `&`, `<` or `{{ x }}` in a case stay literal.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from docxtpl import DocxTemplate

from pipeline.ooxml.package import CoreProperties, Deflated, read_parts, write_package

_TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_LISTING_CHARACTERS = "\n\t\a\f"


def _has_listing(xml: str) -> bool:
    """Whether a rendered value holds a line break, tab, bell or form feed (past the XML declaration's
    line end). `str.find` per character: a regex character class over the part is ten times slower."""
    start = xml.index("<", 2)
    return any(xml.find(character, start) != -1 for character in _LISTING_CHARACTERS)


def jinja_environment() -> jinja2.Environment:
    """The one Jinja environment: escaping on, undefined names are errors, nothing else enabled."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class CompiledTemplate:
    """A template's parts: compiled Jinja templates for the XML parts with tags, the rest deflated once."""

    name: str
    compiled: Mapping[str, jinja2.Template]
    static: Mapping[str, Deflated]
    sha256: str
    variables: frozenset[str]
    column_loops: frozenset[str]  # parts whose tables repeat columns ({%tc for %}): their grids are refitted


def load_template(path: Path) -> CompiledTemplate:
    data = path.read_bytes()
    return _compile(path.stem, data, hashlib.sha256(data).hexdigest())


@functools.lru_cache(maxsize=32)
def _compile(name: str, data: bytes, digest: str) -> CompiledTemplate:
    env = jinja_environment()
    patcher = DocxTemplate(None)
    compiled: dict[str, jinja2.Template] = {}
    static: dict[str, Deflated] = {}
    variables: set[str] = set()
    loops: set[str] = set()
    for part, blob in read_parts(data).items():
        text = blob.decode("utf-8") if _TEMPLATED_PART.match(part) else None
        if text is None or "{" not in text:
            static[part] = Deflated.of(blob)
            continue
        source = patcher.patch_xml(text)
        variables |= jinja2.meta.find_undeclared_variables(env.parse(source))
        compiled[part] = env.from_string(source)
        if "{%tc " in text:
            loops.add(part)
    return CompiledTemplate(name, compiled, static, digest, frozenset(variables), frozenset(loops))


def render(template: CompiledTemplate, context: Mapping[str, Any], core: CoreProperties) -> bytes:
    """The rendered .docx bytes; identical inputs give identical bytes."""
    patcher = DocxTemplate(None)
    parts = dict(template.static)
    for part, compiled in template.compiled.items():
        xml = compiled.render(context)
        if _has_listing(xml):
            # a value holds a line break (or tab): turn it into Word's (costly, so only then)
            xml = patcher.resolve_listing(xml)
        if part in template.column_loops:
            xml = _fit_tables(xml)
        parts[part] = xml.encode("utf-8")
    parts["docProps/core.xml"] = core.to_xml()
    return write_package(parts)


def context_of(record: Any) -> dict[str, Any]:
    """A frozen record as the plain mapping templates read (`d.subject` → `subject`)."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}


_GRID_COL = re.compile(r'<w:gridCol w:w="(\d+)"/>')
_ROW_OR_CELL_WIDTH = re.compile(r'<w:tr[ >]|<w:tcW (?:w:w="\d+" w:type="dxa"|w:type="dxa" w:w="\d+")/>')
_TABLE_WIDTH = re.compile(r'<w:tblW (?:w:w="(\d+)" w:type="dxa"|w:type="dxa" w:w="(\d+)")/>')


def _fit_tables(xml: str) -> str:
    """Give repeated columns ({%tc for %}) an equal share of the table width, in grid and cells.

    LibreOffice lays columns out from `w:tblGrid`, Word from the cells' `w:tcW`; after a column
    loop neither matches the new column count, so both are rewritten. The first two columns
    (number and name) keep their template widths. Works on the serialised XML of our own templates
    (no nested tables) with one regular-expression pass per table, many times faster than parsing
    the document.
    """
    pieces, position = [], 0
    while (start := xml.find("<w:tbl>", position)) != -1:
        end = xml.index("</w:tbl>", start) + len("</w:tbl>")
        pieces += [xml[position:start], _fit_table(xml[start:end])]
        position = end
    return "".join(pieces) + xml[position:]


def _fit_table(table: str) -> str:
    grid_start, grid_end = table.find("<w:tblGrid>"), table.find("</w:tblGrid>")
    first_row = table.find("<w:tr")
    if grid_start < 0 or first_row < 0:
        return table
    template_widths = [int(width) for width in _GRID_COL.findall(table, grid_start, grid_end)]
    row_end = table.find("</w:tr>", first_row)
    columns = table.count("<w:tc>", first_row, row_end)
    if columns == len(template_widths) or len(template_widths) < 2:
        return table
    total = int(next(width for width in _TABLE_WIDTH.search(table, 0, first_row).groups() if width))
    fixed = template_widths[:2]
    share = (total - sum(fixed)) // max(columns - 2, 1)
    widths = fixed + [share] * (columns - 2)
    grid = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    cell_widths = [f'<w:tcW w:type="dxa" w:w="{width}"/>' for width in widths]
    spare = f'<w:tcW w:type="dxa" w:w="{share}"/>'
    cell = 0

    def fit(match: re.Match) -> str:
        """Row starts restart the count; each cell width in a row takes the next column's width."""
        nonlocal cell
        if match.group().startswith("<w:tr"):
            cell = 0
            return match.group()
        cell += 1
        return cell_widths[cell - 1] if cell <= len(cell_widths) else spare

    return table[:grid_start] + grid + _ROW_OR_CELL_WIDTH.sub(fit, table[grid_end:])
