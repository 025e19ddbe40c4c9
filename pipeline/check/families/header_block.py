"""The header block (Phụ lục I, II.1–4): Quốc hiệu and Tiêu ngữ with the line under it, the issuing body
with its short line, the `Số:` line and the place and date. HDR-01 … HDR-08."""

from __future__ import annotations

import datetime as dt
import re

from pipeline.check.layout import DATE_LINE, NATIONAL_NAMES, HeaderBlock
from pipeline.check.machinery import Checker
from pipeline.check.text import line_below, norm, off_centre
from pipeline.nd30 import figures
from pipeline.nd30.rules import DECISION

MOTTO = "Độc lập - Tự do - Hạnh phúc"
_NUMBER_DECISION = re.compile(r"^Số: (?:0[1-9]|[1-9]\d+|\s*)/QĐ-UBND$")
_NUMBER_OTHER = re.compile(r"^Số: (?:0[1-9]|[1-9]\d+|\s*)(?:/\d{4})?/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$")
_DAY = re.compile(r"^(?:0[1-9]|[12]\d|3[01])$")
_MONTH = re.compile(r"^(?:0[12]|[3-9]|1[0-2])$")


def check_header(c: Checker) -> None:
    header = c.layout.header
    if header is None:
        if c.layout.kind == DECISION:
            c.report("HDR-01", f"Không tìm thấy Quốc hiệu «{NATIONAL_NAMES[0]}» (một đoạn riêng).",
                     section=0, part="phần đầu")
        return
    national = header.national
    text = norm(national.shown)
    if text not in NATIONAL_NAMES:
        c.report("HDR-01", f"Quốc hiệu cần «{NATIONAL_NAMES[0]}», thấy «{text}».", national)
    c.style("HDR-01", "Quốc hiệu", national, size=figures.NATIONAL_NAME, bold=True, italic=False, center=True)
    if national.cell is not None and national.cell.column == 0:
        c.report("HDR-01", "Quốc hiệu cần ở ô bên phải của phần đầu, thấy ở ô bên trái.", national)
    motto = header.motto
    if motto is None:
        c.report("HDR-02", f"Không tìm thấy tiêu ngữ «{MOTTO}» dưới Quốc hiệu.", national)
    else:
        text = norm(motto.shown)
        if text != MOTTO:
            dash = " (gạch nối «-» có cách chữ, không dùng «–»)" if "–" in text or "—" in text else ""
            c.report("HDR-02", f"Tiêu ngữ cần «{MOTTO}»{dash}, thấy «{text}».", motto)
        c.style("HDR-02", "Tiêu ngữ", motto, size=figures.MOTTO, bold=True, italic=False, center=True)
        following = [p for p in (header.right or c.document.paragraphs) if p.number > motto.number]
        if not line_below(motto, following) and not any("line" in p.drawings for p in header.right):
            c.report("HDR-03", "Cần đường kẻ ngang nét liền dưới tiêu ngữ, thấy không có.", motto)
    if header.table is not None:
        _check_issuer(c, header)
        _check_number(c, header)
        _check_date(c, header)


def _check_issuer(c: Checker, header: HeaderBlock) -> None:
    if not header.issuers:
        c.report("HDR-04", "Không tìm thấy tên cơ quan ban hành ở ô bên trái phần đầu.", header.national)
        return
    for paragraph in header.parents:
        c.style("HDR-04", "Tên cơ quan chủ quản", paragraph, size=figures.ISSUER, bold=False, center=True,
                caps=True)
    for paragraph in header.issuers:
        c.style("HDR-04", "Tên cơ quan ban hành", paragraph, size=figures.ISSUER, bold=True, italic=False,
                center=True, caps=True)
    last = header.issuers[-1]
    following = [p for p in header.left if p.number > last.number]
    line = line_below(last, following)
    if line is None and not any("line" in p.drawings for p in header.left):
        c.report("HDR-05", "Cần đường kẻ ngang nét liền, ngắn dưới tên cơ quan ban hành, thấy không có.",
                 last)
    elif line is not None and line is not last and off_centre(line):
        c.report("HDR-05", "Đường kẻ dưới tên cơ quan cần ngắn (1/3–1/2 dòng chữ) và căn giữa, "
                           "thấy kẻ hết độ rộng ô hoặc lệch một bên.", line)


