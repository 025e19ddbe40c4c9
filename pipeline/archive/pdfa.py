"""One PDF/A archive copy from LibreOffice's PDFs: join, describe, make reproducible.

LibreOffice converts the decision and each annex separately (see `office`); `assemble` joins them
with pikepdf rather than joining the .docx files first. Each .docx keeps its own sections exactly as
LibreOffice lays it out alone: portrait decision with no number on page 1, landscape annexes that
number their own pages from 1 (format.md §1, §6). Joining .docx files (docxcompose) would have to
re-create those section breaks, header references and numbering restarts by hand.

Joining breaks LibreOffice's tagged structure (one structure tree per file), so the copy is
level B (PDF/A-1b or PDF/A-2b: visual appearance), never A. Everything LibreOffice writes from the
clock or at random is rewritten from the decision: Info and XMP dates, the trailer /ID, its private
/DocChecksum, and the creation date and ID inside the embedded sRGB ICC profile. The same PDFs and
metadata therefore always give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from lxml import etree

_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_VIETNAM = dt.timezone(dt.timedelta(hours=7))
LEVELS = {1: "1B", 2: "2B"}
"""PDF/A part → the level this module writes."""


@dataclass(frozen=True, slots=True)
class Part:
    """One converted document of the copy: `title` names it in the outline; `label` prefixes its
    page labels (`Phụ lục I`), `None` for the decision, whose pages are labelled 1, 2, …"""

    title: str
    label: str | None
    pdf: bytes


@dataclass(frozen=True, slots=True)
class Description:
    """What the copy says about itself (Info dictionary and XMP, kept equal as PDF/A requires)."""

    title: str  # the trích yếu
    subject: str  # number and symbol: "05/QĐ-UBND"
    author: str  # the issuing body
    keywords: tuple[str, ...]
    creator: str  # the generator that wrote the .docx: "qdgen 0.1.0"
    issued: dt.date  # every date in the file
    language: str = "vi-VN"


@dataclass(frozen=True, slots=True)
class ArchiveCopy:
    """The joined, described, normalised file and what it holds."""

    pdf: bytes
    pages: tuple[int, ...]  # page count of each part, in order
    level: str  # "1B" or "2B"


def level_name(level: str) -> str:
    """`1B` → `PDF/A-1b`."""
    return f"PDF/A-{level[:-1]}{level[-1].lower()}"


def assemble(parts: Sequence[Part], description: Description, *, pdfa: int = 1) -> ArchiveCopy:
    """Join `parts` (PDF/A files from LibreOffice at part `pdfa`) into one reproducible PDF/A copy."""
    if pdfa not in LEVELS or not parts:
        raise ValueError(f"pdfa must be one of {sorted(LEVELS)} and parts non-empty")
    out = io.BytesIO()
    with contextlib.ExitStack() as stack:
        sources = [stack.enter_context(pikepdf.open(io.BytesIO(part.pdf))) for part in parts]
        target = sources[0]
        pages = [len(target.pages)]
        for source in sources[1:]:
            target.pages.extend(source.pages)
            pages.append(len(source.pages))
        _drop_structure(target)
        _label_pages(target, parts, pages)
        _outline(target, parts, pages)
        _describe(target, description, LEVELS[pdfa])
        _normalise_icc(target, description.issued)
        for key in ("/DocChecksum", "/ID"):  # qpdf would keep an existing first /ID element
            if key in target.trailer:
                del target.trailer[key]
        target.save(out, min_version=max(source.pdf_version for source in sources),
                    object_stream_mode=pikepdf.ObjectStreamMode.disable, deterministic_id=True,
                    fix_metadata_version=False)
    return ArchiveCopy(out.getvalue(), tuple(pages), LEVELS[pdfa])


def declared_level(pdf: bytes) -> str | None:
    """The PDF/A part and conformance the file's XMP declares (`1B`), `None` when it declares none."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        if "/Metadata" not in document.Root:
            return None
        root = etree.fromstring(document.Root.Metadata.read_bytes())
    part = root.findtext(".//pdfaid:part", namespaces=_NS) or root.xpath(
        "string(.//rdf:Description/@pdfaid:part)", namespaces=_NS)
    conformance = root.findtext(".//pdfaid:conformance", namespaces=_NS) or root.xpath(
        "string(.//rdf:Description/@pdfaid:conformance)", namespaces=_NS)
    return f"{part}{conformance}" if part and conformance else None


def unembedded_fonts(pdf: bytes) -> tuple[str, ...]:
    """Names of the fonts the file uses without embedding them (PDF/A allows none)."""
    missing = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            if obj.get("/Type") == pikepdf.Name.FontDescriptor and not any(
                    key in obj for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(obj.get("/FontName", "?")))
            elif (obj.get("/Type") == pikepdf.Name.Font and "/FontDescriptor" not in obj
                  and obj.get("/Subtype") not in (pikepdf.Name.Type0, pikepdf.Name.Type3)):
                missing.add(str(obj.get("/BaseFont", "?")))
    return tuple(sorted(missing))


