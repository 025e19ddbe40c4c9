"""Verdicts remembered per case: asked again about a case none of whose inputs changed, `validate` and `build`
answer from what they found last time, without parsing anything (as Sphinx keeps its environment between
builds, and ruff its findings per file content). The registry read without a problem is remembered the same
way (`options.load_registry`).

A verdict is remembered with everything it was computed from: the sha256 of every file read for it (the case,
its wording and templates, the sheets, criteria set and agency list it names, every registry file, the units
data and, for a build, the manifest of its output folder), the listing of every folder whose files were all
read (a registry file added is a change), what produced it (the code, and the name and version of every
installed library) and the command's context (the day, `--as-of`, the registries, the output folder, the
working folder its paths are named from). It is recalled only when all of these are the same now; anything
else, or an entry that cannot be read, is a miss, and the command does its whole work. A file is hashed
only as `inputs.files` reads it: a regular file within its cap, never a pipe or a device.

Besides verdicts, `remember_object` keeps a pickled object the same way: a build keeps the case it read,
checked and composed (`stages`), so building it again into another folder does not read it again, and the
work `remembered` names (compiled templates, parsed input files, the check of the same documents).

Entries are small JSON files under `$XDG_CACHE_HOME/qdgen/verdicts/` (by default `~/.cache/qdgen/verdicts/`),
one per subject, command and context, each replaced atomically; entries untouched for a week are removed.
Deleting the folder costs one full run per case. Nothing is recalled from a folder that is not its user's
own or that others may write into (`XDG_CACHE_HOME` pointed at a shared folder): a pickle is code.
"""

from __future__ import annotations

import base64
import copyreg
import functools
import hashlib
import json
import os
import pickle
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.inputs.files import read_bytes
from pipeline.problems import InputError

KEPT_SECONDS = 7 * 24 * 3600
"""How long an entry nobody rewrote is kept."""
PRUNE_EVERY_SECONDS = 24 * 3600
FOLDER_PATTERN = "*.yaml"
"""The files of a folder read as a whole (a registry, the units data), as their readers find them."""


