"""Compose the annex tables of a ranking (domain.md §1, "The annex tables"): every string final. Pure.

PAR:   STT | Tên cơ quan, đơn vị | one column per field and the survey (points, maximum in the
       header) | Tổng điểm | Chỉ số (%) | Xếp hạng [| Xếp loại]
SIPAS: STT | Tên cơ quan, đơn vị | one column per component (%) | Chỉ số hài lòng (%) | Xếp hạng
Numbers have 2 decimals, Vietnamese style (89,45); the note under each table states the rounding,
the tie policy, the agencies whose maximum is lowered by criteria not assessed, and the bands.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from pipeline import vn
from pipeline.records import AnnexTable
from pipeline.scoring.records import Band, RankedAgency, RankedGroup, Ranking

NOT_ASSESSED = "KĐG"
"""Written in a field's cell when the whole field is not assessed for an agency."""

ROUNDING = "Điểm và chỉ số được làm tròn đến 2 chữ số thập phân."


def annex_tables(ranking: Ranking, numbered: bool = True) -> tuple[AnnexTable, ...]:
    """One table per agency group, rows best first. Headings read `I. SỞ, BAN, NGÀNH`; with
    `numbered=False`, the group name alone (for one annex per group)."""
    tables = []
    for number, group in enumerate(ranking.groups, start=1):
        heading = vn.upper(group.name)
        if numbered:
            heading = f"{vn.roman(number)}. {heading}"
        if ranking.index == "par":
            columns, rows = _par(group)
        else:
            columns, rows = _sipas(group)
        numeric = tuple(range(2, len(columns) - (1 if group.banded else 0)))
        note = " ".join([f"Ghi chú: {ROUNDING}", ranking.tie_note, *_lowered(group),
                         *_band_note(group.bands)])
        tables.append(AnnexTable(heading, columns, tuple(rows), vn.nfc(note), numeric))
    # A note that says under one group's table exactly what it says under the last is printed once, there.
    return tuple(table if index == len(tables) - 1 or table.note != tables[-1].note
                 else dataclasses.replace(table, note="") for index, table in enumerate(tables))


def _par(group: RankedGroup) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    columns = ("STT", "Tên cơ quan, đơn vị",
               *(f"{column.label} ({_points(column.maximum)} điểm)" for column in group.columns),
               "Tổng điểm", "Chỉ số (%)", "Xếp hạng") + (("Xếp loại",) if group.banded else ())
    rows = [(str(stt), row.agency, *_values(row), vn.number(row.points, 2), vn.number(row.percent, 2),
             str(row.rank)) + ((row.band or "",) if group.banded else ())
            for stt, row in enumerate(group.rows, start=1)]
    return columns, rows


def _sipas(group: RankedGroup) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    columns = ("STT", "Tên cơ quan, đơn vị", *(f"{column.label} (%)" for column in group.columns),
               "Chỉ số hài lòng (%)", "Xếp hạng")
    rows = [(str(stt), row.agency, *_values(row), vn.number(row.percent, 2), str(row.rank))
            for stt, row in enumerate(group.rows, start=1)]
    return columns, rows


def _values(row: RankedAgency) -> tuple[str, ...]:
    return tuple(NOT_ASSESSED if value is None else vn.number(value, 2) for value in row.values)


def _points(value: Decimal) -> str:
    """A maximum without trailing zeros: 99, 97,5."""
    return vn.number(value.normalize())


def _lowered(group: RankedGroup) -> list[str]:
    """One sentence per agency whose maximum is lowered by criteria not assessed."""
    sentences = [f"{row.agency} không đánh giá tiêu chí {', '.join(row.not_assessed)}; điểm tối đa "
                 f"{_points(row.maximum)} điểm." for row in group.rows if row.not_assessed]
    if any(value is None for row in group.rows for value in row.values):
        sentences.append(f"{NOT_ASSESSED}: không đánh giá.")
    return sentences


def _band_note(bands: tuple[Band, ...]) -> list[str]:
    """`Xếp loại: A từ 90% trở lên; B từ 80% đến dưới 90%; …; D dưới 70%.`"""
    if not bands:
        return []
    parts = []
    upper: Decimal | None = None
    for band in bands:
        low = f"từ {vn.number(band.minimum)}%"
        if upper is None:
            parts.append(f"{band.label} {low} trở lên")
        elif band.minimum == 0:
            parts.append(f"{band.label} dưới {vn.number(upper)}%")
        else:
            parts.append(f"{band.label} {low} đến dưới {vn.number(upper)}%")
        upper = band.minimum
    return [f"Xếp loại: {'; '.join(parts)}."]