def _drop_structure(pdf: pikepdf.Pdf) -> None:
    """Remove the per-file structure trees and outlines that joining would leave dangling."""
    for key in ("/StructTreeRoot", "/MarkInfo", "/Outlines"):
        if key in pdf.Root:
            del pdf.Root[key]
    for page in pdf.pages:
        if "/StructParents" in page.obj:
            del page.obj["/StructParents"]
        for annotation in page.obj.get("/Annots", ()):
            if "/StructParent" in annotation:
                del annotation["/StructParent"]


def _label_pages(pdf: pikepdf.Pdf, parts: Sequence[Part], pages: Sequence[int]) -> None:
    """Page labels as the .docx numbers pages: 1, 2, … then `Phụ lục I - 1`, … per annex."""
    numbers: list[object] = []
    start = 0
    for part, count in zip(parts, pages, strict=True):
        style = pikepdf.Dictionary(S=pikepdf.Name.D)
        if part.label is not None:
            style.P = pikepdf.String(f"{part.label} - ")
        numbers += [start, style]
        start += count
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(numbers))


def _outline(pdf: pikepdf.Pdf, parts: Sequence[Part], pages: Sequence[int]) -> None:
    starts = [sum(pages[:i]) for i in range(len(parts))]
    with pdf.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(part.title, start)
                            for part, start in zip(parts, starts, strict=True))


def _describe(pdf: pikepdf.Pdf, description: Description, level: str) -> None:
    """Info dictionary and XMP packet with the same values (ISO 19005-1 §6.7.3)."""
    issued = dt.datetime.combine(description.issued, dt.time(), _VIETNAM)
    producer = str(pdf.docinfo.get("/Producer", "LibreOffice"))
    keywords = "; ".join(description.keywords)
    info_date = issued.strftime("D:%Y%m%d%H%M%S+07'00'")
    pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary(
        Title=pikepdf.String(description.title), Subject=pikepdf.String(description.subject),
        Author=pikepdf.String(description.author), Keywords=pikepdf.String(keywords),
        Creator=pikepdf.String(description.creator), Producer=pikepdf.String(producer),
        CreationDate=pikepdf.String(info_date), ModDate=pikepdf.String(info_date)))
    xmp = _xmp(description, level, producer, keywords, issued.isoformat())
    pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    pdf.Root.Lang = pikepdf.String(description.language)


def _xmp(description: Description, level: str, producer: str, keywords: str, date: str) -> bytes:
    rdf_about = f"{{{_NS['rdf']}}}about"
    meta = etree.Element(f"{{{_NS['x']}}}xmpmeta", nsmap={"x": _NS["x"]})
    rdf = etree.SubElement(meta, f"{{{_NS['rdf']}}}RDF", nsmap={"rdf": _NS["rdf"]})

    def block(prefix: str, values: dict[str, str]) -> etree._Element:
        node = etree.SubElement(rdf, f"{{{_NS['rdf']}}}Description", {rdf_about: ""},
                                nsmap={prefix: _NS[prefix]})
        for name, value in values.items():
            etree.SubElement(node, f"{{{_NS[prefix]}}}{name}").text = value
        return node

    def container(node: etree._Element, name: str, kind: str, value: str) -> None:
        holder = etree.SubElement(etree.SubElement(node, f"{{{_NS['dc']}}}{name}"), f"{{{_NS['rdf']}}}{kind}")
        item = etree.SubElement(holder, f"{{{_NS['rdf']}}}li")
        if kind == "Alt":
            item.set(_XML_LANG, "x-default")
        item.text = value

    block("pdfaid", {"part": level[:-1], "conformance": level[-1]})
    dc = block("dc", {})
    container(dc, "title", "Alt", description.title)
    container(dc, "creator", "Seq", description.author)
    container(dc, "description", "Alt", description.subject)
    block("pdf", {"Producer": producer, "Keywords": keywords})
    block("xmp", {"CreatorTool": description.creator, "CreateDate": date, "ModifyDate": date,
                  "MetadataDate": date})
    begin = etree.ProcessingInstruction("xpacket", 'begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"')
    end = etree.ProcessingInstruction("xpacket", 'end="w"')
    return b"\n".join(etree.tostring(node, encoding="utf-8") for node in (begin, meta, end))


def _normalise_icc(pdf: pikepdf.Pdf, issued: dt.date) -> None:
    """Give each output intent's ICC profile the issue date as creation date (header bytes 24–35), and the
    profile ID that date implies: the MD5 of ICC.1:2010 §7.2.18 for version 4 profiles; zero (reserved)
    for version 2 profiles such as LibreOffice's sRGB."""
    for intent in pdf.Root.get("/OutputIntents", ()):
        if "/DestOutputProfile" not in intent:
            continue
        stream = intent.DestOutputProfile
        profile = bytearray(stream.read_bytes())
        profile[24:36] = struct.pack(">6H", issued.year, issued.month, issued.day, 0, 0, 0)
        profile[84:100] = bytes(16)
        if profile[8] >= 4:
            unsigned = bytearray(profile)
            unsigned[44:48] = unsigned[64:68] = bytes(4)
            profile[84:100] = hashlib.md5(unsigned, usedforsecurity=False).digest()
        stream.write(bytes(profile))
