"""A workspace on disk: the case folders the CLI also works on, where builds and previews go, and how a
name from a request is turned into a file without ever being used as a path.

Layout (the bundled `fixtures/` folder is one): `cases/<name>/case.yaml` and the files it names,
`agencies/`, `criteria/` beside them, optionally `legal_basis/` (added to the bundled registry); builds go
to `out/<name>/` (or the folder given), previews to `.qdgen/preview/<name>/`, the page's store and locks
to `.qdgen/`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.options import BUNDLED_REGISTRY, BuildOptions
from pipeline.inputs.workspace import CASE_FILE

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")
"""A case name: lower-case ASCII letters, digits and dashes — never a path."""
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""A file name a clerk may upload into a case folder: no separators, no leading dot."""
STATE = ".qdgen"


class NotFound(Exception):
    """A name from a request that names nothing in the workspace."""


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path
    out: Path

    @classmethod
    def at(cls, root: Path, out: Path | None = None) -> Workspace:
        root = root.resolve()
        return cls(root, (out or root / "out").resolve())

    @property
    def cases_dir(self) -> Path:
        return self.root / "cases"

    @property
    def state(self) -> Path:
        return self.root / STATE

    def options(self) -> BuildOptions:
        local = self.root / "legal_basis"
        extra = (local,) if local.is_dir() and local.resolve() != BUNDLED_REGISTRY.resolve() else ()
        return BuildOptions(out=self.out, registry_dirs=(BUNDLED_REGISTRY, *extra))

    def case_names(self) -> list[str]:
        if not self.cases_dir.is_dir():
            return []
        return sorted(entry.name for entry in _entries(self.cases_dir)
                      if NAME.match(entry.name) and entry.is_dir(follow_symlinks=False)
                      and os.path.isfile(os.path.join(entry.path, CASE_FILE)))

    def case_dir(self, name: str) -> Path:
        """The folder of an existing case; NotFound for anything else (a name is looked up, never joined)."""
        if not NAME.match(name) or name not in self.case_names():
            raise NotFound(name)
        return self.cases_dir / name

    def new_case_dir(self, name: str) -> Path:
        """The folder for a new case, created; ValueError for a bad name, FileExistsError for a taken one."""
        if not NAME.match(name):
            raise ValueError(name)
        self.cases_dir.mkdir(parents=True, exist_ok=True)
        folder = self.cases_dir / name
        folder.mkdir()
        return folder

    def build_dir(self, name: str) -> Path:
        return self.out / self.case_dir(name).name

    def preview_dir(self, name: str) -> Path:
        return self.state / "preview" / self.case_dir(name).name

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold the case's lock: one build, edit or upload of a case at a time, across threads and
        processes (an flock on a file of its own per case)."""
        locks = self.state / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{self.case_dir(name).name}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as entries:
        return list(entries)


def file_in(folder: Path, name: str, suffixes: tuple[str, ...] = ()) -> Path:
    """A regular file directly inside `folder` whose name is `name`, found by listing the folder: a name
    with a separator, `..`, a symlink or a file resolving outside is NotFound."""
    if not FILE_NAME.match(name) or (suffixes and not name.endswith(suffixes)) or not folder.is_dir():
        raise NotFound(name)
    for entry in _entries(folder):
        if entry.name == name and entry.is_file(follow_symlinks=False):
            path = Path(entry.path)
            if path.resolve().parent == folder.resolve():
                return path
    raise NotFound(name)


def files_in(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    """The names of the regular files with those endings directly in `folder`, sorted."""
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in _entries(folder)
                  if entry.name.endswith(suffixes) and FILE_NAME.match(entry.name)
                  and entry.is_file(follow_symlinks=False))


def write_new_file(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as `folder/name` atomically (replacing a regular file of that name); ValueError for a
    name that is not a plain file name."""
    if not FILE_NAME.match(name):
        raise ValueError(name)
    target = folder / name
    if target.is_symlink():
        raise ValueError(name)
    temporary = folder / f".{name}.upload"
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return target
