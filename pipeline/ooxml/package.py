"""Deterministic .docx packages: fixed entry order and timestamps, core properties from the decision.

The same parts always give the same bytes (python-docx #1042: it stamps the clock and its own
author otherwise).
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape as _html_escape

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 1
"""zlib's fastest level: an annex's 280 kB of repetitive XML deflates in 0.4 ms instead of 1.6 ms at the
default level, for a file of 9 kB instead of 6 kB."""
CORE_PART = "docProps/core.xml"
_DROPPED = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")
"""Parts python-docx's default package carries that a decision has no use for (prefixes)."""


def escape(text: str) -> str:
    """`&`, `<` and `>` as XML text needs them (xml.sax.saxutils.escape's output, without importing urllib,
    http and ssl with it)."""
    return _html_escape(text, quote=False)


@dataclass(frozen=True, slots=True)
class CoreProperties:
    title: str
    subject: str
    creator: str
    keywords: str
    created: dt.date
    language: str = "vi-VN"

    def to_xml(self) -> bytes:
        stamp = f"{self.created.isoformat()}T00:00:00Z"
        fields = (
            ("dc:title", escape(self.title)),
            ("dc:subject", escape(self.subject)),
            ("dc:creator", escape(self.creator)),
            ("cp:keywords", escape(self.keywords)),
            ("cp:lastModifiedBy", escape(self.creator)),
            ("cp:revision", "1"),
            ("dc:language", self.language),
        )
        body = "".join(f"<{tag}>{value}</{tag}>" for tag, value in fields)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{body}"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"
        ).encode()


def read_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@dataclass(frozen=True, slots=True)
class Deflated:
    """A part compressed once, ready to be written into any number of packages: a template's parts that
    rendering never changes are deflated when the template is compiled, not for every document."""

    crc: int
    size: int
    data: bytes  # raw deflate stream

    @classmethod
    def of(cls, blob: bytes) -> Deflated:
        compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        return cls(zlib.crc32(blob), len(blob), compressor.compress(blob) + compressor.flush())


_LOCAL_HEADER = struct.Struct("<4s5H3I2H")
_CENTRAL_HEADER = struct.Struct("<4s6H3I5H2I")
_END_RECORD = struct.Struct("<4s4H2IH")
_DOS_TIME, _DOS_DATE = 0, (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2]
_VERSION = 20  # deflate; "made by" MS-DOS (0), as zipfile writes with create_system = 0
_UTF8_NAME = 0x800
_FILE_ATTRIBUTES = 0o644 << 16
_MAX_SIZE = 0xFFFF_FFFF  # beyond this a zip needs ZIP64 records; no part of a decision comes near


def write_package(parts: Mapping[str, bytes | Deflated]) -> bytes:
    """Zip `parts` deterministically: `[Content_Types].xml` first, then by name, fixed time.

    The same bytes `zipfile` writes for these entries (tests compare the two), written here because
    `zipfile` cannot take a part that is already deflated."""
    names = sorted(parts, key=lambda name: (name != "[Content_Types].xml", name))
    local, central = bytearray(), bytearray()
    for name in names:
        part = parts[name]
        entry = part if isinstance(part, Deflated) else Deflated.of(part)
        if max(entry.size, len(entry.data), len(local)) > _MAX_SIZE:
            raise ValueError(f"part {name} is too large for a zip without ZIP64")
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        offset = len(local)
        local += _LOCAL_HEADER.pack(b"PK\x03\x04", _VERSION, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                                    entry.crc, len(entry.data), entry.size, len(encoded), 0)
        local += encoded
        local += entry.data
        central += _CENTRAL_HEADER.pack(b"PK\x01\x02", _VERSION, _VERSION, flags, zipfile.ZIP_DEFLATED, _DOS_TIME,
                                        _DOS_DATE, entry.crc, len(entry.data), entry.size, len(encoded), 0, 0, 0,
                                        0, _FILE_ATTRIBUTES, offset)
        central += encoded
    end = _END_RECORD.pack(b"PK\x05\x06", 0, 0, len(names), len(names), len(central), len(local), 0)
    return bytes(local + central + end)


def normalise_package(data: bytes, core: CoreProperties | None = None) -> bytes:
    """Re-zip a .docx deterministically, dropping parts nothing needs and optionally setting core properties."""
    parts = {name: blob for name, blob in read_parts(data).items() if not _is_dropped(name)}
    for name in [n for n in parts if n.endswith(".rels")]:
        parts[name] = _without_dropped_targets(name, parts[name].decode("utf-8")).encode("utf-8")
    parts["[Content_Types].xml"] = re.sub(
        r'<Override [^>]*PartName="/([^"]+)"[^>]*/>',
        lambda m: "" if _is_dropped(m.group(1)) else m.group(0),
        parts["[Content_Types].xml"].decode("utf-8")).encode("utf-8")
    if core is not None:
        parts[CORE_PART] = core.to_xml()
    return write_package(parts)


def _is_dropped(name: str) -> bool:
    return name.startswith(_DROPPED)


def _without_dropped_targets(rels_name: str, rels: str) -> str:
    """Remove relationships whose target (resolved against the owning part) is a dropped part."""
    owner_dir = posixpath.dirname(posixpath.dirname(rels_name))

    def keep(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(owner_dir, match.group(1)))
        return "" if _is_dropped(target) else match.group(0)

    return re.sub(r'<Relationship [^>]*Target="([^"]+)"[^>]*/>', keep, rels)
