"""Writing a case's output folder all or nothing: files into a temporary sibling, manifest last, then a swap."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pipeline.outputs.manifest import MANIFEST, dumps
from pipeline.records import Artifact


def write_build(target: Path, documents: Mapping[str, tuple[str, bytes]],
                manifest: Callable[[tuple[Artifact, ...]], Mapping[str, Any]]) -> tuple[Artifact, ...]:
    """Write `documents` (file name → (kind, bytes)) and the manifest made from their artifacts into `target`,
    replacing what was there only once everything is written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        artifacts = []
        for name, (kind, data) in documents.items():
            (staging / name).write_bytes(data)
            artifacts.append(Artifact(kind, target / name, hashlib.sha256(data).hexdigest()))
        (staging / MANIFEST).write_bytes(dumps(manifest(tuple(artifacts))))
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return tuple(artifacts)


def _swap_into_place(staging: Path, target: Path) -> None:
    if target.exists():
        retired = target.with_name(f".{target.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, target)
