"""Drafts that cite documents no longer in force: what would change, and rewriting exactly those.

A plan is computed without touching anything: for each draft, every cited document not in force on
its check day is mapped to the document in force that replaced it. Where that is not one-to-one
(a document split into several, a replacement not yet in force) the plan says what the clerk must
decide instead of guessing. Issued decisions are historical records and are never touched.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import vn
from pipeline.build.stages import BuildOptions, CaseResult, Prepared, build_case, load_registry, prepare
from pipeline.domain.legal import NOT_YET, REPLACED, Registry, basis_line, describe
from pipeline.domain.validate import check_day
from pipeline.inputs.casefile import registry_entry_path, rewrite_legal_basis, write_registry_entry
from pipeline.inputs.load import case_file, read_case
from pipeline.problems import InputError, Problem

ISSUED = "issued"
CURRENT = "current"
OUTDATED = "outdated"
NEEDS_DECISION = "needs_decision"
UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class CasePlan:
    """What regenerating one case means. `groups`: the new legal_basis lines (None drops a line)."""

    case: Path
    state: str
    day: dt.date | None = None
    diff: tuple[str, ...] = ()
    groups: tuple[tuple[str, ...] | None, ...] = ()
    decisions: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    reasons: tuple[str, ...] = ()  # "lang-son/qd-1863-2018 đã được thay thế bởi lang-son/qd-1719-2019 từ 05/9/2019"


def plan(paths: Sequence[Path], registry: Registry, options: BuildOptions) -> tuple[CasePlan, ...]:
    return tuple(_plan_case(path, registry, options) for path in paths)


def _plan_case(path: Path, registry: Registry, options: BuildOptions) -> CasePlan:
    try:
        case = read_case(path).case
    except InputError as exc:
        return CasePlan(path, UNREADABLE, problems=exc.problems)
    if case.is_issued:
        return CasePlan(path, ISSUED)
    day = check_day(case, options.build_day, options.as_of)
    snapshot = registry.as_of(day)
    decisions: list[str] = []
    reasons: list[str] = []
    seen: set[str] = set()
    groups: list[tuple[str, ...] | None] = []
    for group in case.legal_basis:
        new: list[str] = []
        for doc_id in group:
            target = doc_id
            status = snapshot.status(doc_id)
            if status.state == REPLACED:
                reasons.append(f"{doc_id} {describe(status)}")
                replacements = [doc.id for doc in registry.replacements_of(doc_id) if doc.effective <= day]
                successor = snapshot.in_force_successor(doc_id)
                if len(replacements) > 1:
                    decisions.append(f"«{doc_id}» được thay thế bởi nhiều văn bản ({', '.join(replacements)}):"
                                     " chọn văn bản cần viện dẫn và sửa legal_basis bằng tay.")
                elif successor is None:
                    decisions.append(f"«{doc_id}» đã bị thay thế nhưng không có văn bản nào còn hiệu lực thay nó"
                                     f" vào ngày {vn.short_date(day)}: bỏ căn cứ này hoặc chọn căn cứ khác.")
                else:
                    target = successor
            elif status.state == NOT_YET:
                decisions.append(f"«{doc_id}» chưa có hiệu lực vào ngày {vn.short_date(day)}: đổi ngày hoặc bỏ căn cứ.")
            if target not in seen:
                seen.add(target)
                new.append(target)
        groups.append(tuple(new) if new else None)
    changed = [tuple(g) for g in case.legal_basis] != [g for g in groups]
    if decisions:
        return CasePlan(path, NEEDS_DECISION, day, decisions=tuple(decisions), reasons=tuple(reasons))
    if not changed:
        return CasePlan(path, CURRENT, day)
    before = [basis_line((registry.documents[i] for i in g), case.issuer.province) + ";" for g in case.legal_basis]
    after = [basis_line((registry.documents[i] for i in g), case.issuer.province) + ";" for g in groups if g]
    diff = tuple(line.rstrip("\n") for line in difflib.unified_diff(
        before, after, fromfile=f"{case.path} (hiện tại)", tofile=f"{case.path} (sau khi tạo lại)", lineterm=""))
    return CasePlan(path, OUTDATED, day, diff, tuple(groups), reasons=tuple(reasons))


def apply(plans: Sequence[CasePlan], registry: Registry, options: BuildOptions) -> tuple[CaseResult, ...]:
    """Rewrite the outdated drafts' `legal_basis` and rebuild them; nothing else is touched."""
    results = []
    for case_plan in plans:
        if case_plan.state != OUTDATED:
            continue
        rewrite_legal_basis(case_file(case_plan.case), case_plan.groups)
        results.append(build_case(case_plan.case, registry, options))
    return tuple(results)


