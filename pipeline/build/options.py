"""What a run of the stages is asked to do (`BuildOptions`) and the registry it reads.

Apart from `stages` so that the commands that only read the registry (`qdgen basis list|show`) import
neither the stages, the decision kinds and what they render with, nor (once it is remembered) the YAML
reader and pydantic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
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
    """The bundled registry plus any `--registry` folders (raises InputError). Once read without a problem it
    is remembered (`memo`): until one of its files changes, a command reads no YAML to know it."""
    from pipeline.build import memo
    from pipeline.domain.legal import Registry
    from pipeline.records import LegalDocument, frozen_map

    context = {"registries": [str(folder.absolute()) for folder in options.registry_dirs], "cwd": os.getcwd()}
    remembered = memo.recall("registry", "registry", context)
    if remembered is not None:
        return Registry(frozen_map({entry["id"]: LegalDocument.from_json(entry) for entry in remembered["documents"]}))
    from pipeline.inputs.registry import read_registry  # pydantic and the YAML reader: only when it is read

    registry = read_registry(options.registry_dirs)
    memo.remember("registry", "registry", context, (), options.registry_dirs,
                  {"documents": [document.to_json() for document in registry.documents.values()]})
    return registry
