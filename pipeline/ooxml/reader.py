"""Read-only access to a .docx with lxml: its body, sections, headers and the formatting Word would apply.

`read_docx(path)` opens the zip once, parses each part it needs once (document, styles, numbering, theme,
headers and footers) and returns a frozen `Document`:

- `blocks`: the body in reading order, paragraphs and tables (rows → cells → paragraphs, nested tables);
- `paragraphs`: every body paragraph, table cells included, numbered 1, 2, … in reading order;
- `sections`: page size, margins, first-page flag, page-number restart and the headers/footers in force
  (a section without its own header of a type inherits the previous section's, as in Word).

Every run and paragraph carries its *effective* formatting, resolved the way Word does it. A paragraph:
document defaults → table style → paragraph style chain (`basedOn`) → list level → direct properties.
A run: document defaults → table style → paragraph style chain → character style chain → direct
properties. Toggle properties (bold, italic, caps, …) switch on and off from one style level to the next
and are absolute in direct formatting (ECMA-376 §17.7.3). `asciiTheme`/`hAnsiTheme`/… name the theme's
major/minor fonts and win over the explicit name at the same level. A font slot that no level sets is
`Times New Roman` and a size that no level sets is 10 pt: what Word falls back to.

Known simplifications: conditional table-style formatting (first row, banding) and East Asian font hints
(`w:hint`) are not applied; text boxes are not part of the body.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def qn(tag: str) -> str:
    """`"w:p"` → `"{http://…/wordprocessingml/2006/main}p"` (Clark notation for lxml)."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


_W = "{" + NS["w"] + "}"
_P, _R, _T, _TBL, _TR, _TC = _W + "p", _W + "r", _W + "t", _W + "tbl", _W + "tr", _W + "tc"
_PPR, _RPR, _PSTYLE, _RSTYLE, _VAL = _W + "pPr", _W + "rPr", _W + "pStyle", _W + "rStyle", _W + "val"
_SECTPR, _FLDCHAR, _INSTR = _W + "sectPr", _W + "fldChar", _W + "instrText"
_TABS, _BREAKS = (_W + "tab", _W + "ptab"), (_W + "br", _W + "cr")
_SDT, _SDT_CONTENT, _FLDSIMPLE = _W + "sdt", _W + "sdtContent", _W + "fldSimple"
_TRPR = _W + "trPr"

TWIPS_PER_MM = 1440 / 25.4

DEFAULT_FONT = "Times New Roman"
"""The font Word uses for a slot that neither the document defaults nor any style nor the run sets."""
DEFAULT_SIZE_PT = 10.0
AUTO_SPACING_TWIPS = 280
"""What Word puts before/after a paragraph whose spacing is `beforeAutospacing`/`afterAutospacing` (14 pt)."""

MAX_PART_BYTES = 64 * 1024 * 1024


def twips_to_mm(twips: float) -> float:
    return twips / TWIPS_PER_MM


def mm_to_twips(mm: float) -> float:
    return mm * TWIPS_PER_MM


def half_points_to_pt(half_points: int) -> float:
    """OOXML `w:sz` is in half-points: 28 → 14.0 pt."""
    return half_points / 2


class DocxError(Exception):
    """The file is not a readable .docx (not a zip, no main document part, malformed XML).

    The message is Vietnamese and says what is wrong; nothing else is ever raised for bad input.
    """


# ---------------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Fonts:
    """The four font slots of a run. Word picks one per character: `ascii` for U+0000–U+007F, `h_ansi`
    for other Latin text (Vietnamese letters such as `ạ`, `ơ`, `Đ`), `east_asia` for CJK, `cs` for complex
    scripts."""

    ascii: str
    h_ansi: str
    east_asia: str
    cs: str


@dataclass(frozen=True, slots=True)
class RunFormat:
    """A run's effective character formatting. `color` is `"auto"` or six upper-case hex digits;
    `underline` is `None` when the run is not underlined."""

    fonts: Fonts
    size: float
    bold: bool
    italic: bool
    caps: bool
    small_caps: bool
    hidden: bool
    color: str
    underline: str | None
    style_id: str | None


