"""What every input file's pydantic model shares: the base model, the field types, and errors as Problems.

Models are frozen and forbid unknown keys. Dates arrive as strings (the YAML reader does not parse them)
and are checked here, so `2024-02-30` is reported as an impossible date at its line. Each file's own model
is beside its reader (`schema` for case.yaml, `registry`, `units`, `agencies`, `criteria`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError
from pydantic_core import PydanticCustomError

from pipeline import vn
from pipeline.inputs.sources import YamlDocument, join_key
from pipeline.problems import Problem

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_parts(value: Any) -> tuple[int, int | None, int | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PydanticCustomError("bad_date", "phải là một ngày dạng NNNN-TT-NN (ví dụ 2024-02-05)")
    match = _DATE.match(value.strip())
    if not match:
        raise PydanticCustomError("bad_date", "«{value}» không phải ngày dạng NNNN-TT-NN (ví dụ 2024-02-05)",
                                  {"value": value})
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise PydanticCustomError("bad_date", "ngày «{value}» không có trên lịch", {"value": value}) from None
    return year, month, day


def _full_date(value: Any) -> dt.date:
    year, month, day = _date_parts(value)
    if month is None or day is None:
        raise PydanticCustomError("bad_date", "cần đủ ngày, tháng, năm (NNNN-TT-NN), không phải «{value}»",
                                  {"value": value})
    return dt.date(year, month, day)


def _text(value: Any) -> Any:
    """Normalise text to NFC and modern tone marks; refuse control characters and legacy encodings."""
    if not isinstance(value, str):
        return value
    bad = vn.control_characters(value, allow_newline=True)
    if bad:
        raise PydanticCustomError("control_character", "có ký tự điều khiển {chars}", {"chars": ", ".join(bad)})
    hidden = vn.invisible_characters(value)
    if hidden:
        raise PydanticCustomError("control_character", "có ký tự vô hình {chars}", {"chars": ", ".join(hidden)})
    if vn.looks_like_legacy_encoding(value):
        raise PydanticCustomError("legacy_encoding", "có vẻ được gõ bằng bảng mã cũ (TCVN3/VNI), không phải Unicode")
    return vn.modern_tone_marks(value)


Date = Annotated[tuple[int, int | None, int | None], BeforeValidator(_date_parts)]
FullDate = Annotated[dt.date, BeforeValidator(_full_date)]
Text = Annotated[str, Strict(), BeforeValidator(_text)]
Line = Annotated[str, Strict(), BeforeValidator(_text), Field(pattern=r"^[^\n]*$", min_length=1)]
Flag = Annotated[bool, Strict()]


class InputModel(BaseModel):
    """The base of every input file's model: frozen, and a key it does not name is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    """`defer_build`: a model's validator is built when it first validates, so a command pays only for the
    models of the files it reads (a case of one kind builds that kind's schema, not every kind's)."""


GroupId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
"""An agency group's id, as agency lists, criteria sets and score sheets name it (`so-ban-nganh`)."""


class CountsModel(InputModel):
    """How many fields, criteria and sub-criteria a criteria set has for one agency group: what a criteria
    file checks its own tree against (`counts:`) and what a decision announces (`declared_counts:`).
    A count left out is not checked."""

    fields: Annotated[int, Strict(), Field(ge=1)] | None = None
    criteria: Annotated[int, Strict(), Field(ge=0)] | None = None
    sub_criteria: Annotated[int, Strict(), Field(ge=0)] | None = None


_TYPE_NAMES = {
    "string_type": "một dòng chữ",
    "int_type": "một số nguyên",
    "bool_type": "true hoặc false",
    "tuple_type": "một danh sách",
    "list_type": "một danh sách",
    "dict_type": "một nhóm khóa",
    "model_type": "một nhóm khóa",
    "model_attributes_type": "một nhóm khóa",
    "date_type": "một ngày",
}


