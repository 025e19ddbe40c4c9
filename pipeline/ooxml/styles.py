"""Effective formatting, resolved the way Word does it, from styles.xml, numbering.xml and the theme.

A paragraph: document defaults → table style → paragraph style chain (`basedOn`) → list level → direct
properties. A run: document defaults → table style → paragraph style chain → character style chain →
direct properties. Toggle properties (bold, italic, caps, …) switch on and off from one style level to the
next and are absolute in direct formatting (ECMA-376 §17.7.3). `asciiTheme`/`hAnsiTheme`/… name the theme's
major/minor fonts and win over the explicit name at the same level. A font slot that no level sets is
`Times New Roman` and a size that no level sets is 10 pt: what Word falls back to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from pipeline.ooxml.document import NS, Fonts, ParagraphFormat, RunFormat, half_points_to_pt, qn

_W = "{" + NS["w"] + "}"
_RPR, _SECTPR, _RSTYLE, _VAL = _W + "rPr", _W + "sectPr", _W + "rStyle", _W + "val"

DEFAULT_FONT = "Times New Roman"
"""The font Word uses for a slot that neither the document defaults nor any style nor the run sets."""
DEFAULT_SIZE_PT = 10.0
AUTO_SPACING_TWIPS = 280
"""What Word puts before/after a paragraph whose spacing is `beforeAutospacing`/`afterAutospacing` (14 pt)."""

_TOGGLES = {qn("w:b"): "bold", qn("w:i"): "italic", qn("w:caps"): "caps", qn("w:smallCaps"): "small_caps",
            qn("w:vanish"): "hidden"}
_FONT_SLOTS = (("ascii", "ascii", "asciiTheme"), ("h_ansi", "hAnsi", "hAnsiTheme"),
               ("east_asia", "eastAsia", "eastAsiaTheme"), ("cs", "cs", "cstheme"))
_THEME_COLOR_KEYS = {"dark1": "dk1", "light1": "lt1", "dark2": "dk2", "light2": "lt2", "text1": "dk1",
                     "background1": "lt1", "text2": "dk2", "background2": "lt2", "hyperlink": "hlink",
                     "followedHyperlink": "folHlink"}
_OFF = {"0", "false", "off", "none"}
_ALIGN = {"start": "left", "end": "right"}


def is_on(element: etree._Element) -> bool:
    """Whether an on/off property element (`<w:b/>`, `<w:b w:val="0"/>`) is on."""
    return element.get(_VAL, "true").lower() not in _OFF


def twips_value(value: str | None) -> int | None:
    """An attribute's number, rounded, or None when it is absent or not a number."""
    if value is None:
        return None
    try:
        return round(float(value))
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True, slots=True)
class Theme:
    fonts: Mapping[str, str]
    colors: Mapping[str, str]


def theme_of(root: etree._Element | None) -> Theme:
    """Theme font names by attribute value (`minorHAnsi` → `Calibri`) and scheme colours (`dk1` → hex)."""
    fonts: dict[str, str] = {}
    colors: dict[str, str] = {}
    if root is None:
        return Theme(fonts, colors)
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
    return Theme(fonts, colors)


def _rpr(rpr: etree._Element | None, theme: Theme) -> dict[str, object]:
    """The character properties set at one level (only what that level says)."""
    out: dict[str, object] = {}
    if rpr is None:
        return out
    for child in rpr:
        tag = child.tag
        if tag in _TOGGLES:
            out[_TOGGLES[tag]] = is_on(child)
        elif tag == qn("w:rFonts"):
            for slot, name_attr, theme_attr in _FONT_SLOTS:
                themed = child.get(qn("w:" + theme_attr))
                name = theme.fonts.get(themed) if themed else None
                name = name or child.get(qn("w:" + name_attr))
                if name:
                    out[slot] = name
        elif tag == qn("w:sz"):
            size = twips_value(child.get(qn("w:val")))
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
                value = next((twips_value(child.get(_W + n)) for n in names if child.get(_W + n)), None)
                if value is not None:
                    out[key] = value
            hanging, first = twips_value(child.get(qn("w:hanging"))), twips_value(child.get(qn("w:firstLine")))
            if hanging is not None:
                out["first_line"] = -hanging
            elif first is not None:
                out["first_line"] = first
        elif tag == qn("w:spacing"):
            for key, attr, auto in (("space_before", "before", "beforeAutospacing"),
                                    ("space_after", "after", "afterAutospacing")):
                if child.get(qn("w:" + auto)) is not None and child.get(qn("w:" + auto)).lower() not in _OFF:
                    out[key] = AUTO_SPACING_TWIPS
                elif twips_value(child.get(qn("w:" + attr))) is not None:
                    out[key] = twips_value(child.get(qn("w:" + attr)))
            if twips_value(child.get(qn("w:line"))) is not None:
                out["line"] = twips_value(child.get(qn("w:line")))
                out["line_rule"] = child.get(qn("w:lineRule"), "auto")
        elif tag == qn("w:contextualSpacing"):
            out["contextual_spacing"] = is_on(child)
        elif tag == qn("w:pageBreakBefore"):
            out["page_break_before"] = is_on(child)
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


class Styles:
    """styles.xml and numbering.xml, with every style chain and every combination resolved once."""

    def __init__(self, root: etree._Element | None, theme: Theme, numbering: etree._Element | None):
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