@dataclass(frozen=True, slots=True)
class ParagraphFormat:
    """A paragraph's effective properties, in twips. `alignment` is `left`, `center`, `right`, `both`,
    `distribute`, …; `first_line` is negative for a hanging indent; `line_rule` is `auto` (then `line` is in
    240ths of a line), `exact` or `atLeast`. `space_before`/`space_after` already resolve auto spacing."""

    style_id: str | None
    alignment: str
    first_line: int
    left: int
    right: int
    space_before: int
    space_after: int
    line: int
    line_rule: str
    contextual_spacing: bool
    border_bottom: bool
    page_break_before: bool


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    format: RunFormat


@dataclass(frozen=True, slots=True)
class Field:
    """A field (`PAGE`, `NUMPAGES`, …): its instruction and the formatting of what it displays."""

    instruction: str
    format: RunFormat


@dataclass(frozen=True, slots=True)
class CellPosition:
    table: int
    row: int
    column: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph. `number` is 1-based in reading order within its part (`word/document.xml` or a
    header). `text` is what is typed (breaks as `\\n`, tabs as `\\t`); `shown` is what is displayed (hidden
    runs dropped, caps applied). `drawings` holds `"line"`, `"picture"` or `"shape"` for drawn objects.
    `cell` is `None` outside tables (the innermost cell otherwise)."""

    number: int
    part: str
    text: str
    shown: str
    runs: tuple[Run, ...]
    format: ParagraphFormat
    fields: tuple[Field, ...]
    drawings: frozenset[str]
    page_break: bool
    section: int
    cell: CellPosition | None

    @property
    def is_empty(self) -> bool:
        return not self.shown.strip()


@dataclass(frozen=True, slots=True)
class Cell:
    column: int
    blocks: tuple[Paragraph | Table, ...]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The cell's own paragraphs (not those of tables nested in it)."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))


@dataclass(frozen=True, slots=True)
class Row:
    """`repeats` is the `w:tblHeader` flag (repeat as header row on each page); `cant_split` is
    `w:cantSplit` (the row is not broken across pages)."""

    index: int
    cells: tuple[Cell, ...]
    repeats: bool
    cant_split: bool


@dataclass(frozen=True, slots=True)
class Table:
    """A table. `first_number` is the number its first paragraph has (or would have, were it empty)."""

    index: int
    style_id: str | None
    rows: tuple[Row, ...]
    section: int
    nested: bool
    first_number: int

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph of the table in reading order, nested tables included."""
        for row in self.rows:
            for cell in row.cells:
                for block in cell.blocks:
                    if isinstance(block, Paragraph):
                        yield block
                    else:
                        yield from block.paragraphs()


@dataclass(frozen=True, slots=True)
class HeaderFooter:
    part: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Margins:
    top: int
    bottom: int
    left: int
    right: int
    header: int
    footer: int
    gutter: int


@dataclass(frozen=True, slots=True)
class Section:
    """One section. `first`/`last` are the numbers of its first and last body paragraphs. `headers` and
    `footers` map `default`/`first`/`even` to the part in force (inherited when the section has none of its
    own). `start` is how the section begins (`nextPage`, `continuous`, `evenPage`, `oddPage`)."""

    index: int
    width: int
    height: int
    margins: Margins
    title_page: bool
    page_number_start: int | None
    start: str
    headers: Mapping[str, HeaderFooter]
    footers: Mapping[str, HeaderFooter]
    first: int
    last: int

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed .docx. `part` is the name of its main part (the `part` of every body paragraph)."""

    path: Path
    part: str
    blocks: tuple[Paragraph | Table, ...]
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    sections: tuple[Section, ...]

    def paragraph(self, number: int) -> Paragraph:
        return self.paragraphs[number - 1]


# ---------------------------------------------------------------------------------------------------------
# Reading the package

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)


class _Package:
    """The zip, read part by part on demand; each part parsed at most once."""

    def __init__(self, archive: zipfile.ZipFile):
        self._zip = archive
        self._names = set(archive.namelist())
        self._parsed: dict[str, etree._Element | None] = {}

    def xml(self, name: str) -> etree._Element | None:
        """The parsed part, or None when the package has no such part."""
        if name not in self._parsed:
            self._parsed[name] = self._parse(name) if name in self._names else None
        return self._parsed[name]

    def _parse(self, name: str) -> etree._Element:
        info = self._zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise DocxError(f"phần {name} quá lớn ({info.file_size} byte)")
        try:
            return etree.fromstring(self._zip.read(name), _PARSER)
        except etree.XMLSyntaxError as error:
            raise DocxError(f"phần {name} không phải XML hợp lệ: {error}") from error

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """`rId` → (type suffix, target part name) for the relationships of `part`."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        found: dict[str, tuple[str, str]] = {}
        if rels is None:
            return found
        for rel in rels.iter(qn("rel:Relationship")):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
            found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], name)
        return found


