"""Stage 4b: place composed strings into a .docx template (docxtpl tags, one strict Jinja env).

A template is opened, patched (docxtpl's tag clean-up) and compiled once per process and
reused; rendering only runs the compiled templates and zips the parts deterministically.
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
from lxml import etree

from pipeline.package import CoreProperties, read_parts, write_package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")


def jinja_environment() -> jinja2.Environment:
    """The one Jinja environment: escaping on, undefined names are errors, nothing else enabled."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class CompiledTemplate:
    """A template's parts: compiled Jinja templates for the XML parts with tags, bytes for the rest."""

    name: str
    compiled: Mapping[str, jinja2.Template]
    static: Mapping[str, bytes]
    sha256: str
    variables: frozenset[str]


def load_template(path: Path) -> CompiledTemplate:
    data = path.read_bytes()
    return _compile(path.stem, data, hashlib.sha256(data).hexdigest())


@functools.lru_cache(maxsize=32)
def _compile(name: str, data: bytes, digest: str) -> CompiledTemplate:
    env = jinja_environment()
    patcher = DocxTemplate(None)
    compiled: dict[str, jinja2.Template] = {}
    static: dict[str, bytes] = {}
    variables: set[str] = set()
    for part, blob in read_parts(data).items():
        text = blob.decode("utf-8") if _TEMPLATED_PART.match(part) else None
        if text is None or "{" not in text:
            static[part] = blob
            continue
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patcher.patch_xml(text))
        variables |= jinja2.meta.find_undeclared_variables(env.parse(source))
        compiled[part] = env.from_string(source)
    return CompiledTemplate(name, compiled, static, digest, frozenset(variables))


def render(template: CompiledTemplate, context: Mapping[str, Any], core: CoreProperties) -> bytes:
    """The rendered .docx bytes; identical inputs give identical bytes."""
    patcher = DocxTemplate(None)
    parts = dict(template.static)
    for part, compiled in template.compiled.items():
        xml = compiled.render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = patcher.resolve_listing(xml)
        parts[part] = _fit_tables(xml).encode("utf-8")
    parts["docProps/core.xml"] = core.to_xml()
    return write_package(parts)


def context_of(record: Any) -> dict[str, Any]:
    """A frozen record as the plain mapping templates read (`d.subject` → `subject`)."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}


def _fit_tables(xml: str) -> str:
    """Give repeated columns ({%tc for %}) an equal share of the table width, in grid and cells.

    LibreOffice lays columns out from `w:tblGrid`, Word from the cells' `w:tcW`; after a column
    loop neither matches the new column count, so both are rewritten. The first two columns
    (number and name) keep their template widths.
    """
    if "<w:tblGrid" not in xml:
        return xml
    root = etree.fromstring(xml.encode("utf-8"))
    changed = False
    for table in root.iter(f"{{{W}}}tbl"):
        grid = table.find(f"{{{W}}}tblGrid")
        rows = table.findall(f"{{{W}}}tr")
        if grid is None or not rows:
            continue
        columns = max(len(row.findall(f"{{{W}}}tc")) for row in rows)
        if columns == len(grid):
            continue
        total = int(table.find(f"{{{W}}}tblPr/{{{W}}}tblW").get(f"{{{W}}}w"))
        fixed = [int(col.get(f"{{{W}}}w")) for col in grid[:2]]
        share = (total - sum(fixed)) // max(columns - 2, 1)
        widths = fixed + [share] * (columns - 2)
        for col in list(grid):
            grid.remove(col)
        for width in widths:
            etree.SubElement(grid, f"{{{W}}}gridCol").set(f"{{{W}}}w", str(width))
        for row in rows:
            for cell, width in zip(row.findall(f"{{{W}}}tc"), widths):
                tcw = cell.find(f"{{{W}}}tcPr/{{{W}}}tcW")
                if tcw is not None:
                    tcw.set(f"{{{W}}}w", str(width))
                    tcw.set(f"{{{W}}}type", "dxa")
        changed = True
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")
