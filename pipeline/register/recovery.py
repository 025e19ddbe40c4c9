"""Resolving numbers left `pending` by a process that stopped between reserving and confirming them.

Issuing is two steps: the number is recorded as pending (with the sha256 of the draft's case.yaml), then
the case file is rewritten with it, then the number is confirmed. A process killed in between leaves a
pending line; the next command that opens the register finishes it, so the register and the case always
agree in the end:
- the case already says the number and date → confirmed (it was killed after writing);
- the case is still the very draft that was reserved → its number and date are written, then confirmed;
- the case changed since (or is gone) → the number is cancelled, with the reason as Ghi chú (never reused).

Only lines whose process is known to be gone are touched: a process on this machine that no longer runs.
A line held on another machine sharing a PostgreSQL register is left to that machine.
"""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

from sqlalchemy import Engine

from pipeline.inputs.casefile import write_number_and_date
from pipeline.inputs.load import read_case
from pipeline.problems import InputError
from pipeline.register.book import Registered, entries, owner_here, set_state
from pipeline.register.schema import CANCELLED, ISSUED, PENDING

INTERRUPTED = "Cấp số bị gián đoạn và hồ sơ đã thay đổi (hoặc không còn); số này không dùng."


def resolve_pending(engine: Engine) -> tuple[Registered, ...]:
    """Finish or cancel every pending number whose process is gone; the lines as resolved."""
    return tuple(_resolve(engine, entry) for entry in entries(engine, states=(PENDING,))
                 if not _still_running(entry.owner))


def _still_running(owner: str | None) -> bool:
    if not owner or owner == owner_here():
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True  # cannot tell from here
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


def _resolve(engine: Engine, entry: Registered) -> Registered:
    path = Path(entry.case_path)
    try:
        case = read_case(path).case
    except InputError:
        return set_state(engine, entry.id, CANCELLED, INTERRUPTED)
    if case.number == entry.number and case.date.is_complete and case.date.as_date() == entry.date:
        return set_state(engine, entry.id, ISSUED)
    if case_digest(path) == entry.case_digest:
        write_number_and_date(path, entry.number, entry.date)
        return set_state(engine, entry.id, ISSUED)
    return set_state(engine, entry.id, CANCELLED, INTERRUPTED)


def case_digest(path: Path) -> str:
    """sha256 of a case file, as recorded when its number was reserved ("absent" when unreadable)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "absent"


