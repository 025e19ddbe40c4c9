"""Column widths computed from the text a table holds, so that no word is broken inside a cell.

Text widths come from the advance widths of Liberation Serif, the metric twin of Times New Roman
(`font_metrics.json`, written by scripts/make_font_metrics.py). Columns are sized the way browsers lay
out automatic tables: every column gets at least its widest word, then the width left over goes to the
columns whose text would otherwise wrap, in proportion to how much they lack; a table whose text fits
on one line everywhere shares its spare width in proportion to the columns' widths. Integer arithmetic
only: the same text always gives the same widths, on any machine.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_METRICS = Path(__file__).with_name("font_metrics.json")
_FALLBACK = "n"  # a character the table lacks is given the width of an "n"
HEADING_LINES = 3
SLACK = 40
"""Twips added to every column beyond its text and padding: borders, and the rounding of the layout engine."""


@dataclass(frozen=True, slots=True)
class CellText:
    """The text of one paragraph in a cell, with its size in half-points and weight."""

    text: str
    half_points: int
    bold: bool = False
    heading: bool = False


@functools.cache
def _metrics() -> dict:
    return json.loads(_METRICS.read_text(encoding="utf-8"))


def text_width(text: str, half_points: int, bold: bool = False) -> int:
    """The width of `text` set on one line, in twips (rounded up)."""
    metrics = _metrics()
    advances = metrics["bold" if bold else "regular"]
    fallback = advances[_FALLBACK]
    units = sum(advances.get(character, fallback) for character in text)
    # twips = units / units_per_em × points × 20, with points = half_points / 2
    return -(-units * half_points * 10 // metrics["units_per_em"])


def _needs(cells: Sequence[CellText], padding: int) -> tuple[int, int]:
    """(widest word, widest paragraph on one line) of a column, cell padding included."""
    narrowest = widest = 0
    for cell in cells:
        words = cell.text.split()
        if not words:
            continue
        narrowest = max(narrowest, *(text_width(word, cell.half_points, cell.bold) for word in words))
        line = text_width(" ".join(words), cell.half_points, cell.bold)
        widest = max(widest, -(-line // HEADING_LINES) if cell.heading else line)
    return narrowest + padding + SLACK, widest + padding + SLACK


def column_widths(columns: Sequence[Sequence[CellText]], total: int, padding: int) -> tuple[int, ...]:
    """Widths (twips) of the columns, adding up to `total`. `padding`: a cell's left + right margins."""
    needs = [_needs(cells, padding) for cells in columns]
    minimum = [low for low, _ in needs]
    wanted = [max(high, low) for low, high in needs]
    if sum(minimum) >= total:  # even the widest words do not fit: share in proportion to them
        return _shared(minimum, total)
    if sum(wanted) <= total:  # everything fits on one line: share the spare width in proportion
        return _shared(wanted, total)
    lack = [high - low for low, high in zip(minimum, wanted, strict=True)]
    extra = total - sum(minimum)
    widths = [low + extra * short // sum(lack) for low, short in zip(minimum, lack, strict=True)]
    return _settled(widths, total, lack)


def _shared(weights: Sequence[int], total: int) -> tuple[int, ...]:
    widths = [total * weight // max(sum(weights), 1) for weight in weights]
    return _settled(widths, total, weights)


def _settled(widths: list[int], total: int, weights: Sequence[int]) -> tuple[int, ...]:
    """Rounding leaves a few twips over: they go to the column with the largest weight (the first of equals)."""
    widths[max(range(len(widths)), key=lambda index: (weights[index], -index))] += total - sum(widths)
    return tuple(widths)