def read_docx(path: Path) -> Document:
    """The document at `path`, every part parsed once. Raises DocxError when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _read(Path(path), _Package(archive))
    except zipfile.BadZipFile as error:
        raise DocxError("không phải tệp .docx (không đọc được dạng nén zip)") from error
    except FileNotFoundError as error:
        raise DocxError("không có tệp này") from error
    except IsADirectoryError as error:
        raise DocxError("đây là thư mục, không phải tệp .docx") from error
    except PermissionError as error:
        raise DocxError("không có quyền đọc tệp") from error
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise DocxError(f"lỗi khi đọc ({error})") from error


def _read(path: Path, package: _Package) -> Document:
    main = next((target for kind, target in package.relationships("").values() if kind == "officeDocument"),
                "word/document.xml")
    root = package.xml(main)
    if root is None:
        raise DocxError(f"thiếu phần văn bản chính ({main}): không phải tệp Word .docx")
    if etree.QName(root).localname == "document" and root.tag != qn("w:document"):
        raise DocxError("tệp lưu ở dạng Strict Open XML, chưa được hỗ trợ: "
                        "lưu lại dưới dạng Word Document (.docx)")
    body = root.find(qn("w:body"))
    if root.tag != qn("w:document") or body is None:
        raise DocxError(f"{main} không phải văn bản WordprocessingML (thiếu w:document/w:body)")
    rels = package.relationships(main)
    by_type = {kind: target for kind, target in rels.values()}
    theme = _theme(package.xml(by_type["theme"]) if "theme" in by_type else None)
    styles = _Styles(package.xml(by_type["styles"]) if "styles" in by_type else None, theme,
                     package.xml(by_type["numbering"]) if "numbering" in by_type else None)
    builder = _Builder(styles, main)
    blocks = builder.blocks(body, section=0)
    sections = _sections(body, builder, package, rels, styles)
    return Document(path=path, part=main, blocks=blocks, paragraphs=tuple(builder.paragraphs),
                    tables=tuple(builder.tables), sections=sections)


# ---------------------------------------------------------------------------------------------------------
# Styles: each level of the hierarchy as a partial mapping, merged once per combination

_TOGGLES = {qn("w:b"): "bold", qn("w:i"): "italic", qn("w:caps"): "caps", qn("w:smallCaps"): "small_caps",
            qn("w:vanish"): "hidden"}
_FONT_SLOTS = (("ascii", "ascii", "asciiTheme"), ("h_ansi", "hAnsi", "hAnsiTheme"),
               ("east_asia", "eastAsia", "eastAsiaTheme"), ("cs", "cs", "cstheme"))
_THEME_COLOR_KEYS = {"dark1": "dk1", "light1": "lt1", "dark2": "dk2", "light2": "lt2", "text1": "dk1",
                     "background1": "lt1", "text2": "dk2", "background2": "lt2", "hyperlink": "hlink",
                     "followedHyperlink": "folHlink"}
_OFF = {"0", "false", "off", "none"}
_ALIGN = {"start": "left", "end": "right"}


def _on(element: etree._Element) -> bool:
    return element.get(_VAL, "true").lower() not in _OFF


def _twips(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return round(float(value))
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True, slots=True)
class _Theme:
    fonts: Mapping[str, str]
    colors: Mapping[str, str]


def _theme(root: etree._Element | None) -> _Theme:
    """Theme font names by attribute value (`minorHAnsi` → `Calibri`) and scheme colours (`dk1` → hex)."""
    fonts: dict[str, str] = {}
    colors: dict[str, str] = {}
    if root is None:
        return _Theme(fonts, colors)
    for major_minor in ("major", "minor"):
        font = root.find(f".//{qn('a:' + major_minor + 'Font')}")
        if font is None:
            continue
        for tag, names in (("a:latin", ("Ascii", "HAnsi")), ("a:ea", ("EastAsia",)), ("a:cs", ("Bidi",))):
            typeface = font.find(qn(tag))
            if typeface is not None and typeface.get("typeface"):
                for name in names:
                    fonts[major_minor + name] = typeface.get("typeface")
    scheme = root.find(f".//{qn('a:clrScheme')}")
    if scheme is not None:
        for slot in scheme:
            values = [c.get("lastClr") or c.get("val") for c in slot]
            value = next((v for v in values if v), None)
            if value:
                colors[etree.QName(slot).localname] = value.upper()
    return _Theme(fonts, colors)


def _rpr(rpr: etree._Element | None, theme: _Theme) -> dict[str, object]:
    """The character properties set at one level (only what that level says)."""
    out: dict[str, object] = {}
    if rpr is None:
        return out
    for child in rpr:
        tag = child.tag
        if tag in _TOGGLES:
            out[_TOGGLES[tag]] = _on(child)
        elif tag == qn("w:rFonts"):
            for slot, name_attr, theme_attr in _FONT_SLOTS:
                themed = child.get(qn("w:" + theme_attr))
                name = theme.fonts.get(themed) if themed else None
                name = name or child.get(qn("w:" + name_attr))
                if name:
                    out[slot] = name
        elif tag == qn("w:sz"):
            size = _twips(child.get(qn("w:val")))
            if size is not None:
                out["size"] = half_points_to_pt(size)
        elif tag == qn("w:color"):
            themed = child.get(qn("w:themeColor"))
            value = theme.colors.get(_THEME_COLOR_KEYS.get(themed, themed)) if themed else None
            value = value or child.get(qn("w:val"), "auto")
            out["color"] = "auto" if value.lower() == "auto" else value.upper()
        elif tag == qn("w:u"):
            value = child.get(qn("w:val"), "single")
            out["underline"] = None if value == "none" else value
    return out


def _ppr(ppr: etree._Element | None) -> dict[str, object]:
    """The paragraph properties set at one level (only what that level says)."""
    out: dict[str, object] = {}
    if ppr is None:
        return out
    for child in ppr:
        tag = child.tag
        if tag == qn("w:jc"):
            value = child.get(qn("w:val"), "left")
            out["alignment"] = _ALIGN.get(value, value)
        elif tag == qn("w:ind"):
            for key, names in (("left", ("left", "start")), ("right", ("right", "end"))):
                value = next((_twips(child.get(_W + n)) for n in names if child.get(_W + n)), None)
                if value is not None:
                    out[key] = value
            hanging, first = _twips(child.get(qn("w:hanging"))), _twips(child.get(qn("w:firstLine")))
            if hanging is not None:
                out["first_line"] = -hanging
            elif first is not None:
                out["first_line"] = first
        elif tag == qn("w:spacing"):
            for key, attr, auto in (("space_before", "before", "beforeAutospacing"),
                                    ("space_after", "after", "afterAutospacing")):
                if child.get(qn("w:" + auto)) is not None and child.get(qn("w:" + auto)).lower() not in _OFF:
                    out[key] = AUTO_SPACING_TWIPS
                elif _twips(child.get(qn("w:" + attr))) is not None:
                    out[key] = _twips(child.get(qn("w:" + attr)))
            if _twips(child.get(qn("w:line"))) is not None:
                out["line"] = _twips(child.get(qn("w:line")))
                out["line_rule"] = child.get(qn("w:lineRule"), "auto")
        elif tag == qn("w:contextualSpacing"):
            out["contextual_spacing"] = _on(child)
        elif tag == qn("w:pageBreakBefore"):
            out["page_break_before"] = _on(child)
        elif tag == qn("w:pBdr"):
            border = child.find(qn("w:bottom"))
            if border is not None:
                out["border_bottom"] = border.get(qn("w:val"), "nil") not in ("nil", "none")
        elif tag == qn("w:numPr"):
            num, level = child.find(qn("w:numId")), child.find(qn("w:ilvl"))
            if num is not None:
                out["num"] = (num.get(qn("w:val")), level.get(qn("w:val"), "0") if level is not None else "0")
    return out


_RUN_DEFAULTS: dict[str, object] = {
    "ascii": DEFAULT_FONT, "h_ansi": DEFAULT_FONT, "east_asia": DEFAULT_FONT, "cs": DEFAULT_FONT,
    "size": DEFAULT_SIZE_PT, "bold": False, "italic": False, "caps": False, "small_caps": False,
    "hidden": False, "color": "auto", "underline": None,
}
_PARAGRAPH_DEFAULTS: dict[str, object] = {
    "alignment": "left", "first_line": 0, "left": 0, "right": 0, "space_before": 0, "space_after": 0,
    "line": 240, "line_rule": "auto", "contextual_spacing": False, "border_bottom": False,
    "page_break_before": False,
}


class _Styles:
    """styles.xml and numbering.xml, with every style chain and every combination resolved once."""

    def __init__(self, root: etree._Element | None, theme: _Theme, numbering: etree._Element | None):
        self.theme = theme
        self._styles: dict[str, etree._Element] = {}
        self._defaults: dict[str, str] = {}
        run_defaults: dict[str, object] = dict(_RUN_DEFAULTS)
        paragraph_defaults: dict[str, object] = dict(_PARAGRAPH_DEFAULTS)
        if root is not None:
            for style in root.iter(qn("w:style")):
                style_id = style.get(qn("w:styleId"))
                if style_id:
                    self._styles[style_id] = style
                    if _on_attr(style.get(qn("w:default"))):
                        self._defaults.setdefault(style.get(qn("w:type"), "paragraph"), style_id)
            defaults = root.find(qn("w:docDefaults"))
            if defaults is not None:
                run_defaults.update(_rpr(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"), theme))
                paragraph_defaults.update(_ppr(defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")))
        self._run_defaults = run_defaults
        self._paragraph_defaults = paragraph_defaults
        self._numbering = _Numbering(numbering)
        self._chains: dict[tuple[str, str | None], tuple[dict[str, object], dict[str, object]]] = {}
        self._run_levels: dict[tuple[str | None, str | None, str | None], dict[str, object]] = {}
        self._run_formats: dict[tuple, RunFormat] = {}
        self._paragraph_formats: dict[tuple, ParagraphFormat] = {}

    def default_style(self, kind: str) -> str | None:
        return self._defaults.get(kind)

    def chain(self, kind: str, style_id: str | None) -> tuple[dict[str, object], dict[str, object]]:
        """(paragraph properties, run properties) of a style with its `basedOn` ancestors, child winning."""
        key = (kind, style_id)
        if key not in self._chains:
            ppr: dict[str, object] = {}
            rpr: dict[str, object] = {}
            lineage: list[etree._Element] = []
            current, seen = style_id, set()
            while current and current in self._styles and current not in seen:
                seen.add(current)
                element = self._styles[current]
                if element.get(qn("w:type"), "paragraph") != kind:
                    break
                lineage.append(element)
                based = element.find(qn("w:basedOn"))
                current = based.get(qn("w:val")) if based is not None else None
            for element in reversed(lineage):
                ppr.update(_ppr(element.find(qn("w:pPr"))))
                rpr.update(_rpr(element.find(qn("w:rPr")), self.theme))
            self._chains[key] = (ppr, rpr)
        return self._chains[key]

    def _run_level(self, table_style: str | None, paragraph_style: str | None,
                   character_style: str | None) -> dict[str, object]:
        """Defaults, then the three style levels; a toggle set on at a level flips the value so far."""
        key = (table_style, paragraph_style, character_style)
        if key not in self._run_levels:
            merged = dict(self._run_defaults)
            levels = (self.chain("table", table_style)[1], self.chain("paragraph", paragraph_style)[1],
                      self.chain("character", character_style)[1])
            for level in levels:
                for name, value in level.items():
                    if name in _TOGGLE_NAMES:
                        if value:
                            merged[name] = not merged[name]
                    else:
                        merged[name] = value
            self._run_levels[key] = merged
        return self._run_levels[key]

    def run_format(self, table_style: str | None, paragraph_style: str | None,
                   rpr: etree._Element | None) -> RunFormat:
        key = (table_style, paragraph_style, _signature(rpr) if rpr is not None else ())
        found = self._run_formats.get(key)
        if found is None:
            style = rpr.find(_RSTYLE) if rpr is not None else None
            character_style = style.get(_VAL) if style is not None else None
            character_style = character_style or self.default_style("character")
            merged = dict(self._run_level(table_style, paragraph_style, character_style))
            merged.update(_rpr(rpr, self.theme))
            found = RunFormat(
                fonts=Fonts(merged["ascii"], merged["h_ansi"], merged["east_asia"], merged["cs"]),
                size=merged["size"], bold=merged["bold"], italic=merged["italic"], caps=merged["caps"],
                small_caps=merged["small_caps"], hidden=merged["hidden"], color=merged["color"],
                underline=merged["underline"], style_id=character_style)
            self._run_formats[key] = found
        return found

    def paragraph_format(self, table_style: str | None, paragraph_style: str | None,
                         ppr: etree._Element | None) -> ParagraphFormat:
        key = (table_style, paragraph_style, _signature(ppr) if ppr is not None else ())
        found = self._paragraph_formats.get(key)
        if found is None:
            direct = _ppr(ppr)
            merged = dict(self._paragraph_defaults)
            merged.update(self.chain("table", table_style)[0])
            style_ppr = self.chain("paragraph", paragraph_style)[0]
            merged.update(style_ppr)
            num = direct.get("num", style_ppr.get("num"))
            if num is not None:
                merged.update(self._numbering.level(*num))
            merged.update(direct)
            merged.pop("num", None)
            found = ParagraphFormat(style_id=paragraph_style, **merged)
            self._paragraph_formats[key] = found
        return found


_TOGGLE_NAMES = frozenset(_TOGGLES.values())
_UNSIGNED = frozenset((_RPR, _SECTPR, _W + "pPrChange", _W + "rPrChange"))


def _signature(element: etree._Element) -> tuple:
    """A hashable summary of a property element (tags, attributes, nested properties), used as a cache key;
    a paragraph's own mark formatting, section break and tracked changes do not affect its format."""
    return tuple([(c.tag, tuple(c.items()), _signature(c) if len(c) else ()) for c in element
                  if c.tag not in _UNSIGNED])


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in _OFF


