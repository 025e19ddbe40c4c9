"""Read the administrative units data (`fixtures/units/`): provinces over time and the bundled provinces' details.

`provinces.yaml` lists the provincial-level units; every other `*.yaml` in the folder describes one province:

```yaml
province: tỉnh Lạng Sơn                 # as provinces.yaml names it, with its kind
covers_from: 2019-01-01                 # the data says nothing about earlier days
sample: false                           # optional: true when the lists are sample data (say so in a comment)
partial: false                          # optional: true when a list is known to be incomplete
districts: {until: 2025-06-30, by: nq-203-2025, units: [thành phố Lạng Sơn, huyện Tràng Định, …]}
communes: {from: 2025-07-01, by: lang-son/nq-1672-2025, units: [xã Thất Khê, …, phường Tam Thanh]}
                                        # the group's `from`: the day the commune list is complete from
departments:
  - Sở Tư pháp                                        # existed throughout
  - {unit: Sở Kế hoạch và Đầu tư, until: 2025-02-28, into: Sở Tài chính, by: lang-son/nq-04-2025}
  - {unit: Sở Tài chính, from: 2025-03-01, by: lang-son/nq-04-2025}
```

An entry is a title (`xã Đồng Đăng`: kind, then name; departments have no kind) or a mapping with `unit` and
optional `from` (first day), `until` (last day), `into` (the successor, which must exist the day after
`until`) and `by` (the registry id of the document behind the change); a group's `from`/`until`/`by` apply to
each of its units. `read_units` raises InputError with every problem, each at its line.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field

from pipeline import vn
from pipeline.domain.units import (
    COMMUNE_KINDS,
    DISTRICT_KINDS,
    PROVINCE_KINDS,
    AdministrativeUnits,
    ProvinceDetail,
    Unit,
    split_kind,
)
from pipeline.inputs.cache import BUNDLED_UNITS
from pipeline.inputs.model import Flag, FullDate, InputModel, Line, validate_model
from pipeline.inputs.sources import YamlDocument, join_key, read_yaml
from pipeline.problems import InputError, Location, Problem
from pipeline.scoring.records import agency_key

PROVINCES_FILE = "provinces.yaml"


class _Model(InputModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)  # `from:` is an alias


class EntryModel(_Model):
    unit: Line
    valid_from: FullDate | None = Field(None, alias="from")
    until: FullDate | None = None
    into: Line | None = None
    by: Line | None = None


def _as_entry(value: Any) -> Any:
    return {"unit": value} if isinstance(value, str) else value


Entry = Annotated[EntryModel, BeforeValidator(_as_entry)]


class GroupModel(_Model):
    valid_from: FullDate | None = Field(None, alias="from")
    until: FullDate | None = None
    by: Line | None = None
    units: tuple[Entry, ...]


class ProvincesModel(_Model):
    covers_from: FullDate
    units: tuple[Entry, ...]


class ProvinceFileModel(_Model):
    province: Line
    covers_from: FullDate
    sample: Flag = False
    partial: Flag = False
    districts: GroupModel | None = None
    communes: GroupModel | None = None
    departments: tuple[Entry, ...] = ()


def read_units(folder: Path) -> AdministrativeUnits:
    """The provinces of `folder/provinces.yaml` and the details of every other `*.yaml` beside it."""
    problems: list[Problem] = []
    document = read_yaml(folder / PROVINCES_FILE)
    model, found = validate_model(ProvincesModel, document, "units")
    if found:
        raise InputError(found)
    provinces = _units(model.units, "units", document, PROVINCE_KINDS, problems)
    problems.extend(_check_periods(provinces, document, "units"))
    units = AdministrativeUnits(provinces, model.covers_from, source=document.path)
    details: list[ProvinceDetail] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == PROVINCES_FILE:
            continue
        try:
            detail = _read_detail(path, units, problems)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if detail is None:
            continue
        if any(agency_key(other.province) == agency_key(detail.province) for other in details):
            problems.append(Problem("units.duplicate_province", f"Hai tệp cùng mô tả tỉnh «{detail.province}».",
                                    Location(file=path), "Gộp hai tệp làm một."))
            continue
        details.append(detail)
    if problems:
        raise InputError(problems)
    return AdministrativeUnits(provinces, model.covers_from, tuple(details), document.path)


@functools.cache
def bundled_units() -> AdministrativeUnits:
    """The project's own units data (`fixtures/units/`), read once per process."""
    return read_units(BUNDLED_UNITS)


