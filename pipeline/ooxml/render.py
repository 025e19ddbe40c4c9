"""Stage 4b: place composed strings into a .docx template (docxtpl tags, one strict Jinja env).

A template is compiled once: docxtpl's tag clean-up (`patch_xml`) and Jinja's compilation of each part
with tags, its other parts deflated. The result (`CompiledTemplate`) is plain data (Python code marshalled,
as Jinja's own bytecode cache keeps it), so a caller may keep it between processes (`TemplateStore`, the
build's `memo`): a template compiled before needs neither docxtpl nor python-docx imported again.
Rendering only runs the compiled parts and zips the result with the template's other parts
deterministically. Text from the inputs is data: autoescape is on, so `&`, `<` or `{{ x }}` in a case stay
literal; a line break in a value becomes Word's (`_line_breaks`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import marshal
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import jinja2

from pipeline.ooxml.package import CoreProperties, Deflated, read_parts, write_package
from pipeline.ooxml.table_fit import TextStyles, fit_tables

_TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_TEXT_WITH_BREAK = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*\n[^<]*)(?=</w:t>)")
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_OTHER_LISTING_CHARACTERS = "\t\a\f"


def jinja_environment() -> jinja2.Environment:
    """The one Jinja environment: escaping on, undefined names are errors, nothing else enabled."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


@dataclass(frozen=True, slots=True)
class CompiledTemplate:
    """A template's parts: the code Jinja compiled for each XML part with tags, the rest deflated once."""

    name: str
    code: Mapping[str, bytes]  # part → its compiled Jinja template, marshalled
    static: Mapping[str, Deflated]
    sha256: str
    variables: frozenset[str]
    column_loops: frozenset[str]  # parts whose tables repeat columns ({%tc for %}): their grids are refitted
    text_styles: TextStyles  # sizes of the paragraph styles, to size those columns to their text


class TemplateStore(Protocol):
    """Compiled templates kept between processes, by the template's sha256 (`build.memo` keeps them)."""

    def recall(self, sha256: str) -> CompiledTemplate | None: ...

    def remember(self, sha256: str, template: CompiledTemplate) -> None: ...


def load_template(path: Path, store: TemplateStore | None = None) -> CompiledTemplate:
    """The template at `path`, compiled once per process and content (and kept in `store`, when given)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    return _loaded(path.stem, digest, data, store)


@functools.lru_cache(maxsize=32)
def _loaded(name: str, digest: str, data: bytes, store: TemplateStore | None) -> CompiledTemplate:
    compiled = store.recall(digest) if store is not None else None
    if compiled is None or compiled.name != name:
        compiled = compile_template(name, data, digest)
        if store is not None:
            store.remember(digest, compiled)
    return compiled


def compile_template(name: str, data: bytes, digest: str) -> CompiledTemplate:
    """Patch and compile every part with tags (`digest` is the sha256 of `data`)."""
    import jinja2.meta
    from docxtpl import DocxTemplate

    env = jinja_environment()
    patcher = DocxTemplate(None)
    code: dict[str, bytes] = {}
    static: dict[str, Deflated] = {}
    variables: set[str] = set()
    loops: set[str] = set()
    parts = read_parts(data)
    for part, blob in parts.items():
        text = blob.decode("utf-8") if _TEMPLATED_PART.match(part) else None
        if text is None or "{" not in text:
            static[part] = Deflated.of(blob)
            continue
        source = patcher.patch_xml(text)
        variables |= jinja2.meta.find_undeclared_variables(env.parse(source))
        code[part] = marshal.dumps(env.compile(source, name=f"{name}/{part}"))
        if "{%tc " in text:
            loops.add(part)
    styles = TextStyles.read(parts.get("word/styles.xml", b"")) if loops else TextStyles()
    return CompiledTemplate(name, code, static, digest, frozenset(variables), frozenset(loops), styles)


@functools.lru_cache(maxsize=64)
def _jinja_template(code: bytes) -> jinja2.Template:
    env = _environment()
    return env.template_class.from_code(env, marshal.loads(code), env.make_globals(None))


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja_environment()


def render(template: CompiledTemplate, context: Mapping[str, Any], core: CoreProperties) -> bytes:
    """The rendered .docx bytes; identical inputs give identical bytes."""
    parts: dict[str, bytes | Deflated] = dict(template.static)
    for part, code in template.code.items():
        xml = _line_breaks(_jinja_template(code).render(context))
        if part in template.column_loops:
            xml = fit_tables(xml, template.text_styles)
        parts[part] = xml.encode("utf-8")
    parts["docProps/core.xml"] = core.to_xml()
    return write_package(parts)


def _line_breaks(xml: str) -> str:
    """A line break in a text run's value (a drafter's `\n` in the trích yếu) as Word's `<w:br/>`, as docxtpl's
    `resolve_listing` writes it. Inputs refuse tabs and the other control characters it also resolves; a
    template holding one in its text is left to docxtpl itself."""
    start = xml.find("<", 2)  # past the XML declaration's line end
    if any(xml.find(character, start) != -1 for character in _OTHER_LISTING_CHARACTERS):
        from docxtpl import DocxTemplate

        return DocxTemplate(None).resolve_listing(xml)
    if xml.find("\n", start) == -1:
        return xml
    return _TEXT_WITH_BREAK.sub(lambda match: match[1] + match[2].replace("\n", _BREAK), xml)


def context_of(record: Any) -> dict[str, Any]:
    """A frozen record as the plain mapping templates read (`d.subject` → `subject`)."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}