class _Numbering:
    """numbering.xml: the paragraph properties (indents) a list level brings."""

    def __init__(self, root: etree._Element | None):
        self._abstract: dict[str, etree._Element] = {}
        self._nums: dict[str, etree._Element] = {}
        if root is not None:
            for abstract in root.iter(qn("w:abstractNum")):
                self._abstract[abstract.get(qn("w:abstractNumId"), "")] = abstract
            for num in root.iter(qn("w:num")):
                self._nums[num.get(qn("w:numId"), "")] = num

    def level(self, num_id: str, level: str) -> dict[str, object]:
        num = self._nums.get(num_id)
        if num is None or num_id == "0":
            return {}
        for override in num.iter(qn("w:lvlOverride")):
            if override.get(qn("w:ilvl")) == level:
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    return _ppr(lvl.find(qn("w:pPr")))
        abstract_ref = num.find(qn("w:abstractNumId"))
        abstract = self._abstract.get(abstract_ref.get(qn("w:val"), "") if abstract_ref is not None else "")
        if abstract is None:
            return {}
        for lvl in abstract.iter(qn("w:lvl")):
            if lvl.get(qn("w:ilvl")) == level:
                return _ppr(lvl.find(qn("w:pPr")))
        return {}


# ---------------------------------------------------------------------------------------------------------
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


