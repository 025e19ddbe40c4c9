"""The case form: its fields derived from the kind's pydantic schema, the form's answers written back into
case.yaml (ruamel round trip: comments, order and layout of untouched keys stay), and each problem placed
at the field it is about.

A field is what the schema says it is: a line of text, a number, a yes/no, a choice (`Literal`), a date,
an editable list (one item a line), the căn cứ (one line each, several ids on a line separated by commas),
a group of fields (a nested model), or — for structures a form cannot fairly flatten (`articles`,
`scores`, `wording`) — a YAML box for that key alone. The form asks first for what the kind needs (its
required keys and its own keys) and what the case already says; the rest is folded away.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
import types
import typing
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel
from ruamel.yaml.error import YAMLError

from pipeline.inputs.casefile import _replace_atomically, _yaml  # the one round-trip set-up of case.yaml
from pipeline.inputs.schema import CaseBase
from pipeline.kinds.base import Kind
from pipeline.problems import Problem

LABELS = {
    "template": "Loại quyết định", "issuer": "Cơ quan ban hành", "province": "Tỉnh", "authority": "Thẩm quyền",
    "number": "Số (để trống khi là dự thảo)", "date": "Ngày (NNNN, NNNN-TT hoặc NNNN-TT-NN)",
    "as_of": "Ngày xét hiệu lực căn cứ", "place": "Địa danh", "assessed_year": "Năm đánh giá",
    "subject": "Trích yếu (để trống: soạn tự động)", "legal_basis": "Căn cứ (mỗi dòng một căn cứ)",
    "proposal": "Đề nghị", "by": "Của", "memo": "Tờ trình", "extra_articles": "Điều bổ sung",
    "executors": "Người thi hành (mỗi dòng một)", "signer": "Người ký", "name": "Họ tên", "title": "Chức vụ",
    "sign_for": "Ký thay (KT, TM, …)", "recipients": "Nơi nhận (mỗi dòng một; \\n: xuống dòng trong một mục)", "archive": "Lưu",
    "keep": "Lưu tại (mỗi dòng một)", "drafter": "Người soạn", "wording": "Câu chữ thay thế (YAML)",
    "replaces": "Thay thế văn bản (mỗi dòng một mã)", "registry_id": "Mã trong danh mục khi ban hành",
    "publishes": "Chỉ số công bố (mỗi dòng một: par, sipas)", "annexes_per_group": "Mỗi nhóm một phụ lục",
    "scores": "Bảng điểm (YAML)", "agencies": "Danh sách cơ quan (.yaml)", "effective_clause": "Có câu hiệu lực",
    "articles": "Các điều (YAML)", "criteria": "Bộ tiêu chí ban hành (.yaml)",
    "declared_counts": "Số lĩnh vực, tiêu chí công bố (YAML)",
}
PATH_LABELS = {"proposal.memo.number": "Số tờ trình", "proposal.memo.date": "Ngày tờ trình (NNNN-TT-NN)"}
ALWAYS_ASKED = {"subject", "proposal", "recipients"}


@dataclass(frozen=True, slots=True)
class Field:
    path: str  # dotted key path, also the form input's name
    label: str
    widget: str  # line, text, number, flag, choice, date, list, basis, yaml, group
    required: bool
    choices: tuple[str, ...] = ()
    children: tuple[Field, ...] = ()


def form_fields(kind: Kind) -> tuple[Field, ...]:
    """Every field of the kind's case, in the schema's order (`template` excepted: it is the kind)."""
    return tuple(field for field in _fields(kind.schema(), "") if field.path != "template")


def own_keys(kind: Kind) -> set[str]:
    return set(kind.schema().model_fields) - set(CaseBase.model_fields)


def _fields(model: type[BaseModel], prefix: str) -> list[Field]:
    found = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        found.append(_field(path, name, info.annotation, list(info.metadata), info.is_required()))
    return found


def _field(path: str, name: str, annotation: Any, metadata: list, required: bool) -> Field:
    annotation, metadata = _unwrap(annotation, metadata)
    label = PATH_LABELS.get(path) or LABELS.get(name, name)
    if any(getattr(getattr(m, "func", None), "__name__", "") in ("_date_parts", "_full_date") for m in metadata):
        return Field(path, label, "date", required)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return Field(path, label, "choice", required, tuple(str(a) for a in typing.get_args(annotation)))
    if annotation is bool:
        return Field(path, label, "flag", required)
    if annotation is int:
        return Field(path, label, "number", required)
    if annotation is str:
        return Field(path, label, "line" if "pattern=" in repr(metadata) else "text", required)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Field(path, label, "group", required, children=tuple(_fields(annotation, f"{path}.")))
    if origin is tuple:
        item, _ = _unwrap(typing.get_args(annotation)[0], [])
        if typing.get_origin(item) is tuple:
            return Field(path, label, "basis", required)
        if item is str or typing.get_origin(item) is Literal:
            return Field(path, label, "list", required)
    return Field(path, label, "yaml", required)


def _unwrap(annotation: Any, metadata: list) -> tuple[Any, list]:
    """Strip `Optional[…]` and `Annotated[…]`, collecting the metadata (validators, patterns) on the way."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation, metadata
            annotation = members[0]
        elif origin is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            metadata = [*metadata, *more]
        else:
            return annotation, metadata


