"""The checker's machinery: what a check of one file gives (`CheckResult`) and the `Checker` the rule
families report to.

Severity: rules required by the decree's text (E) are errors; rules from the official samples (M) and
from practice (P) are warnings, so a document with warnings only still passes (exit 0). Each problem's
code is the rule id; its location gives the file, `mục <section>, <part>` as `key`, the paragraph number
(1-based, reading order, table cells included) and the paragraph's first words. At most
`MAX_PER_RULE` problems are listed per rule and file, then one saying how many more there are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.check.layout import Layout
from pipeline.check.text import excerpt, style_issues
from pipeline.nd30.rules import KIND_NAMES, RULE_BY_ID, RuleSeverity
from pipeline.ooxml.reader import Document, Paragraph
from pipeline.problems import Location, Problem, Severity

MAX_PER_RULE = 20


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What `check_docx` found: the kind of document (`decision`, `annex`, `other`; `None` when the file
    could not be read) and every problem, errors and warnings, in document order per rule group."""

    path: Path
    kind: str | None
    problems: tuple[Problem, ...]

    @property
    def passed(self) -> bool:
        """No required (E) rule is broken and the file could be read."""
        return not any(problem.is_error for problem in self.problems)

    def to_json(self) -> dict[str, object]:
        return {"file": str(self.path), "kind": self.kind,
                "kind_name": KIND_NAMES.get(self.kind) if self.kind else None,
                "passed": self.passed, "problems": [problem.to_json() for problem in self.problems]}


@dataclass(frozen=True, slots=True)
class Inspected:
    """One file read and checked on its own, with what checks across files (`docset`) go on from:
    the document and its layout (None when the file could not be read)."""

    result: CheckResult
    document: Document | None
    layout: Layout | None


class Checker:
    """Collects the problems of one document; drops those of rules that do not apply to its kind. Each
    problem carries its rule's severity and summary, and where it is (section, part, paragraph)."""

    def __init__(self, path: Path, document: Document, layout: Layout):
        self.path = path
        self.document = document
        self.layout = layout
        self.problems: list[Problem] = []

    def applies(self, rule_id: str) -> bool:
        return self.layout.kind in RULE_BY_ID[rule_id].applies_to

    def report(self, rule_id: str, message: str, paragraph: Paragraph | None = None,
               section: int | None = None, part: str | None = None) -> None:
        rule = RULE_BY_ID[rule_id]
        if not self.applies(rule_id):
            return
        in_body = paragraph is not None and paragraph.part == self.document.part
        if paragraph is not None:
            section = paragraph.section if section is None else section
            part = part or (self.layout.parts.get(paragraph.number, "nội dung") if in_body else "đầu trang")
        where = ", ".join(x for x in (f"mục {section + 1}" if section is not None else None, part) if x)
        self.problems.append(Problem(
            code=rule_id, message=message,
            location=Location(file=self.path, key=where or None,
                              paragraph=paragraph.number if in_body else None,
                              excerpt=excerpt(paragraph) if paragraph is not None else None),
            hint=f"{rule.summary} ({rule.source}).",
            severity=Severity.ERROR if rule.severity is RuleSeverity.REQUIRED else Severity.WARNING))

    def style(self, rule_id: str, label: str, paragraph: Paragraph, **expected) -> None:
        """Report `rule_id` when the paragraph's look differs from `expected` (see `text.style_issues`)."""
        issues = style_issues(paragraph, **expected)
        if issues:
            self.report(rule_id, f"{label}: {'; '.join(issues)}.", paragraph)


def capped(problems: list[Problem]) -> tuple[Problem, ...]:
    """At most `MAX_PER_RULE` problems per rule, then one saying how many more there are."""
    counts = Counter(problem.code for problem in problems)
    kept: list[Problem] = []
    seen: Counter[str] = Counter()
    for problem in problems:
        seen[problem.code] += 1
        if seen[problem.code] <= MAX_PER_RULE:
            kept.append(problem)
        elif seen[problem.code] == MAX_PER_RULE + 1:
            kept.append(Problem(
                code=problem.code, severity=problem.severity, hint=problem.hint,
                location=Location(file=problem.location.file),
                message=f"Còn {counts[problem.code] - MAX_PER_RULE} chỗ khác vi phạm cùng quy tắc "
                        "(không liệt kê)."))
    return tuple(kept)