def _read_only(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


copyreg.pickle(MappingProxyType, lambda proxy: (_read_only, (dict(proxy),)))
"""Records keep their mappings read-only (`records.frozen_map`); pickled, such a mapping is its items."""


def cache_folder() -> Path:
    """Where verdicts are kept: `$XDG_CACHE_HOME/qdgen/verdicts`, else `~/.cache/qdgen/verdicts`."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "qdgen" / "verdicts"


def recall(command: str, subject: Path | str, context: Mapping[str, Any]) -> dict | None:
    """The verdict remembered for `subject` (a case file, or a name) under `command` and `context`, if nothing
    it depends on changed."""
    try:
        if not _private(cache_folder()):
            return None
        entry = json.loads(_entry(command, subject, context).read_text(encoding="utf-8"))
        if entry["producer"] != _environment() or entry["context"] != _plain(context):
            return None
        if any(digest(Path(path)) != sha for path, sha in entry["files"].items()):
            return None
        if any(listing(Path(folder)) != names for folder, names in entry["folders"].items()):
            return None
        return entry["verdict"]
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        return None


def remember(command: str, subject: Path | str, context: Mapping[str, Any], files: Iterable[Path],
             folders: Iterable[Path], verdict: dict) -> None:
    """Keep `verdict` with the digests of `files` and of every file in `folders`, and the folders' listings, as
    they are now. A file that cannot be hashed keeps nothing (the next run does its whole work); a cache that
    cannot be written is skipped: remembering is never what makes a command fail."""
    listings = {folder: listing(folder) for folder in folders}
    every_file = [*files, *(folder / name for folder, names in listings.items() for name in names or ())]
    digests = {str(path.absolute()): digest(path) for path in every_file}
    if None in digests.values():
        return
    entry = {"producer": _environment(), "context": _plain(context), "files": digests,
             "folders": {str(folder.absolute()): names for folder, names in listings.items()}, "verdict": verdict}
    try:
        target = _entry(command, subject, context)
        import tempfile  # only to write: recalling needs none of it

        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, staged = tempfile.mkstemp(dir=target.parent, suffix=".tmp")  # private to its owner
    except (OSError, RuntimeError):
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(entry, out, ensure_ascii=False, sort_keys=True)
        os.replace(staged, target)
    except OSError:
        Path(staged).unlink(missing_ok=True)
    prune(target.parent)


def recall_object(command: str, subject: Path | str, context: Mapping[str, Any]) -> Any:
    """The object `remember_object` kept for `subject`, if nothing it depends on changed; else None."""
    verdict = recall(command, subject, context)
    try:
        return None if verdict is None else pickle.loads(base64.b64decode(verdict["pickle"]))
    except Exception:  # noqa: BLE001 - an entry of other code (a class renamed): a miss, never a failure
        return None


def remember_object(command: str, subject: Path | str, context: Mapping[str, Any], files: Iterable[Path],
                    folders: Iterable[Path], kept: object) -> None:
    """`remember`, keeping `kept` pickled (frozen records: what `recall_object` gives back is equal to it)."""
    try:
        data = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):  # something a kind keeps that pickle cannot
        return
    remember(command, subject, context, files, folders, {"pickle": base64.b64encode(data).decode("ascii")})


def prune(folder: Path, now: float | None = None) -> None:
    """Remove entries (and a killed run's staged files) untouched for KEPT_SECONDS, at most once per
    PRUNE_EVERY_SECONDS: most entries name their day, so yesterday's are never recalled again."""
    now = time.time() if now is None else now
    marker = folder / ".pruned"
    try:
        if now - marker.stat().st_mtime < PRUNE_EVERY_SECONDS:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    try:
        marker.touch()
        os.utime(marker, (now, now))
        for entry in folder.iterdir():
            if entry.suffix in {".json", ".tmp"} and now - entry.stat().st_mtime > KEPT_SECONDS:
                entry.unlink(missing_ok=True)
    except OSError:
        return


def digest(path: Path) -> str | None:
    """sha256 of a file and where it really is (a file made a link to elsewhere is a change: the case's reader
    may refuse it); `absent` for none; None for what `inputs.files` refuses to read (a folder, a pipe, a
    device, a file over its cap), which is never remembered and never recalled."""
    try:
        data = read_bytes(path)
    except InputError as error:
        return "absent" if [problem.code for problem in error.problems] == ["file.missing"] else None
    return f"{hashlib.sha256(data).hexdigest()} {os.path.realpath(path)}"


def listing(folder: Path) -> list[str] | None:
    """The files a folder's reader reads, by relative path, in order; None when it is not a folder."""
    if not folder.is_dir():
        return None
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob(FOLDER_PATTERN))


def _private(folder: Path) -> bool:
    """Whether only its user can put entries into `folder`: it is theirs and no one else may write into it."""
    status = folder.stat()
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _entry(command: str, subject: Path | str, context: Mapping[str, Any]) -> Path:
    name = str(subject.resolve()) if isinstance(subject, Path) else subject
    key = json.dumps([command, name, _plain(context)], ensure_ascii=False, sort_keys=True)
    return cache_folder() / f"{command}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"


def _plain(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context as JSON keeps it (paths and dates as text)."""
    return json.loads(json.dumps(dict(context), default=str, sort_keys=True))


@functools.cache
def _environment() -> str:
    """Python's version (a pickle or marshalled code is read only by the Python that wrote it), the code
    (`provenance.own_code`) and every distribution on sys.path by name and version (its
    `name-version.dist-info` folder): an upgrade of any library is a change, not only of those that shape a
    .docx (which `provenance.producer` names, at the cost of importing importlib.metadata)."""
    from pipeline.outputs.provenance import own_code

    installed = sorted(name for folder in sys.path if os.path.isdir(folder)
                       for name in os.listdir(folder) if name.endswith(".dist-info"))
    return hashlib.sha256("\n".join([sys.version, own_code(), *installed]).encode("utf-8")).hexdigest()
