"""Drafts that cite documents no longer in force: what would change, and rewriting exactly those.

A plan is computed without touching anything: for each draft, every cited document not in force on
its check day is mapped to the document in force that replaced it. Where that is not one-to-one
(a document split into several, a replacement not yet in force) the plan says what the clerk must
decide instead of guessing. Issued decisions are historical records and are never touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import vn
from pipeline.build.options import BuildOptions, load_registry
from pipeline.build.prepare import prepare
from pipeline.build.stages import CaseResult, build_case
from pipeline.domain.legal import NOT_YET, REPLACED, Registry, basis_line, describe
from pipeline.domain.units import CEASED
from pipeline.domain.validate import check_day, validate_case
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.casefile import registry_entry_path, rewrite_legal_basis, write_registry_entry
from pipeline.inputs.load import DISTRICT_LEVEL_ENDS, default_executors, read_case
from pipeline.inputs.units import bundled_units
from pipeline.inputs.workspace import case_file
from pipeline.problems import InputError, Location, Problem, errors
from pipeline.records import Case, Item, PartialDate


class State(enum.StrEnum):
    """What regenerating one case means."""

    ISSUED = "issued"  # a historical record: never touched
    CURRENT = "current"  # every citation in force: nothing to do
    OUTDATED = "outdated"  # `--apply` rewrites its legal_basis and rebuilds it
    NEEDS_DECISION = "needs_decision"  # the clerk must decide or change something first (`decisions`)
    UNREADABLE = "unreadable"


ISSUED, CURRENT, OUTDATED, NEEDS_DECISION, UNREADABLE = State  # the names callers compare with
NOT_APPLIED = "regenerate.not_applied"
_DISTRICT = re.compile(r"\bhuyện\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CasePlan:
    """What regenerating one case means. `groups`: the new legal_basis lines (None drops a line);
    `decisions`: what the clerk must decide or change before it can be applied (then `diff` shows the
    rewrite of the căn cứ it would need)."""

    case: Path
    state: State
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
    unresolved = _unresolved(case, tuple(groups), registry, day)
    if unresolved:
        return CasePlan(path, NEEDS_DECISION, day, diff, tuple(groups), unresolved, reasons=tuple(reasons))
    return CasePlan(path, OUTDATED, day, diff, tuple(groups), reasons=tuple(reasons))


def _unresolved(case: Case, groups: tuple[tuple[str, ...] | None, ...], registry: Registry,
                day: dt.date) -> tuple[str, ...]:
    """What else must change before the case, its căn cứ rewritten to `groups`, can be built: the errors
    validation would find then, the decision's date first (a replacement signed or in force after it) and,
    when that date moves past 01/7/2025, the agency list and the wording that name the district level."""
    rewritten = dataclasses.replace(case, legal_basis=tuple(group for group in groups if group))
    found = errors(validate_case(rewritten, registry, day, bundled_units()))
    items = []
    if any(problem.code == "case.basis_after_decision" for problem in found):
        cited = [registry.documents[doc_id] for group in rewritten.legal_basis for doc_id in group]
        latest = max(cited, key=lambda doc: max(doc.date, doc.effective))
        earliest = max(latest.date, latest.effective)
        items.append(f"Căn cứ mới «{latest.id}» ký/có hiệu lực ngày {vn.short_date(earliest)}, sau ngày của quyết "
                     f"định (date: {case.date}): sửa date thành một ngày từ {vn.short_date(earliest)} trở đi "
                     f"({case.location('date')}).")
        if case.date.as_date() < DISTRICT_LEVEL_ENDS <= day:
            items.extend(_district_level(case, day, moving=True))
    if case.date.as_date() >= DISTRICT_LEVEL_ENDS:
        items.extend(_district_level(case, case.date.as_date(), moving=False))
    items.extend(f"{problem.message} ({problem.location})" for problem in found
                 if problem.code != "case.basis_after_decision")
    return tuple(items)


def _district_level(case: Case, day: dt.date, moving: bool) -> list[str]:
    """What names the district level, which ends on 01/7/2025 (Luật số 72/2025/QH15, Điều 51): the agencies
    of the case's list that no longer exist on `day` (with their successors, from the units data) and the
    clerk's own sentences that name a huyện. `moving`: the date must move past 01/7/2025 (say it even when
    nothing is known to change); otherwise the case is already dated there."""
    since = vn.short_date(DISTRICT_LEVEL_ENDS)
    opening = f"Nếu ngày mới từ {since} trở đi: " if moving else f"Quyết định ngày {case.date}: "
    items = []
    changes = _agency_changes(case, day) if case.publishes else []
    if case.publishes and (moving or changes):
        item = (f"{opening}không còn cấp huyện, các nhóm cơ quan là sở, ban, ngành và xã, phường; đổi agencies "
                f"sang danh sách cơ quan từ {since} ({case.location('agencies')}).")
        if changes:
            item += f" Danh sách hiện tại có {len(changes)} cơ quan không còn vào ngày {vn.short_date(day)}: " + (
                "; ".join(changes) + ".")
        items.append(item)
    if moving:
        items.extend(_standard_wording(case, day))
    places = [str(case.location(key)) for key, text in _texts(case) if _DISTRICT.search(text)]
    if places:
        items.append(f"{opening}không còn cấp huyện; sửa câu chữ nhắc đến huyện ở " + "; ".join(places) + ".")
    return items


def _standard_wording(case: Case, day: dt.date) -> list[str]:
    """What changes by itself with the new date: the groups' names and the default executors."""
    changes = []
    if case.publishes:
        changes.append("«Ủy ban nhân dân các huyện, thành phố» → «Ủy ban nhân dân các xã, phường»")
    if not getattr(case.keys, "executors", None):
        new_date = PartialDate(day.year, day.month, None)
        changes.extend(f"«{old}» → «{new}»" for old, new in zip(case.executors, default_executors(new_date, case.issuer))
                       if old != new)
    return [f"Câu chữ chuẩn tự đổi theo ngày mới: {'; '.join(changes)}."] if changes else []