def validate_model(model: type[InputModel], document: YamlDocument, prefix: str) -> tuple[Any, tuple[Problem, ...]]:
    """Validate `document.data` against `model`; return (instance or None, problems with lines)."""
    if not isinstance(document.data, dict):
        return None, (Problem(f"{prefix}.not_mapping", "Tệp phải là một nhóm khóa (key: giá trị).",
                              document.location(""), "Xem mẫu trong README."),)
    try:
        return model.model_validate(document.data), ()
    except ValidationError as exc:
        return None, tuple(problem_of(error, model, document, prefix) for error in exc.errors())


def _key_path(loc: tuple[Any, ...], data: Any) -> str:
    """pydantic's `loc` as our key path, dropping the union/validator tags pydantic inserts."""
    key = ""
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node) or isinstance(part, str) and isinstance(node, dict) and part in node:
            key, node = join_key(key, part), node[part]
        elif isinstance(part, str) and (isinstance(node, dict) or node is None) and not _is_tag(part):
            key, node = join_key(key, part), None
    return key


def _is_tag(part: str) -> bool:
    return "[" in part or part in {"str", "int", "none", "tuple", "list", "function-before", "function-after"}


def shown(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it: cut, so a huge value never floods the report."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def problem_of(error: Any, model: type[InputModel], document: YamlDocument, prefix: str,
             others: Mapping[str, type[BaseModel]] | None = None, tag: str | None = None) -> Problem:
    key = _key_path(tuple(error["loc"]), document.data)
    name = key.rpartition(".")[2] or key
    location = document.location(key)
    kind = error["type"]
    if kind == "missing":
        return Problem(f"{prefix}.missing_key", f"Thiếu khóa bắt buộc «{name}».", location,
                       "Thêm khóa này vào tệp (xem README, mục các khóa của hồ sơ).")
    owners = sorted(other for other, schema in (others or {}).items() if key in schema.model_fields)
    if kind == "extra_forbidden" and owners:
        return Problem(f"{prefix}.key_of_other_kind", f"Khóa «{name}» không dùng cho mẫu «{tag}».", location,
                       "Khóa này chỉ dùng cho mẫu " + ", ".join(f"«{owner}»" for owner in owners)
                       + ": xóa khóa này, hoặc sửa template.")
    if kind == "extra_forbidden":
        known = _known_keys(model, key)
        guess = difflib.get_close_matches(name, known, n=1)
        hint = f"Có phải ý là «{guess[0]}»?" if guess else "Xóa khóa này hoặc sửa tên (xem README)."
        return Problem(f"{prefix}.unknown_key", f"Khóa «{name}» không có trong mẫu.", location, hint)
    if kind in {"bad_date", "control_character", "legacy_encoding"}:
        code = {"bad_date": "bad_date", "control_character": "control_character",
                "legacy_encoding": "legacy_encoding"}[kind]
        return Problem(f"{prefix}.{code}", f"Giá trị của «{name}» {error['msg']}.", location,
                       "Sửa giá trị này trong tệp.")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return Problem(f"{prefix}.bad_value", f"Giá trị của «{name}» phải là một trong: {expected}.", location)
    if kind in _TYPE_NAMES:
        got = error.get("input")
        return Problem(f"{prefix}.wrong_type",
                       f"Giá trị của «{name}» phải là {_TYPE_NAMES[kind]}, không phải «{vn.excerpt(got)}».", location)
    if kind == "string_pattern_mismatch":
        return Problem(f"{prefix}.bad_value", f"Giá trị của «{name}» phải nằm trên một dòng.", location)
    return Problem(f"{prefix}.bad_value", f"Giá trị của «{name}» không hợp lệ ({error['msg']}).", location)


def _known_keys(model: type[BaseModel], key: str) -> list[str]:
    """The allowed keys next to `key`, for a "did you mean" hint."""
    current: Any = model
    for part in [p for p in re.split(r"\.|\[\d+\]", key) if p][:-1]:
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
