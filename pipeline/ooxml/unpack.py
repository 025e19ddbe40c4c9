"""Opening a .docx safely: the zip read part by part, each XML part parsed at most once, within limits.

A .docx is a zip, and a small zip can unpack to anything: 100 KB holding a 60 MB `document.xml` of empty
paragraphs once cost 243 s and 5.3 GB. So every part is decompressed as a stream and parsed as it comes,
counting as it goes, and reading stops at the first limit passed (the sizes the zip declares are not
trusted). A document over a limit is refused with the limit's own problem code, never processed:

- `MAX_PART_BYTES` unpacked bytes of one part (`docx.part_too_large`);
- `MAX_TOTAL_BYTES` unpacked bytes of all the parts read (`docx.too_large`);
- `MAX_PARTS` entries in the zip (`docx.too_many_parts`);
- `MAX_XML_TAGS` XML tags (`<…>`, at least one per element) in all the parts read (`docx.too_many_elements`);
- `MAX_PARAGRAPHS` paragraphs in the body or in one header or footer (`docx.too_many_paragraphs`, counted
  by `blocks`).

A part with a document type declaration is refused too (`docx.dtd`): Word refuses such files, and an
entity declared there is text the reader would not see (entities are never expanded here).

What the file is when it is not a .docx (missing, a folder, a PDF, an Excel workbook, a Word 97–2003
file, another zip) decides the hint given with `check.unreadable`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from pipeline import vn
from pipeline.ooxml.document import DocxError, qn

MAX_PART_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_PARTS = 2_000
MAX_XML_TAGS = 600_000
MAX_PARAGRAPHS = 50_000
"""The 30 pages of Phụ lục I of NĐ 30 have about 900 paragraphs and 29,000 XML tags."""

_PIECE = 256 * 1024
"""Bytes decompressed and parsed at a time; the counts are checked after each piece."""
_PROLOG_PIECE = 4096
_PROLOG_LIMIT = 1024 * 1024
"""A part's root element must begin within its first megabyte."""
_DOCTYPE = "<!DOCTYPE"
_ROOT_START = re.compile(r"<[^?!]")
_XML_PART = (".xml", ".rels")
_ENCRYPTED = 0x1
"""The zip flag of an entry stored with a password."""
TOO_LARGE_HINT = ("Tệp quá lớn để kiểm tra: xóa các đoạn trống, bảng thừa rồi lưu lại, hoặc tách phụ lục "
                   "thành tệp riêng.")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)


def _megabytes(count: int) -> str:
    return f"{vn.number(count // (1024 * 1024))} MB"


class PartReader:
    """The parts of one open zip. `xml(name)` parses a part once; the limits of this module hold for
    everything read through one reader."""

    def __init__(self, archive: zipfile.ZipFile):
        self._zip = archive
        entries = archive.infolist()
        if len(entries) > MAX_PARTS:
            raise DocxError(f"tệp có {vn.number(len(entries))} phần, quá giới hạn {vn.number(MAX_PARTS)} phần "
                            "của một tệp .docx", code="docx.too_many_parts", hint=TOO_LARGE_HINT)
        if any(entry.flag_bits & _ENCRYPTED for entry in entries):
            raise DocxError("tệp nén có đặt mật khẩu, không phải tệp .docx Word lưu",
                            hint="Mở tệp bằng Word (nhập mật khẩu nếu có), bỏ mật khẩu rồi lưu lại dạng .docx.")
        self._names = {entry.filename for entry in entries}
        self._parsed: dict[str, etree._Element | None] = {}
        self._bytes = self._tags = 0
        for entry in entries:
            if entry.filename.endswith(_XML_PART):
                self._refuse_doctype(entry)

    def xml(self, name: str) -> etree._Element | None:
        """The parsed part, or None when the package has no such part."""
        if name not in self._parsed:
            self._parsed[name] = self._parse(name) if name in self._names else None
        return self._parsed[name]

    def _parse(self, name: str) -> etree._Element:
        info = self._zip.getinfo(name)
        if not name.endswith(_XML_PART):
            self._refuse_doctype(info)  # the parts named as XML were looked at when the zip was opened
        self._refuse_size(name, info.file_size, self._bytes + info.file_size)  # what the zip declares
        parser = _parser()
        read = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_PIECE):
                    read += len(chunk)
                    self._bytes += len(chunk)
                    self._refuse_size(name, read, self._bytes)  # what it holds
                    self._count_tags(chunk)
                    parser.feed(chunk)
            return parser.close()
        except etree.XMLSyntaxError as error:
            raise DocxError(f"phần {name} không phải XML hợp lệ: {error}") from error

    @staticmethod
    def _refuse_size(name: str, part_bytes: int, total_bytes: int) -> None:
        if part_bytes > MAX_PART_BYTES:
            raise DocxError(f"phần {name} khi giải nén lớn hơn giới hạn {_megabytes(MAX_PART_BYTES)} cho một "
                            "phần của tệp .docx", code="docx.part_too_large", hint=TOO_LARGE_HINT)
        if total_bytes > MAX_TOTAL_BYTES:
            raise DocxError(f"các phần của tệp khi giải nén lớn hơn giới hạn {_megabytes(MAX_TOTAL_BYTES)} "
                            "cho một tệp .docx", code="docx.too_large", hint=TOO_LARGE_HINT)

    def _count_tags(self, piece: bytes) -> None:
        """Count the tags of `piece` before it is parsed: a `<` byte starts each one (in UTF-16 too), so the
        count bounds the elements parsing could build."""
        self._tags += piece.count(b"<")
        if self._tags > MAX_XML_TAGS:
            raise DocxError(f"tệp có hơn {vn.number(MAX_XML_TAGS)} thẻ XML, quá giới hạn kiểm tra",
                            code="docx.too_many_elements", hint=TOO_LARGE_HINT)

    def _refuse_doctype(self, entry: zipfile.ZipInfo) -> None:
        """Refuse `entry` when a document type declaration precedes its root element. The start of the part
        usually tells; when it does not (a long prolog, an encoding with NUL bytes and no BOM), the part is
        parsed up to its root, in small pieces so that little more is parsed."""
        with self._zip.open(entry) as stream:
            head = stream.read(_PROLOG_PIECE)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head:
            text = head.decode("utf-16" if b"\x00" in head else "utf-8", "ignore")
            root = _ROOT_START.search(text)
            if root is not None:
                if _DOCTYPE in text[:root.start()]:
                    raise _doctype_error(entry.filename)
                return
        if _parsed_doctype(self._zip, entry):
            raise _doctype_error(entry.filename)

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


