"""`cong-bo-chi-so`: a decision approving and publishing indexes (PAR Index, SIPAS) with one ranking annex
each (or one per agency group), read from the council's score sheets (seeds 000 and 001).

Its template and wording: templates/decisions/cong-bo-chi-so.docx and .yaml; its annexes:
templates/annexes/bang-xep-hang.docx. Its outputs depend on the agency list, each published index's score
sheet and the PAR Index's criteria set.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from pipeline import vn
from pipeline.domain.legal import Registry
from pipeline.inputs.cache import ParsedFiles
from pipeline.inputs.model import Flag, Line
from pipeline.inputs.schema import CaseBase, Index, ScoreSourceModel
from pipeline.kinds import compose
from pipeline.kinds.base import BUNDLED_TEMPLATES, Kind
from pipeline.problems import InputError, Location, Problem, Severity, errors
from pipeline.records import Annex, AnnexTable, Case, Decision, Item, ScoreSource

if TYPE_CHECKING:  # the sheets' readers and the ranking are imported when a case is gathered, not when its
    # keys are: reading a case of another kind never pays for them
    from pipeline.scoring.records import AgencyList


class Keys(CaseBase):
    publishes: tuple[Index, ...] = ()  # the indexes approved and published; annex order follows this list
    annexes_per_group: Flag = False  # one annex per agency group instead of one table per group in one annex
    scores: dict[Index, ScoreSourceModel] = Field(default_factory=dict)  # one score sheet per published index
    agencies: Line | None = None  # the agency list the sheets are matched against
    effective_clause: Flag = False


@dataclass(frozen=True, slots=True)
class Rankings:
    """What the score sheets gave: annex tables per index and the agencies each index ranks, in order."""

    tables: Mapping[str, tuple[AnnexTable, ...]] = field(default_factory=dict)
    agencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class IndexPublication(Kind):
    name = "cong-bo-chi-so"
    Keys = Keys
    annex_template = BUNDLED_TEMPLATES / "annexes" / "bang-xep-hang.docx"

    def inputs(self, case: Case) -> dict[str, Path | None]:
        files: dict[str, Path | None] = {}
        if case.publishes:
            files["agencies"] = case.agencies
            files[f"template:{self.annex_template.stem}"] = self.annex_template
        for index in case.publishes:
            source = case.scores.get(index)
            files[f"sheet:{index}"] = source.sheet if source else None
            if index == "par":
                files[f"criteria:{index}"] = source.criteria if source else None
        return files

    def checks(self, case: Case) -> list[Problem]:
        """Every key a publication needs, all reported at once, each where the clerk will add it."""
        if not case.publishes:
            return [Problem("case.nothing_published", "Quyết định công bố chỉ số nhưng «publishes» trống.",
                            case.location("publishes"), "Ghi các chỉ số được công bố, ví dụ: publishes: [sipas, par].")]
        problems = []
        if case.agencies is None:
            problems.append(Problem(
                "case.missing_key", "Thiếu khóa «agencies» (danh sách cơ quan để đối chiếu bảng điểm).",
                _at(case, "publishes", "agencies"), "Thêm agencies: <đường dẫn tới tệp danh sách cơ quan>."))
        for number, index in enumerate(case.publishes):
            source = case.scores.get(index)
            if source is None:
                problems.append(Problem(
                    "case.missing_scores", f"Chỉ số «{index}» được công bố nhưng không có bảng điểm.",
                    _at(case, f"publishes[{number}]", "scores"), f"Thêm scores: {{{index}: {{sheet: <tệp .xlsx>}}}}."))
            elif index == "par" and source.criteria is None:
                problems.append(Problem(
                    "case.missing_criteria", "Bảng điểm PAR cần bộ tiêu chí (criteria).",
                    _at(case, "scores.par", "scores.par.criteria"), "Thêm criteria: <tệp bộ tiêu chí .yaml>."))
        return problems

    def gather(self, case: Case, files: ParsedFiles) -> tuple[Rankings, list[Problem]]:
        """Read, check and rank each published index's score sheet (those `checks` found complete)."""
        from pipeline.inputs.agencies import read_agencies
        from pipeline.scoring.annex_tables import annex_tables

        if case.agencies is None:
            return Rankings(), []
        try:
            agencies = files.read(read_agencies, case.agencies)
        except InputError as exc:
            return Rankings(), list(exc.problems)
        tables, listed = {}, {}
        problems = list(files.units().check_agency_list(agencies, case.date.as_date(), case.location("agencies")))
        if errors(problems):
            return Rankings(), problems  # ranking agencies that did not exist that day would only add noise
        for index in case.publishes:
            source = case.scores.get(index)
            if source is None or index == "par" and source.criteria is None:
                continue  # reported by `checks`
            read = tuple(path for path in (source.sheet, source.criteria, case.agencies) if path is not None)
            try:  # a function of these files alone: kept as a parse is (`ParsedFiles.derived`)
                ranking, found = files.derived(f"rank_index.{index}", read,
                                               functools.partial(rank_index, index, source, agencies, files))
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(found)
            problems.extend(_criteria_citation(case, source, files))
            if ranking is not None:
                tables[index] = annex_tables(ranking, numbered=not case.annexes_per_group)
                listed[index] = tuple(row.agency for group in ranking.groups for row in group.rows)
        return Rankings(tables, listed), problems

    def compose(self, case: Case, registry: Registry, wording: Mapping[str, str], gathered: Rankings) -> Decision:
        words = {**wording, **case.wording}
        values = compose.placeholder_values(case, registry, words)
        annexes = _annexes(case, words, values, gathered.tables)
        return compose.compose_decision(case, registry, words, values, _publication_articles(
            case, words, values, annexes), annexes=annexes)

    def annex_agencies(self, decision: Decision, gathered: Rankings) -> Mapping[str, Sequence[str]]:
        return {annex.key: gathered.agencies.get(annex.key.rpartition("-")[2], ()) for annex in decision.annexes}


