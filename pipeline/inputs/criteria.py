"""Read a PAR Index criteria set (`fixtures/criteria/<province>/par-<year>.yaml`) and check its points.

```yaml
name: Bộ tiêu chí xác định Chỉ số cải cách hành chính …
issued_by: lang-son/qd-1699-2023      # registry id of the decision that issued the set
note: Số liệu mẫu …                   # optional; say so when figures are samples
total: 100                            # maximum points of the index
survey: {name: Điều tra xã hội học, short: Điều tra XHH, maximum: 20}   # optional: omit where no survey
bands: [{label: A, minimum: 90}, …]   # optional rating bands (percent, inclusive); a group may override
tie_policy: …                         # optional wording of the tie rule (default: score_records.TIE_POLICY)
groups:
  so-ban-nganh:                       # agency group id, as in the agency list
    counts: {fields: 8, criteria: 39, sub_criteria: 58}    # optional, checked when given
    fields:
      - id: "1"                       # ids are quoted strings: "1", "1.2", "1.2.3"
        name: Công tác chỉ đạo, điều hành cải cách hành chính
        short: Chỉ đạo, điều hành     # optional column heading
        maximum: 11
        criteria:
          - id: "1.1"
            name: …
            maximum: 2.5
            sub_criteria: [{id: "1.1.1", name: "…", maximum: 0.5}, …]
```

Every group's fields add up to `total` minus the survey; every parent's maximum equals the sum of
its children's. `read_criteria` raises InputError with all problems, each at its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from pipeline import vn
from pipeline.inputs.model import CountsModel, GroupId, InputModel, Line, Text, validate_model
from pipeline.inputs.sources import YamlDocument, foreign_file_problem, join_key, read_yaml
from pipeline.problems import InputError, Problem
from pipeline.scoring.records import (
    LEVELS,
    TIE_POLICY,
    Band,
    CriteriaGroup,
    CriteriaSet,
    Criterion,
    SurveyPart,
)


def _points(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("bad_points", "phải là một số điểm (ví dụ 2 hoặc 2.5)")
    amount = Decimal(str(value))
    if not amount.is_finite() or amount >= 1_000_000:  # YAML's .inf and .nan, or no score at all
        raise PydanticCustomError("bad_points", "phải là một số điểm (ví dụ 2 hoặc 2.5)")
    if amount < 0:
        raise PydanticCustomError("bad_points", "không được âm")
    return amount


Points = Annotated[Decimal, BeforeValidator(_points)]
Id = Annotated[str, Field(strict=True, pattern=r"^\d+(\.\d+)*$")]


class SubCriterionModel(InputModel):
    id: Id
    name: Line
    maximum: Points


class CriterionModel(InputModel):
    id: Id
    name: Line
    maximum: Points
    sub_criteria: tuple[SubCriterionModel, ...] = ()


class FieldModel(InputModel):
    id: Id
    name: Line
    short: Line | None = None
    maximum: Points
    criteria: tuple[CriterionModel, ...] = ()


class BandModel(InputModel):
    label: Line
    minimum: Points


class GroupModel(InputModel):
    counts: CountsModel | None = None
    bands: tuple[BandModel, ...] | None = None
    fields: Annotated[tuple[FieldModel, ...], Field(min_length=1)]


class SurveyModel(InputModel):
    name: Line
    short: Line | None = None
    maximum: Points


class CriteriaSetModel(InputModel):
    name: Line
    issued_by: Line
    note: Text | None = None
    total: Points
    survey: SurveyModel | None = None
    bands: tuple[BandModel, ...] = ()
    tie_policy: Text = TIE_POLICY
    groups: Annotated[dict[GroupId, GroupModel], Field(min_length=1)]


_CHILD_KEYS = ("criteria", "sub_criteria")


def read_criteria(path: Path) -> CriteriaSet:
    """The criteria set in `path`, checked; raises InputError with every problem found."""
    document = read_yaml(path)
    foreign = foreign_file_problem(document, CriteriaSetModel.model_fields, "criteria", "bộ tiêu chí")
    if foreign:
        raise InputError([foreign])
    model, problems = validate_model(CriteriaSetModel, document, "criteria")
    if problems:
        raise InputError(problems)
    problems = _check(model, document)
    if problems:
        raise InputError(problems)
    return CriteriaSet(
        name=model.name, issued_by=model.issued_by, total=model.total,
        survey=SurveyPart(model.survey.name, model.survey.short or model.survey.name, model.survey.maximum)
        if model.survey else None,
        tie_policy=" ".join(model.tie_policy.split()),
        groups=tuple(CriteriaGroup(group_id, tuple(_node(f, f"groups.{group_id}.fields[{i}]", 0, document)
                                                   for i, f in enumerate(group.fields)),
                                   _bands(group.bands if group.bands is not None else model.bands))
                     for group_id, group in model.groups.items()),
        note=" ".join(model.note.split()) if model.note else None,
        source=document.path, sha256=document.sha256)


def _node(model: Any, key: str, depth: int, document: YamlDocument) -> Criterion:
    children = _children(model)
    child_key = join_key(key, _CHILD_KEYS[depth]) if children else key
    return Criterion(model.id, model.name, model.maximum,
                     tuple(_node(child, join_key(child_key, i), depth + 1, document)
                           for i, child in enumerate(children)),
                     getattr(model, "short", None), document.location(join_key(key, "id")))


def _children(model: Any) -> tuple[Any, ...]:
    return getattr(model, "criteria", None) or getattr(model, "sub_criteria", None) or ()


def _bands(models: tuple[BandModel, ...]) -> tuple[Band, ...]:
    return tuple(sorted((Band(band.label, band.minimum) for band in models), key=lambda band: -band.minimum))


def _walk(model: Any, key: str, depth: int = 0) -> Iterator[tuple[Any, str, int]]:
    """(node model, key path, depth) for a field and every node below it; depth 0 is the field."""
    yield model, key, depth
    children = _children(model)
    if children:
        child_key = join_key(key, _CHILD_KEYS[depth])
        for i, child in enumerate(children):
            yield from _walk(child, join_key(child_key, i), depth + 1)


def _check(model: CriteriaSetModel, document: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    survey = model.survey.maximum if model.survey else Decimal(0)
    if model.survey and not Decimal(0) < survey < model.total:
        problems.append(Problem(
            "criteria.bad_survey",
            f"Điểm điều tra xã hội học ({vn.number(survey)}) phải lớn hơn 0 và nhỏ hơn tổng điểm "
            f"({vn.number(model.total)}).", document.location("survey.maximum"),
            "Sửa điểm tối đa của phần điều tra xã hội học, hoặc bỏ khóa survey nếu không điều tra."))
    problems.extend(_check_bands(model.bands, "bands", document))
    for group_id, group in model.groups.items():
        base = f"groups.{group_id}"
        if group.bands is not None:
            problems.extend(_check_bands(group.bands, f"{base}.bands", document))
        appraised = sum((field.maximum for field in group.fields), Decimal(0))
        if appraised != model.total - survey:
            expected = (f"{vn.number(model.total)} − {vn.number(survey)} = {vn.number(model.total - survey)}"
                        if model.survey else vn.number(model.total))
            problems.append(Problem(
                "criteria.points_mismatch",
                f"Các lĩnh vực của nhóm «{group_id}» cộng lại {vn.number(appraised)} điểm; "
                f"phải bằng {expected}.",
                document.location(f"{base}.fields"), "Sửa điểm tối đa của các lĩnh vực hoặc khóa total."))
        nodes = [item for i, field in enumerate(group.fields) for item in _walk(field, f"{base}.fields[{i}]")]
        problems.extend(_check_nodes(nodes, group_id, document))
        if group.counts is not None:
            problems.extend(_check_counts(group.counts, nodes, base, document))
    return problems


def _check_nodes(nodes: list[tuple[Any, str, int]], group_id: str, document: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    parents: dict[int, str] = {}
    for node, key, depth in nodes:
        level = LEVELS[depth]
        where = document.location(join_key(key, "id"))
        if node.id in seen:
            problems.append(Problem("criteria.duplicate_id",
                                    f"Mã «{vn.excerpt(node.id)}» đã dùng cho một mục khác của nhóm «{group_id}».", where,
                                    "Đánh lại số thứ tự để mỗi mã chỉ xuất hiện một lần."))
        seen.add(node.id)
        parents[depth] = node.id
        parts = node.id.split(".")
        if len(parts) != depth + 1 or (depth and ".".join(parts[:-1]) != parents[depth - 1]):
            expected = f"{parents[depth - 1]}.N" if depth else "một số (ví dụ 1)"
            problems.append(Problem(
                "criteria.bad_id", f"Mã «{vn.excerpt(node.id)}» của {level} không đúng dạng {expected}.", where,
                "Mã của mục con bắt đầu bằng mã của mục cha, ví dụ 2 → 2.1 → 2.1.3."))
        children = _children(node)
        if children:
            total = sum((child.maximum for child in children), Decimal(0))
            if total != node.maximum:
                problems.append(Problem(
                    "criteria.points_mismatch",
                    f"{level.capitalize()} {node.id} có điểm tối đa {vn.number(node.maximum)} nhưng các "
                    f"{LEVELS[depth + 1]} của nó cộng lại {vn.number(total)}.",
                    document.location(join_key(key, "maximum")),
                    "Sửa điểm tối đa của mục này hoặc của các mục con cho khớp."))
    return problems


def _check_counts(counts: CountsModel, nodes: list[tuple[Any, str, int]], base: str,
                  document: YamlDocument) -> list[Problem]:
    problems = []
    for depth, name in enumerate(("fields", "criteria", "sub_criteria")):
        declared = getattr(counts, name)
        actual = sum(1 for _, _, node_depth in nodes if node_depth == depth)
        if declared is not None and declared != actual:
            problems.append(Problem(
                "criteria.count_mismatch",
                f"Nhóm khai báo {declared} {LEVELS[depth]} nhưng liệt kê {actual}.",
                document.location(f"{base}.counts.{name}"),
                "Sửa số khai báo hoặc bổ sung, bớt mục cho khớp."))
    return problems


def _check_bands(bands: tuple[BandModel, ...], key: str, document: YamlDocument) -> list[Problem]:
    problems = []
    labels: set[str] = set()
    minima: set[Decimal] = set()
    for i, band in enumerate(bands):
        if band.minimum > 100 or band.label in labels or band.minimum in minima:
            problems.append(Problem(
                "criteria.bad_bands",
                f"Mức xếp loại «{vn.excerpt(band.label)}» (từ {vn.number(band.minimum)}%) trùng tên, trùng ngưỡng "
                f"hoặc vượt 100%.", document.location(join_key(join_key(key, i), "minimum")),
                "Mỗi mức có tên riêng và ngưỡng riêng, từ 0 đến 100."))
        labels.add(band.label)
        minima.add(band.minimum)
    return problems
