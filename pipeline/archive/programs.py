"""The outside programs the archive drives (LibreOffice, Poppler) and how LibreOffice is started safely.

Every LibreOffice process gets a profile directory of its own, never shared with another process:
sharing one would make a second process hand its work to the first over LibreOffice's own pipe.
A fresh profile costs LibreOffice a first-start set-up on every call, so the profile of the first
process that exits cleanly is kept, read-only, as a template in the user's cache directory; later
processes start from a private copy of it. The template is only ever read after it is renamed
into place, so processes running at once never write to one profile.

The template also records the installed LibreOffice version as one already started
(`ooSetupLastVersion`). LibreOffice runs its graphics render tests, about a second, on every start
whose profile has not seen the running version; only its window (the "what's new" bar) ever
records the version, so without this a headless LibreOffice would run them on every start.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.problems import InputError, Problem

SET_UP_HINT = ("Chạy lệnh cài đặt của dự án: bash scripts/setup.sh (hoặc: sudo apt-get install "
               "libreoffice-writer-nogui fonts-liberation2 poppler-utils).")
OFFICE_OPTIONS = ("--headless", "--norestore", "--nolockcheck", "--nodefault")
"""No window, no recovery of earlier sessions, no lock files, no start centre."""
TEMPLATE_FORMAT = 2
"""Part of the template's name: 2 since templates record the version (earlier ones are left unused)."""
_SETTINGS = Path("user", "registrymodifications.xcu")
_INSTALLED_VERSION = re.compile(r'oor:name="ooSetupVersion">\s*<value>(\d+\.\d+)</value>')
_LAST_VERSION = ('<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
                 'oor:op="fuse"><value>{}</value></prop></item>\n')


def find_program(name: str) -> Path:
    """The path of `soffice`, `pdftoppm`, …; raises InputError `archive.<name>_missing` when absent."""
    found = shutil.which(name)
    if found is None:
        raise InputError([Problem(f"archive.{name}_missing",
                                  f"Không tìm thấy chương trình {name} trên máy này; "
                                  "cần nó để lập bản PDF/A và ảnh xem trước.", hint=SET_UP_HINT)])
    return Path(found)


@functools.cache
def isolation() -> tuple[str, ...]:
    """`unshare` arguments that give LibreOffice a network namespace of its own, when the system allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    probe = subprocess.run([unshare, "--net", "--map-root-user", "true"], capture_output=True, check=False)
    return (unshare, "--net", "--map-root-user") if probe.returncode == 0 else ()


def office_command(soffice: Path, profile: Path, *arguments: str) -> list[str]:
    """The command line of one isolated, headless LibreOffice with its own `profile` directory."""
    return [*isolation(), *office_arguments(soffice, profile, *arguments)]


def office_arguments(soffice: Path, profile: Path, *arguments: str) -> list[str]:
    """`office_command` without the isolation, for a program that starts LibreOffice inside it."""
    return [str(soffice), *OFFICE_OPTIONS, f"-env:UserInstallation={profile.as_uri()}", *arguments]


def office_environment(scratch: Path) -> dict[str, str]:
    """The environment of one LibreOffice process: its temporary files go into `scratch` (made here; the
    caller removes it), so a process killed for a hang leaves nothing in the system's temporary folder."""
    scratch.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "TMPDIR": str(scratch)}


def prepare_profile(soffice: Path, profile: Path) -> None:
    """Fill the new directory `profile` with a copy of the kept template, when there is one."""
    template = _template(soffice)
    if template is not None and template.is_dir():
        with contextlib.suppress(OSError):
            shutil.copytree(template, profile, symlinks=True)
            return
        shutil.rmtree(profile, ignore_errors=True)  # a half copy: LibreOffice starts from nothing instead


def keep_profile(soffice: Path, profile: Path) -> None:
    """After a clean exit, keep `profile` as the template for later processes (once; best effort)."""
    template = _template(soffice)
    if template is None or template.exists() or not profile.is_dir():
        return
    with contextlib.suppress(OSError):
        template.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".profile-", dir=template.parent))
        try:
            shutil.copytree(profile, staging / "p", symlinks=True)
            _record_version(soffice, staging / "p")
            os.rename(staging / "p", template)  # fails harmlessly when another process got there first
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _record_version(soffice: Path, profile: Path) -> None:
    """Record in `profile` that the installed LibreOffice version has started before (see the module's
    docstring); left as it is when the installation or the profile does not look as expected."""
    settings = profile / _SETTINGS
    try:
        registry = soffice.resolve().parent.parent / "share" / "registry" / "main.xcd"
        found = _INSTALLED_VERSION.search(registry.read_text(encoding="utf-8", errors="replace"))
        text = settings.read_text(encoding="utf-8")
    except OSError:
        return
    if found is None or "ooSetupLastVersion" in text or text.count("</oor:items>") != 1:
        return
    settings.write_text(text.replace("</oor:items>", _LAST_VERSION.format(found[1]) + "</oor:items>"),
                        encoding="utf-8")


def _template(soffice: Path) -> Path | None:
    """Where the profile template of this LibreOffice installation lives; `None` without a home.

    Named after the program and when it was installed, so an upgraded LibreOffice gets a new template
    instead of migrating an old one on every start."""
    cache = os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(cache) if cache else Path.home() / ".cache"
        program = soffice.resolve()
        binary = program.with_name("soffice.bin")
        installed = (binary if binary.exists() else program).stat().st_mtime_ns
    except (RuntimeError, OSError):
        return None
    installation = hashlib.sha256(f"{program}\0{installed}\0{TEMPLATE_FORMAT}".encode()).hexdigest()[:16]
    return root / "qdgen" / f"libreoffice-profile-{installation}"
