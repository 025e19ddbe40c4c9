"""The register's tables. The migrations in `migrations/versions` create exactly these (a test compares them).

A series (Điều 15: numbers run from 01 each year, per issuing body and ký hiệu; the head of an office may
set other series) is configured data, not code. An entry is one number of one year of one series, in one
of three states: `pending` (reserved, the case file not yet known to say so: resolved on the next run),
`issued`, or `cancelled` (a number taken by mistake: kept with its Ghi chú, never given again).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PENDING, ISSUED, CANCELLED = "pending", "issued", "cancelled"


class Base(DeclarativeBase):
    pass


class Series(Base):
    __tablename__ = "series"
    __table_args__ = (UniqueConstraint("organ", "symbol", name="uq_series_organ_symbol"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organ: Mapped[str] = mapped_column(String(200))  # cơ quan ban hành: Ủy ban nhân dân tỉnh Lạng Sơn
    symbol: Mapped[str] = mapped_column(String(30))  # ký hiệu: QĐ-UBND
    parent_organ: Mapped[str | None] = mapped_column(String(200))  # cơ quan chủ quản trực tiếp (bìa sổ)
    organ_code: Mapped[str | None] = mapped_column(String(13))  # mã định danh (Phụ lục VI, trường 1.1)
    volume: Mapped[int] = mapped_column(Integer, default=1)  # quyển số
    future_days: Mapped[int] = mapped_column(Integer, default=0)  # how far ahead of today a date may be


class Entry(Base):
    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("series_id", "year", "number", name="uq_entry_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date] = mapped_column(Date)
    type_name: Mapped[str] = mapped_column(String(100))  # tên loại: Quyết định
    subject: Mapped[str] = mapped_column(String(500))  # trích yếu
    signer: Mapped[str] = mapped_column(String(160))  # chức vụ, họ tên người ký
    recipients: Mapped[str] = mapped_column(Text)  # nơi nhận, one a line
    archive_units: Mapped[str] = mapped_column(String(200))  # đơn vị, người nhận bản lưu: VT, NC (TPT)
    copies: Mapped[int | None] = mapped_column(Integer)  # số lượng bản
    note: Mapped[str | None] = mapped_column(Text)  # ghi chú
    case_path: Mapped[str] = mapped_column(Text)
    case_digest: Mapped[str] = mapped_column(String(64))  # sha256 of the draft's case.yaml when reserved
    owner: Mapped[str | None] = mapped_column(String(200))  # host:pid of the process issuing it, while pending
    created: Mapped[dt.datetime] = mapped_column(DateTime)