def _parsed_doctype(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether the part declares a document type before its root element, read by the parser."""
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    root = None
    read = 0
    try:
        with archive.open(entry) as stream:
            while root is None and read < _PROLOG_LIMIT and (piece := stream.read(_PROLOG_PIECE)):
                read += len(piece)
                parser.feed(piece)
                root = next((element for _event, element in parser.read_events()), None)
    except etree.XMLSyntaxError:
        return False  # reported when the part is parsed, if it ever is
    if root is None and read >= _PROLOG_LIMIT:
        raise DocxError(f"phần {entry.filename} không có phần tử XML nào trong {_megabytes(_PROLOG_LIMIT)} đầu")
    return root is not None and bool(root.getroottree().docinfo.doctype)


def _doctype_error(name: str) -> DocxError:
    return DocxError(f"phần {name} có khai báo DTD (<!DOCTYPE …>), điều Word không chấp nhận trong tệp .docx",
                     code="docx.dtd",
                     hint="Tệp đã bị sửa ngoài Word: mở bằng Word; nếu Word báo lỗi, dùng bản gốc của tệp.")


def not_a_docx(path: Path, archive: zipfile.ZipFile | None = None) -> DocxError:
    """Why `path` cannot be read as a .docx, with a hint that fits what it is."""
    path = Path(path)
    if not path.exists():
        return DocxError("không có tệp này", hint="Kiểm tra lại tên và đường dẫn của tệp.")
    if path.is_dir():
        return DocxError("đây là thư mục, không phải tệp .docx",
                         hint="Đưa tên tệp .docx, hoặc thư mục chứa các tệp .docx cần kiểm tra.")
    suffix = path.suffix.lower()
    with path.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(b"%PDF"):
        return DocxError("đây là tệp PDF, không phải tệp Word .docx",
                         hint="Thể thức chỉ kiểm tra được trên tệp Word: dùng tệp .docx gốc của văn bản.")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix in (".xls", ".xlt"):
            return DocxError("đây là bảng tính Excel 97–2003 (.xls), không phải văn bản Word .docx",
                             hint="Chỉ kiểm tra được văn bản Word .docx; bảng tính không có thể thức văn bản.")
        return DocxError("tệp Word 97–2003 (.doc), chưa được hỗ trợ",
                         hint="Mở tệp bằng Word, chọn Lưu thành (Save As) dạng Word Document (.docx), rồi "
                              "kiểm tra tệp .docx.")
    if archive is not None:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names or suffix in (".xlsx", ".xlsm"):
            return DocxError("đây là bảng tính Excel (.xlsx), không phải văn bản Word .docx",
                             hint="Chỉ kiểm tra được văn bản Word .docx; bảng tính không có thể thức văn bản.")
        if "ppt/presentation.xml" in names:
            return DocxError("đây là bài trình chiếu PowerPoint, không phải văn bản Word .docx",
                             hint="Chỉ kiểm tra được văn bản Word .docx.")
        return DocxError("tệp nén zip không chứa văn bản Word (thiếu phần word/document.xml)",
                         hint="Giải nén nếu đây là thư mục nén chứa các tệp .docx, rồi kiểm tra các tệp đó.")
    return DocxError("không phải tệp .docx (không đọc được dạng nén zip)",
                     hint="Mở tệp bằng Word và lưu lại dưới dạng Word Document (.docx).")