def _check_number(c: Checker, header: HeaderBlock) -> None:
    number = header.number
    if number is None:
        if c.layout.kind == DECISION:
            c.report("HDR-06", "Không tìm thấy dòng «Số: …/QĐ-UBND» dưới tên cơ quan ban hành.",
                     header.national)
        return
    text = norm(number.shown)
    pattern = _NUMBER_DECISION if c.layout.kind == DECISION else _NUMBER_OTHER
    if not pattern.match(text):
        wanted = "Số: 05/QĐ-UBND" if c.layout.kind == DECISION else "Số: 05/QĐ-UBND, Số: 30/2020/NĐ-CP"
        c.report("HDR-06", f"Số, ký hiệu cần dạng «{wanted}» (số dưới 10 có số 0 đứng trước, không có "
                           f"dấu cách trong ký hiệu; bản thảo để trống số), thấy «{text}».", number)
    c.style("HDR-06", "Số, ký hiệu", number, size=figures.NUMBER, bold=False, italic=False, center=True)
    if number.cell is not None and number.cell.column != 0:
        c.report("HDR-06", "Dòng Số cần ở ô bên trái, dưới tên cơ quan ban hành.", number)


def _check_date(c: Checker, header: HeaderBlock) -> None:
    date = header.date
    if date is None:
        if c.layout.kind == DECISION:
            c.report("HDR-07", "Không tìm thấy dòng địa danh, ngày tháng năm ban hành.", header.national)
        return
    text = norm(date.shown)
    match = DATE_LINE.match(text)
    if not match:
        c.report("HDR-07", f"Địa danh và ngày cần dạng «Lạng Sơn, ngày 05 tháng 02 năm 2024», thấy «{text}».",
                 date)
    else:
        for issue in date_issues(match.group("day"), match.group("month"), match.group("year")):
            c.report("HDR-07", f"Ngày ban hành: {issue}, thấy «{text}».", date)
    c.style("HDR-07", "Địa danh, ngày tháng", date, size=figures.PLACE_DATE, italic=True, center=True)
    if date.cell is not None and date.cell.column == 0:
        c.report("HDR-07", "Địa danh, ngày tháng cần ở ô bên phải, dưới tiêu ngữ.", date)
    if header.number is not None and date.cell is not None and header.number.cell is not None and (
            date.cell.row != header.number.cell.row or date.cell.table != header.number.cell.table):
        c.report("HDR-07", "Địa danh, ngày tháng cần cùng hàng với dòng Số, ký hiệu.", date)
    if match and c.layout.kind == DECISION and header.issuers:
        unit = _UNIT.search(norm(header.issuers[-1].shown).upper())
        place = match.group("place")
        # Phụ lục I, I.4a: the name of the unit where the organ sits; a city may keep its kind
        # ("Thành phố Hồ Chí Minh"), as may a unit named by a number or a person.
        accepted = {unit.group("name"), f"{unit.group('kind')} {unit.group('name')}"} if unit else set()
        if (unit and place.upper() not in accepted) or not place[:1].isupper():
            expected = unit.group("name").title() if unit else "tên đơn vị hành chính, viết hoa chữ đầu"
            c.report("HDR-08", f"Địa danh cần là tên đơn vị hành chính nơi cơ quan đóng trụ sở («{expected}»), "
                               f"thấy «{place}».", date)



_UNIT = re.compile(r"(?P<kind>TỈNH|THÀNH PHỐ|THỊ XÃ|HUYỆN|QUẬN|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU) (?P<name>.+)$")


def date_issues(day: str | None, month: str | None, year: str) -> list[str]:
    issues = []
    if day is not None and not _DAY.match(day):
        issues.append(f"ngày cần hai chữ số (01–31), thấy «{day}»")
    if month is not None and not _MONTH.match(month):
        issues.append(f"tháng 1, 2 viết «01», «02»; tháng 3–12 không có số 0 đứng trước, "
                      f"thấy «tháng {month}»")
    if day is not None and month is not None and not issues:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            issues.append("ngày không có thật")
    if day is not None and month is None:
        issues.append("có ngày nhưng để trống tháng")
    return issues
