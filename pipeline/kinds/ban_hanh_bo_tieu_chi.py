"""`ban-hanh-bo-tieu-chi`: a decision issuing a PAR criteria set (seed 004, Mẫu 1.3), which it attaches as
a document of its own, `bo-tieu-chi.docx`, issued "kèm theo" the decision.

Its template and wording: templates/decisions/ban-hanh-bo-tieu-chi.docx and .yaml; its attachment:
templates/attachments/bo-tieu-chi.docx. Its outputs depend on the criteria set it issues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from pipeline import vn
from pipeline.domain.legal import Registry
from pipeline.inputs.cache import ParsedFiles
from pipeline.inputs.model import CountsModel, Line
from pipeline.inputs.schema import CaseBase
from pipeline.kinds import compose
from pipeline.kinds.base import BUNDLED_TEMPLATES, Kind
from pipeline.problems import InputError, Location, Problem, Severity
from pipeline.records import Attachment, Case, CriteriaRow, CriteriaTable, Decision, Item

if TYPE_CHECKING:  # the criteria set's reader is imported when a case is gathered, not when its keys are
    from pipeline.scoring.records import CriteriaSet, Criterion


class Keys(CaseBase):
    criteria: Line | None = None  # the criteria set the decision issues
    declared_counts: dict[str, CountsModel] = Field(default_factory=dict)  # announced per group; must match


class CriteriaSetIssue(Kind):
    name = "ban-hanh-bo-tieu-chi"
    Keys = Keys
    attachment_template = BUNDLED_TEMPLATES / "attachments" / "bo-tieu-chi.docx"

    def inputs(self, case: Case) -> dict[str, Path | None]:
        return {"criteria:issued": case.criteria, f"template:{self.attachment_template.stem}": self.attachment_template}

    def checks(self, case: Case) -> list[Problem]:
        if case.criteria is not None:
            return []
        where = case.location("template")
        return [Problem("case.missing_key", "Quyết định ban hành bộ tiêu chí cần khóa «criteria».",
                        Location(file=where.file, line=where.line, key="criteria"),
                        "Thêm criteria: <tệp bộ tiêu chí .yaml>.")]

    def gather(self, case: Case, files: ParsedFiles) -> tuple[CriteriaSet | None, list[Problem]]:
        """The criteria set the decision issues, checked against what the case declares."""
        from pipeline.inputs.criteria import read_criteria

        if case.criteria is None:
            return None, []
        try:
            criteria = files.read(read_criteria, case.criteria)
        except InputError as exc:
            return None, list(exc.problems)
        return criteria, _declared_counts(case, criteria) + _issuer(case, criteria)

    def compose(self, case: Case, registry: Registry, wording: Mapping[str, str],
                gathered: CriteriaSet) -> Decision:
        words = {**wording, **case.wording}
        values = {**compose.placeholder_values(case, registry, words), "attached": gathered.name}
        lead = [Item(compose.fill(words["issue"], values)), Item(compose.effect_sentence(case, words, values))]
        return compose.compose_decision(case, registry, words, values, lead, effect_in_closing=False,
                                        attachments=(_attachment(case, words, gathered),))


def _declared_counts(case: Case, criteria: CriteriaSet) -> list[Problem]:
    problems = []
    names = ("lĩnh vực", "tiêu chí", "tiêu chí thành phần")
    for group_id, declared in case.declared_counts.items():
        group = criteria.group(group_id)
        where = case.location(f"declared_counts.{group_id}")
        if group is None:
            problems.append(Problem("case.count_mismatch", f"Bộ tiêu chí không có nhóm «{group_id}».", where,
                                    "Các nhóm có: " + ", ".join(g.id for g in criteria.groups) + "."))
            continue
        for name, wanted, actual in zip(names, declared, count_nodes(group.fields)):
            if wanted is not None and wanted != actual:
                problems.append(Problem(
                    "case.count_mismatch", f"Nhóm {group_id}: hồ sơ ghi {wanted} {name}, bộ tiêu chí có {actual}.",
                    where, f"Sửa số {name} trong hồ sơ hoặc trong tệp {case.criteria.name}."))
    return problems


def _issuer(case: Case, criteria: CriteriaSet) -> list[Problem]:
    if not case.registry_id or criteria.issued_by == case.registry_id:
        return []
    return [Problem(
        "case.criteria_issuer", f"Bộ tiêu chí ghi issued_by «{criteria.issued_by}», nhưng quyết định này là "
        f"«{case.registry_id}».", case.location("registry_id"), "Sửa issued_by trong tệp bộ tiêu chí.",
        Severity.WARNING)]


def _attachment(case: Case, words: Mapping[str, str], criteria: CriteriaSet) -> Attachment:
    """The criteria set as the document the decision issues: one table of maximum points per group."""
    title, _, subject = criteria.name.partition(" xác định ")
    survey = criteria.survey
    tables = []
    for number, group in enumerate(criteria.groups, start=1):
        rows = [CriteriaRow(node.id, node.name, vn.number(node.maximum), node.id.count(".") + 1)
                for field in group.fields for node in field.walk()]
        if survey is not None:
            rows.append(CriteriaRow(words["attachment.survey"], survey.name, vn.number(survey.maximum), 1))
        rows.append(CriteriaRow("", "Tổng điểm", vn.number(criteria.total), 0))
        counts = count_nodes(group.fields)
        summary = compose.fill(words["attachment.summary"], {
            "fields": str(counts[0]), "criteria": str(counts[1]), "sub_criteria": str(counts[2]),
            "total": vn.number(criteria.total), "survey_points": vn.number(survey.maximum if survey else 0)})
        heading = f"{vn.roman(number)}. " + vn.upper(words.get(f"attachment.heading.{group.id}", group.id))
        tables.append(CriteriaTable(heading, tuple(rows), summary))
    # The content ends with «./.» under the last table. A criteria file's `note` (e.g. that its figures are
    # samples) is for the data's readers, not printed in a document that looks issued.
    last = tables[-1]
    tables[-1] = CriteriaTable(last.heading, last.rows, last.summary.rstrip(" ./") + "./.")
    return Attachment(key="bo-tieu-chi", organ_lines=compose.organ_lines(case), title=vn.upper(title),
                      subject=compose.upper_first(f"xác định {subject}") if subject else "",
                      reference=compose.reference(case), tables=tuple(tables))


def count_nodes(fields: Sequence[Criterion]) -> tuple[int, int, int]:
    """(fields, criteria, sub-criteria) of one group, as a decision declares them (seed 004: 8 / 39 / 58)."""
    nodes = [node for field in fields for node in field.walk()]
    return tuple(sum(1 for node in nodes if node.id.count(".") == depth) for depth in range(3))


KIND = CriteriaSetIssue()
