"""What one case becomes once read, checked and composed: records only, nothing that reads or renders.

Kept apart from `prepare` (which imports the readers and the case models) so that a `Prepared` remembered by
`memo` between processes is given back without importing them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.domain.outdated import CitedStatus
from pipeline.problems import Problem
from pipeline.records import Case, Decision


@dataclass(frozen=True, slots=True)
class Templates:
    """The templates a case's documents are rendered from: its kind's, by role."""

    decision: Path
    annex: Path | None = None
    attachment: Path | None = None


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
    templates: Templates


@dataclass(frozen=True, slots=True)
class Kept:
    """A prepared case as a build remembers it (`memo.remember_object`), with what it was computed from."""

    prepared: Prepared
    files: tuple[Path, ...]
    folders: tuple[Path, ...]
