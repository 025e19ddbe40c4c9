"""Records of the scoring back end: agency lists, criteria sets, score tables and rankings.

Standard library only, like `records` (layer 0): the readers (`agencies`, `criteria`,
`scoresheets`) build these records and the pure stages (`rank`, `annex_tables`) consume them.
Constructors take values, never paths to read. Points are `Decimal`, never float.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pipeline.problems import Location

TIE_POLICY = (
    "Xếp hạng theo giá trị chưa làm tròn; chỉ các đơn vị có giá trị bằng nhau tuyệt đối mới được xếp "
    "đồng hạng và được liệt kê theo thứ tự chữ cái tiếng Việt; hạng kế tiếp bỏ qua số hạng tương ứng "
    "(ví dụ: 1, 2, 2, 4)."
)
"""The tie policy of domain.md §1.5, stated under every ranking table unless a criteria set words it."""


# ---------------------------------------------------------------- agencies


@dataclass(frozen=True, slots=True)
class AgencyGroup:
    """One agency group (`so-ban-nganh`, `huyen`, `xa`) with its display name and members, in list order."""

    id: str
    name: str
    agencies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgencyList:
    """The agencies a province assesses, by group. Names are NFC and unique across groups."""

    province: str
    groups: tuple[AgencyGroup, ...]
    source: Path | None = None
    sha256: str | None = None
    valid_from: dt.date | None = None  # the period the list describes (None: not stated)
    valid_until: dt.date | None = None
    _by_key: Mapping[str, tuple[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every row of every sheet is matched by name: a dict keeps that linear in the rows.
        by_key: dict[str, tuple[str, str]] = {}
        for group in self.groups:
            for name in group.agencies:
                by_key.setdefault(agency_key(name), (group.id, name))
        object.__setattr__(self, "_by_key", by_key)

    def group(self, group_id: str) -> AgencyGroup | None:
        return next((group for group in self.groups if group.id == group_id), None)

    def find(self, text: str) -> tuple[str, str] | None:
        """`(group id, listed name)` of the agency `text` names, or None.

        Matching ignores case, spacing, dash style, tone-mark placement (`Uỷ`/`Ủy`) and
        the spelling of "Ủy ban nhân dân" as "UBND".
        """
        return self._by_key.get(agency_key(text))

    def suggest(self, text: str) -> str | None:
        """The listed name closest to `text` (for a "did you mean" hint), or None when nothing is close."""
        names = {agency_key(name): name for group in self.groups for name in group.agencies}
        close = difflib.get_close_matches(agency_key(text), list(names), n=1, cutoff=0.6)
        return names[close[0]] if close else None

    def group_of_text(self, text: str) -> str | None:
        """The id of the group `text` names, by id (`huyen`) or by name (`UBND huyện, thành phố`)."""
        key = agency_key(re.sub(r"^[IVX]+\.\s*", "", text.strip()))
        for group in self.groups:
            if key in {agency_key(group.id), agency_key(group.name)}:
                return group.id
        return None


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


@functools.lru_cache(maxsize=8192)
def agency_key(text: str) -> str:
    """A comparison key for agency names: see `AgencyList.find`."""
    return _tone_key(text).replace(_UBND, "ubnd")


def _tone_key(text: str) -> str:
    text = unicodedata.normalize("NFD", text.casefold())
    text = re.sub(r"\s*[-\u2010\u2011\u2013\u2014]\s*", " - ", text)
    words = []
    for word in text.split():
        tones = "".join(ch for ch in word if ch in _TONES)  # "hoà" and "hòa" give one key
        words.append("".join(ch for ch in word if ch not in _TONES) + tones)
    return unicodedata.normalize("NFC", " ".join(words))


_UBND = _tone_key("ủy ban nhân dân")


# ---------------------------------------------------------------- criteria


LEVELS = ("lĩnh vực", "tiêu chí", "tiêu chí thành phần")
"""Names of a criteria set's nodes by depth: `1` a field, `1.2` a criterion, `1.2.3` a sub-criterion."""


def level_name(criterion_id: str) -> str:
    """`lĩnh vực 1`, `tiêu chí 1.2`, `tiêu chí thành phần 1.2.3`."""
    return f"{LEVELS[min(criterion_id.count('.'), len(LEVELS) - 1)]} {criterion_id}"


@dataclass(frozen=True, slots=True)
class Criterion:
    """A field (lĩnh vực, id `1`), criterion (tiêu chí, `1.2`) or sub-criterion (tiêu chí thành phần,
    `1.2.3`).

    `maximum` is its maximum points; a parent's maximum equals the sum of its children's.
    `short` is the column heading of a field in sheets and annexes (None: use `name`).
    """

    id: str
    name: str
    maximum: Decimal
    children: tuple[Criterion, ...] = ()
    short: str | None = None
    where: Location = field(default_factory=Location)

    @property
    def label(self) -> str:
        return self.short or self.name

    def maximum_without(self, not_assessed: Collection[str]) -> Decimal:
        """This node's maximum when the criteria `not_assessed` (ids) are not assessed; 0 when it is one."""
        if not not_assessed:
            return self.maximum
        if self.id in not_assessed:
            return Decimal(0)
        return self.maximum - sum((child.maximum - child.maximum_without(not_assessed)
                                   for child in self.children), Decimal(0))

    def walk(self) -> Iterator[Criterion]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Band:
    """A rating band (xếp loại): `label` applies from `minimum` percent (inclusive) upwards."""

    label: str
    minimum: Decimal


