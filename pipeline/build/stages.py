"""Orchestration: the only module that knows the stage order.

For each case: load → validate → (outdated?) → rank → compose → render → write all or nothing.
Outputs go to a temporary folder beside the target, the manifest is written last, and the folder
is renamed into place; a failed case leaves what was there before untouched. An issued decision
whose existing outputs differ from what would be built now is never silently regenerated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.domain.legal import Registry
from pipeline.domain.outdated import cited_statuses, fingerprints, reasons
from pipeline.domain.validate import check_day, validate_case
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.criteria import read_criteria
from pipeline.inputs.load import read_case, read_registry
from pipeline.inputs.scoresheets import read_par_sheet, read_sipas_sheet
from pipeline.inputs.sources import read_yaml
from pipeline.kinds.compose import ISSUES_CRITERIA, compose_decision, count_nodes, wording_problems
from pipeline.ooxml.package import CoreProperties
from pipeline.ooxml.render import context_of, load_template, render
from pipeline.outputs.drafts import keep_draft
from pipeline.outputs.manifest import MANIFEST, manifest_data, read_manifest
from pipeline.outputs.write import write_build
from pipeline.problems import InputError, Location, Problem, Severity, errors
from pipeline.records import Annex, AnnexTable, Artifact, Case, Decision, ScoreSource
from pipeline.scoring.annex_tables import annex_tables
from pipeline.scoring.rank import rank_par, rank_sipas
from pipeline.scoring.records import AgencyList, CriteriaSet

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "templates"
BUNDLED_REGISTRY = PROJECT / "legal_basis"
ISSUED_CHANGED = "build.issued_changed"
"""The code of a build refused because an issued decision's inputs changed after it was built."""
ANNEX_TEMPLATE = "bang-xep-hang"
ATTACHMENT_TEMPLATE = "bo-tieu-chi"
DECISION_FILE = "quyet-dinh.docx"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    out: Path
    registry_dirs: tuple[Path, ...] = (BUNDLED_REGISTRY,)
    build_day: dt.date = dataclasses.field(default_factory=dt.date.today)
    as_of: dt.date | None = None  # --as-of: the day drafts' citations are checked


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What happened to one case. `status`: built, up_to_date, failed."""

    case: Path
    status: str
    out_dir: Path | None = None
    artifacts: tuple[Artifact, ...] = ()
    reasons: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def decision_templates() -> frozenset[str]:
    return frozenset(path.stem for path in (TEMPLATES / "decisions").glob("*.docx"))


def load_registry(options: BuildOptions) -> Registry:
    """The bundled registry plus any `--registry` folders (raises InputError)."""
    return read_registry(options.registry_dirs)


PARALLEL_FROM = 8
"""Batches at least this large are spread over the machine's cores."""

_worker_state: dict[str, object] = {}


