"""Writing the YAML files clerks keep: `legal_basis` of a case.yaml edited in place (comments, order and
layout stay, via ruamel.yaml's round trip), and registry entries for issued decisions. Atomic replaces.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq


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


def write_registry_entry(path: Path, fields: dict) -> bool:
    """Write a registry entry (keys in the registry's order); False when the file already says exactly that."""
    buffer = io.StringIO()
    _yaml().dump(fields, buffer)
    data = buffer.getvalue().encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace_atomically(path, data)
    return True


def _replace_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