def regenerate(paths: Sequence[Path], options: BuildOptions, write: bool
               ) -> tuple[tuple[CasePlan, ...], tuple[CaseResult, ...]]:
    registry = load_registry(options)
    plans = plan(paths, registry, options)
    return plans, apply(plans, registry, options) if write else ()


@dataclass(frozen=True, slots=True)
class Citing:
    """A case citing one of the asked-for documents: `cited` directly, or a document `asked` replaced."""

    case: Path
    cited: str
    asked: str


def cases_citing(doc_ids: Sequence[str], paths: Sequence[Path], registry: Registry
                 ) -> tuple[tuple[Citing, ...], tuple[Problem, ...]]:
    """The cases that cite `doc_ids`, directly or through a document they replaced or amended."""
    found: list[Citing] = []
    problems: list[Problem] = []
    lineages = {doc_id: set(registry.lineage(doc_id)) for doc_id in doc_ids}
    for path in paths:
        try:
            case = read_case(path).case
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for group in case.legal_basis:
            for cited in group:
                for asked, lineage in lineages.items():
                    if cited in lineage:
                        found.append(Citing(path, cited, asked))
    return tuple(found), tuple(problems)


@dataclass(frozen=True, slots=True)
class RegistryAddition:
    """What `qdgen basis add` did: the entry's id and file, whether it changed, and the drafts it outdates."""

    doc_id: str
    path: Path
    changed: bool
    plans: tuple[CasePlan, ...]


def add_to_registry(case_path: Path, drafts: Sequence[Path], options: BuildOptions,
                    into: Path, *, protected: Sequence[Path] = ()) -> RegistryAddition | tuple[Problem, ...]:
    """Write the registry entry of an issued decision (with its `replaces`), then plan `drafts` against
    the registry that now holds it. `into` is the registry folder to write to, unless the id exists;
    an entry under a `protected` folder is not changed. A registry that would no longer load is restored."""
    try:
        registry = load_registry(options)
    except InputError as exc:
        return exc.problems
    prepared = prepare(case_path, registry, options)
    if not isinstance(prepared, Prepared):
        return prepared
    case, decision = prepared.case, prepared.decision
    if decision is None:
        return prepared.problems
    if not case.is_issued:
        return (Problem("registry.draft_not_added", "Chỉ quyết định đã ban hành (có số và ngày) mới vào danh mục.",
                        case.location("number"), "Điền number và date đầy đủ sau khi quyết định được ký ban hành."),)
    doc_id = case.registry_id or f"{vn.ascii_slug(case.issuer.province).lower()}/qd-{case.number}-{case.date.year}"
    existing = registry.get(doc_id)
    try:
        path = existing.where.file if existing else registry_entry_path(into, doc_id, case.location("registry_id"))
    except InputError as exc:
        return exc.problems
    subject = decision.subject.removeprefix("Về việc ").strip()
    fields = {"type": "Quyết định", "number": f"{case.number}/{decision.symbol}", "date": case.date.as_date(),
              "issuer": decision.issuing_body, "title": subject[:1].lower() + subject[1:],
              "effective": case.date.as_date()}
    if case.replaces:
        fields["replaces"] = list(case.replaces)
    before = path.read_bytes() if path.exists() else None
    try:
        changed = write_registry_entry(path, fields, protected=protected)
    except InputError as exc:
        return exc.problems
    try:
        updated = load_registry(options)
    except InputError as exc:
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)
        return exc.problems
    return RegistryAddition(doc_id, path, changed, plan(drafts, updated, options))

