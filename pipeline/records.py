"""Frozen records that cross stage boundaries: inputs, composed documents, build results.

Standard library only. Constructors take values, never paths to read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from pipeline.problems import Location

DocId = str
"""A registry id: the registry file's path without `.yaml` (`lang-son/qd-1699-2023`)."""


def frozen_map(data: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(data or {}))


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A decision date: a draft may know only the year and month; an issued decision knows the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_complete(self) -> bool:
        return self.month is not None and self.day is not None

    def as_date(self) -> dt.date:
        """The date itself; for an incomplete date, the first day it could be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


@dataclass(frozen=True, slots=True)
class LegalDocument:
    """One entry of the legal basis registry (inputs.md §2)."""

    id: DocId
    type: str
    number: str | None
    date: dt.date
    issuer: str
    title: str
    effective: dt.date
    replaces: tuple[DocId, ...] = ()
    amends: tuple[DocId, ...] = ()
    where: Location = field(default_factory=Location)
    key_lines: Mapping[str, int] = field(default_factory=frozen_map)

    def location(self, key: str) -> Location:
        """Where `key` of this entry sits in its registry file."""
        return Location(file=self.where.file, line=self.key_lines.get(key, self.where.line), key=key)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "type": self.type, "number": self.number, "date": self.date.isoformat(),
                "issuer": self.issuer, "title": self.title, "effective": self.effective.isoformat(),
                "replaces": list(self.replaces), "amends": list(self.amends), "where": self.where.to_json(),
                "key_lines": dict(self.key_lines)}

    @classmethod
    def from_json(cls, data: dict) -> LegalDocument:
        """The entry `to_json` gave (a registry remembered, `build.memo`)."""
        return cls(data["id"], data["type"], data["number"], dt.date.fromisoformat(data["date"]), data["issuer"],
                   data["title"], dt.date.fromisoformat(data["effective"]), tuple(data["replaces"]),
                   tuple(data["amends"]), Location.from_json(data["where"]), frozen_map(data["key_lines"]))


NAMED_AFTER_PEOPLE = frozenset({"Hồ Chí Minh"})
"""Provincial-level units named after a person: their địa danh keeps the kind (Phụ lục I, I.4a)."""


@dataclass(frozen=True, slots=True)
class Issuer:
    """The People's Committee that issues the decision: a province's or centrally-run city's, or a commune's
    (xã, phường, đặc khu) within one. Kinds come from the administrative units data, not from the case."""

    province: str  # the name only: "Lạng Sơn", "Hà Nội"
    authority: str  # "chu-tich" | "uy-ban"
    province_kind: str = "tỉnh"  # "tỉnh" | "thành phố"
    commune: str | None = None  # the name only: "Đồng Đăng"
    commune_kind: str | None = None  # "xã" | "phường" | "đặc khu" | "thị trấn"

    @property
    def province_title(self) -> str:
        """`tỉnh Lạng Sơn`, `thành phố Hà Nội`."""
        return f"{self.province_kind} {self.province}"

    @property
    def unit(self) -> str:
        """The unit whose People's Committee issues: `tỉnh Lạng Sơn`, `thành phố Hà Nội`, `xã Đồng Đăng`."""
        return f"{self.commune_kind} {self.commune}" if self.commune else self.province_title

    @property
    def committee(self) -> str:
        """`Ủy ban nhân dân tỉnh Lạng Sơn` (NĐ 30, Phụ lục I, I.2a: the organ's full official name)."""
        return f"Ủy ban nhân dân {self.unit}"

    @property
    def place(self) -> str:
        """The địa danh of the date line (Phụ lục I, I.4a): the official name of the unit where the committee
        sits, its kind written out when the name is a number or a person's name (`Phường 1`, `Thành phố
        Hồ Chí Minh`)."""
        name = self.commune or self.province
        if any(ch.isdigit() for ch in name) or name in NAMED_AFTER_PEOPLE:
            return self.unit[:1].upper() + self.unit[1:]
        return name


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    title: str
    sign_for: str | None  # None, "KT", "TM", "TL", "TUQ", "Q"


@dataclass(frozen=True, slots=True)
class Memo:
    number: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Proposal:
    by: str
    memo: Memo | None = None


@dataclass(frozen=True, slots=True)
class ArchiveNote:
    keep: tuple[str, ...]
    drafter: str | None = None
    copies: int | None = None  # số lượng bản phát hành; None: one per nơi nhận and bản lưu