def asked_first(kind: Kind, fields: tuple[Field, ...], data: Any) -> tuple[list[Field], list[Field]]:
    """(the fields asked first: required, the kind's own, the usual ones and those the case fills;
    the others, folded away)."""
    own = own_keys(kind)
    first, rest = [], []
    for field in fields:
        filled = _get(data, field.path) not in (None, "", [], {})
        (first if field.required or field.path in own or field.path in ALWAYS_ASKED or filled else rest).append(field)
    return first, rest


# ---------------------------------------------------------------- values: case.yaml ↔ form


def load(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


def load_or_none(path: Path) -> Any:
    """The case file's data, or None when it is not YAML at all (`qdgen validate` says where and why)."""
    try:
        return load(path)
    except (YAMLError, UnicodeDecodeError):
        return None


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def shown_value(data: Any, field: Field) -> str:
    """What the form's input shows for the field's current value in the case."""
    value = _get(data, field.path)
    if value is None:
        return ""
    if field.widget == "basis":
        return "\n".join(", ".join(item) if isinstance(item, list) else str(item) for item in value)
    if field.widget == "list":
        return "\n".join(str(item).replace("\n", "\\n") for item in value)
    if field.widget == "yaml":
        buffer = io.StringIO()
        _yaml().dump(value, buffer)
        return textwrap.dedent(buffer.getvalue())
    if field.widget == "flag":
        return "true" if value else ""
    return str(value)


def _answer(field: Field, raw: str | None) -> Any:
    """The YAML value of a form answer (raising YAMLError for a YAML box that does not parse)."""
    text = unicodedata.normalize("NFC", (raw or "").replace("\r\n", "\n"))
    text = textwrap.dedent(text).rstrip() if field.widget == "yaml" else text.strip()
    if field.widget == "flag":
        return text in ("on", "true")
    if not text:
        return None
    if field.widget == "number":
        return int(text) if re.fullmatch(r"-?\d+", text) else text  # a wrong answer is the schema's to report
    if field.widget == "list":
        return [line.strip().replace("\\n", "\n") for line in text.split("\n") if line.strip()]
    if field.widget == "basis":
        lines = [[part.strip() for part in line.split(",") if part.strip()] for line in text.split("\n")]
        return [group[0] if len(group) == 1 else group for group in lines if group]
    if field.widget == "yaml":
        return _yaml().load(text)
    if field.widget == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:  # a full date is written back as YAML writes a date (unquoted), as a clerk types it
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # an impossible day is the schema's to report, at its line
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def leaves(fields: tuple[Field, ...]) -> list[Field]:
    found = []
    for field in fields:
        found.extend(leaves(field.children) if field.widget == "group" else [field])
    return found


def save(path: Path, kind: Kind, answers: dict[str, str]) -> dict[str, str]:
    """Write the answers given for the kind's fields into case.yaml, touching only keys whose value
    changed. Returns the fields whose answer could not even be read (field path → message)."""
    data = load(path)
    unreadable: dict[str, str] = {}
    for field in leaves(form_fields(kind)):
        if field.path not in answers:  # not asked (a checkbox always sends its hidden empty answer first)
            continue
        try:
            value = _answer(field, answers.get(field.path))
        except YAMLError as exc:
            unreadable[field.path] = f"Không đọc được YAML: {str(exc).splitlines()[0]}"
            continue
        if _plain(_get(data, field.path)) != _plain(value):
            _set(data, field.path, value, keep_null=field.path == "number")
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    _replace_atomically(path, buffer.getvalue().encode("utf-8"))
    return unreadable


def _set(data: Any, path: str, value: Any, keep_null: bool) -> None:
    *parents, key = path.split(".")
    for part in parents:
        if not isinstance(data.get(part), dict):
            if value is None or value is False:
                return
            data[part] = {}
        data = data[part]
    if (value is None and not keep_null) or value is False and key not in data:
        data.pop(key, None)
    else:
        data[key] = value


def append_basis(path: Path, doc_id: str) -> None:
    """Add one căn cứ line citing `doc_id` at the end of the case's legal_basis."""
    data = load(path)
    lines = data.get("legal_basis")
    if not isinstance(lines, list):
        data["legal_basis"] = lines = []
    if doc_id not in [item for line in lines for item in (line if isinstance(line, list) else [line])]:
        lines.append(doc_id)
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    _replace_atomically(path, buffer.getvalue().encode("utf-8"))


def place_problems(problems: tuple[Problem, ...], fields: tuple[Field, ...]
                   ) -> tuple[dict[str, list[Problem]], list[Problem]]:
    """(problems by the form field they are about, the others): a key path such as `legal_basis[1]` or
    `proposal.memo.date` goes to the nearest field that holds it."""
    paths = {field.path for field in leaves(fields)}
    by_field: dict[str, list[Problem]] = {}
    others = []
    for problem in problems:
        key = re.sub(r"\[[^\]]*\]", "", problem.location.key or "")
        while key and key not in paths:
            key = key.rpartition(".")[0]
        if key:
            by_field.setdefault(key, []).append(problem)
        else:
            others.append(problem)
    return by_field, others
