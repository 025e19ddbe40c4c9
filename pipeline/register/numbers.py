"""DOC-02 (NĐ 30 Điều 15.1): a number and ký hiệu are used once a year per series — checked against the
register, since no single file can tell. A decision's `Số:` line, date line and issuing body (as the
checker finds them) are looked up in the book: the number must be there, not cancelled, dated as the
document is, and not carried by another file of the same check.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from pipeline import vn
from pipeline.check.checker import inspect_docx
from pipeline.nd30.rules import DECISION, RULE_BY_ID
from pipeline.problems import Location, Problem
from pipeline.register.book import Registered, entries
from pipeline.register.schema import CANCELLED

_NUMBER = re.compile(r"^Số:\s*(\d+)/(\S+)$")
_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


@dataclass(frozen=True, slots=True)
class Numbered:
    """A numbered decision found in a file: what DOC-02 looks up."""

    path: Path
    organ: str
    symbol: str
    number: int
    date: dt.date | None
    where: Location


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def numbered(path: Path) -> Numbered | None:
    """The number, date and issuing body of a decision file (None for drafts and other documents)."""
    inspected = inspect_docx(path)
    header = inspected.layout.header if inspected.layout else None
    if inspected.result.kind != DECISION or header is None or header.number is None:
        return None
    match = _NUMBER.match(_plain(header.number.shown))
    if not match:
        return None
    day = _DATE.search(_plain(header.date.shown)) if header.date else None
    try:
        date = dt.date(int(day[3]), int(day[2]), int(day[1])) if day else None
    except ValueError:
        date = None
    shown = _plain(header.number.shown)
    return Numbered(path, _plain(" ".join(p.shown for p in header.issuers)), match[2], int(match[1]), date,
                    Location(file=path, key="phần đầu", paragraph=header.number.number, excerpt=shown))


def number_problems(paths: Sequence[Path], engine: Engine, register: str) -> dict[Path, tuple[Problem, ...]]:
    """DOC-02 problems per file; `register` names the register in messages."""
    found = [item for item in map(numbered, paths) if item is not None]
    book = {(_key(line.organ), line.symbol, line.year, line.number): line for line in entries(engine)}
    by_number: dict[tuple, list[Numbered]] = defaultdict(list)
    problems: dict[Path, list[Problem]] = defaultdict(list)
    for item in found:
        year = item.date.year if item.date else None
        by_number[(_key(item.organ), item.symbol, year, item.number)].append(item)
        line = book.get((_key(item.organ), item.symbol, year, item.number))
        message = _disagreement(item, line, register)
        if message:
            problems[item.path].append(_problem(item, message))
    for same in by_number.values():
        for item in same[1:] if len(same) > 1 else ():
            problems[item.path].append(_problem(item, f"Số {item.number:02d}/{item.symbol} cũng là số của "
                                                      f"{same[0].path.name}; mỗi số chỉ dùng một lần trong năm."))
    return {path: tuple(items) for path, items in problems.items()}


def _key(organ: str) -> str:
    return _plain(organ).casefold()


def _disagreement(item: Numbered, line: Registered | None, register: str) -> str | None:
    text = f"{item.number:02d}/{item.symbol}"
    if item.date is None:
        return None  # an issued decision without a full date is DOC-03's to report
    if line is None:
        return f"Số {text} năm {item.date.year} chưa có trong sổ đăng ký văn bản đi ({register})."
    if line.state == CANCELLED:
        return f"Số {text} năm {item.date.year} đã bị hủy trong sổ đăng ký ({line.note or 'không rõ lý do'})."
    if line.date != item.date:
        return (f"Số {text} năm {item.date.year} trong sổ đăng ký là văn bản ngày {vn.short_date(line.date)} "
                f"«{line.subject}»; tệp này ghi ngày {vn.short_date(item.date)}.")
    return None


def _problem(item: Numbered, message: str) -> Problem:
    rule = RULE_BY_ID["DOC-02"]
    return Problem("DOC-02", message, item.where, f"{rule.summary} ({rule.source}). Cấp số bằng qdgen issue.")
