"""The Sổ đăng ký văn bản đi as NĐ 30 Phụ lục IV draws it, for printing and binding: the cover (cơ quan
chủ quản, cơ quan, năm, từ ngày … đến ngày, từ số … đến số, quyển số) then the 10 columns, A4 landscape,
the header rows repeated on every page. Columns 8 and 9 (ngày chuyển, ký nhận) are left for the hand.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import vn
from pipeline.register.book import Registered, SeriesInfo
from pipeline.register.schema import CANCELLED, PENDING

COLUMNS = ("Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
           "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú")
WIDTHS_MM = (28, 22, 52, 24, 40, 24, 17, 18, 16, 16)  # 257 mm: A4 landscape less 20 mm margins
FONT = "Times New Roman"
XLSX_MM_PER_CHAR = 2.1  # a column `width` unit, in mm, at 11 pt
XLSX_LINE_POINTS = 15


@dataclass(frozen=True, slots=True)
class Book:
    """One year of one series: its cover and its lines."""

    series: SeriesInfo
    year: int
    lines: tuple[Registered, ...]

    def cover(self) -> tuple[tuple[str, bool, int], ...]:
        """The cover's lines: (text, bold, size in points)."""
        first, last = (self.lines[0], self.lines[-1]) if self.lines else (None, None)
        span = (f"Từ ngày {_day(first.date)} đến ngày {_day(last.date)}" if first else "Từ ngày …… đến ngày ……")
        numbers = (f"Từ số {first.number:02d} đến số {last.number:02d}" if first else "Từ số …… đến số ……")
        return ((vn.upper(self.series.parent_organ or "……"), False, 13), (vn.upper(self.series.organ), True, 13),
                ("", False, 13), ("SỔ ĐĂNG KÝ VĂN BẢN ĐI", True, 20), (f"Ký hiệu: {self.series.symbol}", False, 14),
                (f"Năm: {self.year}", True, 14), (span, False, 14), (numbers, False, 14),
                (f"Quyển số: {self.series.volume:02d}", False, 14))


def _day(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def row(line: Registered) -> tuple[str, ...]:
    """The 10 cells of one line; a cancelled or pending number says so in Ghi chú."""
    note = line.note or ""
    if line.state == CANCELLED:
        note = f"Số đã hủy, không dùng lại. {note}".strip()
    elif line.state == PENDING:
        note = f"Đang cấp số. {note}".strip()
    return (line.number_text, _day(line.date), f"{line.type_name}\n{line.subject}", line.signer,
            "\n".join(f"- {name}" for name in line.recipients), line.archive_units,
            "" if line.copies is None else str(line.copies), "", "", note)


def write_xlsx(book: Book, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    cover = workbook.active
    cover.title = "Bìa"
    cover.column_dimensions["A"].width = 120
    for index, (text, bold, size) in enumerate(book.cover(), start=2):
        cell = cover.cell(row=index * 2, column=1, value=text)
        cell.font = Font(name=FONT, bold=bold, size=size)
        cell.alignment = Alignment(horizontal="center")
    _landscape(cover)
    sheet = workbook.create_sheet("Sổ đăng ký")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    rows = [COLUMNS, tuple(f"({n})" for n in range(1, 11)), *(row(line) for line in book.lines)]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.font = Font(name=FONT, size=11, bold=r == 1)
            cell.alignment = Alignment(wrap_text=True, vertical="top" if r > 2 else "center",
                                       horizontal="center" if r <= 2 or c in (1, 2, 7) else "left")
            cell.border = border
    for c, width in enumerate(WIDTHS_MM, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width / XLSX_MM_PER_CHAR
    for r, values in enumerate(rows, start=1):  # a spreadsheet does not grow rows for wrapped text by itself
        sheet.row_dimensions[r].height = XLSX_LINE_POINTS * max(_lines(value, width) for value, width in
                                                               zip(values, WIDTHS_MM))
    sheet.print_title_rows = "1:2"
    sheet.freeze_panes = "A3"
    _landscape(sheet)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomically(path, buffer.getvalue())


def _lines(text: str, width_mm: int) -> int:
    """How many lines `text` takes in a column `width_mm` wide (an estimate, erring on the generous side)."""
    per_line = max(1, int(width_mm / XLSX_MM_PER_CHAR) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _landscape(sheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_options.horizontalCentered = True


def write_docx(book: Book, path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(20)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for text, bold, size in book.cover():
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    table = document.add_table(rows=2, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for header, values in ((table.rows[0], COLUMNS), (table.rows[1], [f"({n})" for n in range(1, 11)])):
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(repeat)
        _fill(header.cells, values, bold=header is table.rows[0], centred=True)
    for line in book.lines:
        added = table.add_row()
        whole = OxmlElement("w:cantSplit")  # a line of the book is never broken over two pages
        whole.set(qn("w:val"), "true")
        added._tr.get_or_add_trPr().append(whole)
        _fill(added.cells, row(line), bold=False, centred=False)
    table.autofit = False
    for index, width in enumerate(WIDTHS_MM):
        table.columns[index].width = Mm(width)  # the grid LibreOffice lays out by
        for cell in table.columns[index].cells:
            cell.width = Mm(width)  # and each cell, as Word reads it
    buffer = io.BytesIO()
    document.save(buffer)
    write_atomically(path, buffer.getvalue())


def _fill(cells, values: Sequence[str], bold: bool, centred: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for cell, value in zip(cells, values):
        paragraph = cell.paragraphs[0]
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for index, text in enumerate(value.split("\n")):
            if index:
                paragraph = cell.add_paragraph()
            run = paragraph.add_run(text)
            run.bold, run.font.size = bold, Pt(11)


def write_atomically(path: Path, data: bytes) -> Path:
    """Write the whole file or nothing: a temporary sibling renamed into place."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
