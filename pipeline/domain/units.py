"""Administrative units as dated data: which provinces, communes and agencies exist on a day.

Each unit carries its own dates, like the registry's documents: `valid_from` is its first day (None: before
anything the data describes), `valid_until` its last (None: still exists), `successor` the unit it was merged
into. The records are built by `pipeline.inputs.units` from `fixtures/units/*.yaml`; the queries here are
pure, and the `check_*` functions turn a name typed in a case or an agency list into `Problem`s at the
place the caller gives.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import vn
from pipeline.domain.legal import Registry
from pipeline.problems import Location, Problem, Severity
from pipeline.records import DocId, Issuer
from pipeline.scoring.records import AgencyList, agency_key

PROVINCE_KINDS = ("tỉnh", "thành phố")
DISTRICT_KINDS = ("thành phố", "thị xã", "quận", "huyện")
COMMUNE_KINDS = ("xã", "phường", "thị trấn", "đặc khu")
_KINDS = sorted({*PROVINCE_KINDS, *DISTRICT_KINDS, *COMMUNE_KINDS}, key=len, reverse=True)
_COMMITTEE = ("ubnd ", "ủy ban nhân dân ")

EXISTS = "exists"
CEASED = "ceased"
NOT_YET = "not_yet"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Unit:
    """One administrative unit or agency over the period it existed. `kind` is None for agencies."""

    name: str
    kind: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    successor: str | None = None
    basis: DocId | None = None
    where: Location = field(default_factory=Location)

    @property
    def title(self) -> str:
        """The name as a document writes it: `tỉnh Lạng Sơn`, `xã Đồng Đăng`, `Sở Tài chính`."""
        return f"{self.kind} {self.name}" if self.kind else self.name

    def exists_on(self, day: dt.date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))


@dataclass(frozen=True, slots=True)
class Presence:
    """Whether a named unit exists on a day; if not, when it ceased (and into what) or when it begins."""

    state: str
    unit: Unit | None = None
    since: dt.date | None = None  # CEASED: the first day without it; NOT_YET: its first day

    @property
    def exists(self) -> bool:
        return self.state == EXISTS


@dataclass(frozen=True, slots=True)
class ProvinceDetail:
    """What the data knows inside one province: districts, commune-level units, departments."""

    province: str
    covers_from: dt.date
    districts: tuple[Unit, ...] = ()
    communes: tuple[Unit, ...] = ()
    departments: tuple[Unit, ...] = ()
    communes_from: dt.date | None = None  # the first day the commune list is complete (None: no list)
    sample: bool = False
    partial: bool = False
    source: Path | None = None


def split_kind(text: str) -> tuple[str | None, str]:
    """`("xã", "Đồng Đăng")` from `xã Đồng Đăng`; `(None, "Hà Nội")` when no kind is written."""
    clean = " ".join(vn.nfc(text).split())
    for kind in _KINDS:
        if clean.casefold().startswith(kind + " "):
            return kind, clean[len(kind) + 1:]
    return None, clean


def presence(candidates: Iterable[Unit], day: dt.date) -> Presence:
    """The standing on `day` of the units sharing one name (several periods of one name are several units)."""
    units = tuple(candidates)
    if not units:
        return Presence(UNKNOWN)
    for unit in units:
        if unit.exists_on(day):
            return Presence(EXISTS, unit)
    ended = [unit for unit in units if unit.valid_until is not None and unit.valid_until < day]
    if ended:
        last = max(ended, key=lambda unit: unit.valid_until)
        return Presence(CEASED, last, last.valid_until + dt.timedelta(days=1))
    first = min(units, key=lambda unit: unit.valid_from or day)
    return Presence(NOT_YET, first, first.valid_from)


def suggestion(text: str, units: Iterable[Unit]) -> str | None:
    """The title closest to `text` among `units`, for a "did you mean", or None when nothing is close.

    Names are compared without diacritics, so `Ha Noi` finds `thành phố Hà Nội`."""
    _, name = split_kind(text)
    titles = {_bare(unit.name): unit.title for unit in units}
    close = difflib.get_close_matches(_bare(name), list(titles), n=1, cutoff=0.6)
    return titles[close[0]] if close else None


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


@dataclass(frozen=True, slots=True)
class AdministrativeUnits:
    """Provinces and centrally-run cities over time, and the details of the bundled provinces."""

    provinces: tuple[Unit, ...]
    covers_from: dt.date
    details: tuple[ProvinceDetail, ...] = ()
    source: Path | None = None

    def provinces_on(self, day: dt.date) -> tuple[Unit, ...]:
        """The provincial-level units on `day`, each with its kind (`tỉnh` or `thành phố`)."""
        return tuple(unit for unit in self.provinces if unit.exists_on(day))

    def province_presence(self, text: str, day: dt.date) -> Presence:
        """`text` may carry its kind (`tỉnh Lạng Sơn`) or not (`Lạng Sơn`); the kind is not checked here."""
        _, name = split_kind(text)
        return presence(_named(self.provinces, name), day)

    def detail(self, province: str) -> ProvinceDetail | None:
        _, name = split_kind(province)
        return next((d for d in self.details if agency_key(d.province) == agency_key(name)), None)

    def communes_on(self, province: str, day: dt.date) -> tuple[Unit, ...]:
        """The commune-level units of `province` on `day` (empty when the data has none for it)."""
        detail = self.detail(province)
        return tuple(unit for unit in detail.communes if unit.exists_on(day)) if detail else ()

    def agency_presence(self, province: str, text: str, day: dt.date) -> Presence:
        """A department (`Sở Tài chính`) or a local People's Committee (`UBND huyện Tràng Định`) on `day`."""
        detail = self.detail(province)
        if detail is None:
            return Presence(UNKNOWN)
        local = _without_committee(text)
        if local is None:
            return presence(_named(detail.departments, text), day)
        kind, name = split_kind(local)
        pool = detail.communes if kind in COMMUNE_KINDS else (*detail.districts, *detail.communes)
        return presence((unit for unit in _named(pool, name) if kind is None or unit.kind == kind), day)

    # ------------------------------------------------------------ checks with places

    def check_province(self, text: str, day: dt.date, where: Location,
                       registry: Registry | None = None) -> tuple[Problem, ...]:
        """An unknown province, one that did not exist on `day`, or a city typed as a province."""
        if day < self.covers_from:
            return (_before_data(text, self.covers_from, where),)
        kind, name = split_kind(text)
        found = self.province_presence(name, day)
        if found.state == UNKNOWN:
            guess = suggestion(name, self.provinces_on(day))
            return (Problem("units.unknown_province", f"Không có tỉnh, thành phố trực thuộc trung ương nào tên «{name}».",
                            where, f"Có phải ý là «{guess}»?" if guess else "Kiểm tra lại tên tỉnh."),)
        if not found.exists:
            return (_not_on_date("units.province_not_on_date", found, day, where, registry),)
        if kind is not None and kind != found.unit.kind:
            return (Problem(
                "units.wrong_kind",
                f"{found.unit.name} là {_kind_words(found.unit.kind)}, không phải {kind}: viết «{found.unit.title}».",
                where, f"Chỉ cần ghi tên «{found.unit.name}»: loại đơn vị lấy từ dữ liệu đơn vị hành chính."),)
        return ()

    def check_commune(self, province: str, text: str, day: dt.date, where: Location,
                      registry: Registry | None = None) -> tuple[Problem, ...]:
        """An unknown commune, one of another province, one of another kind, one not existing on `day`."""
        detail = self.detail(province)
        if detail is None:
            return (Problem("units.no_commune_data", f"Chưa có dữ liệu đơn vị cấp xã của {province}; "
                            f"không kiểm tra được «{text}».", where, "Thêm tệp tỉnh vào fixtures/units/.",
                            Severity.WARNING),)
        kind, name = split_kind(text)
        same_name = _named(detail.communes, name)
        if not same_name:
            elsewhere = next((d for d in self.details if d is not detail and _named(d.communes, name)), None)
            if elsewhere is not None:
                unit = _named(elsewhere.communes, name)[0]
                return (Problem("units.commune_other_province",
                                f"«{unit.title}» thuộc {_province_title(self, elsewhere)}, không thuộc "
                                f"{_province_title(self, detail)}.", where,
                                "Sửa tên tỉnh hoặc tên đơn vị cấp xã."),)
            communes_from = detail.communes_from
            if communes_from is None or day < communes_from:
                return (Problem("units.no_commune_data",
                                f"Dữ liệu chưa có đơn vị cấp xã của {_province_title(self, detail)} vào ngày "
                                f"{vn.short_date(day)}; không kiểm tra được «{text}».", where,
                                severity=Severity.WARNING),)
            guess = suggestion(text, self.communes_on(detail.province, day))
            return (Problem("units.unknown_commune",
                            f"{_capital(_province_title(self, detail))} không có đơn vị cấp xã nào tên «{name}».", where,
                            f"Có phải ý là «{guess}»?" if guess else "Kiểm tra lại tên xã, phường."),)
        of_kind = [unit for unit in same_name if kind is None or unit.kind == kind]
        if not of_kind:
            unit = same_name[0]
            return (Problem("units.wrong_kind", f"{unit.name} là {unit.kind}, không phải {kind}: viết «{unit.title}».",
                            where),)
        found = presence(of_kind, day)
        if not found.exists:
            return (_not_on_date("units.commune_not_on_date", found, day, where, registry),)
        return ()

    def check_agency(self, province: str, text: str, day: dt.date, where: Location,
                     registry: Registry | None = None) -> tuple[Problem, ...]:
        """A department or local People's Committee that had ceased, or did not yet exist, on `day`."""
        found = self.agency_presence(province, text, day)
        if found.state in (EXISTS, UNKNOWN):
            return ()
        return (_not_on_date("units.agency_not_on_date", found, day, where, registry, shown=text),)

    def check_agency_list(self, agencies: AgencyList, day: dt.date, where: Location,
                          registry: Registry | None = None) -> tuple[Problem, ...]:
        """An agency list used on a day outside the period it states, or else each agency in it that had
        ceased (naming the day and its successor) or did not yet exist on `day`; all at `where`."""
        outside = ((agencies.valid_from is not None and day < agencies.valid_from)
                   or (agencies.valid_until is not None and day > agencies.valid_until))
        if outside:
            period = (f"từ ngày {vn.short_date(agencies.valid_from)}" if agencies.valid_from else "") + (
                f" đến ngày {vn.short_date(agencies.valid_until)}" if agencies.valid_until else "")
            name = agencies.source.name if agencies.source else "danh sách cơ quan"
            return (Problem("agencies.not_on_date", f"Danh sách cơ quan «{name}» dùng cho thời kỳ {period.strip()}; "
                            f"văn bản ngày {vn.short_date(day)} nằm ngoài thời kỳ đó.", where,
                            "Dùng danh sách cơ quan có hiệu lực vào ngày của văn bản."),)
        return tuple(problem for group in agencies.groups for name in group.agencies
                     for problem in self.check_agency(agencies.province, name, day, where, registry))


