"""Read-only access to a .docx with lxml: its body, sections, headers and the formatting Word would apply.

`read_docx(path)` opens the zip once, parses each part it needs once (document, styles, numbering, theme,
headers and footers) and returns a frozen `Document`:

- `blocks`: the body in reading order, paragraphs and tables (rows → cells → paragraphs, nested tables);
- `paragraphs`: every body paragraph, table cells included, numbered 1, 2, … in reading order;
- `sections`: page size, margins, first-page flag, page-number restart and the headers/footers in force
  (a section without its own header of a type inherits the previous section's, as in Word).

Every run and paragraph carries its *effective* formatting, resolved the way Word does it.

The work is done in rooms of their own, and their public names are importable from here:
`document` (the records, namespaces, units and `DocxError`), `unpack` (the zip within limits, DTDs
refused), `styles` (effective formatting) and `blocks` (body, tables, sections, headers).

Known simplifications: conditional table-style formatting (first row, banding) and East Asian font hints
(`w:hint`) are not applied; text boxes are not part of the body.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from pipeline.ooxml.blocks import BlockBuilder, field_name, read_sections
from pipeline.ooxml.document import (
    NS,
    TWIPS_PER_MM,
    Cell,
    CellPosition,
    Document,
    DocxError,
    Field,
    Fonts,
    HeaderFooter,
    Margins,
    Paragraph,
    ParagraphFormat,
    Row,
    Run,
    RunFormat,
    Section,
    Table,
    half_points_to_pt,
    mm_to_twips,
    qn,
    twips_to_mm,
)
from pipeline.ooxml.styles import AUTO_SPACING_TWIPS, DEFAULT_FONT, DEFAULT_SIZE_PT, Styles, theme_of
from pipeline.ooxml.unpack import (
    MAX_PARAGRAPHS,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_TOTAL_BYTES,
    MAX_XML_TAGS,
    PartReader,
    not_a_docx,
)

__all__ = [
    "AUTO_SPACING_TWIPS", "DEFAULT_FONT", "DEFAULT_SIZE_PT", "MAX_PARAGRAPHS", "MAX_PARTS", "MAX_PART_BYTES",
    "MAX_TOTAL_BYTES", "MAX_XML_TAGS", "NS", "TWIPS_PER_MM", "Cell", "CellPosition", "Document",
    "DocxError", "Field", "Fonts", "HeaderFooter", "Margins", "Paragraph", "ParagraphFormat", "Row", "Run",
    "RunFormat", "Section", "Table", "field_name", "half_points_to_pt", "mm_to_twips", "qn", "read_docx",
    "twips_to_mm",
]


def read_docx(path: Path) -> Document:
    """The document at `path`, every part parsed once. Raises DocxError when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _read(Path(path), PartReader(archive), archive)
    except (zipfile.BadZipFile, FileNotFoundError, IsADirectoryError) as error:
        raise not_a_docx(path) from error
    except PermissionError as error:
        raise DocxError("không có quyền đọc tệp") from error
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise DocxError(f"lỗi khi đọc ({error})") from error


def _read(path: Path, package: PartReader, archive: zipfile.ZipFile) -> Document:
    main = next((target for kind, target in package.relationships("").values() if kind == "officeDocument"),
                "word/document.xml")
    root = package.xml(main)
    if root is None:
        if main == "word/document.xml":
            raise not_a_docx(path, archive)
        raise DocxError(f"thiếu phần văn bản chính ({main}): không phải tệp Word .docx")
    if etree.QName(root).localname == "document" and root.tag != qn("w:document"):
        raise DocxError("tệp lưu ở dạng Strict Open XML, chưa được hỗ trợ: "
                        "lưu lại dưới dạng Word Document (.docx)")
    body = root.find(qn("w:body"))
    if root.tag != qn("w:document") or body is None:
        raise DocxError(f"{main} không phải văn bản WordprocessingML (thiếu w:document/w:body)")
    rels = package.relationships(main)
    by_type = {kind: target for kind, target in rels.values()}
    theme = theme_of(package.xml(by_type["theme"]) if "theme" in by_type else None)
    styles = Styles(package.xml(by_type["styles"]) if "styles" in by_type else None, theme,
                    package.xml(by_type["numbering"]) if "numbering" in by_type else None)
    builder = BlockBuilder(styles, main)
    blocks = builder.blocks(body, section=0)
    sections = read_sections(body, builder, package.xml, rels, styles)
    return Document(path=path, part=main, blocks=blocks, paragraphs=tuple(builder.paragraphs),
                    tables=tuple(builder.tables), sections=sections)


