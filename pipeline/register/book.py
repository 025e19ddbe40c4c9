"""The register's operations: configure a series, reserve a number, confirm or cancel it, read the book.

Numbers (NĐ 30 Điều 15): from 01 on 1 January to 31 December, once a year per series, in the order of
issuance, so a date may not precede the date of a smaller number nor follow that of a larger one. Taking
the next number and writing it happen in one transaction that holds the series: a write lock on SQLite
(BEGIN IMMEDIATE), the series row `FOR UPDATE` on PostgreSQL. Concurrent clerks therefore get distinct,
consecutive numbers; a cancelled number stays in the book and is never given again.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline import vn
from pipeline.problems import InputError, Location, Problem
from pipeline.register.schema import CANCELLED, ISSUED, PENDING, Entry, Series


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What the book records about one outgoing document (Phụ lục IV, columns 1–7 and 10)."""

    organ: str
    symbol: str
    date: dt.date
    type_name: str
    subject: str
    signer: str
    recipients: tuple[str, ...]
    archive_units: str
    copies: int | None
    case_path: str
    case_digest: str


@dataclass(frozen=True, slots=True)
class Registered:
    """One line of the book."""

    id: int
    organ: str
    symbol: str
    year: int
    number: int
    state: str
    date: dt.date
    type_name: str
    subject: str
    signer: str
    recipients: tuple[str, ...]
    archive_units: str
    copies: int | None
    note: str | None
    case_path: str
    case_digest: str
    owner: str | None

    @property
    def number_text(self) -> str:
        """`05/QĐ-UBND`: below 10 with a leading zero (Điều 15)."""
        return f"{self.number:02d}/{self.symbol}"


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """A series and what its book's cover says."""

    organ: str
    symbol: str
    parent_organ: str | None
    organ_code: str | None
    volume: int
    future_days: int


