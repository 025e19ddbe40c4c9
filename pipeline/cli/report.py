"""Problems and results as lines for people (stderr) or JSON for programs (stdout).

`to_json` is the one encoder of the command line: records (frozen dataclasses) become objects with their
field names (renamed where the JSON a program already reads says otherwise, in `_JSON_NAMES`), enums their
value, paths strings, dates ISO 8601, decimals strings (never binary floats), problems `Problem.to_json`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.problems import Problem

# Record field → JSON key, where the JSON key came first (programs read it) and the record says it better.
_JSON_NAMES = {"out_dir": "out", "artifacts": "files", "build_dir": "build", "cited": "cites",
               "asked": "because_of"}
# Fields a record carries for the program's own messages, not for its readers (a registry entry's key lines).
_JSON_HIDDEN = {"key_lines"}


def problem_line(problem: Problem) -> str:
    where = str(problem.location)
    head = f"{where}: " if where else ""
    line = f"{head}{problem.severity.value}: {problem.message} [{problem.code}]"
    if problem.hint:
        line += f"\n    → {problem.hint}"
    return line


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    return [problem_line(problem) for problem in problems]


def summary(problems: Sequence[Problem]) -> str:
    n_errors = sum(1 for p in problems if p.is_error)
    n_warnings = len(problems) - n_errors
    return f"{n_errors} lỗi, {n_warnings} cảnh báo"


def state(value: enum.Enum | str) -> str:
    """A state as the word programs read (`built`, `failed`…), whether it is an enum or still a string."""
    return value.value if isinstance(value, enum.Enum) else value


def jsonable(value: Any) -> Any:
    """`value` as plain JSON data (see the module docstring)."""
    if isinstance(value, Problem) or hasattr(value, "to_json"):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_JSON_NAMES.get(field.name, field.name): jsonable(getattr(value, field.name))
                for field in dataclasses.fields(value) if field.name not in _JSON_HIDDEN}
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(jsonable(key)): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item) for item in value]
    return value


def to_json(data: Any) -> str:
    return json.dumps(jsonable(data), ensure_ascii=False, indent=2)
