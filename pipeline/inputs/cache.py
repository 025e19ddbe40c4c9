"""Input files parsed once per content: a batch of cases shares its criteria sets, agency lists and units data,
and a `store` (the build's `memo`) keeps what was parsed between processes.

Entries are keyed by what computed them, the files it read as they were named, and those files' sha256, so
an edited file is read again. A store recalls an entry only while those files (and the code) are unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from pipeline.domain.units import AdministrativeUnits

T = TypeVar("T")

BUNDLED_UNITS = Path(__file__).resolve().parents[2] / "fixtures" / "units"
"""The project's administrative units data (`inputs.units` reads it)."""


def file_digest(path: Path | None) -> str:
    """sha256 of a file; a missing one gets a marker, so its fingerprint differs and the full build says why."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, AttributeError):
        return "absent"


class ParseStore(Protocol):
    """Parses kept between processes: `recall` gives back what `remember` kept under `name` for `files` (and
    every file of `folders`) while none of them changed."""

    def recall(self, name: str, files: Sequence[Path], folders: Sequence[Path]) -> Any: ...

    def remember(self, name: str, files: Sequence[Path], folders: Sequence[Path], value: object) -> None: ...


class ParsedFiles:
    """`read(reader, path)` is `reader(path)`, computed once per content of the file; `derived` the same for
    any computation that reads only the files it names."""

    def __init__(self, store: ParseStore | None = None) -> None:
        self._parsed: dict[tuple, object] = {}
        self._store = store

    def read(self, reader: Callable[[Path], T], path: Path) -> T:
        return self.derived(f"{reader.__module__}.{reader.__qualname__}", (path,), lambda: reader(path))

    def derived(self, name: str, files: Sequence[Path], compute: Callable[[], T], folders: Sequence[Path] = ()) -> T:
        """`compute()`, a function of the bytes of `files` and of the `*.yaml` files in `folders` alone (and of
        the names they are given by: problems point at them), once per content of the files (a folder is read
        once per process). An InputError it raises is raised again next time, not kept."""
        key = (name, tuple(files), tuple(folders), tuple(path.resolve() for path in files),
               tuple(map(file_digest, files)))
        if key not in self._parsed:
            value = self._store.recall(name, files, folders) if self._store else None
            if value is None:
                value = compute()
                if self._store:
                    self._store.remember(name, files, folders, value)
            self._parsed[key] = value
        return self._parsed[key]  # type: ignore[return-value]

    def units(self) -> AdministrativeUnits:
        """The project's units data (`inputs.units.bundled_units`)."""
        return self.derived("units", (), _read_bundled_units, (BUNDLED_UNITS,))

    def clear(self) -> None:
        self._parsed.clear()


def _read_bundled_units() -> AdministrativeUnits:
    from pipeline.inputs.units import bundled_units  # its file models: only when the units are not kept

    return bundled_units()
