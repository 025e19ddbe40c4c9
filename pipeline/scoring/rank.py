"""Stage 3: rank agencies per group on their PAR Index or SIPAS (domain.md §1). Pure.

All arithmetic is in Decimal; the order is decided on exact values (fractions), so two agencies
share a rank only when their indexes are exactly equal (1, 2, 2, 4), and equals are listed in
Vietnamese alphabetical order. Call these only on tables read without errors.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from pipeline import vn
from pipeline.scoring.records import (
    NATIONAL_SIPAS,
    SURVEY,
    AgencyList,
    Band,
    Column,
    CriteriaGroup,
    CriteriaSet,
    RankedAgency,
    RankedGroup,
    Ranking,
    ScoreRow,
    ScoreTable,
    SipasMethod,
)

HUNDRED = Decimal(100)


def rank_par(table: ScoreTable, criteria: CriteriaSet, agencies: AgencyList) -> Ranking:
    """The PAR Index per group, in the agency list's group order (groups without rows are left out).

    Index (%) = (field points + survey points) / maximum × 100, where the maximum leaves out the
    criteria an agency is not assessed on; sub-indexes = column points / column maximum × 100.
    """
    groups = []
    for agency_group in agencies.groups:
        group = criteria.group(agency_group.id)
        rows = [row for row in table.rows if row.group == agency_group.id]
        if group is None or not rows:
            continue
        columns = tuple(Column(top.id, top.label, top.maximum) for top in group.fields)
        if criteria.survey is not None:
            columns += (Column(SURVEY, criteria.survey.short, criteria.survey.maximum),)
        scored = [_par_row(row, group, criteria) for row in rows]
        groups.append(RankedGroup(agency_group.id, agency_group.name, columns, _ranked(scored, group.bands),
                                  group.bands))
    return Ranking("par", tuple(groups), criteria.tie_policy)


def rank_sipas(table: ScoreTable, agencies: AgencyList, method: SipasMethod = NATIONAL_SIPAS) -> Ranking:
    """SIPAS per group: the weighted mean of the component percentages (a plain mean by default)."""
    columns = tuple(Column(component.id, component.short, None) for component in method.components)
    weights = sum((component.weight for component in method.components), Decimal(0))
    groups = []
    for agency_group in agencies.groups:
        scored = []
        for row in (row for row in table.rows if row.group == agency_group.id):
            values = tuple(row.cells[component.id] for component in method.components)
            total = sum((value * c.weight for value, c in zip(values, method.components)), Decimal(0))
            scored.append((Fraction(total) / Fraction(weights),
                           RankedAgency(0, row.agency, values, total / weights)))
        if scored:
            groups.append(RankedGroup(agency_group.id, agency_group.name, columns, _ranked(scored, ())))
    return Ranking("sipas", tuple(groups), method.tie_policy)


def _par_row(row: ScoreRow, group: CriteriaGroup, criteria: CriteriaSet) -> tuple[Fraction, RankedAgency]:
    listed = row.not_assessed
    values: list[Decimal | None] = [None if top.id in listed else row.cells[top.id] for top in group.fields]
    maxima = [top.maximum_without(listed) for top in group.fields]
    if criteria.survey is not None:
        values.append(row.cells[SURVEY])
        maxima.append(criteria.survey.maximum)
    points = sum((value for value in values if value is not None), Decimal(0))
    maximum = sum(maxima, Decimal(0))
    sub_indexes = tuple(value * HUNDRED / top if value is not None and top else None
                        for value, top in zip(values, maxima))
    return Fraction(points * HUNDRED) / Fraction(maximum), RankedAgency(
        0, row.agency, tuple(values), points * HUNDRED / maximum, points, maximum, sub_indexes,
        not_assessed=listed)


def _ranked(scored: list[tuple[Fraction, RankedAgency]], bands: tuple[Band, ...]) -> tuple[RankedAgency, ...]:
    """Best first; rank = 1 + the number of agencies with a strictly higher exact index."""
    ordered = sorted(scored, key=lambda item: (-item[0], vn.collation_key(item[1].agency)))
    minima = [(band.label, Fraction(band.minimum)) for band in bands]
    result = []
    for position, (exact, agency) in enumerate(ordered):
        rank = position + 1 if position == 0 or exact != ordered[position - 1][0] else result[-1].rank
        band = next((label for label, minimum in minima if exact >= minimum), None)
        result.append(replace(agency, rank=rank, band=band))
    return tuple(result)
