"""What a run of the stages is asked to do (`BuildOptions`) and the registry it reads.

Apart from `stages` so that the commands that only read the registry (`qdgen basis list|show`) do not
import the stages, the decision kinds and what they render with.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.domain.legal import Registry

PROJECT = Path(__file__).resolve().parents[2]
BUNDLED_REGISTRY = PROJECT / "legal_basis"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    out: Path
    registry_dirs: tuple[Path, ...] = (BUNDLED_REGISTRY,)
    build_day: dt.date = dataclasses.field(default_factory=dt.date.today)
    as_of: dt.date | None = None  # --as-of: the day drafts' citations are checked


def load_registry(options: BuildOptions) -> Registry:
    """The bundled registry plus any `--registry` folders (raises InputError)."""
    from pipeline.inputs.load import read_registry  # not for commands that only name the registry's folder

    return read_registry(options.registry_dirs)