@dataclass(frozen=True, slots=True)
class SurveyPart:
    """The points from the sociological survey (điều tra xã hội học), added to the appraised fields."""

    name: str
    short: str
    maximum: Decimal


@dataclass(frozen=True, slots=True)
class CriteriaGroup:
    """The criteria of one agency group; `bands` from the highest minimum down, empty when there are none."""

    id: str
    fields: tuple[Criterion, ...]
    bands: tuple[Band, ...] = ()
    _by_id: Mapping[str, Criterion] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Looked up for every cell of every sheet row: index the tree once.
        object.__setattr__(self, "_by_id", {node.id: node for top in self.fields for node in top.walk()})

    def find(self, criterion_id: str) -> Criterion | None:
        return self._by_id.get(criterion_id)


@dataclass(frozen=True, slots=True)
class CriteriaSet:
    """A PAR Index criteria set (Bộ tiêu chí), versioned by the decision that issued it.

    Each group's fields add up to `total` minus the survey's maximum; `survey` is None where no
    survey is run (the appraised score is then the whole index). `note` says where figures are samples.
    """

    name: str
    issued_by: str  # registry id of the issuing decision
    total: Decimal
    survey: SurveyPart | None
    tie_policy: str
    groups: tuple[CriteriaGroup, ...]
    note: str | None = None
    source: Path | None = None
    sha256: str | None = None

    def group(self, group_id: str) -> CriteriaGroup | None:
        return next((group for group in self.groups if group.id == group_id), None)


@dataclass(frozen=True, slots=True)
class Component:
    """One SIPAS component: a satisfaction percentage per agency; `weight` 1 for a plain mean."""

    id: str
    name: str
    short: str
    weight: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class SipasMethod:
    """How the SIPAS index is formed: the weighted mean of its components' percentages."""

    components: tuple[Component, ...]
    tie_policy: str = TIE_POLICY


NATIONAL_SIPAS = SipasMethod((
    Component("tiep-can", "Tiếp cận dịch vụ", "Tiếp cận dịch vụ"),
    Component("thu-tuc", "Thủ tục hành chính", "Thủ tục hành chính"),
    Component("cong-chuc", "Công chức trực tiếp giải quyết công việc", "Công chức giải quyết công việc"),
    Component("ket-qua", "Kết quả dịch vụ", "Kết quả dịch vụ"),
    Component("gop-y", "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị", "Góp ý, phản ánh, kiến nghị"),
))
"""The five components of the national SIPAS method (domain.md §1), unweighted."""


# ---------------------------------------------------------------- score sheets

SURVEY = "survey"
TOTAL = "total"
"""Column keys besides criterion ids (PAR) and component ids (SIPAS)."""


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One agency's row of a score sheet.

    `cells` maps column keys (criterion ids such as `1` or `1.2`, `survey`, `total`, SIPAS component
    ids) to the values read; a blank or unreadable cell is absent (the reader has reported it).
    `not_assessed` lists criterion ids as the sheet gives them. `where` locates every key of `cells`,
    and `agency`, `group`, `not_assessed`.
    """

    agency: str  # the name as the agency list writes it
    group: str
    cells: Mapping[str, Decimal]
    not_assessed: tuple[str, ...]
    where: Mapping[str, Location]


@dataclass(frozen=True, slots=True)
class ScoreTable:
    """A score sheet read: `index` is `par` or `sipas`; rows of agencies found in the agency list."""

    index: str
    source: Path
    sha256: str
    rows: tuple[ScoreRow, ...]


# ---------------------------------------------------------------- rankings


@dataclass(frozen=True, slots=True)
class Column:
    """A value column of a ranking: a field, the survey or a SIPAS component (`maximum` None: percent)."""

    key: str
    label: str
    maximum: Decimal | None


@dataclass(frozen=True, slots=True)
class RankedAgency:
    """One agency's place. `values` follow the group's columns (None: not assessed at all).

    `percent` is the index, unrounded; `points`/`maximum` are None for SIPAS; `sub_indexes`
    are points / maximum × 100 per column (None where the column's maximum is 0 or for SIPAS).
    """

    rank: int
    agency: str
    values: tuple[Decimal | None, ...]
    percent: Decimal
    points: Decimal | None = None
    maximum: Decimal | None = None
    sub_indexes: tuple[Decimal | None, ...] = ()
    band: str | None = None
    not_assessed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RankedGroup:
    """One agency group ranked, best first, with the bands of its criteria (empty: none)."""

    id: str
    name: str
    columns: tuple[Column, ...]
    rows: tuple[RankedAgency, ...]
    bands: tuple[Band, ...] = ()

    @property
    def banded(self) -> bool:
        return bool(self.bands)


@dataclass(frozen=True, slots=True)
class Ranking:
    """An index (`par` or `sipas`) ranked per agency group, in the agency list's group order."""

    index: str
    groups: tuple[RankedGroup, ...]
    tie_note: str
