"""Deterministic packages: our zip writer gives exactly the bytes `zipfile` gives for the same parts."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.ooxml.package import COMPRESS_LEVEL, ZIP_TIME, Deflated, read_parts, write_package


def zipfile_package(parts: dict[str, bytes]) -> bytes:
    """The reference: the standard library's writer with the same order, time, attributes and level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(parts, key=lambda name: (name != "[Content_Types].xml", name)):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            archive.writestr(info, parts[name], compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def test_generated_documents_are_zipped_as_zipfile_would(built):
    documents = sorted(built.rglob("*.docx"))
    assert documents
    for path in documents:
        parts = read_parts(path.read_bytes())
        assert write_package(parts) == zipfile_package(parts), path.name


@pytest.mark.parametrize("parts", [
    {"[Content_Types].xml": b"<Types/>", "word/t\u00e0i-li\u1ec7u.xml": "<a>Lạng Sơn</a>".encode() * 50},
    {"b.xml": b"", "a.xml": b"\x00" * 70_000, "[Content_Types].xml": b"x"},
])
def test_names_sizes_and_order_match_zipfile(parts):
    written = write_package(parts)
    assert written == zipfile_package(parts)
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert {name: archive.read(name) for name in archive.namelist()} == parts


def test_a_part_deflated_once_gives_the_same_package():
    parts = {"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<w:styles/>" * 200}
    assert write_package({**parts, "word/styles.xml": Deflated.of(parts["word/styles.xml"])}) == \
        write_package(parts)