def _named(units: Iterable[Unit], name: str) -> tuple[Unit, ...]:
    key = agency_key(name)
    return tuple(unit for unit in units if agency_key(unit.name) == key or agency_key(unit.title) == key)


def _without_committee(text: str) -> str | None:
    """`huyện Tràng Định` from `UBND huyện Tràng Định` (or `Ủy ban nhân dân …`); None for other agencies."""
    clean = " ".join(vn.modern_tone_marks(text).split())
    for prefix in _COMMITTEE:
        if clean.casefold().startswith(prefix):
            return clean[len(prefix):]
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kind_words(kind: str | None) -> str:
    return "thành phố trực thuộc trung ương" if kind == "thành phố" else (kind or "")


def _province_title(units: AdministrativeUnits, detail: ProvinceDetail) -> str:
    unit = next(iter(_named(units.provinces, detail.province)), None)
    return unit.title if unit else detail.province


def _cited(doc_id: DocId | None, registry: Registry | None) -> str:
    doc = registry.get(doc_id) if registry is not None and doc_id else None
    if doc is not None:
        return f" theo {doc.type} số {doc.number}" if doc.number else f" theo {doc.type} {doc.title}"
    return f" theo {doc_id}" if doc_id else ""


def _not_on_date(code: str, found: Presence, day: dt.date, where: Location, registry: Registry | None,
                 shown: str | None = None) -> Problem:
    unit = found.unit
    name = shown or unit.title
    if found.state == CEASED:
        after = f", được sắp xếp vào {unit.successor}" if unit.successor else ""
        message = (f"«{name}» không còn từ ngày {vn.short_date(found.since)}{after}{_cited(unit.basis, registry)}; "
                   f"văn bản ngày {vn.short_date(day)}.")
        hint = (f"Dùng «{unit.successor}» hoặc danh sách có hiệu lực vào ngày của văn bản." if unit.successor
                else "Dùng danh sách đơn vị có hiệu lực vào ngày của văn bản.")
    else:
        message = (f"«{name}» chỉ có từ ngày {vn.short_date(found.since)}{_cited(unit.basis, registry)}; "
                   f"văn bản ngày {vn.short_date(day)} trước ngày đó.")
        hint = "Kiểm tra ngày của văn bản, hoặc dùng tên đơn vị có vào ngày đó."
    return Problem(code, message, where, hint)