def _read_detail(path: Path, units: AdministrativeUnits, problems: list[Problem]) -> ProvinceDetail | None:
    document = read_yaml(path)
    model, found = validate_model(ProvinceFileModel, document, "units")
    if found:
        problems.extend(found)
        return None
    kind, name = split_kind(model.province)
    known = [unit for unit in units.provinces if agency_key(unit.name) == agency_key(name)
             and (kind is None or unit.kind == kind)]
    if not known:
        problems.append(Problem("units.unknown_province",
                                f"«{model.province}» không có trong {PROVINCES_FILE}.", document.location("province"),
                                f"Ghi tên tỉnh như {PROVINCES_FILE} (ví dụ «tỉnh Lạng Sơn»)."))
        return None
    districts = _group(model.districts, "districts", document, DISTRICT_KINDS, problems)
    communes = _group(model.communes, "communes", document, COMMUNE_KINDS, problems)
    departments = _units(model.departments, "departments", document, None, problems)
    for key, group in (("districts", districts), ("communes", communes), ("departments", departments)):
        problems.extend(_check_periods(group, document, key))
    communes_from = (model.communes.valid_from or model.covers_from) if model.communes else None
    return ProvinceDetail(known[0].name, model.covers_from, districts, communes, departments, communes_from,
                          model.sample, model.partial, document.path)


def _group(model: GroupModel | None, key: str, document: YamlDocument, kinds: Sequence[str],
           problems: list[Problem]) -> tuple[Unit, ...]:
    if model is None:
        return ()
    defaults = {"valid_from": model.valid_from, "until": model.until, "by": model.by}
    entries = tuple(entry.model_copy(update={k: v for k, v in defaults.items() if getattr(entry, k) is None})
                    for entry in model.units)
    return _units(entries, join_key(key, "units"), document, kinds, problems)


def _units(entries: Sequence[EntryModel], key: str, document: YamlDocument, kinds: Sequence[str] | None,
           problems: list[Problem]) -> tuple[Unit, ...]:
    """Units from entries; `kinds` None: agencies, whose titles carry no kind."""
    found: list[Unit] = []
    for index, entry in enumerate(entries):
        at = join_key(key, index)
        where = document.location(at)
        kind, name = split_kind(entry.unit) if kinds is not None else (None, entry.unit)
        if kinds is not None and kind not in kinds:
            problems.append(Problem("units.bad_kind", f"«{entry.unit}» cần bắt đầu bằng loại đơn vị: "
                                    + ", ".join(kinds) + ".", where, "Ví dụ «xã Đồng Đăng», «tỉnh Lạng Sơn»."))
            continue
        if entry.valid_from and entry.until and entry.valid_from > entry.until:
            problems.append(Problem("units.dates_reversed", f"«{entry.unit}»: ngày bắt đầu sau ngày kết thúc.",
                                    where, "Kiểm tra lại «from» và «until»."))
            continue
        if entry.into and not entry.until:
            problems.append(Problem("units.into_without_until", f"«{entry.unit}» có «into» mà không có «until».",
                                    where, "Ghi ngày cuối cùng đơn vị còn tồn tại."))
            continue
        found.append(Unit(name, kind, entry.valid_from, entry.until, entry.into, entry.by, where))
    return tuple(found)


def _check_periods(units: tuple[Unit, ...], document: YamlDocument, key: str) -> list[Problem]:
    """Two periods of one title overlapping, or a successor that does not exist the day after."""
    problems: list[Problem] = []
    by_title: dict[str, list[Unit]] = {}
    for unit in units:
        same = by_title.setdefault(agency_key(unit.title), [])
        if any(_overlap(unit, other) for other in same):
            problems.append(Problem("units.overlap", f"«{unit.title}» có hai thời kỳ chồng lên nhau.",
                                    unit.where, "Mỗi thời kỳ của một đơn vị chỉ ghi một lần."))
        same.append(unit)
    for unit in units:
        if unit.successor is None:
            continue
        next_day = unit.valid_until + dt.timedelta(days=1)
        if not any(other.exists_on(next_day) for other in by_title.get(agency_key(unit.successor), ())):
            problems.append(Problem(
                "units.missing_successor",
                f"«{unit.title}» được sắp xếp vào «{unit.successor}», nhưng đơn vị này không có ngày "
                f"{vn.short_date(next_day)} trong «{key}».", unit.where, "Thêm đơn vị kế thừa hoặc sửa tên ở «into»."))
    return problems


def _overlap(one: Unit, other: Unit) -> bool:
    low = max(one.valid_from or dt.date.min, other.valid_from or dt.date.min)
    high = min(one.valid_until or dt.date.max, other.valid_until or dt.date.max)
    return low <= high