@dataclass(frozen=True, slots=True)
class ScoreSource:
    """One published index: its score sheet and (for the PAR Index) the criteria set."""

    index: str
    sheet: Path
    criteria: Path | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """Text written in the case: an article, a khoản or a điểm, an optional amount (đồng), its sub-items."""

    text: str
    amount: int | None = None
    children: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    """One decision's case file (`case.yaml`), checked and typed.

    `where` maps dotted key paths (`signer.sign_for`, `legal_basis[1]`) to their place in the file,
    so later stages can point at the key a problem comes from. The bundled kinds' own keys that name
    files (`scores`, `agencies`, `criteria`) are resolved here and empty for a case of another kind; a
    kind's other keys are in `keys`, as its schema read them.
    """

    path: Path
    template: str
    issuer: Issuer
    number: int | None
    date: PartialDate
    as_of: dt.date | None  # a draft's citations are checked on this day instead of the build day
    place: str
    assessed_year: int | None
    publishes: tuple[str, ...]
    annexes_per_group: bool
    subject: str | None
    legal_basis: tuple[tuple[DocId, ...], ...]
    proposal: Proposal | None
    extra_articles: tuple[str, ...]
    articles: tuple[Item, ...]  # the articles of a general decision (template `quyet-dinh`)
    effective_clause: bool
    executors: tuple[str, ...]
    signer: Signer
    recipients: tuple[str, ...]
    archive: ArchiveNote
    scores: Mapping[str, ScoreSource]
    agencies: Path | None
    agency_groups: tuple[str, ...]
    wording: Mapping[str, str]
    criteria: Path | None  # ban-hanh-bo-tieu-chi: the criteria set the decision issues
    declared_counts: Mapping[str, tuple[int | None, int | None, int | None]]  # group → (fields, criteria,
    # sub-criteria), None where the case does not declare that count
    replaces: tuple[DocId, ...]  # registry ids of the documents this decision replaces
    registry_id: DocId | None  # the id this decision gets in the registry once issued
    where: Mapping[str, Location]
    keys: object = None  # every key of the file as its kind's schema read it (frozen): a kind's own keys

    @property
    def is_issued(self) -> bool:
        return self.number is not None

    @property
    def name(self) -> str:
        """The case folder's name, which names its output folder."""
        return self.path.parent.name

    def location(self, key: str) -> Location:
        """Where `key` sits in the case file; the file alone when the key is absent."""
        return self.where.get(key) or Location(file=self.path)


# ---------------------------------------------------------------- composed documents


@dataclass(frozen=True, slots=True)
class BodyParagraph:
    """A paragraph of the decision body: `label` is `Điều 1.` (bold) or empty for a follow-on paragraph."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Signature:
    lines: tuple[str, ...]  # ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    name: str
    title: str  # the signer's own title: "Chủ tịch", "Phó Chủ tịch"


@dataclass(frozen=True, slots=True)
class AnnexTable:
    heading: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str
    numeric_columns: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Annex:
    """A Phụ lục with every string final."""

    key: str  # file stem: "phu-luc-1-sipas"
    label: str  # "Phụ lục I" or "Phụ lục"
    title: str  # upper case
    reference: str  # "(Kèm theo Quyết định số …)"
    tables: tuple[AnnexTable, ...]


@dataclass(frozen=True, slots=True)
class CriteriaRow:
    """One line of an issued criteria set's table: `level` 1 field, 2 criterion, 3 sub-criterion, 0 total."""

    code: str
    text: str
    points: str
    level: int


@dataclass(frozen=True, slots=True)
class CriteriaTable:
    heading: str
    rows: tuple[CriteriaRow, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document issued "kèm theo" the decision (Mẫu 1.3): its own header, title and reference line."""

    key: str  # file stem
    organ_lines: tuple[str, ...]  # the issuing organ, as in the decision's header
    title: str  # "BỘ TIÊU CHÍ"
    subject: str
    reference: str  # "(Kèm theo Quyết định số … của …)"
    tables: tuple[CriteriaTable, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision with every string final; rendering only places them."""

    template: str
    organ_lines: tuple[str, ...]  # the issuing organ's name in the header: "ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"
    number_line: str
    place_date_line: str
    title: str
    subject: str  # the trích yếu on one line, plain spaces: what registers, metadata and manifests record
    subject_as_set: str  # as the page sets it: the drafter's line breaks, no-break spaces (vn.as_set)
    authority_line: str
    preamble: tuple[str, ...]  # căn cứ lines and the proposal line, punctuation final
    body: tuple[BodyParagraph, ...]
    recipients: tuple[str, ...]
    signature: Signature
    annexes: tuple[Annex, ...]
    attachments: tuple[Attachment, ...]
    # metadata
    number: int | None
    symbol: str
    date: PartialDate
    issuing_body: str  # who issues it: "Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn" for a Chairman's decision
    organ: str  # the organ (cơ quan) it comes from: "Ủy ban nhân dân tỉnh Lạng Sơn"
    is_draft: bool


# ---------------------------------------------------------------- build results


@dataclass(frozen=True, slots=True)
class Artifact:
    kind: str  # "decision" | "annex" | "attachment"
    path: Path
    sha256: str
