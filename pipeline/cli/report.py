"""Problems and build results as lines for people (stderr) or JSON for programs (stdout)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pipeline.problems import Problem


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


def to_json(data: Mapping[str, Any] | Sequence[Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
