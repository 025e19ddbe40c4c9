"""Writing a case's output folder all or nothing, safe under concurrent writers and readers.

The files go into a staging folder beside the target (`.<name>.new-XXXXXXXX`), the manifest last; the
staging folder and the target are then exchanged in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), so
a reader always finds a whole folder, the old or the new one, never none and never half; the old one is
removed only by the next write (a reader may still be reading it). Before anything is
written the documents are checked (`verify`) in a private folder. Writers into one output folder take turns
(`flock` on that folder), which also makes every staging or retired folder found under the lock a leftover
of a killed run: it is removed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.outputs.manifest import MANIFEST, Manifest, dumps
from pipeline.outputs.targets import target_problems
from pipeline.problems import Problem, errors
from pipeline.records import Artifact

Verify = Callable[[Sequence[Path]], Sequence[Problem]]
"""Checks the rendered documents (written to a private folder); an error among its problems stops the write."""


@dataclass(frozen=True, slots=True)
class Written:
    """What `write_build` did: the artifacts written (none when refused) and the problems found on the way."""

    artifacts: tuple[Artifact, ...]
    problems: tuple[Problem, ...] = ()


def write_build(target: Path, documents: Mapping[str, tuple[str, bytes]],
                manifest: Callable[[tuple[Artifact, ...]], Manifest], inputs: Sequence[Path] = (),
                verify: Verify | None = None) -> Written:
    """Write `documents` (file name → (kind, bytes)) and the manifest made from their artifacts into `target`,
    replacing what was there only once everything is written. Nothing is written when `verify` finds an
    error in the documents, or when `target` is, holds or lies inside one of `inputs`, or is something other
    than a previous build."""
    refused = target_problems(target, inputs)
    found = _verified(documents, verify, target) if verify and not refused else ()
    if refused or errors(found):
        return Written((), refused + found)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent):
        refused = target_problems(target, inputs)  # another process may have put something there meanwhile
        if refused:
            return Written((), refused)
        _remove_leftovers(target)
        staging = _new_folder(target, "new")
        try:
            artifacts = []
            for name, (kind, data) in documents.items():
                (staging / name).write_bytes(data)
                artifacts.append(Artifact(kind, target / name, hashlib.sha256(data).hexdigest()))
            (staging / MANIFEST).write_bytes(dumps(manifest(tuple(artifacts))))
            _swap_into_place(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # nothing left there after a swap
    return Written(tuple(artifacts), found)


def _verified(documents: Mapping[str, tuple[str, bytes]], verify: Verify, target: Path) -> tuple[Problem, ...]:
    """`verify` run on the documents written to a private folder, its problems located in `target`."""
    with tempfile.TemporaryDirectory(prefix="qdgen-check-") as folder:
        for name, (_kind, data) in documents.items():
            (Path(folder) / name).write_bytes(data)
        return tuple(_placed(problem, Path(folder), target)
                     for problem in verify([Path(folder) / name for name in documents]))


def _placed(problem: Problem, folder: Path, target: Path) -> Problem:
    """A problem found in `folder`, located where its file would be written."""
    file = problem.location.file
    if file == folder:
        return replace(problem, location=replace(problem.location, file=target))
    if file is None or file.parent != folder:
        return problem
    return replace(problem, location=replace(problem.location, file=target / file.name))


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Held while one process replaces a build in `folder` (an `flock` on the folder itself, so no lock file
    is left behind); released by the system if that process dies."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _new_folder(target: Path, role: str) -> Path:
    """A fresh hidden sibling of `target`, with the mode the umask gives (`mkdtemp` would give 0700)."""
    while True:
        folder = target.with_name(f".{target.name}.{role}-{secrets.token_hex(4)}")
        try:
            folder.mkdir(0o777)
            return folder
        except FileExistsError:
            continue


def _remove_leftovers(target: Path) -> None:
    """Staging and retired folders of `target` left by a run that was killed; call only under the lock.
    Those of qdgen before this protocol (`.<name>.XXXXXXXX`, `.<name>.old`) only when they hold nothing but
    what a build writes: the latter could be a clerk's folder an older qdgen moved aside."""
    ours = re.compile(rf"\.{re.escape(target.name)}\.(?:new|old)-[0-9a-f]{{8}}")
    older = re.compile(rf"\.{re.escape(target.name)}\.(?:[a-z0-9_]{{8}}|old)")
    for entry in target.parent.iterdir():
        if not entry.is_dir() or entry.is_symlink():
            continue
        if ours.fullmatch(entry.name) or (older.fullmatch(entry.name) and _only_build_files(entry)):
            shutil.rmtree(entry, ignore_errors=True)


def _only_build_files(folder: Path) -> bool:
    return all(entry.is_file() and not entry.is_symlink() and (entry.suffix == ".docx" or entry.name == MANIFEST)
               for entry in folder.iterdir())


_libc = ctypes.CDLL(None, use_errno=True)
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _swap_into_place(staging: Path, target: Path) -> None:
    """Put `staging` at `target`. A previous build is kept, hidden, as `.<name>.old-XXXXXXXX` until the next
    write of `target` removes it: a reader that opened it just before the swap still reads it whole."""
    if not target.exists():
        os.replace(staging, target)
        return
    retired = _new_folder(target, "old")
    if _exchange(staging, target):
        os.replace(staging, retired)
    else:  # a file system without atomic exchange: a moment with no target
        os.replace(target, retired)
        os.replace(staging, target)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system or file system cannot."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))