def _agency_changes(case: Case, day: dt.date) -> list[str]:
    """`«Sở Kế hoạch và Đầu tư» → Sở Tài chính (từ 01/3/2025)` for each listed agency gone on `day`."""
    if case.agencies is None:
        return []
    try:
        agencies, units = read_agencies(case.agencies), bundled_units()
    except InputError:
        return []  # the build reports an unreadable list
    changes = []
    for name in (name for group in agencies.groups for name in group.agencies):
        found = units.agency_presence(agencies.province, name, day)
        if found.state == CEASED:
            after = f" → {found.unit.successor}" if found.unit.successor else ""
            changes.append(f"«{name}»{after} (không còn từ {vn.short_date(found.since)})")
    return changes


def _texts(case: Case) -> Iterator[tuple[str, str]]:
    """(key, text) of everything the clerk wrote that the decision shows."""
    if case.subject:
        yield "subject", case.subject
    for name in ("executors", "recipients", "extra_articles"):
        for index, text in enumerate(getattr(case, name)):
            yield f"{name}[{index}]", text
    for index, article in enumerate(case.articles):
        yield from _item_texts(article, f"articles[{index}]", "clauses")
    for key, text in case.wording.items():
        yield f"wording.{key}", text


def _item_texts(item: Item, key: str, children: str) -> Iterator[tuple[str, str]]:
    yield (f"{key}.text" if item.children else key), item.text
    for index, child in enumerate(item.children):
        yield from _item_texts(child, f"{key}.{children}[{index}]", "points")


def apply(plans: Sequence[CasePlan], registry: Registry, options: BuildOptions) -> tuple[CaseResult, ...]:
    """Rewrite the outdated drafts' `legal_basis` and rebuild them; nothing else is touched. A draft that
    still cannot be built once rewritten gets its case file back as it was (with the build's problems)."""
    results = []
    for case_plan in plans:
        if case_plan.state != OUTDATED:
            continue
        file = case_file(case_plan.case)
        before = file.read_bytes()
        rewrite_legal_basis(file, case_plan.groups)
        result = build_case(case_plan.case, registry, options)
        if result.status == "failed":
            file.write_bytes(before)
            result = dataclasses.replace(result, problems=result.problems + (Problem(
                NOT_APPLIED, "Hồ sơ chưa tạo được sau khi sửa căn cứ nên case.yaml được giữ nguyên như trước.",
                Location(file=file), "Sửa các lỗi trên rồi chạy lại regenerate --apply."),))
        results.append(result)
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
        prepared = prepare(case_path, registry, options)
    except InputError as exc:
        return exc.problems
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

