"""Orchestration: the only module that knows the stage order.

For each case: load → validate → (outdated?) → gather → compose → render → write all or nothing.
What differs between kinds of decision (their keys, checks, inputs, composition, annexes) is the kind's
(`pipeline/kinds/`); this module only calls it in order. Outputs go to a temporary folder beside the
target, the manifest is written last, and the folder is renamed into place; a failed case leaves what
was there before untouched. An issued decision whose existing outputs differ from what would be built
now is never silently regenerated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.build.options import BuildOptions, load_registry
from pipeline.domain.legal import Registry
from pipeline.domain.outdated import CitedStatus, cited_statuses, fingerprints, reasons
from pipeline.domain.validate import check_day, validate_case
from pipeline.inputs.cache import ParsedFiles, file_digest
from pipeline.inputs.load import case_file, read_case
from pipeline.inputs.sources import read_yaml
from pipeline.inputs.units import bundled_units
from pipeline.kinds.base import BUNDLED_TEMPLATES, Kind
from pipeline.kinds.compose import wording_problems
from pipeline.kinds.registry import kind_named
from pipeline.outputs.drafts import keep_draft
from pipeline.outputs.manifest import MANIFEST, Manifest, manifest_data, read_manifest
from pipeline.outputs.provenance import producer
from pipeline.outputs.targets import case_inputs, shared_targets, target_problems
from pipeline.outputs.write import write_build
from pipeline.problems import InputError, Location, Problem, errors
from pipeline.records import Annex, Artifact, Case, Decision, ScoreSource

if TYPE_CHECKING:  # rendering, checking and ranking are imported when they run: a case found up to date
    from pipeline.ooxml.package import CoreProperties  # needs none of docxtpl, python-docx or the checker

TEMPLATES = BUNDLED_TEMPLATES
ISSUED_CHANGED = "build.issued_changed"
"""The code of a build refused because an issued decision's inputs changed after it was built."""
DECISION_FILE = "quyet-dinh.docx"

PARSED = ParsedFiles()
"""Criteria sets and agency lists parsed once per process (a batch shares them); `PARSED.clear()` empties it."""


class BuildStatus(enum.StrEnum):
    """What happened to one case; the values are what `--json` reports."""

    BUILT = "built"
    UP_TO_DATE = "up_to_date"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What happened to one case."""

    case: Path
    status: BuildStatus
    out_dir: Path | None = None
    artifacts: tuple[Artifact, ...] = ()
    reasons: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


PARALLEL_FROM = 8
"""Batches at least this large are spread over the machine's cores."""


@dataclass(frozen=True, slots=True)
class _WorkerContext:
    registry: Registry
    options: BuildOptions


_worker: list[_WorkerContext] = []
"""The registry and options of this process's batch, set before the pool forks (so workers inherit
them) or, in a spawned worker, by `_start_worker`."""


