"""Read an agency list (`fixtures/agencies/*.yaml`): the agencies a province assesses, by group.

```yaml
province: Lạng Sơn
valid_from: 2025-07-01          # optional: the first day the list describes (the day its units exist from)
valid_until: null               # optional: its last day
groups:
  - id: so-ban-nganh            # the group id criteria sets and score sheets use
    name: Sở, ban, ngành        # its display name (annex headings)
    agencies: [Văn phòng UBND tỉnh, Sở Nội vụ, …]
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from pipeline import vn
from pipeline.inputs.model import FullDate, GroupId, InputModel, Line, validate_model
from pipeline.inputs.sources import foreign_file_problem, read_yaml
from pipeline.problems import InputError, Problem
from pipeline.scoring.records import AgencyGroup, AgencyList, agency_key


class AgencyGroupModel(InputModel):
    id: GroupId
    name: Line
    agencies: Annotated[tuple[Line, ...], Field(min_length=1)]


class AgencyListModel(InputModel):
    province: Line
    valid_from: FullDate | None = None
    valid_until: FullDate | None = None
    groups: Annotated[tuple[AgencyGroupModel, ...], Field(min_length=1)]


def read_agencies(path: Path) -> AgencyList:
    """The agency list in `path`; raises InputError with every problem (each with its line)."""
    document = read_yaml(path)
    foreign = foreign_file_problem(document, AgencyListModel.model_fields, "agencies", "danh sách cơ quan")
    if foreign:
        raise InputError([foreign])
    model, problems = validate_model(AgencyListModel, document, "agencies")
    if problems:
        raise InputError(problems)
    found: list[Problem] = []
    group_ids: set[str] = set()
    names: dict[str, str] = {}
    for g, group in enumerate(model.groups):
        if group.id in group_ids:
            found.append(Problem("agencies.duplicate_group", f"Nhóm «{group.id}» được khai báo hai lần.",
                                 document.location(f"groups[{g}].id"), "Gộp hai nhóm làm một."))
        group_ids.add(group.id)
        for a, name in enumerate(group.agencies):
            key = agency_key(name)
            if key in names:
                found.append(Problem(
                    "agencies.duplicate_agency",
                    f"Cơ quan «{vn.excerpt(name)}» có hai lần trong danh sách (đã có «{vn.excerpt(names[key])}»).",
                    document.location(f"groups[{g}].agencies[{a}]"),
                    "Xóa một dòng: mỗi cơ quan chỉ thuộc một nhóm."))
            names[key] = name
    if model.valid_from and model.valid_until and model.valid_from > model.valid_until:
        found.append(Problem("agencies.dates_reversed", "Ngày «valid_from» sau ngày «valid_until».",
                             document.location("valid_until"), "Kiểm tra lại thời kỳ có hiệu lực của danh sách."))
    if found:
        raise InputError(found)
    return AgencyList(model.province, tuple(AgencyGroup(group.id, group.name, group.agencies)
                                            for group in model.groups), document.path, document.sha256,
                      model.valid_from, model.valid_until)
