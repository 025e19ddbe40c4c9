"""The reading edge: YAML with a line for every key path (its bytes read within limits by `files`).

Dates are not auto-parsed (the schema decides what a date is and reports impossible ones
itself); duplicate keys are rejected rather than silently overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from pipeline import vn
from pipeline.inputs.files import MAX_YAML_BYTES, read_bytes, sha256_bytes
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


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break (str.splitlines also splits at U+000B, which YAML does not)."""
_UNREADABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What YAML itself refuses (its `NON_PRINTABLE`): control characters such as U+000B (a line break pasted
from Word) or U+0000. Found first, so they are reported at their line instead of crashing the reader."""
MAX_REPORTED = 20
"""At most this many problems of one kind per file: a file full of them needs one fix, not a flood."""
MAX_KEY_LENGTH = 100
"""No format has a key near this long; a longer one is not a key and is not quoted back."""
MAX_DEPTH = 30
"""A criteria set nests seven levels deep; libyaml stops at 1,000, which Python's recursion does not reach."""


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file; raises InputError for unreadable text, bad syntax, duplicate keys, control or
    invisible characters, anchors and aliases (the formats never need them: `*a` can expand a 1 KB file
    into gigabytes), or values YAML cannot construct."""
    raw = read_bytes(path, MAX_YAML_BYTES)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is how Notepad saves UTF-8
    except UnicodeDecodeError as exc:
        raise InputError([Problem(
            "yaml.encoding", "Tệp không phải văn bản UTF-8 (có thể đang ở mã TCVN3/VNI cũ).",
            Location(file=path), "Lưu lại tệp với bảng mã Unicode UTF-8.")]) from exc
    problems = _character_problems(path, text)
    if not problems and ("&" in text or "*" in text):  # neither can be an anchor or an alias without them
        problems = _anchor_problems(path, text)
    if problems:
        raise InputError(problems)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(
            "yaml.syntax", f"Cú pháp YAML sai: {vn.excerpt(exc.problem or exc)}.", Location(file=path, line=line),
            "Kiểm tra thụt lề, dấu hai chấm và dấu ngoặc ở dòng này.")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem("yaml.syntax", f"Cú pháp YAML sai: {vn.excerpt(exc)}.", Location(file=path),
                                  "Kiểm tra lại tệp.")]) from None
    lines: dict[str, int] = {}
    scalars = _Loader("")
    data = _construct(node, "", _Context(path, lines, problems, scalars)) if node is not None else None
    if problems:
        raise InputError(problems)
    return YamlDocument(path, data, MappingProxyType(lines), sha256_bytes(raw))


def _character_problems(path: Path, text: str) -> list[Problem]:
    """Control characters YAML refuses and invisible ones (zero-width, bidi) anywhere in the file, by line."""
    problems: list[Problem] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        control = [vn.char_name(ch) for ch in dict.fromkeys(_UNREADABLE.findall(line))]
        if control:
            problems.append(Problem(
                "yaml.control_character", f"Có ký tự điều khiển {', '.join(control)}.",
                Location(file=path, line=number),
                "Xóa ký tự này (thường do dán từ Word) rồi gõ lại chỗ đó; xuống dòng trong một giá trị thì "
                "viết \\n trong dấu ngoặc kép."))
        invisible = vn.invisible_characters(line)
        if invisible:
            problems.append(Problem(
                "yaml.invisible_character",
                f"Có ký tự vô hình {', '.join(invisible)}: chữ trông giống hệt nhưng máy đọc khác.",
                Location(file=path, line=number), "Xóa ký tự này: gõ lại từ bị dính ký tự (thường do dán từ "
                "Word hoặc trang web)."))
        if len(problems) >= MAX_REPORTED:
            break
    return problems


def _anchor_problems(path: Path, text: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            alias = isinstance(event, yaml.AliasEvent)
            if alias or getattr(event, "anchor", None) is not None:
                problems.append(Problem(
                    "yaml.alias", "Dùng "
                    f"{'tham chiếu *' if alias else 'neo &'}{vn.excerpt(event.anchor, 40)}, tệp này không dùng neo "
                    "và tham chiếu YAML.", Location(file=path, line=event.start_mark.line + 1),
                    "Viết giá trị ra đầy đủ ở từng chỗ cần dùng."))
                if len(problems) >= MAX_REPORTED:
                    break
    except yaml.YAMLError:
        return []  # a syntax error: compose reports it with its line
    return problems


def foreign_file_problem(document: YamlDocument, keys: Collection[str], prefix: str, kind: str) -> Problem | None:
    """A mapping that shares no top-level key with its format is some other file (a path pointing at the
    wrong place, or at a system file): one problem that quotes none of its content, instead of an
    "unknown key" per line that would echo the file."""
    data = document.data
    if not isinstance(data, dict) or not data or any(name in keys for name in data):
        return None
    return Problem(f"{prefix}.wrong_file", f"Tệp {document.path.name} không phải {kind}: không có khóa nào của mẫu.",
                   Location(file=document.path), "Kiểm tra đường dẫn tới tệp này trong hồ sơ.")


@dataclass(frozen=True, slots=True)
class _Context:
    path: Path
    lines: dict[str, int]
    problems: list[Problem]
    scalars: _Loader  # constructs plain scalars (int, bool, null, str) by their resolved tags


def _construct(node: yaml.Node, key: str, ctx: _Context, depth: int = 0) -> Any:
    ctx.lines.setdefault(key, node.start_mark.line + 1)
    if depth > MAX_DEPTH:
        ctx.problems.append(Problem("yaml.too_deep", f"Dữ liệu lồng nhau quá {MAX_DEPTH} tầng.",
                                    Location(file=ctx.path, line=node.start_mark.line + 1, key=key or None),
                                    "Kiểm tra dấu ngoặc [ ] { } và thụt lề ở dòng này."))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            name = _scalar(key_node, key, ctx) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(name, (str, int)) or isinstance(name, bool) or len(str(name)) > MAX_KEY_LENGTH:
                ctx.problems.append(Problem("yaml.bad_key", "Khóa phải là một tên.",
                                            Location(file=ctx.path, line=line, key=key or None)))
                continue
            child = join_key(key, str(name))
            if name in result:
                ctx.problems.append(Problem(
                    "yaml.duplicate_key", f"Khóa «{vn.excerpt(name)}» xuất hiện hai lần.",
                    Location(file=ctx.path, line=line, key=child),
                    "Xóa một trong hai dòng; YAML chỉ giữ dòng sau, nên dữ liệu dễ bị mất lặng lẽ."))
                continue
            ctx.lines[child] = line
            result[name] = _construct(value_node, child, ctx, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, join_key(key, index), ctx, depth + 1) for index, item in enumerate(node.value)]
    return _scalar(node, key, ctx)


def _scalar(node: yaml.Node, key: str, ctx: _Context) -> Any:
    """A scalar by its tag; a tag this reader does not know (`!!binary`, `!!python/…`) or a value its tag
    cannot hold (an integer of 5,000 digits) is reported at its line, not raised."""
    try:
        return ctx.scalars.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        ctx.problems.append(Problem(
            "yaml.bad_value", f"Không đọc được giá trị «{vn.excerpt(node.value, 40)}» (kiểu {vn.excerpt(node.tag, 40)}).",
            Location(file=ctx.path, line=node.start_mark.line + 1, key=key or None),
            "Viết giá trị là chữ, số hoặc true/false, không dùng thẻ YAML (!!…)."))
        return None
