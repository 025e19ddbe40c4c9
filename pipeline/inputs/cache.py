"""Input files parsed once per process: a batch of cases shares its criteria sets and agency lists.

Entries are keyed by the reader, the file and the file's sha256, so an edited file is read again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def file_digest(path: Path | None) -> str:
    """sha256 of a file; a missing one gets a marker, so its fingerprint differs and the full build says why."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, AttributeError):
        return "absent"


class ParsedFiles:
    """`read(reader, path)` is `reader(path)`, computed once per content of the file."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, Path, str], object] = {}

    def read(self, reader: Callable[[Path], T], path: Path) -> T:
        key = (reader.__name__, path.resolve(), file_digest(path))
        if key not in self._parsed:
            self._parsed[key] = reader(path)
        return self._parsed[key]  # type: ignore[return-value]

    def clear(self) -> None:
        self._parsed.clear()
