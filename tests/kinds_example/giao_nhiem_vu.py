"""`giao-nhiem-vu`: a decision assigning tasks, one article per task, to the agency the case names.

The whole kind: this module, giao-nhiem-vu.docx (its template) and giao-nhiem-vu.yaml (its wording),
all in this folder; `register(KIND)` (or the `qdgen.kinds` entry point of a package) makes it known.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import Field

from pipeline.domain.legal import Registry
from pipeline.inputs.model import Line
from pipeline.inputs.schema import CaseBase
from pipeline.kinds import compose
from pipeline.kinds.base import Kind
from pipeline.problems import Problem, Severity
from pipeline.records import Case, Decision, Item


class Keys(CaseBase):
    assignee: Line  # the agency given the tasks
    tasks: tuple[Line, ...] = Field(min_length=1)


class TaskAssignment(Kind):
    name = "giao-nhiem-vu"
    folder = Path(__file__).resolve().parent
    Keys = Keys
    placeholders = compose.PLACEHOLDERS | {"executor", "task"}

    def checks(self, case: Case) -> list[Problem]:
        if case.is_issued:
            return []
        return [Problem("case.draft_assignment", "Dự thảo giao nhiệm vụ: kiểm tra lại thời hạn.",
                        case.location("number"), severity=Severity.WARNING)]

    def compose(self, case: Case, registry: Registry, wording: Mapping[str, str], gathered: object) -> Decision:
        words = {**wording, **case.wording}
        values = compose.placeholder_values(case, registry, words)
        own: Keys = case.keys  # this kind's own keys, as its schema read them
        lead = [Item(compose.fill(words["task"], {**values, "executor": own.assignee, "task": task}))
                for task in own.tasks]
        return compose.compose_decision(case, registry, words, values, lead)


KIND = TaskAssignment()
