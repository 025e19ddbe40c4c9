"""The version folders of one decision in the archive: which exist, writing the next one all or nothing, and
cleaning what a killed run left behind.

A version is written in a hidden staging folder (`.v<N>-<8 random characters>`) beside the versions, then
renamed into place in one step; its files are read-only. Whoever writes holds an exclusive `flock` on the
decision's folder from before the staging folder exists until after the rename, so a staging folder found
while holding that lock belongs to a run that died (a SIGKILL, a power cut) and is removed. The kernel
drops the lock of a killed process, so nothing is ever left locked.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

VERSION = re.compile(r"v([1-9][0-9]*)")
STAGING = re.compile(r"\.v[1-9][0-9]*-[a-z0-9_]{8}")  # tempfile.mkdtemp(prefix=".v<N>-")


def versions(folder: Path) -> list[int]:
    """The version numbers written for the decision in `folder`, in order (empty when none)."""
    return sorted(int(match[1]) for path in folder.glob("v*") if (match := VERSION.fullmatch(path.name)))


@contextmanager
def _locked(folder: Path, *, wait: bool) -> Iterator[bool]:
    """Hold the decision folder's lock; yields False (without it) when `wait` is off and a writer has it."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # releases the lock


def clean_leftovers(folder: Path) -> tuple[Path, ...]:
    """Remove the staging folders of dead runs from `folder` (none while another run is writing there)."""
    if not folder.is_dir():
        return ()
    with _locked(folder, wait=False) as held:
        return _remove_staging(folder) if held else ()


def _remove_staging(folder: Path) -> tuple[Path, ...]:
    """Call with the folder's lock held: then every staging folder in it is a leftover."""
    removed = []
    for path in folder.iterdir():
        if STAGING.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
            removed.append(path)
    return tuple(removed)


def write_version(folder: Path, number: int, files: Mapping[str, bytes]) -> Path:
    """Write `folder/v<number>` holding `files` (name → bytes), all or nothing, never onto a version."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"v{number}"
    with _locked(folder, wait=True):
        _remove_staging(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".v{number}-", dir=folder))
        try:
            for name, data in files.items():
                _write_new(staging / name, data)
            staging.chmod(0o755)
            if target.exists():
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
            os.rename(staging, target)  # a version folder is never empty, so this cannot replace one
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _sync(folder)
    return target


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never replacing a file), flush it to disk and make it read-only."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o444)


def _sync(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
