"""Orchestration: the only module that knows the stage order.

For each case: load → validate → (outdated?) → gather → compose → render → write all or nothing.
What differs between kinds of decision (their keys, checks, inputs, composition, annexes) is the kind's
(`pipeline/kinds/`); this module only calls it in order. Outputs go to a temporary folder beside the
target, the manifest is written last, and the folder is renamed into place; a failed case leaves what
was there before untouched. An issued decision whose existing outputs differ from what would be built
now is never silently regenerated.

A case none of whose inputs changed since its last verdict is answered from `memo` before anything is
parsed: this module imports the readers, kinds and renderers (`prepare`, `outputs`, `ooxml`) only for the
cases that need them.
"""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.build import memo, remembered
from pipeline.build.options import BuildOptions, load_registry
from pipeline.domain.legal import Registry
from pipeline.domain.outdated import reasons
from pipeline.inputs.workspace import case_file
from pipeline.problems import InputError, Location, Problem, errors
from pipeline.records import Annex, Artifact, Decision

if TYPE_CHECKING:  # rendering, checking, ranking and writing are imported when they run: a case found up to
    # date needs none of docxtpl, python-docx or the checker, and `validate` nothing that writes
    from pipeline.build.prepare import Planned
    from pipeline.build.prepared import Kept, Prepared, Templates
    from pipeline.ooxml.package import CoreProperties
    from pipeline.outputs.manifest import Manifest

ISSUED_CHANGED = "build.issued_changed"
"""The code of a build refused because an issued decision's inputs changed after it was built."""
DECISION_FILE = "quyet-dinh.docx"


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
    """Build every case; results in the order of `paths`. A case remembered up to date (`memo`) is not read;
    `workers` processes share the others (default: one per core for batches of PARALLEL_FROM cases or more,
    else none)."""
    from pipeline.outputs.targets import shared_targets

    clashes = shared_targets({path: options.out / case_file(path).parent.name for path in paths})
    if clashes:  # cases of one batch that would write one folder: none of them is built
        rest = build_cases([path for path in paths if path not in clashes], options, workers)
        done = {result.case: result for result in rest}
        return tuple(done.get(path) or CaseResult(path, BuildStatus.FAILED, problems=clashes[path]) for path in paths)
    done = {path: result for path in paths if (result := _recalled_build(path, options)) is not None}
    pending = [path for path in paths if path not in done]
    if pending:
        done.update(zip(pending, _build_read(pending, options, workers)))
    return tuple(done[path] for path in paths)