def _before_data(text: str, covers_from: dt.date, where: Location) -> Problem:
    return Problem("units.before_data", f"Dữ liệu đơn vị hành chính chỉ mô tả từ ngày {vn.short_date(covers_from)}; "
                   f"không kiểm tra được «{text}».", where, severity=Severity.WARNING)


def issuer_of(province: str, commune: str | None, authority: str, day: dt.date,
              units: AdministrativeUnits) -> Issuer:
    """The issuer a case names, its kinds taken from the data as it stood on `day`.

    A name the data does not know keeps the kind typed (else `tỉnh`, `xã`): `validate` reports it, so a
    case is never refused here."""
    typed_kind, name = split_kind(province)
    found = units.province_presence(name, day)
    province_unit = found.unit if found.unit is not None else None
    issuer = Issuer(province_unit.name if province_unit else name, authority,
                    province_unit.kind if province_unit else typed_kind or "tỉnh")
    if commune is None:
        return issuer
    commune_kind, commune_name = split_kind(commune)
    detail = units.detail(issuer.province)
    same_name = [unit for unit in (detail.communes if detail else ())
                 if agency_key(unit.name) == agency_key(commune_name)
                 and (commune_kind is None or unit.kind == commune_kind)]
    commune_unit = presence(same_name, day).unit
    return Issuer(issuer.province, authority, issuer.province_kind,
                  commune_unit.name if commune_unit else commune_name,
                  commune_unit.kind if commune_unit else commune_kind or "xã")
