"""Files read within limits: a regular file, at most its kind's cap, never a device, a pipe or a folder.

Apart from the YAML reader (`sources`) so that what only needs a file's bytes or its status (a case's paths
checked, a build's inputs hashed, the archive) does not import PyYAML.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from pipeline.problems import InputError, Location, Problem


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_FILE_BYTES = 100_000_000
"""The most any input file may hold (read_bytes' default); each kind of input has its own, lower cap."""
MAX_YAML_BYTES = 2_000_000
"""A case, a registry entry, an agency list or a criteria set is a few kilobytes (the largest bundled
criteria set is 27 KB); 2 MB is far above any real one and keeps a hostile file cheap to refuse."""
MAX_XLSX_BYTES = 20_000_000
"""A score sheet of a thousand agencies is about 200 KB; what it unpacks to is capped in `workbook`."""


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; InputError otherwise.

    A device (`/dev/zero`), a pipe or a folder is refused before anything is read (a pipe is opened
    without waiting for a writer), and a file is never read past its cap, even if it grows meanwhile.
    """
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError([Problem("file.missing", f"Không tìm thấy tệp {path.name}.", Location(file=path),
                                  "Kiểm tra lại đường dẫn.")]) from None
    except OSError as exc:
        raise InputError([_unreadable(path, exc)]) from None
    problem = _status_problem(path, os.fstat(handle), limit)
    if problem is not None:
        os.close(handle)
        raise InputError([problem])
    with os.fdopen(handle, "rb") as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise InputError([_unreadable(path, exc)]) from None
    if len(data) > limit:
        raise InputError([too_large(path, limit)])
    return data


def _unreadable(path: Path, error: OSError) -> Problem:
    return Problem("file.unreadable", f"Không đọc được tệp {path.name}: {error.strerror}.", Location(file=path))


def read_bytes_problem(path: Path, limit: int) -> Problem | None:
    """What `read_bytes(path, limit)` would refuse for the file's kind or size, found without opening it."""
    try:
        return _status_problem(path, path.stat(), limit)
    except OSError:
        return None  # missing or unreadable: read_bytes says so when it is read


def _status_problem(path: Path, status: os.stat_result, limit: int) -> Problem | None:
    if not stat.S_ISREG(status.st_mode):
        return Problem("file.not_regular", f"«{path.name}» không phải một tệp thông thường ({_kind(status.st_mode)}).",
                       Location(file=path), "Chỉ đường dẫn tới một tệp dữ liệu (.yaml, .xlsx).")
    if status.st_size > limit:
        return too_large(path, limit)
    return None


def too_large(path: Path, limit: int) -> Problem:
    return Problem("file.too_large", f"Tệp {path.name} lớn hơn giới hạn {megabytes(limit)} cho loại tệp này.",
                   Location(file=path), "Kiểm tra đã chọn đúng tệp chưa; tệp dữ liệu của hồ sơ chỉ vài trăm KB.")


def megabytes(size: int) -> str:
    """`2_000_000` → `2 MB` (Vietnamese decimal comma below 10: `0,5 MB`)."""
    value = size / 1_000_000
    return (f"{value:g}".replace(".", ",") if value < 10 else f"{round(value)}") + " MB"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "là một thư mục"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "là một thiết bị"
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "là một đường ống hoặc socket"
    return "không phải tệp dữ liệu"