class _Builder:
    """Turns body or header XML into Paragraph/Table records, numbering paragraphs as it goes."""

    def __init__(self, styles: _Styles, part: str):
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
    return element is not None and _on(element)


def field_name(field: Field) -> str:
    """The field's type, upper case: `" PAGE   \\* MERGEFORMAT "` → `"PAGE"`."""
    match = _PAGE_FIELD.match(field.instruction.upper())
    return match.group(1) if match else ""


# ---------------------------------------------------------------------------------------------------------
# Sections, headers and footers


def _sections(body: etree._Element, builder: _Builder, package: _Package, rels: dict[str, tuple[str, str]],
              styles: _Styles) -> tuple[Section, ...]:
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
                    root = package.xml(target)
                    part_builder = _Builder(styles, target)
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
            found = _twips(element.get(qn("w:" + name))) if element is not None else None
            return default if found is None else found

        sections.append(Section(
            index=index, width=value(size, "w", 12240), height=value(size, "h", 15840),
            margins=Margins(*(abs(value(margins, name)) if name in ("top", "bottom") else value(margins, name)
                              for name in ("top", "bottom", "left", "right", "header", "footer", "gutter"))),
            title_page=_flag(sect, qn("w:titlePg")),
            page_number_start=_twips(numbering.get(qn("w:start"))) if numbering is not None else None,
            start=start_type.get(qn("w:val"), "nextPage") if start_type is not None else "nextPage",
            headers=MappingProxyType(dict(headers)), footers=MappingProxyType(dict(footers)),
            first=first, last=last))
    return tuple(sections)
