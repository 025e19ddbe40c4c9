"""Writing the YAML files clerks keep: `legal_basis` of a case.yaml edited in place (comments, order and
layout stay, via ruamel.yaml's round trip), and registry entries for issued decisions. Atomic replaces, with
the permissions the clerk's umask gives (a replaced file keeps its own).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.error import YAMLError

from pipeline.problems import InputError, Location, Problem

REGISTRY_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?")
"""A registry id: a lower-case ASCII slug, with at most one `/` after a province folder (`lang-son/qd-1719-2019`)."""


def _yaml() -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(  # keep `number: null` as the clerk wrote it, not `number:`
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def rewrite_legal_basis(path: Path, groups: Sequence[Sequence[str] | None]) -> None:
    """Replace line i of the case's `legal_basis` with `groups[i]` (None: drop that line), keeping the rest."""
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    lines = data["legal_basis"]
    if len(lines) != len(groups):
        raise ValueError("one new group (or None) per legal_basis line")
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group is None:
            del lines[index]
            continue
        current = lines[index]
        if isinstance(current, CommentedSeq):
            current[:] = list(group)
        elif len(group) == 1:
            lines[index] = group[0]
        else:
            replacement = CommentedSeq(group)
            replacement.fa.set_flow_style()
            lines[index] = replacement
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    _replace_atomically(path, buffer.getvalue().encode("utf-8"))


def write_number_and_date(path: Path, number: int, day: dt.date) -> None:
    """Record a registered number and its date in the case (a pinned draft `as_of` goes: from now on the
    căn cứ are checked on the decision's date), keeping the rest."""
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["number"] = number
    data["date"] = day
    data.pop("as_of", None)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    _replace_atomically(path, buffer.getvalue().encode("utf-8"))


def registry_entry_path(folder: Path, doc_id: str, where: Location) -> Path:
    """`folder/<doc_id>.yaml`, refused unless `doc_id` is a registry id (`REGISTRY_ID`) whose file stays
    inside `folder` (no absolute path, no `..`, no symbolic link out of it)."""
    path = folder / f"{doc_id}.yaml"
    if not REGISTRY_ID.fullmatch(doc_id) or not path.resolve().is_relative_to(folder.resolve()):
        raise InputError([Problem(
            "registry.bad_id", f"Mã văn bản «{doc_id}» không dùng được làm tên tệp trong danh mục {folder}.", where,
            "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, có thể thêm một thư mục tỉnh phía "
            "trước, ví dụ lang-son/qd-1719-2019.")])
    return path


def write_registry_entry(path: Path, fields: Mapping, *, protected: Sequence[Path] = ()) -> bool:
    """Write a registry entry (keys in the registry's order); False, and the file left untouched, when it
    already says exactly that (its comments and layout do not count). A changed entry under a `protected`
    folder (the bundled registry, unless the clerk allowed it) is refused with InputError."""
    if path.exists() and _entry(path) == dict(fields):
        return False
    if any(path.resolve().is_relative_to(folder.resolve()) for folder in protected):
        raise InputError([Problem(
            "registry.protected", f"{path} thuộc danh mục có sẵn của chương trình: không tự ý ghi vào đó.",
            Location(file=path), "Ghi vào danh mục riêng bằng --into THƯ_MỤC, hoặc thêm --into-bundled nếu thật "
                                 "sự muốn sửa danh mục có sẵn.")])
    buffer = io.StringIO()
    _yaml().dump(dict(fields), buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace_atomically(path, buffer.getvalue().encode("utf-8"))
    return True


def _entry(path: Path) -> object:
    """What a registry file says, as plain data (None when it cannot be read: then it is rewritten)."""
    try:
        return YAML(typ="safe", pure=True).load(path.read_bytes())
    except (OSError, YAMLError, ValueError):
        return None


def _replace_atomically(path: Path, data: bytes) -> None:
    """Write `path` through a new file beside it, renamed over it in one step. The new file is created with
    the umask's permissions, or the replaced file's own."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if path.exists():
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