def _at(case: Case, line_of: str, key: str) -> Location:
    """The line of `line_of` (a key the case has), naming `key` (one it lacks)."""
    where = case.location(line_of)
    return Location(file=where.file, line=where.line, key=key)


def rank_index(index: str, source: ScoreSource, agencies: AgencyList, files: ParsedFiles):
    """(ranking or None when the sheet has errors, problems); raises InputError for unreadable files."""
    from pipeline.inputs.criteria import read_criteria
    from pipeline.inputs.scoresheets import read_par_sheet, read_sipas_sheet
    from pipeline.scoring.rank import rank_par, rank_sipas

    if index == "par":
        if source.criteria is None:
            return None, [Problem("case.missing_criteria", "Bảng điểm PAR cần bộ tiêu chí (criteria).",
                                  Location(file=source.sheet), "Thêm criteria: <tệp bộ tiêu chí .yaml>.")]
        criteria = files.read(read_criteria, source.criteria)
        table, problems = read_par_sheet(source.sheet, criteria, agencies)
        return (None if errors(problems) else rank_par(table, criteria, agencies)), problems
    table, problems = read_sipas_sheet(source.sheet, agencies)
    return (None if errors(problems) else rank_sipas(table, agencies)), problems


def _criteria_citation(case: Case, source: ScoreSource, files: ParsedFiles) -> list[Problem]:
    """A PAR sheet scored on a criteria set whose issuing decision the căn cứ do not cite: the decision
    would publish scores under criteria it does not name (seeds 000 and 001 cite theirs)."""
    from pipeline.inputs.criteria import read_criteria

    if source.criteria is None:
        return []
    try:
        issued_by = files.read(read_criteria, source.criteria).issued_by
    except InputError:
        return []  # reported where the sheet is read
    if any(issued_by in group for group in case.legal_basis):
        return []
    return [Problem(
        "case.criteria_not_cited",
        f"Bảng điểm được chấm theo bộ tiêu chí ban hành kèm «{issued_by}» ({source.criteria.name}), nhưng căn "
        "cứ không viện dẫn văn bản này.", case.location("legal_basis"),
        f"Thêm «{issued_by}» vào legal_basis, hoặc kiểm tra criteria: đã chọn đúng bộ tiêu chí của năm đánh giá "
        "chưa.", Severity.WARNING)]


def _annexes(case: Case, words: Mapping[str, str], values: Mapping[str, str],
             tables: Mapping[str, Sequence[AnnexTable]]) -> tuple[Annex, ...]:
    planned: list[tuple[str, str, tuple[AnnexTable, ...]]] = []
    for index in case.publishes:
        index_tables = tuple(tables.get(index, ()))
        if case.annexes_per_group and len(index_tables) > 1:
            for group, table in zip(case.agency_groups, index_tables):
                title = compose.fill(words[f"annex_title.{index}"],
                                     {**values, "scope_full": words[f"scope_full.{group}"]})
                planned.append((index, title, (table,)))
        else:
            planned.append((index, compose.fill(words[f"annex_title.{index}"], values), index_tables))
    reference = compose.reference(case)
    many = len(planned) > 1
    return tuple(
        Annex(key=f"phu-luc-{number}-{index}", label=f"Phụ lục {vn.roman(number)}" if many else "Phụ lục",
              title=vn.upper(title), reference=reference, tables=annex_tables)
        for number, (index, title, annex_tables) in enumerate(planned, start=1))


def _publication_articles(case: Case, words: Mapping[str, str], values: Mapping[str, str],
                          annexes: Sequence[Annex]) -> list[Item]:
    """One article per published index, naming its annexes, then the directive to the agencies."""
    texts: list[str] = []
    for index in case.publishes:
        labels = [annex.label for annex in annexes if annex.key.endswith(f"-{index}")]
        named = {**values, "annex": compose.join_names(labels) if labels else "Phụ lục"}
        texts.append(compose.fill(words[f"article.{index}"], {**named, "annex_ref": compose.fill(words["annex_ref"],
                                                                                                  named)}))
    if case.publishes:
        texts.append(compose.fill(words["directive"], values))
    return [Item(text) for text in texts]


KIND = IndexPublication()