def owner_here() -> str:
    """Who holds a pending number: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _registered(entry: Entry, series: Series) -> Registered:
    return Registered(entry.id, series.organ, series.symbol, entry.year, entry.number, entry.state, entry.date,
                      entry.type_name, entry.subject, entry.signer, tuple(entry.recipients.splitlines()),
                      entry.archive_units, entry.copies, entry.note, entry.case_path, entry.case_digest, entry.owner)


def _series_info(series: Series) -> SeriesInfo:
    return SeriesInfo(series.organ, series.symbol, series.parent_organ, series.organ_code, series.volume,
                      series.future_days)


def configure_series(engine: Engine, organ: str, symbol: str, **settings) -> SeriesInfo:
    """Create a series or change its settings (parent_organ, organ_code, volume, future_days)."""
    with Session(engine) as session, session.begin():
        series = _locked_series(session, organ, symbol)
        for name, value in settings.items():
            if value is not None:
                setattr(series, name, value)
        session.flush()
        return _series_info(series)


def series_list(engine: Engine) -> tuple[SeriesInfo, ...]:
    with Session(engine) as session:
        return tuple(_series_info(s) for s in session.scalars(select(Series).order_by(Series.organ, Series.symbol)))


def _locked_series(session: Session, organ: str, symbol: str) -> Series:
    """The series, created with the defaults when new, locked for this transaction."""
    query = select(Series).where(Series.organ == organ, Series.symbol == symbol).with_for_update()
    series = session.scalars(query).first()
    if series is not None:
        return series
    try:
        with session.begin_nested():
            session.add(Series(organ=organ, symbol=symbol, volume=1, future_days=0))
    except IntegrityError:  # another clerk created it at the same moment
        pass
    return session.scalars(query).one()


def reserve(engine: Engine, outgoing: Outgoing, number: int | None, today: dt.date) -> Registered:
    """Record `outgoing` as pending under `number` (checked free) or the next number of its year; raises
    InputError when the date or number cannot be given."""
    with Session(engine) as session, session.begin():
        series = _locked_series(session, outgoing.organ, outgoing.symbol)
        year = outgoing.date.year
        taken = {entry.number: entry for entry in session.scalars(
            select(Entry).where(Entry.series_id == series.id, Entry.year == year))}
        latest = today + dt.timedelta(days=series.future_days)
        if outgoing.date > latest:
            raise _refusal("register.date_in_future",
                           f"Ngày ban hành {vn.short_date(outgoing.date)} sau ngày {vn.short_date(latest)}: sổ "
                           f"{series.symbol} chỉ cho ghi trước tối đa {series.future_days} ngày.",
                           "Ghi ngày ký thật của văn bản, hoặc đổi số ngày cho phép: qdgen register series "
                           "--future-days N.")
        if number is None:
            number = max(taken, default=0) + 1
        elif number in taken:
            used = _registered(taken[number], series)
            raise _refusal("register.number_used",
                           f"Số {used.number_text} năm {year} đã {_state_words(used)}: {used.type_name} "
                           f"ngày {vn.short_date(used.date)} «{used.subject}» ({used.case_path}).",
                           "Bỏ --number để lấy số kế tiếp; mỗi số chỉ dùng một lần trong năm (NĐ 30 Điều 15).")
        _check_order(series, outgoing.date, number, taken.values())
        entry = Entry(series_id=series.id, year=year, number=number, state=PENDING, date=outgoing.date,
                      type_name=outgoing.type_name, subject=outgoing.subject, signer=outgoing.signer,
                      recipients="\n".join(outgoing.recipients), archive_units=outgoing.archive_units,
                      copies=outgoing.copies, note=None, case_path=outgoing.case_path,
                      case_digest=outgoing.case_digest, owner=owner_here(), created=dt.datetime.now())
        session.add(entry)
        session.flush()
        return _registered(entry, series)


def _state_words(entry: Registered) -> str:
    return {ISSUED: "cấp cho", PENDING: "đang được cấp cho", CANCELLED: "bị hủy (không dùng lại), từng cấp cho"}[
        entry.state]


def _check_order(series: Series, day: dt.date, number: int, entries) -> None:
    """Numbers follow the order of issuance: no smaller number dated later, no larger one dated earlier."""
    for entry in entries:
        if entry.state == CANCELLED:
            continue
        if (entry.number < number and entry.date > day) or (entry.number > number and entry.date < day):
            text = f"{entry.number:02d}/{series.symbol}"
            raise _refusal("register.date_out_of_order",
                           f"Ngày {vn.short_date(day)} không khớp thứ tự số năm {day.year}: số {text} "
                           f"đã cấp ngày {vn.short_date(entry.date)}.",
                           "Số được cấp theo thứ tự thời gian ban hành (NĐ 30 Điều 15): chọn ngày không sớm hơn "
                           "ngày của số liền trước, hoặc bỏ --number để lấy số kế tiếp.")


def _refusal(code: str, message: str, hint: str) -> InputError:
    return InputError([Problem(code, message, Location(key="register"), hint)])


def set_state(engine: Engine, entry_id: int, state: str, note: str | None = None) -> Registered:
    """Confirm (`issued`) or cancel a number; a cancelled number keeps its line with the reason as Ghi chú."""
    with Session(engine) as session, session.begin():
        entry = session.get(Entry, entry_id, with_for_update=True)
        entry.state, entry.owner = state, None
        if note:
            entry.note = f"{entry.note}; {note}" if entry.note else note
        session.flush()
        return _registered(entry, session.get(Series, entry.series_id))


def entries(engine: Engine, year: int | None = None, symbol: str | None = None,
            states: Sequence[str] = (PENDING, ISSUED, CANCELLED)) -> tuple[Registered, ...]:
    """The book's lines, by series, year and number."""
    query = (select(Entry, Series).join(Series, Entry.series_id == Series.id).where(Entry.state.in_(states))
             .order_by(Series.organ, Series.symbol, Entry.year, Entry.number))
    if year is not None:
        query = query.where(Entry.year == year)
    if symbol is not None:
        query = query.where(Series.symbol == symbol)
    with Session(engine) as session:
        return tuple(_registered(entry, series) for entry, series in session.execute(query))


def entries_of_case(engine: Engine, case_path: str) -> tuple[Registered, ...]:
    """The lines recorded for a case file (any state)."""
    with Session(engine) as session:
        query = (select(Entry, Series).join(Series, Entry.series_id == Series.id)
                 .where(Entry.case_path == case_path).order_by(Entry.id))
        return tuple(_registered(entry, series) for entry, series in session.execute(query))
