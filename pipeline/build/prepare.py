"""One case read, checked and composed: load → validate → gather → compose, nothing written.

`plan` reads the case and fingerprints its inputs (enough to tell whether a build is up to date); `prepare`
goes on to check it and compose the decision. What differs between kinds is the kind's (`pipeline/kinds/`).
`stages` runs this for each case of a batch; `issue` and `regenerate` call it directly.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.build import remembered
from pipeline.build.options import BuildOptions
from pipeline.build.prepared import Prepared, Templates
from pipeline.domain.legal import Registry
from pipeline.domain.outdated import CitedStatus, cited_statuses, fingerprints
from pipeline.domain.validate import check_day, validate_case
from pipeline.inputs.cache import BUNDLED_UNITS, ParsedFiles, file_digest
from pipeline.inputs.load import read_case
from pipeline.inputs.sources import read_yaml
from pipeline.kinds.base import Kind
from pipeline.kinds.compose import wording_problems
from pipeline.kinds.registry import kind_named
from pipeline.problems import InputError, Problem, errors
from pipeline.records import Case, ScoreSource

PARSED = ParsedFiles(remembered.KeptParses())
"""Criteria sets, agency lists, score sheets and the units data parsed once per content (a batch shares them,
and `memo` keeps them for the next command); `PARSED.clear()` empties what this process holds."""


@dataclass(frozen=True, slots=True)
class Planned:
    """A case read and fingerprinted, nothing else: enough to tell whether its outputs are up to date."""

    case: Case
    kind: Kind
    day: dt.date  # the day its citations must be in force
    fingerprints: Mapping[str, str]
    statuses: tuple[CitedStatus, ...]


def plan(path: Path, registry: Registry, options: BuildOptions, *, fingerprinted: bool = True) -> Planned:
    """Read the case file and hash every input it names (without parsing them): the fingerprints a
    previous build is compared with (none when not `fingerprinted`: `validate` compares with nothing).
    Raises InputError when the case file cannot be read."""
    loaded = read_case(path, PARSED.units())
    case = loaded.case
    kind = kind_named(case.template)
    day = check_day(case, options.build_day, options.as_of)
    statuses = cited_statuses(case, registry, registry.as_of(day))
    if not fingerprinted:
        return Planned(case, kind, day, {}, statuses)
    from pipeline.outputs.provenance import producer  # what produced a build: only a build compares it

    return Planned(case, kind, day, fingerprints(input_digests(kind, case, loaded.digest), statuses, producer()),
                   statuses)


def input_files(kind: Kind, case: Case) -> dict[str, Path | None]:
    """Every file besides the case that its outputs depend on, by role (`sheet:par`, `template:…`)."""
    return {"wording": kind.wording_file, f"template:{kind.name}": kind.template_file, **kind.inputs(case)}


def input_digests(kind: Kind, case: Case, case_digest: str) -> dict[str, str]:
    """sha256 of every file a case's outputs depend on, by role."""
    return {"case": case_digest, **{role: file_digest(path) for role, path in input_files(kind, case).items()}}


def prepare(path: Path, registry: Registry, options: BuildOptions) -> Prepared:
    """Load, validate, gather and compose one case; raises InputError when it cannot even be read."""
    return prepare_planned(plan(path, registry, options), registry)


def prepare_planned(planned: Planned, registry: Registry) -> Prepared:
    case, kind = planned.case, planned.kind
    problems = [*validate_case(case, registry, planned.day, PARSED.units()), *kind.checks(case)]
    try:
        wording = PARSED.read(read_yaml, kind.wording_file).data
    except InputError as exc:
        wording = {}
        problems.extend(exc.problems)
    problems.extend(wording_problems(case, wording, kind.placeholders))
    gathered, found = kind.gather(case, PARSED)
    problems.extend(found)
    templates = Templates(kind.template_file, kind.annex_template, kind.attachment_template)
    if errors(problems):
        return Prepared(case, None, planned.fingerprints, planned.statuses, tuple(problems), {}, templates)
    decision = kind.compose(case, registry, wording, gathered)
    return Prepared(case, decision, planned.fingerprints, planned.statuses, tuple(problems),
                    kind.annex_agencies(decision, gathered), templates)


def rank_sheet(index: str, sheet: Path, criteria: Path | None, agencies: Path) -> tuple[Any, list[Problem]]:
    """One score sheet read, checked and ranked on its own (`qdgen rank`): (ranking or None, problems)."""
    from pipeline.inputs.agencies import read_agencies
    from pipeline.kinds.cong_bo_chi_so import rank_index

    try:
        return rank_index(index, ScoreSource(index, sheet, criteria), read_agencies(agencies), PARSED)
    except InputError as exc:
        return None, list(exc.problems)


def dependencies(planned: Planned, options: BuildOptions) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """What a case's verdict was computed from, for `memo`: its files (the case, its wording and template,
    the files its kind reads, the kind's own module when it is not part of qdgen) and the folders read whole
    (the registries, the units data)."""
    kind, case = planned.kind, planned.case
    module = getattr(sys.modules.get(type(kind).__module__), "__file__", None)
    files = (case.path, *((Path(module),) if module else ()),
             *(path for path in input_files(kind, case).values() if path is not None))
    return files, (*options.registry_dirs, BUNDLED_UNITS)
