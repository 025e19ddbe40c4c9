"""Pydantic models of the input files (case.yaml, registry entries) and their errors as Problems.

Models are frozen and forbid unknown keys. Dates arrive as strings (the YAML reader does not
parse them) and are checked here, so `2024-02-30` is reported as an impossible date at its line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, TypeAdapter, ValidationError
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


def _as_group(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


class InputModel(BaseModel):
    """The base of every input file's model: frozen, and a key it does not name is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


GroupId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
"""An agency group's id, as agency lists, criteria sets and score sheets name it (`so-ban-nganh`)."""


class IssuerModel(InputModel):
    """`province`: a province or centrally-run city, its kind optional (`Lạng Sơn`, `thành phố Hà Nội`);
    `commune`: a commune-level unit within it, with its kind (`xã Đồng Đăng`, `phường Tam Thanh`), when a
    commune's People's Committee issues."""

    province: Line
    commune: Line | None = None
    authority: Literal["chu-tich", "uy-ban"]


class MemoModel(InputModel):
    number: Line
    date: FullDate


class ProposalModel(InputModel):
    by: Line
    memo: MemoModel | None = None


class SignerModel(InputModel):
    name: Line
    title: Line
    sign_for: Literal["KT", "TM", "TL", "TUQ", "Q"] | None = None


class ArchiveModel(InputModel):
    keep: tuple[Line, ...] = ("VT",)
    drafter: Line | None = None
    copies: Annotated[int, Strict(), Field(ge=1, le=999)] | None = None  # số lượng bản, when not nơi nhận + lưu


class ScoreSourceModel(InputModel):
    sheet: Line
    criteria: Line | None = None


class PointModel(InputModel):
    """A điểm (`a)`, `b)` …), or a khoản's or article's text: words, optionally followed by an amount of money."""

    text: Text
    amount: Annotated[int, Strict(), Field(ge=0)] | None = None


def _as_item(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


Item = Annotated[PointModel, BeforeValidator(_as_item)]


class ClauseModel(PointModel):
    points: tuple[Item, ...] = ()


class ArticleModel(PointModel):
    clauses: tuple[Annotated[ClauseModel, BeforeValidator(_as_item)], ...] = ()


class CountsModel(InputModel):
    """How many fields, criteria and sub-criteria a criteria set has for one agency group: what a criteria
    file checks its own tree against (`counts:`) and what a decision announces (`declared_counts:`).
    A count left out is not checked."""

    fields: Annotated[int, Strict(), Field(ge=1)] | None = None
    criteria: Annotated[int, Strict(), Field(ge=0)] | None = None
    sub_criteria: Annotated[int, Strict(), Field(ge=0)] | None = None


class CaseBase(InputModel):
    """The keys every kind of decision has (inputs.md §1). A kind's own keys are a subclass of this in
    its module (`pipeline/kinds/`); a key neither lists is refused."""

    template: Line
    issuer: IssuerModel
    number: Annotated[int, Strict(), Field(ge=1, le=99999)] | None = None
    date: Date
    as_of: FullDate | None = None
    place: Line | None = None
    assessed_year: Annotated[int, Strict(), Field(ge=1990, le=2100)] | None = None
    subject: Text | None = None
    legal_basis: tuple[Annotated[tuple[Line, ...], BeforeValidator(_as_group), Field(min_length=1)], ...]
    proposal: ProposalModel | None = None
    extra_articles: tuple[Text, ...] = ()
    executors: tuple[Line, ...] | None = None
    signer: SignerModel
    recipients: tuple[Text, ...] = ()
    archive: ArchiveModel = ArchiveModel()
    wording: dict[str, Text] = {}
    replaces: tuple[Line, ...] = ()
    registry_id: Line | None = None


Index = Literal["par", "sipas"]
"""The indexes a decision can publish: the PAR Index and SIPAS."""
Article = Annotated[ArticleModel, BeforeValidator(_as_item)]


class RegistryEntryModel(InputModel):
    """One legal document of the registry (inputs.md §2)."""

    type: Line
    number: Line | None = None
    date: FullDate
    issuer: Line | None = None
    title: Line
    effective: FullDate
    replaces: tuple[Line, ...] = ()
    amends: tuple[Line, ...] = ()


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
        return None, tuple(_problem(error, model, document, prefix) for error in exc.errors())


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


def validate_case_model(document: YamlDocument, kinds: Mapping[str, type[CaseBase]]
                        ) -> tuple[CaseBase | None, tuple[Problem, ...]]:
    """Validate a case file against its kind's keys: `kinds` maps each `template:` value to its model
    (a subclass of CaseBase whose `template` is that value), validated as one discriminated union."""
    data = document.data
    if not isinstance(data, dict):
        return validate_model(CaseBase, document, "case")
    template = data.get("template")
    if not isinstance(template, str) or template not in kinds:
        return None, (_unknown_template(template, document, sorted(kinds)),)
    try:
        return _case_union(tuple(kinds.values())).validate_python(data), ()
    except ValidationError as exc:
        others = {name: model for name, model in kinds.items() if name != template}
        return None, tuple(_problem(error, kinds[template], document, "case", others, tag=template)
                           for error in exc.errors())


@functools.lru_cache(maxsize=8)
def _case_union(models: tuple[type[CaseBase], ...]) -> TypeAdapter:
    if len(models) == 1:
        return TypeAdapter(models[0])
    return TypeAdapter(Annotated[Union[models], Field(discriminator="template")])  # noqa: UP007


def _unknown_template(template: Any, document: YamlDocument, names: list[str]) -> Problem:
    where = document.location("template")
    if template is None:
        return Problem("case.missing_key", "Thiếu khóa bắt buộc «template».", where,
                       "Thêm template: <loại quyết định>; các loại hiện có: " + ", ".join(names) + ".")
    guess = difflib.get_close_matches(str(template), names, n=1)
    hint = f"Có phải ý là «{guess[0]}»?" if guess else "Các mẫu hiện có: " + ", ".join(names) + "."
    return Problem("case.unknown_template", f"Không có mẫu quyết định «{_shown(template)}».", where, hint)


def _shown(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it: cut, so a huge value never floods the report."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _problem(error: Any, model: type[InputModel], document: YamlDocument, prefix: str,
             others: Mapping[str, type[BaseModel]] | None = None, tag: str | None = None) -> Problem:
    loc = tuple(error["loc"])
    if tag is not None and loc[:1] == (tag,):
        loc = loc[1:]  # the discriminated union's tag
    key = _key_path(loc, document.data)
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
