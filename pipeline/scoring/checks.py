"""Checks of a score table against its criteria set and the agency list: every problem, at its cell.

Pure (layer 1): points within 0…maximum (lowered by criteria not assessed), subtotals and totals
that agree with their parts, each listed agency present exactly once. Problems about the sheet's
shape (headers, text in number cells, formulas) are the reader's (`scoresheets`).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal

from pipeline import vn
from pipeline.problems import Location, Problem
from pipeline.scoring.records import (
    SURVEY,
    TOTAL,
    AgencyList,
    CriteriaGroup,
    CriteriaSet,
    Criterion,
    ScoreRow,
    ScoreTable,
    SipasMethod,
    level_name,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def check_par(table: ScoreTable, criteria: CriteriaSet, agencies: AgencyList) -> tuple[Problem, ...]:
    """Problems of a PAR score table whose rows all belong to groups of `criteria`."""
    problems: list[Problem] = []
    for row in table.rows:
        group = criteria.group(row.group)
        if group is not None:
            problems.extend(_check_par_row(row, group, criteria))
    groups = tuple(group.id for group in criteria.groups)
    problems.extend(_check_presence(table, agencies, groups))
    return tuple(problems)


def check_sipas(table: ScoreTable, method: SipasMethod, agencies: AgencyList) -> tuple[Problem, ...]:
    """Problems of a SIPAS table: percentages within 0…100, the index column against the mean."""
    problems: list[Problem] = []
    for row in table.rows:
        for component in method.components:
            if component.id in row.cells:
                subject = f"Tỷ lệ hài lòng về {component.name.lower()}"
                problems.extend(_check_range(row, component.id, subject, HUNDRED, "%"))
        if TOTAL in row.cells and all(c.id in row.cells for c in method.components):
            weights = sum((c.weight for c in method.components), Decimal(0))
            mean = sum((row.cells[c.id] * c.weight for c in method.components), Decimal(0)) / weights
            problems.extend(_check_sum(row, TOTAL, mean, "Chỉ số hài lòng", "trung bình các thành phần"))
    problems.extend(_check_presence(table, agencies, tuple(group.id for group in agencies.groups)))
    return tuple(problems)


def _check_par_row(row: ScoreRow, group: CriteriaGroup, criteria: CriteriaSet) -> list[Problem]:
    problems = [Problem(
        "scores.unknown_criterion",
        f"«{item}» trong cột Không đánh giá của {row.agency} không phải mã tiêu chí của nhóm này.",
        row.where["not_assessed"],
        "Ghi mã tiêu chí bằng dấu chấm như trong bộ tiêu chí (ví dụ 2.3 hoặc 5.1.2), "
        "các mã cách nhau bởi dấu ;")
        for item in row.not_assessed if group.find(item) is None]
    listed = set(row.not_assessed)
    for key in row.cells:
        if key == SURVEY and criteria.survey is not None:
            subject = f"Điểm {criteria.survey.name.lower()}"
            problems.extend(_check_range(row, key, subject, criteria.survey.maximum, " điểm"))
        elif key not in (SURVEY, TOTAL):
            node = group.find(key)
            if node is None:
                problems.append(Problem(
                    "scores.not_in_group",
                    f"Nhóm của {row.agency} không có {level_name(key)} nhưng ô có điểm.",
                    row.where[key], "Để trống ô này."))
            elif is_not_assessed(key, listed):
                problems.append(Problem(
                    "scores.value_for_not_assessed",
                    f"{row.agency} không đánh giá {level_name(key)} (cột Không đánh giá) nhưng ô vẫn có "
                    f"điểm.",
                    row.where[key], "Để trống ô này, hoặc xóa mã khỏi cột Không đánh giá nếu có đánh giá."))
            else:
                problems.extend(_check_range(row, key, f"Điểm {level_name(key)}",
                                             node.maximum_without(listed), " điểm", node.maximum))
                problems.extend(_check_breakdown(row, node, listed))
    fields = [field for field in group.fields if not is_not_assessed(field.id, listed)]
    if TOTAL in row.cells and all(field.id in row.cells for field in fields) and (
            criteria.survey is None or SURVEY in row.cells):
        parts = sum((row.cells[field.id] for field in fields), row.cells.get(SURVEY, Decimal(0)))
        problems.extend(_check_sum(row, TOTAL, parts, "Tổng điểm", "tổng điểm các lĩnh vực và điều tra XHH"))
    return problems


def _check_breakdown(row: ScoreRow, node: Criterion, listed: set[str]) -> list[Problem]:
    """A subtotal against its parts, when the sheet gives every part of it."""
    parts = [child for child in node.children if not is_not_assessed(child.id, listed)]
    given = [child for child in node.children if child.id in row.cells]
    if not given or not all(child.id in row.cells for child in parts):
        return []
    total = sum((row.cells[child.id] for child in parts), Decimal(0))
    if row.cells[node.id] == total:
        return []
    return [Problem(
        "scores.subtotal_mismatch",
        f"Điểm {level_name(node.id)} của {row.agency} là {vn.number(row.cells[node.id])} nhưng các mục con "
        f"cộng lại {vn.number(total)}.", row.where[node.id],
        "Sửa điểm của mục này hoặc của các mục con cho khớp.")]


def _check_range(row: ScoreRow, key: str, subject: str, maximum: Decimal, unit: str,
                 nominal: Decimal | None = None) -> list[Problem]:
    """0 ≤ value ≤ maximum; `nominal` is the maximum before criteria not assessed were taken out."""
    value = row.cells[key]
    if value < 0:
        return [Problem("scores.below_zero", f"{subject} của {row.agency} là {vn.number(value)}, nhỏ hơn 0.",
                        row.where[key], "Giá trị không được âm; kiểm tra lại ô này.")]
    if value > maximum:
        lowered = (f" ({vn.number(nominal.normalize())}{unit} trừ các tiêu chí không đánh giá)"
                   if nominal is not None and nominal != maximum else "")
        return [Problem(
            "scores.above_maximum",
            f"{subject} của {row.agency} là {vn.number(value)}{unit}, vượt mức tối đa "
            f"{vn.number(maximum.normalize())}{unit}{lowered}.", row.where[key],
            "Sửa lại cho không vượt mức tối đa.")]
    return []


def _check_sum(row: ScoreRow, key: str, expected: Decimal, title: str, parts: str) -> list[Problem]:
    """A total agrees with its parts when both round to the same 2 decimals (the published precision)."""
    given = row.cells[key]
    if given.quantize(CENT, ROUND_HALF_UP) == expected.quantize(CENT, ROUND_HALF_UP):
        return []
    return [Problem(
        "scores.total_mismatch",
        f"{title} của {row.agency} ghi {vn.number(given)} nhưng {parts} là {vn.number(expected, 2)}.",
        row.where[key], "Sửa ô tổng hoặc các ô thành phần; nếu ô tổng là công thức, kiểm tra vùng cộng.")]


def _check_presence(table: ScoreTable, agencies: AgencyList, groups: tuple[str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, ScoreRow] = {}
    for row in table.rows:
        if row.agency in first:
            problems.append(Problem(
                "scores.duplicate_agency",
                f"{row.agency} có hai dòng (dòng đầu ở ô {first[row.agency].where['agency'].cell}).",
                row.where["agency"], "Xóa hoặc gộp một trong hai dòng."))
        else:
            first[row.agency] = row
    for group in agencies.groups:
        if group.id in groups:
            problems.extend(Problem(
                "scores.missing_agency", f"Bảng điểm thiếu {name} (nhóm {group.name}).",
                Location(file=table.source),
                "Thêm một dòng cho cơ quan này, viết tên như trong danh sách cơ quan.")
                for name in group.agencies if name not in first)
    return problems


def is_not_assessed(criterion_id: str, listed: Collection[str]) -> bool:
    """Whether the criterion or one of its ancestors is among the ids `listed` as not assessed."""
    if not listed:
        return False
    parts = criterion_id.split(".")
    return any(".".join(parts[:end]) in listed for end in range(1, len(parts) + 1))
