"""What produced a build, for its fingerprint: qdgen's version, a digest of its code, the libraries that shape
the bytes of a .docx. A change to any of them makes a draft's outputs outdated (and an issued decision's
outputs differ from what would be built now, which is refused, never silently regenerated)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from pipeline import __version__

PACKAGE = Path(__file__).resolve().parents[1]
INTERFACE_ROOMS = frozenset({"cli", "web", "archive", "register", "pages"})
"""Rooms of the package that read or show builds but never shape their bytes: a change to them (a command's
wording, the web page) outdates no build and refuses no issued decision."""
LIBRARIES = ("docxtpl", "python-docx", "jinja2", "lxml")
"""The libraries whose output ends up in a .docx: templating, the document model, serialisation."""


@functools.cache
def producer() -> dict[str, str]:
    """`generator` (the version), `code` (sha256 of the package's .py sources, by path) and `library:<name>`
    (each installed version); computed once per process."""
    return {"generator": __version__, "code": own_code(),
            **{f"library:{name}": _version(name) for name in LIBRARIES}}


@functools.cache
def own_code() -> str:
    """`code_digest` of this package, computed once per process (the build and `build.memo` both need it)."""
    return code_digest(PACKAGE)


def code_digest(package: Path) -> str:
    """sha256 over every `.py` file under `package` outside the interface rooms: its relative path and its
    bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] in INTERFACE_ROOMS:
            continue
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _version(name: str) -> str:
    from importlib import metadata  # 0,03 s to import: only when a producer is named

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