def build_cases(paths: Sequence[Path], options: BuildOptions, workers: int | None = None) -> tuple[CaseResult, ...]:
    """Build every case; results in the order of `paths`. `workers` processes share the work (default:
    one per core for batches of PARALLEL_FROM cases or more, else none)."""
    try:
        registry = load_registry(options)
    except InputError as exc:
        return tuple(CaseResult(path, "failed", problems=exc.problems) for path in paths)
    if workers is None:  # by default only batches large enough to repay starting the workers
        workers = min(os.cpu_count() or 1, len(paths)) if len(paths) >= PARALLEL_FROM else 1
    if workers < 2 or len(paths) < 2:
        return tuple(build_case(path, registry, options) for path in paths)
    _worker_state.update(registry=registry, options=options)  # inherited by forked workers
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(options,)) as pool:
        return tuple(pool.map(_build_in_worker, paths, chunksize=max(1, len(paths) // (workers * 4))))


def _start_worker(options: BuildOptions) -> None:
    """Workers reuse the parent's registry when forked; a spawned worker reads it again."""
    if _worker_state.get("options") != options:
        _worker_state.update(registry=load_registry(options), options=options)


def _build_in_worker(path: Path) -> CaseResult:
    return build_case(path, _worker_state["registry"], _worker_state["options"])


@dataclass(frozen=True, slots=True)
class Planned:
    """A case read and fingerprinted, nothing else: enough to tell whether its outputs are up to date."""

    case: Case
    day: dt.date  # the day its citations must be in force
    fingerprints: Mapping[str, str]
    statuses: tuple


@dataclass(frozen=True, slots=True)
class Prepared:
    """A case loaded and checked, with everything needed to render it.

    `decision` is None when the case has errors (then `problems` holds them).
    """

    case: Case
    decision: Decision | None
    fingerprints: Mapping[str, str]
    statuses: tuple
    problems: tuple[Problem, ...]
    annex_agencies: Mapping[str, tuple[str, ...]]


def plan(path: Path, registry: Registry, options: BuildOptions) -> Planned | tuple[Problem, ...]:
    """Read the case file and hash every input it names (without parsing them): the fingerprints a
    previous build is compared with. Only the problems when the case file cannot be read."""
    try:
        loaded = read_case(path)
    except InputError as exc:
        return exc.problems
    case = loaded.case
    day = check_day(case, options.build_day, options.as_of)
    statuses = cited_statuses(case, registry, registry.as_of(day))
    return Planned(case, day, fingerprints(input_digests(case, loaded.digest), statuses, __version__), statuses)


def input_digests(case: Case, case_digest: str) -> dict[str, str]:
    """sha256 of every file a case's outputs depend on, by role (`sheet:par`, `template:…`)."""
    files: dict[str, Path | None] = {}
    if case.template in decision_templates():
        files["wording"] = TEMPLATES / "decisions" / f"{case.template}.yaml"
        files[f"template:{case.template}"] = TEMPLATES / "decisions" / f"{case.template}.docx"
    if case.publishes:
        files["agencies"] = case.agencies
        files[f"template:{ANNEX_TEMPLATE}"] = TEMPLATES / "annexes" / f"{ANNEX_TEMPLATE}.docx"
        for index in case.publishes:
            source = case.scores.get(index)
            files[f"sheet:{index}"] = source.sheet if source else None
            if index == "par":
                files[f"criteria:{index}"] = source.criteria if source else None
    if case.template == ISSUES_CRITERIA:
        files["criteria:issued"] = case.criteria
        files[f"template:{ATTACHMENT_TEMPLATE}"] = TEMPLATES / "attachments" / f"{ATTACHMENT_TEMPLATE}.docx"
    return {"case": case_digest, **{role: _sha(path) for role, path in files.items()}}


def prepare(path: Path, registry: Registry, options: BuildOptions) -> Prepared | tuple[Problem, ...]:
    """Load, validate, rank and compose one case; only the problems when it cannot even be read."""
    planned = plan(path, registry, options)
    if not isinstance(planned, Planned):
        return planned
    return _prepare(planned, registry)


def _prepare(planned: Planned, registry: Registry) -> Prepared:
    case = planned.case
    problems = list(validate_case(case, registry, planned.day, decision_templates()))
    wording: Mapping[str, str] = {}
    if case.template in decision_templates():
        wording, found = _wording(case.template)
        problems.extend(found)
        problems.extend(wording_problems(case, wording))
    tables, annex_agencies, score_problems = _annex_tables(case)
    problems.extend(score_problems)
    criteria = _issued_criteria(case, problems)
    if errors(problems):
        return Prepared(case, None, planned.fingerprints, planned.statuses, tuple(problems), {})
    decision = compose_decision(case, registry, wording, tables, criteria)
    return Prepared(case, decision, planned.fingerprints, planned.statuses, tuple(problems),
                    {annex.key: annex_agencies.get(annex.key.rpartition("-")[2], ()) for annex in decision.annexes})


def _wording(template: str) -> tuple[Mapping[str, str], tuple[Problem, ...]]:
    try:
        return cached(read_yaml, TEMPLATES / "decisions" / f"{template}.yaml").data, ()
    except InputError as exc:
        return {}, exc.problems


def _annex_tables(case: Case) -> tuple[dict[str, tuple[AnnexTable, ...]], dict[str, tuple[str, ...]],
                                       list[Problem]]:
    """Read, check and rank each published index's score sheet: annex tables per index, the agencies
    each annex lists, and every problem found."""
    tables: dict[str, tuple[AnnexTable, ...]] = {}
    listed: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    if not case.publishes:
        return tables, listed, problems
    if case.agencies is None:
        return tables, listed, [Problem(
            "case.missing_key", "Thiếu khóa «agencies» (danh sách cơ quan để đối chiếu bảng điểm).",
            case.location("agencies"), "Thêm agencies: <đường dẫn tới tệp danh sách cơ quan>.")]
    try:
        agencies = cached(read_agencies, case.agencies)
    except InputError as exc:
        return tables, listed, list(exc.problems)
    for index in case.publishes:
        source = case.scores.get(index)
        if source is None:
            problems.append(Problem("case.missing_scores", f"Chỉ số «{index}» được công bố nhưng không có bảng điểm.",
                                    case.location("scores"), f"Thêm scores: {{{index}: {{sheet: <tệp .xlsx>}}}}."))
            continue
        try:
            ranking, found = _rank_index(index, source, agencies)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(found)
        problems.extend(_criteria_citation(case, source))
        if ranking is not None:
            tables[index] = annex_tables(ranking, numbered=not case.annexes_per_group)
            listed[index] = tuple(row.agency for group in ranking.groups for row in group.rows)
    return tables, listed, problems


def _criteria_citation(case: Case, source: ScoreSource) -> list[Problem]:
    """A PAR sheet scored on a criteria set whose issuing decision the căn cứ do not cite: the decision
    would publish scores under criteria it does not name (seeds 000 and 001 cite theirs)."""
    if source.criteria is None:
        return []
    try:
        issued_by = cached(read_criteria, source.criteria).issued_by
    except InputError:
        return []  # reported where the sheet is read
    if any(issued_by in group for group in case.legal_basis):
        return []
    return [Problem(
        "case.criteria_not_cited",
        f"Bảng điểm được chấm theo bộ tiêu chí ban hành kèm «{issued_by}» ({source.criteria.name}), nhưng căn "
        "cứ không viện dẫn văn bản này.", case.location("legal_basis"),
        f"Thêm «{issued_by}» vào legal_basis, hoặc kiểm tra criteria: đã chọn đúng bộ tiêu chí của năm đánh giá "
        "chưa.", Severity.WARNING)]


def _issued_criteria(case: Case, problems: list[Problem]) -> CriteriaSet | None:
    """The criteria set a `ban-hanh-bo-tieu-chi` decision issues, checked against what the case declares."""
    if case.template != ISSUES_CRITERIA or case.criteria is None:
        return None
    try:
        criteria = cached(read_criteria, case.criteria)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    names = ("lĩnh vực", "tiêu chí", "tiêu chí thành phần")
    for group_id, declared in case.declared_counts.items():
        group = criteria.group(group_id)
        where = case.location(f"declared_counts.{group_id}")
        if group is None:
            problems.append(Problem("case.count_mismatch", f"Bộ tiêu chí không có nhóm «{group_id}».", where,
                                    "Các nhóm có: " + ", ".join(g.id for g in criteria.groups) + "."))
            continue
        found = count_nodes(group.fields)
        for name, wanted, actual in zip(names, declared, found):
            if wanted != actual:
                problems.append(Problem(
                    "case.count_mismatch", f"Nhóm {group_id}: hồ sơ ghi {wanted} {name}, bộ tiêu chí có {actual}.",
                    where, f"Sửa số {name} trong hồ sơ hoặc trong tệp {case.criteria.name}."))
    if case.registry_id and criteria.issued_by != case.registry_id:
        problems.append(Problem(
            "case.criteria_issuer", f"Bộ tiêu chí ghi issued_by «{criteria.issued_by}», nhưng quyết định này là "
            f"«{case.registry_id}».", case.location("registry_id"), "Sửa issued_by trong tệp bộ tiêu chí.",
            Severity.WARNING))
    return criteria


def rank_sheet(index: str, sheet: Path, criteria: Path | None, agencies: Path):
    """One score sheet read, checked and ranked on its own (`qdgen rank`): (ranking or None, problems)."""
    try:
        return _rank_index(index, ScoreSource(index, sheet, criteria), read_agencies(agencies))
    except InputError as exc:
        return None, list(exc.problems)


def _rank_index(index: str, source: ScoreSource, agencies: AgencyList):
    """(ranking or None when the sheet has errors, problems); raises InputError for unreadable files."""
    if index == "par":
        if source.criteria is None:
            return None, [Problem("case.missing_criteria", "Bảng điểm PAR cần bộ tiêu chí (criteria).",
                                  Location(file=source.sheet), "Thêm criteria: <tệp bộ tiêu chí .yaml>.")]
        criteria = cached(read_criteria, source.criteria)
        table, problems = read_par_sheet(source.sheet, criteria, agencies)
        return (None if errors(problems) else rank_par(table, criteria, agencies)), problems
    table, problems = read_sipas_sheet(source.sheet, agencies)
    return (None if errors(problems) else rank_sipas(table, agencies)), problems


def build_case(path: Path, registry: Registry, options: BuildOptions) -> CaseResult:
    """Build one case unless its outputs are up to date (decided from fingerprints alone, nothing parsed)."""
    planned = plan(path, registry, options)
    if not isinstance(planned, Planned):
        return CaseResult(path, "failed", problems=planned)
    case = planned.case
    target = options.out / case.name
    previous = read_manifest(target)
    why = reasons(planned.fingerprints, previous.get("fingerprints") if previous else None,
                  planned.statuses, previous.get("citations") if previous else None)
    if not why:
        return CaseResult(path, "up_to_date", target)
    prepared = _prepare(planned, registry)
    if prepared.decision is None:
        return CaseResult(path, "failed", target, reasons=why if previous else (), problems=prepared.problems)
    if case.is_issued and previous is not None and previous.get("decision", {}).get("is_draft"):
        keep_draft(target)  # the draft built before issuing is history (<out>/.drafts/<case>/n), not a block
        previous = None
    if case.is_issued and previous is not None:
        return CaseResult(path, "failed", target, reasons=why, problems=prepared.problems + (Problem(
            ISSUED_CHANGED,
            f"Quyết định số {case.number:02d} đã ban hành và đã có bản tạo trước; không tạo lại.",
            Location(file=target / MANIFEST),
            "Văn bản đã ban hành là hồ sơ lịch sử. Nếu thật sự cần, hãy chuyển thư mục cũ đi nơi khác rồi tạo lại."),))

    def manifest(artifacts: tuple[Artifact, ...]) -> Mapping[str, object]:
        return manifest_data(prepared.case.name, prepared.decision, artifacts, __version__,
                             prepared.fingerprints, prepared.statuses, prepared.annex_agencies)

    artifacts = write_build(target, render_documents(prepared.decision), manifest)
    return CaseResult(path, "built", target, artifacts, why, prepared.problems)


def render_documents(decision: Decision) -> dict[str, tuple[str, bytes]]:
    """File name → (kind, bytes) of the decision and each annex."""
    core = _core_properties(decision)
    decision_template = load_template(TEMPLATES / "decisions" / f"{decision.template}.docx")
    documents = {DECISION_FILE: ("decision", render(decision_template, context_of(decision), core))}
    for attachment in decision.attachments:
        template = load_template(TEMPLATES / "attachments" / f"{ATTACHMENT_TEMPLATE}.docx")
        documents[f"{attachment.key}.docx"] = ("attachment", render(
            template, {"attachment": attachment}, dataclasses.replace(core, title=attachment.subject)))
    if decision.annexes:
        annex_template = load_template(TEMPLATES / "annexes" / f"{ANNEX_TEMPLATE}.docx")
        for annex in decision.annexes:
            annex_core = dataclasses.replace(core, title=f"{annex.label}: {annex.title}")
            documents[f"{annex.key}.docx"] = ("annex", render(annex_template, {"annex": _with_end_mark(annex)},
                                                              annex_core))
    return documents


def _with_end_mark(annex: Annex) -> Annex:
    """The annex content ends with `./.` (Mẫu 2.1): the last note under the last table carries it."""
    if not annex.tables:
        return annex
    last = annex.tables[-1]
    return dataclasses.replace(annex, tables=annex.tables[:-1] + (
        dataclasses.replace(last, note=last.note.rstrip(" ./") + "./."),))


def _core_properties(decision: Decision) -> CoreProperties:
    number = f"{decision.number:02d}/{decision.symbol}" if decision.number else f"dự thảo/{decision.symbol}"
    return CoreProperties(title=decision.subject, subject=f"Quyết định số {number}",
                          creator=decision.organ, keywords=f"{decision.symbol}; {decision.template}",
                          created=decision.date.as_date())


def _sha(path: Path | None) -> str:
    """sha256 of a file; a missing one gets a marker, so its fingerprint differs and the full build says why."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, AttributeError):
        return "absent"


_parsed: dict[tuple, object] = {}


def cached(reader, path: Path):
    """`reader(path)`, parsed once per process for the same content: a batch shares its criteria set and
    agency list. Keyed by the file's bytes, so an edited file is read again."""
    key = (reader.__name__, path.resolve(), _sha(path))
    if key not in _parsed:
        _parsed[key] = reader(path)
    return _parsed[key]


def validate_cases(paths: Iterable[Path], options: BuildOptions) -> dict[Path, tuple[Problem, ...]]:
    """Every problem of every case, nothing written."""
    try:
        registry = load_registry(options)
    except InputError as exc:
        return {path: exc.problems for path in paths}
    result = {}
    for path in paths:
        prepared = prepare(path, registry, options)
        result[path] = prepared.problems if isinstance(prepared, Prepared) else prepared
    return result
