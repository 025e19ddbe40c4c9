"""Stage 1: read a case file into a typed, immutable record (the registry is read by `inputs.registry`).

Raises `InputError` with every problem found when an input cannot be read or has the
wrong shape; cross-file rules (citations in force, signer vs authority) belong to `validate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.domain.units import AdministrativeUnits, issuer_of
from pipeline.inputs.schema import CaseBase, validate_case_model
from pipeline.inputs.sources import YamlDocument, foreign_file_problem, read_yaml
from pipeline.inputs.workspace import case_file, case_path_problem
from pipeline.problems import InputError, Location, Problem
from pipeline.records import (
    ArchiveNote,
    Case,
    Issuer,
    Item,
    Memo,
    PartialDate,
    Proposal,
    ScoreSource,
    Signer,
    frozen_map,
)

DISTRICT_LEVEL_ENDS = dt.date(2025, 7, 1)
"""Luật số 72/2025/QH15, Điều 51: no huyện level from this day; groups become sở and xã."""


@dataclass(frozen=True, slots=True)
class LoadedCase:
    case: Case
    digest: str  # sha256 of case.yaml


def read_case(path: Path, units: AdministrativeUnits | None = None) -> LoadedCase:
    """The case at `path` (a folder holding case.yaml, or the file), its issuer's kinds taken from `units`
    (the bundled units data unless given)."""
    file = case_file(path)
    if file.suffix not in {".yaml", ".yml"} or (path.is_dir() and not file.exists()):
        raise InputError([Problem("case.not_a_case", f"«{path}» không phải hồ sơ quyết định.", Location(file=path),
                                  "Hồ sơ là một thư mục chứa tệp case.yaml (hoặc chính tệp case.yaml).")])
    document = read_yaml(file)
    from pipeline.kinds.registry import case_schemas, find_kind  # only when a case is read

    data = document.data if isinstance(document.data, dict) else {}
    if not any(key in CaseBase.model_fields for key in data):  # perhaps another file: every kind's keys decide
        keys = {key for schema in case_schemas().values() for key in schema.model_fields}
        foreign = foreign_file_problem(document, keys, "case", "hồ sơ quyết định")
        if foreign:
            raise InputError([foreign])
    template = data.get("template")
    kind = find_kind(template) if isinstance(template, str) else None
    model, problems = validate_case_model(document, kind.schema() if kind else None, case_schemas)
    if problems:
        raise InputError(problems)
    problems = _path_problems(model, document)
    if problems:
        raise InputError(problems)
    if units is None:
        from pipeline.inputs.units import bundled_units

        units = bundled_units()
    return LoadedCase(_case_record(model, document, units), document.sha256)


def _path_problems(model: CaseBase, document: YamlDocument) -> list[Problem]:
    """The files the case names that it may not read (`workspace`): refused before anything is read, since a
    build hashes every input first. Only the keys its kind has are there."""
    named = {"agencies": getattr(model, "agencies", None), "criteria": getattr(model, "criteria", None)}
    for index, source in getattr(model, "scores", {}).items():
        named.update({f"scores.{index}.sheet": source.sheet, f"scores.{index}.criteria": source.criteria})
    found = (case_path_problem(document.path.parent, text, key, document.location(key))
             for key, text in named.items() if text is not None)
    return [problem for problem in found if problem is not None]


def _case_record(model: CaseBase, document: YamlDocument, units: AdministrativeUnits) -> Case:
    """The case as one record; a key its kind does not have takes its empty value."""
    year, month, day = model.date
    base = document.path.parent
    where = {key: document.location(key) for key in document.lines if key}
    scores = {index: ScoreSource(index, base / source.sheet, base / source.criteria if source.criteria else None)
              for index, source in _own(model, "scores", {}).items()}
    agencies, criteria = _own(model, "agencies", None), _own(model, "criteria", None)
    date = PartialDate(year, month, day)
    issuer = issuer_of(model.issuer.province, model.issuer.commune, model.issuer.authority, date.as_date(), units)
    return Case(
        path=document.path,
        template=model.template,
        issuer=issuer,
        number=model.number,
        date=date,
        as_of=model.as_of,
        place=model.place or issuer.place,
        assessed_year=model.assessed_year,
        publishes=_own(model, "publishes", ()),
        annexes_per_group=_own(model, "annexes_per_group", False),
        subject=model.subject,
        legal_basis=model.legal_basis,
        proposal=Proposal(model.proposal.by, Memo(model.proposal.memo.number, model.proposal.memo.date)
                          if model.proposal.memo else None) if model.proposal else None,
        extra_articles=model.extra_articles,
        articles=tuple(_item(article) for article in _own(model, "articles", ())),
        effective_clause=_own(model, "effective_clause", False),
        executors=model.executors or default_executors(date, issuer),
        signer=Signer(model.signer.name, model.signer.title, model.signer.sign_for),
        recipients=model.recipients,
        archive=ArchiveNote(model.archive.keep, model.archive.drafter, model.archive.copies),
        scores=frozen_map(scores),
        agencies=base / agencies if agencies else None,
        agency_groups=default_groups(date),
        wording=frozen_map(model.wording),
        criteria=base / criteria if criteria else None,
        declared_counts=frozen_map({group: (counts.fields, counts.criteria, counts.sub_criteria)
                                    for group, counts in _own(model, "declared_counts", {}).items()}),
        replaces=model.replaces,
        registry_id=model.registry_id,
        where=frozen_map(where),
        keys=model,
    )


def _own(model: CaseBase, key: str, empty):
    """A kind's own key (`publishes`, `criteria` …); `empty` for a case of a kind without it."""
    return getattr(model, key, empty)


def _item(model) -> Item:
    children = getattr(model, "clauses", None) or getattr(model, "points", None) or ()
    return Item(model.text, model.amount, tuple(_item(child) for child in children))


def default_groups(date: PartialDate) -> tuple[str, ...]:
    """The agency groups assessed on a decision's date: sở and huyện, or sở and xã after 01/7/2025."""
    if date.as_date() >= DISTRICT_LEVEL_ENDS:
        return ("so-ban-nganh", "xa")
    return ("so-ban-nganh", "huyen")


def default_executors(date: PartialDate, issuer: Issuer) -> tuple[str, ...]:
    """Who carries out a decision unless the case says: the issuer's office, its own departments, and the
    People's Committees of the level below (none below a commune)."""
    after_districts = date.as_date() >= DISTRICT_LEVEL_ENDS
    if issuer.commune:
        kind = issuer.commune_kind
        if after_districts:
            return (f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {kind}",
                    f"Trưởng các phòng chuyên môn thuộc Ủy ban nhân dân {kind}",
                    "Thủ trưởng các cơ quan, đơn vị có liên quan")
        return ("Công chức Văn phòng - Thống kê", "Thủ trưởng các cơ quan, đơn vị có liên quan")
    if after_districts:
        local = "Chủ tịch Ủy ban nhân dân các xã, phường"
    elif issuer.province_kind == "thành phố":
        local = "Chủ tịch Ủy ban nhân dân các quận, huyện, thị xã"
    else:
        local = "Chủ tịch Ủy ban nhân dân các huyện, thành phố"
    return (f"Chánh Văn phòng Ủy ban nhân dân {issuer.province_kind}", "Thủ trưởng các sở, ban, ngành", local)