def build_cases(paths: Sequence[Path], options: BuildOptions, workers: int | None = None) -> tuple[CaseResult, ...]:
    """Build every case; results in the order of `paths`. `workers` processes share the work (default:
    one per core for batches of PARALLEL_FROM cases or more, else none)."""
    try:
        registry = load_registry(options)
    except InputError as exc:
        return tuple(CaseResult(path, BuildStatus.FAILED, problems=exc.problems) for path in paths)
    clashes = shared_targets({path: options.out / case_file(path).parent.name for path in paths})
    if clashes:  # cases of one batch that would write one folder: none of them is built
        rest = build_cases([path for path in paths if path not in clashes], options, workers)
        done = {result.case: result for result in rest}
        return tuple(done.get(path) or CaseResult(path, BuildStatus.FAILED, problems=clashes[path]) for path in paths)
    if workers is None:  # by default only batches large enough to repay starting the workers
        workers = min(os.cpu_count() or 1, len(paths)) if len(paths) >= PARALLEL_FROM else 1
    if workers < 2 or len(paths) < 2:
        return tuple(build_case(path, registry, options) for path in paths)
    _worker[:] = [_WorkerContext(registry, options)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(options,)) as pool:
        return tuple(pool.map(_build_in_worker, paths, chunksize=max(1, len(paths) // (workers * 4))))


def _start_worker(options: BuildOptions) -> None:
    """Workers reuse the parent's registry when forked; a spawned worker reads it again."""
    if not _worker or _worker[0].options != options:
        _worker[:] = [_WorkerContext(load_registry(options), options)]


def _build_in_worker(path: Path) -> CaseResult:
    return build_case(path, _worker[0].registry, _worker[0].options)


@dataclass(frozen=True, slots=True)
class Planned:
    """A case read and fingerprinted, nothing else: enough to tell whether its outputs are up to date."""

    case: Case
    kind: Kind
    day: dt.date  # the day its citations must be in force
    fingerprints: Mapping[str, str]
    statuses: tuple[CitedStatus, ...]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A case loaded and checked, with everything needed to render it.

    `decision` is None when the case has errors (then `problems` holds them).
    """

    case: Case
    decision: Decision | None
    fingerprints: Mapping[str, str]
    statuses: tuple[CitedStatus, ...]
    problems: tuple[Problem, ...]
    annex_agencies: Mapping[str, Sequence[str]]


def plan(path: Path, registry: Registry, options: BuildOptions) -> Planned:
    """Read the case file and hash every input it names (without parsing them): the fingerprints a
    previous build is compared with. Raises InputError when the case file cannot be read."""
    loaded = read_case(path)
    case = loaded.case
    kind = kind_named(case.template)
    day = check_day(case, options.build_day, options.as_of)
    statuses = cited_statuses(case, registry, registry.as_of(day))
    return Planned(case, kind, day, fingerprints(input_digests(kind, case, loaded.digest), statuses, producer()),
                   statuses)


def input_digests(kind: Kind, case: Case, case_digest: str) -> dict[str, str]:
    """sha256 of every file a case's outputs depend on, by role (`sheet:par`, `template:…`)."""
    files = {"wording": kind.wording_file, f"template:{kind.name}": kind.template_file, **kind.inputs(case)}
    return {"case": case_digest, **{role: file_digest(path) for role, path in files.items()}}


def prepare(path: Path, registry: Registry, options: BuildOptions) -> Prepared:
    """Load, validate, gather and compose one case; raises InputError when it cannot even be read."""
    return _prepare(plan(path, registry, options), registry)


def _prepare(planned: Planned, registry: Registry) -> Prepared:
    case, kind = planned.case, planned.kind
    problems = [*validate_case(case, registry, planned.day, bundled_units()), *kind.checks(case)]
    try:
        wording = PARSED.read(read_yaml, kind.wording_file).data
    except InputError as exc:
        wording = {}
        problems.extend(exc.problems)
    problems.extend(wording_problems(case, wording, kind.placeholders))
    gathered, found = kind.gather(case, PARSED)
    problems.extend(found)
    if errors(problems):
        return Prepared(case, None, planned.fingerprints, planned.statuses, tuple(problems), {})
    decision = kind.compose(case, registry, wording, gathered)
    return Prepared(case, decision, planned.fingerprints, planned.statuses, tuple(problems),
                    kind.annex_agencies(decision, gathered))


def rank_sheet(index: str, sheet: Path, criteria: Path | None, agencies: Path) -> tuple[Any, list[Problem]]:
    """One score sheet read, checked and ranked on its own (`qdgen rank`): (ranking or None, problems)."""
    from pipeline.inputs.agencies import read_agencies
    from pipeline.kinds.cong_bo_chi_so import rank_index

    try:
        return rank_index(index, ScoreSource(index, sheet, criteria), read_agencies(agencies), PARSED)
    except InputError as exc:
        return None, list(exc.problems)


def build_case(path: Path, registry: Registry, options: BuildOptions) -> CaseResult:
    """Build one case unless its outputs are up to date (decided from fingerprints alone, nothing parsed)."""
    try:
        planned = plan(path, registry, options)
    except InputError as exc:
        return CaseResult(path, BuildStatus.FAILED, problems=exc.problems)
    case = planned.case
    target = options.out / case.name
    refused = target_problems(target, case_inputs(case, options.registry_dirs))
    if refused:  # before anything else: a folder that is not ours says nothing about this case
        return CaseResult(path, BuildStatus.FAILED, target, problems=refused)
    previous = read_manifest(target)
    why = reasons(planned.fingerprints, previous.fingerprints if previous else None,
                  planned.statuses, previous.citations if previous else None)
    if not why:
        return CaseResult(path, BuildStatus.UP_TO_DATE, target)
    prepared = _prepare(planned, registry)
    if prepared.decision is None:
        return CaseResult(path, BuildStatus.FAILED, target, reasons=why if previous else (),
                          problems=prepared.problems)
    if case.is_issued and previous is not None and previous.decision.is_draft:
        keep_draft(target)  # the draft built before issuing is history (<out>/.drafts/<case>/n), not a block
        previous = None
    if case.is_issued and previous is not None:
        return CaseResult(path, BuildStatus.FAILED, target, reasons=why, problems=prepared.problems + (Problem(
            ISSUED_CHANGED,
            f"Quyết định số {case.number:02d} đã ban hành và đã có bản tạo trước; không tạo lại.",
            Location(file=target / MANIFEST),
            "Văn bản đã ban hành là hồ sơ lịch sử. Nếu thật sự cần, hãy chuyển thư mục cũ đi nơi khác rồi tạo lại."),))

    def manifest(artifacts: tuple[Artifact, ...]) -> Manifest:
        return manifest_data(prepared.case.name, prepared.decision, artifacts, __version__,
                             prepared.fingerprints, prepared.statuses, prepared.annex_agencies)

    from pipeline.outputs.verify import check_outputs

    written = write_build(target, render_documents(prepared.decision), manifest,
                          case_inputs(case, options.registry_dirs), check_outputs)
    if errors(written.problems):
        return CaseResult(path, BuildStatus.FAILED, target, reasons=why, problems=prepared.problems + written.problems)
    return CaseResult(path, BuildStatus.BUILT, target, written.artifacts, why, prepared.problems + written.problems)


def render_documents(decision: Decision) -> dict[str, tuple[str, bytes]]:
    """File name → (artifact kind, bytes) of the decision and each document its kind produces beside it."""
    from pipeline.ooxml.render import context_of, load_template, render

    kind = kind_named(decision.template)
    core = _core_properties(decision)
    documents = {DECISION_FILE: ("decision", render(load_template(kind.template_file), context_of(decision), core))}
    for attachment in decision.attachments:
        documents[f"{attachment.key}.docx"] = ("attachment", render(
            load_template(kind.attachment_template), {"attachment": attachment},
            dataclasses.replace(core, title=attachment.subject)))
    for annex in decision.annexes:
        annex_core = dataclasses.replace(core, title=f"{annex.label}: {annex.title}")
        documents[f"{annex.key}.docx"] = ("annex", render(load_template(kind.annex_template),
                                                          {"annex": _with_end_mark(annex)}, annex_core))
    return documents


def _with_end_mark(annex: Annex) -> Annex:
    """The annex content ends with `./.` (Mẫu 2.1): the last note under the last table carries it."""
    if not annex.tables:
        return annex
    last = annex.tables[-1]
    return dataclasses.replace(annex, tables=annex.tables[:-1] + (
        dataclasses.replace(last, note=last.note.rstrip(" ./") + "./."),))


def _core_properties(decision: Decision) -> CoreProperties:
    from pipeline.ooxml.package import CoreProperties

    number = f"{decision.number:02d}/{decision.symbol}" if decision.number else f"dự thảo/{decision.symbol}"
    return CoreProperties(title=decision.subject, subject=f"Quyết định số {number}",
                          creator=decision.organ, keywords=f"{decision.symbol}; {decision.template}",
                          created=decision.date.as_date())


def validate_cases(paths: Iterable[Path], options: BuildOptions) -> dict[Path, tuple[Problem, ...]]:
    """Every problem of every case, nothing written."""
    try:
        registry = load_registry(options)
    except InputError as exc:
        return {path: exc.problems for path in paths}
    result = {}
    for path in paths:
        try:
            result[path] = prepare(path, registry, options).problems
        except InputError as exc:
            result[path] = exc.problems
    return result
