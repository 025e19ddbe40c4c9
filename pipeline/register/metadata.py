"""The metadata of an outgoing document for an e-office system (NĐ 30 Phụ lục VI, Phần II, mục I).

Each field keeps the decree's number, Vietnamese name, English short name, type and length, so entering
an issued decision is copying, not retyping. Values longer than the decree allows are refused before a
number is given, with the field named. Fields the case does not know (mã hồ sơ, số trang, độ khẩn, hạn
trả lời) are left empty (null) for the văn thư.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.problems import Location, Problem
from pipeline.register.book import Outgoing

METADATA_FILE = "du-lieu-dac-ta.json"


@dataclass(frozen=True, slots=True)
class Field:
    no: str
    label: str
    name: str
    kind: str  # String, Number, Date
    length: int


OUTGOING_FIELDS = (
    Field("1.1", "Mã định danh của cơ quan, tổ chức lập danh mục hồ sơ", "OrganId", "String", 13),
    Field("1.2", "Năm hình thành hồ sơ", "FileCatalog", "Number", 4),
    Field("1.3", "Số và ký hiệu hồ sơ", "FileNotation", "String", 20),
    Field("2", "Số thứ tự văn bản trong hồ sơ", "DocOrdinal", "Number", 3),
    Field("3", "Tên loại văn bản", "TypeName", "String", 100),
    Field("4", "Số của văn bản", "CodeNumber", "String", 11),
    Field("5", "Ký hiệu của văn bản", "CodeNotation", "String", 30),
    Field("6", "Ngày, tháng, năm văn bản", "IssuedDate", "Date", 10),
    Field("7", "Tên cơ quan, tổ chức ban hành văn bản", "OrganName", "String", 200),
    Field("8", "Trích yếu nội dung", "Subject", "String", 500),
    Field("9", "Ngôn ngữ", "Language", "String", 30),
    Field("10", "Số trang của văn bản", "PageAmount", "Number", 3),
    Field("11", "Ghi chú", "Description", "String", 500),
    Field("12.1", "Chức vụ của người ký văn bản", "Position", "String", 100),
    Field("12.2", "Họ và tên người ký văn bản", "FullName", "String", 50),
    Field("14", "Mức độ khẩn, độ mật", "Priority", "Number", 1),
    Field("15", "Số lượng bản phát hành", "IssuedAmount", "Number", 3),
    Field("16", "Hạn trả lời văn bản", "DueDate", "Date", 10),
)
RECIPIENT_FIELDS = (
    Field("13.1", "Mã định danh của cơ quan, tổ chức nhận văn bản", "OrganId", "String", 13),
    Field("13.2", "Tên cơ quan, tổ chức nhận văn bản", "OrganName", "String", 200),
)


def outgoing_values(outgoing: Outgoing, number: int, position: str, full_name: str,
                    organ_code: str | None = None, note: str | None = None) -> dict:
    """Field name → value for one outgoing document (None: not known to qdgen)."""
    day = outgoing.date
    return {
        "OrganId": organ_code, "FileCatalog": day.year, "FileNotation": None, "DocOrdinal": None,
        "TypeName": outgoing.type_name, "CodeNumber": f"{number:02d}", "CodeNotation": outgoing.symbol,
        "IssuedDate": f"{day.day:02d}/{day.month:02d}/{day.year}", "OrganName": outgoing.organ,
        "Subject": outgoing.subject, "Language": "Tiếng Việt", "PageAmount": None, "Description": note,
        "Position": position, "FullName": full_name, "Priority": None, "IssuedAmount": outgoing.copies,
        "DueDate": None, "To": [{"OrganId": None, "OrganName": " ".join(name.split())} for name in outgoing.recipients],
    }


def problems_of(values: Mapping[str, object], where: Location) -> tuple[Problem, ...]:
    """Every value longer than Phụ lục VI allows (or of the wrong kind)."""
    found = [_check(field, values.get(field.name), where) for field in OUTGOING_FIELDS]
    for index, recipient in enumerate(values.get("To", ())):
        found.extend(_check(field, recipient.get(field.name), where, f"[{index + 1}]") for field in RECIPIENT_FIELDS)
    return tuple(problem for problem in found if problem is not None)


def _check(field: Field, value: object, where: Location, suffix: str = "") -> Problem | None:
    if value is None:
        return None
    text = str(value)
    wrong_kind = field.kind == "Number" and not isinstance(value, int)
    if len(text) <= field.length and not wrong_kind:
        return None
    found = f"«{text[:40]}…» dài {len(text)} ký tự" if len(text) > field.length else f"«{text}» không phải số"
    return Problem("metadata.too_long",
                   f"Trường {field.no} «{field.label}» ({field.name}{suffix}) tối đa {field.length} ký tự "
                   f"({field.kind}), thấy {found}.", where,
                   "Rút gọn nội dung trong case.yaml cho vừa độ dài theo NĐ 30 Phụ lục VI.")


def document(values: Mapping[str, object]) -> bytes:
    """The metadata file: each field with its number, name, type and length, then its value."""
    fields = [{"stt": f.no, "truong": f.label, "ten": f.name, "kieu": f.kind, "do_dai": f.length,
               "gia_tri": values.get(f.name)} for f in OUTGOING_FIELDS]
    recipients = [[{"stt": f.no, "truong": f.label, "ten": f.name, "kieu": f.kind, "do_dai": f.length,
                    "gia_tri": recipient.get(f.name)} for f in RECIPIENT_FIELDS] for recipient in values["To"]]
    data = {"chuan": "Nghị định 30/2020/NĐ-CP, Phụ lục VI, Phần II, mục I (văn bản đi)",
            "so_ky_hieu": f"{values['CodeNumber']}/{values['CodeNotation']}",
            "ngay": values["IssuedDate"], "truong": fields, "noi_nhan": recipients,
            "ghi_chu": "null: qdgen không biết giá trị này; văn thư điền khi vào hệ thống."}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