def _build_read(paths: Sequence[Path], options: BuildOptions, workers: int | None) -> tuple[CaseResult, ...]:
    try:
        registry = load_registry(options)
    except InputError as exc:
        return tuple(CaseResult(path, BuildStatus.FAILED, problems=exc.problems) for path in paths)
    if workers is None:  # by default only batches large enough to repay starting the workers
        workers = min(os.cpu_count() or 1, len(paths)) if len(paths) >= PARALLEL_FROM else 1
    if workers < 2 or len(paths) < 2:
        return tuple(build_case(path, registry, options) for path in paths)
    from concurrent.futures import ProcessPoolExecutor

    _worker[:] = [_WorkerContext(registry, options)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(options,)) as pool:
        return tuple(pool.map(_build_in_worker, paths, chunksize=max(1, len(paths) // (workers * 4))))


def _start_worker(options: BuildOptions) -> None:
    """Workers reuse the parent's registry when forked; a spawned worker reads it again."""
    if not _worker or _worker[0].options != options:
        _worker[:] = [_WorkerContext(load_registry(options), options)]


def _build_in_worker(path: Path) -> CaseResult:
    return build_case(path, _worker[0].registry, _worker[0].options)


def build_case(path: Path, registry: Registry, options: BuildOptions) -> CaseResult:
    """Build one case unless its outputs are up to date (decided from fingerprints alone, nothing parsed).

    A case this build (or an earlier one, into any folder) read, checked and composed with the same inputs
    is not read again: `memo` gives back what it became (`Kept`)."""
    from pipeline.outputs.manifest import MANIFEST, read_manifest
    from pipeline.outputs.targets import case_inputs, target_problems

    kept = memo.recall_object("prepared", case_file(path), _context(options))
    planned = None
    if kept is None:
        from pipeline.build.prepare import plan

        try:
            planned = plan(path, registry, options)
        except InputError as exc:
            return CaseResult(path, BuildStatus.FAILED, problems=exc.problems)
    case = planned.case if planned else kept.prepared.case
    fingerprints, statuses = (planned.fingerprints, planned.statuses) if planned else (
        kept.prepared.fingerprints, kept.prepared.statuses)
    target = options.out / case.name
    refused = target_problems(target, case_inputs(case, options.registry_dirs))
    if refused:  # before anything else: a folder that is not ours says nothing about this case
        return CaseResult(path, BuildStatus.FAILED, target, problems=refused)
    previous = read_manifest(target)
    why = reasons(fingerprints, previous.fingerprints if previous else None,
                  statuses, previous.citations if previous else None)
    if not why and planned is not None:
        from pipeline.build.prepare import dependencies

        _remember_build(case.path, *dependencies(planned, options), options, target)
    if not why:
        return CaseResult(path, BuildStatus.UP_TO_DATE, target)
    if kept is None:
        from pipeline.build.prepare import prepare_planned

        kept = _kept(planned, prepare_planned(planned, registry), options)
        memo.remember_object("prepared", case_file(path), _context(options), kept.files, kept.folders, kept)
    prepared = kept.prepared
    if prepared.decision is None:
        return CaseResult(path, BuildStatus.FAILED, target, reasons=why if previous else (),
                          problems=prepared.problems)
    if case.is_issued and previous is not None and previous.decision.is_draft:
        from pipeline.outputs.drafts import keep_draft

        keep_draft(target)  # the draft built before issuing is history (<out>/.drafts/<case>/n), not a block
        previous = None
    if case.is_issued and previous is not None:
        return CaseResult(path, BuildStatus.FAILED, target, reasons=why, problems=prepared.problems + (Problem(
            ISSUED_CHANGED,
            f"Quyết định số {case.number:02d} đã ban hành và đã có bản tạo trước; không tạo lại.",
            Location(file=target / MANIFEST),
            "Văn bản đã ban hành là hồ sơ lịch sử. Nếu thật sự cần, hãy chuyển thư mục cũ đi nơi khác rồi tạo lại."),))

    from pipeline.outputs.manifest import manifest_data
    from pipeline.outputs.write import write_build

    def manifest(artifacts: tuple[Artifact, ...]) -> Manifest:
        return manifest_data(prepared.case.name, prepared.decision, artifacts, __version__,
                             prepared.fingerprints, prepared.statuses, prepared.annex_agencies)

    written = write_build(target, render_documents(prepared.decision, prepared.templates), manifest,
                          case_inputs(case, options.registry_dirs), remembered.checked)
    if errors(written.problems):
        return CaseResult(path, BuildStatus.FAILED, target, reasons=why, problems=prepared.problems + written.problems)
    _remember_build(case.path, kept.files, kept.folders, options, target)
    return CaseResult(path, BuildStatus.BUILT, target, written.artifacts, why, prepared.problems + written.problems)


def _kept(planned: Planned, prepared: Prepared, options: BuildOptions) -> Kept:
    """A prepared case with the files and folders it was computed from (`prepare.dependencies`)."""
    from pipeline.build.prepare import dependencies
    from pipeline.build.prepared import Kept

    # the case without its kind's keys model (a pydantic object): read when checking and composing, done by now
    prepared = dataclasses.replace(prepared, case=dataclasses.replace(prepared.case, keys=None))
    return Kept(prepared, *dependencies(planned, options))


def render_documents(decision: Decision, templates: Templates) -> dict[str, tuple[str, bytes]]:
    """File name → (artifact kind, bytes) of the decision and each document its kind produces beside it."""
    from pipeline.ooxml.render import context_of, load_template, render

    def template(path: Path):
        return load_template(path, remembered.TEMPLATES)

    core = _core_properties(decision)
    documents = {DECISION_FILE: ("decision", render(template(templates.decision), context_of(decision), core))}
    for attachment in decision.attachments:
        documents[f"{attachment.key}.docx"] = ("attachment", render(
            template(templates.attachment), {"attachment": attachment},
            dataclasses.replace(core, title=attachment.subject)))
    for annex in decision.annexes:
        annex_core = dataclasses.replace(core, title=f"{annex.label}: {annex.title}")
        documents[f"{annex.key}.docx"] = ("annex", render(template(templates.annex),
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
    """Every problem of every case, nothing written (but the verdict remembered, `memo`)."""
    paths = list(paths)
    recalled = {path: memo.recall("validate", case_file(path), _context(options)) for path in paths}
    pending = [path for path in paths if recalled[path] is None]
    result = {path: tuple(Problem.from_json(item) for item in recalled[path]["problems"])
              for path in paths if recalled[path] is not None}
    if pending:
        result.update(_validate_read(pending, options))
    return {path: result[path] for path in paths}


def _validate_read(paths: Sequence[Path], options: BuildOptions) -> dict[Path, tuple[Problem, ...]]:
    from pipeline.build.prepare import dependencies, plan, prepare_planned

    try:
        registry = load_registry(options)
    except InputError as exc:
        return {path: exc.problems for path in paths}
    result = {}
    for path in paths:
        try:
            planned = plan(path, registry, options, fingerprinted=False)
        except InputError as exc:
            result[path] = exc.problems
            continue
        result[path] = prepare_planned(planned, registry).problems
        memo.remember("validate", case_file(path), _context(options), *dependencies(planned, options),
                      {"problems": [problem.to_json() for problem in result[path]]})
    return result


def _context(options: BuildOptions, *, out: bool = False) -> dict[str, object]:
    """What a verdict depends on besides files: the day, the options (and, for a build, where it goes) and the
    working folder (the paths a verdict names are as the command was given them)."""
    context = {"day": options.build_day, "as_of": options.as_of, "cwd": os.getcwd(),
               "registries": [str(p.resolve()) for p in options.registry_dirs]}
    return {**context, "out": str(options.out.resolve())} if out else context


def _recalled_build(path: Path, options: BuildOptions) -> CaseResult | None:
    verdict = memo.recall("build", case_file(path), _context(options, out=True))
    return None if verdict is None else CaseResult(path, BuildStatus.UP_TO_DATE, Path(verdict["out_dir"]))


def _remember_build(case: Path, files: Sequence[Path], folders: Sequence[Path], options: BuildOptions,
                    target: Path) -> None:
    """A case whose outputs are now up to date, remembered with what it was computed from and its output folder's
    manifest (a folder changed or removed since is a change)."""
    from pipeline.outputs.manifest import MANIFEST

    memo.remember("build", case_file(case), _context(options, out=True), (*files, target / MANIFEST), folders,
                  {"out_dir": str(target)})
