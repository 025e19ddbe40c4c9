"""The reading edge: YAML with a line for every key path, and digests of every file read.

Dates are not auto-parsed (the schema decides what a date is and reports impossible ones
itself); duplicate keys are rejected rather than silently overwritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from pipeline.problems import InputError, Location, Problem


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's when PyYAML has it: 20× faster on a criteria set) without the timestamp
    resolver, so `2024-01` and `2024-02-30` stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed YAML file: its data, the line of every key path, and its sha256."""

    path: Path
    data: Any
    lines: Mapping[str, int]
    sha256: str

    def location(self, key: str) -> Location:
        """Location of `key`, falling back to its nearest parent that has a line."""
        probe = key
        while probe:
            if probe in self.lines:
                return Location(file=self.path, line=self.lines[probe], key=key)
            probe = _parent(probe)
        return Location(file=self.path, line=self.lines.get("", None), key=key or None)


def _parent(key: str) -> str:
    if key.endswith("]"):
        return key[: key.rindex("[")]
    return key.rpartition(".")[0]


def join_key(parent: str, child: str | int) -> str:
    if isinstance(child, int):
        return f"{parent}[{child}]"
    return f"{parent}.{child}" if parent else str(child)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem("file.missing", f"Không tìm thấy tệp {path.name}.", Location(file=path),
                                  "Kiểm tra lại đường dẫn.")]) from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise InputError([Problem("file.unreadable", f"Không đọc được tệp {path.name}: {exc.strerror}.",
                                  Location(file=path))]) from None


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file; raises InputError for unreadable text, bad syntax or duplicate keys."""
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(
            "yaml.encoding", "Tệp không phải văn bản UTF-8 (có thể đang ở mã TCVN3/VNI cũ).",
            Location(file=path), "Lưu lại tệp với bảng mã Unicode UTF-8.")]) from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(
            "yaml.syntax", f"Cú pháp YAML sai: {exc.problem or exc}.", Location(file=path, line=line),
            "Kiểm tra thụt lề, dấu hai chấm và dấu ngoặc ở dòng này.")]) from None
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    scalars = _Loader("")
    data = _construct(node, "", _Context(path, lines, problems, scalars)) if node is not None else None
    if problems:
        raise InputError(problems)
    return YamlDocument(path, data, MappingProxyType(lines), sha256_bytes(raw))


@dataclass(frozen=True, slots=True)
class _Context:
    path: Path
    lines: dict[str, int]
    problems: list[Problem]
    scalars: _Loader  # constructs plain scalars (int, bool, null, str) by their resolved tags


def _construct(node: yaml.Node, key: str, ctx: _Context) -> Any:
    ctx.lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            name = ctx.scalars.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(name, (str, int)) or isinstance(name, bool):
                ctx.problems.append(Problem("yaml.bad_key", "Khóa phải là một tên.",
                                            Location(file=ctx.path, line=line, key=key or None)))
                continue
            child = join_key(key, str(name))
            if name in result:
                ctx.problems.append(Problem(
                    "yaml.duplicate_key", f"Khóa «{name}» xuất hiện hai lần.",
                    Location(file=ctx.path, line=line, key=child),
                    "Xóa một trong hai dòng; YAML chỉ giữ dòng sau, nên dữ liệu dễ bị mất lặng lẽ."))
                continue
            ctx.lines[child] = line
            result[name] = _construct(value_node, child, ctx)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, join_key(key, index), ctx) for index, item in enumerate(node.value)]
    return ctx.scalars.construct_object(node)
