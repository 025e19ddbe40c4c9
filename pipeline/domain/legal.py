"""The legal basis registry as dated data: which document is in force on a day, and its citation.

Like OpenFisca's parameters, each document carries its own dates; `Registry.as_of(day)` gives a
`Snapshot` answering "in force / replaced by X since D / amended by Y / not yet in force".
Citation lines are composed here from typed fields, never typed by hand.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline import vn
from pipeline.problems import Problem
from pipeline.records import DocId, LegalDocument

CITED_BY_NAME = frozenset({"Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"})
"""Types cited by name and date only, without number or issuer (NĐ 30, Phụ lục I, II.6a)."""

class LegalState(enum.StrEnum):
    """Where a registry document stands on a day; the values are what manifests and `--json` write."""

    IN_FORCE = "in_force"
    REPLACED = "replaced"
    NOT_YET = "not_yet_in_force"
    UNKNOWN = "unknown"


IN_FORCE, REPLACED, NOT_YET, UNKNOWN = (LegalState.IN_FORCE, LegalState.REPLACED, LegalState.NOT_YET,
                                        LegalState.UNKNOWN)


@dataclass(frozen=True, slots=True)
class DocumentStatus:
    """A document's standing on one day. `by`/`since` are set only when it was replaced."""

    state: LegalState
    by: DocId | None = None
    since: dt.date | None = None
    amended_by: tuple[DocId, ...] = ()

    @property
    def in_force(self) -> bool:
        return self.state == IN_FORCE


@dataclass(frozen=True, slots=True)
class Registry:
    documents: Mapping[DocId, LegalDocument]

    def get(self, doc_id: DocId) -> LegalDocument | None:
        return self.documents.get(doc_id)

    def as_of(self, day: dt.date) -> Snapshot:
        return Snapshot(self, day)

    def replacements_of(self, doc_id: DocId) -> tuple[LegalDocument, ...]:
        """Documents that replace `doc_id`, earliest effect first."""
        found = [doc for doc in self.documents.values() if doc_id in doc.replaces]
        return tuple(sorted(found, key=lambda doc: (doc.effective, doc.id)))

    def amendments_of(self, doc_id: DocId) -> tuple[LegalDocument, ...]:
        found = [doc for doc in self.documents.values() if doc_id in doc.amends]
        return tuple(sorted(found, key=lambda doc: (doc.effective, doc.id)))

    def lineage(self, doc_id: DocId) -> tuple[DocId, ...]:
        """`doc_id` and every document it replaced or amended, directly or through others."""
        found: list[DocId] = []
        pending = [doc_id]
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found.append(current)
            doc = self.documents.get(current)
            if doc is not None:
                pending.extend((*doc.replaces, *doc.amends))
        return tuple(found)

    def history(self, doc_id: DocId) -> tuple[str, ...]:
        """What happened to `doc_id` after it was issued, in date order, one sentence each."""
        events: list[tuple[dt.date, str]] = []
        pending, seen = [doc_id], set()
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            for doc in self.amendments_of(current):
                events.append((doc.effective, f"{vn.short_date(doc.effective)}: {current} được sửa đổi bởi {doc.id}"))
            for doc in self.replacements_of(current):
                events.append((doc.effective, f"{vn.short_date(doc.effective)}: {current} được thay thế bởi {doc.id}"))
                pending.append(doc.id)
        return tuple(text for _, text in sorted(events))

    def check(self) -> tuple[Problem, ...]:
        """Registry-wide consistency: dangling links, cycles, dates out of order, duplicates."""
        problems: list[Problem] = []
        seen: dict[tuple[str, ...], LegalDocument] = {}
        for doc in sorted(self.documents.values(), key=lambda d: d.id):
            for field, targets in (("replaces", doc.replaces), ("amends", doc.amends)):
                for target in targets:
                    other = self.documents.get(target)
                    if other is None:
                        problems.append(Problem(
                            "registry.dangling_link", f"«{field}» trỏ tới «{vn.excerpt(target)}», không có trong danh mục.",
                            doc.location(field), "Thêm tệp cho văn bản đó hoặc sửa mã văn bản."))
                    elif field == "replaces" and doc.effective < other.effective:
                        problems.append(Problem(
                            "registry.replaced_before_effective",
                            f"Văn bản thay thế có hiệu lực ({vn.short_date(doc.effective)}) trước văn bản "
                            f"bị thay thế «{target}» ({vn.short_date(other.effective)}).",
                            doc.location("effective"), "Kiểm tra lại ngày hiệu lực."))
            if doc.effective < doc.date:
                problems.append(Problem(
                    "registry.effective_before_signed",
                    f"Ngày có hiệu lực ({vn.short_date(doc.effective)}) trước ngày ký ({vn.short_date(doc.date)}).",
                    doc.location("effective"),
                    "Kiểm tra lại date (ngày ký) và effective (ngày có hiệu lực); văn bản thường có hiệu lực từ "
                    "ngày ký hoặc sau đó. Hiệu lực trở về trước hiếm gặp và không ghi được ở đây."))
            identity = _identity(doc)
            if identity in seen:
                problems.append(Problem(
                    "registry.duplicate_number",
                    f"{doc.type} {'số ' + doc.number if doc.number else vn.excerpt(doc.title)} đã có trong danh mục "
                    f"với mã «{seen[identity].id}» (khác nhau chỉ ở khoảng trắng, chữ hoa, chữ viết tắt).",
                    doc.location("number" if doc.number else "title"), "Mỗi văn bản chỉ có một tệp; xóa tệp trùng."))
            else:
                seen[identity] = doc
        problems.extend(self._cycles())
        return tuple(problems)

    def _cycles(self) -> list[Problem]:
        problems = []
        reported: set[DocId] = set()
        for start in sorted(self.documents):
            path = self._cycle_from(start)
            if path and not reported.intersection(path):
                reported.update(path)
                doc = self.documents[start]
                field = "replaces" if path[1] in doc.replaces else "amends"  # the link that opens the loop
                problems.append(Problem(
                    "registry.cycle", "Vòng thay thế/sửa đổi khép kín: " + " → ".join(path) + ".",
                    doc.location(field), "Một văn bản không thể (gián tiếp) thay thế hay sửa đổi chính nó."))
        return problems

    def _cycle_from(self, start: DocId) -> tuple[DocId, ...] | None:
        stack: list[tuple[DocId, tuple[DocId, ...]]] = [(start, (start,))]
        while stack:
            current, path = stack.pop()
            doc = self.documents.get(current)
            if doc is None:
                continue
            for nxt in (*doc.replaces, *doc.amends):
                if nxt == start:
                    return (*path, start)
                if nxt not in path:
                    stack.append((nxt, (*path, nxt)))
        return None


_ABBREVIATIONS = (("ubnd", "ủy ban nhân dân"), ("hđnd", "hội đồng nhân dân"), ("tp.", "thành phố"))


def _words(text: str) -> str:
    """A type, an issuer or a title as compared for sameness: NFC and modern tone marks, case, spacing and
    the usual abbreviations (`UBND`, `HĐND`) aside."""
    text = " ".join(vn.modern_tone_marks(text).casefold().split())
    for short, full in _ABBREVIATIONS:
        text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", full, text)
    return text


def _identity(doc: LegalDocument) -> tuple[str, ...]:
    """What makes two registry files the same document: type, number and issuer; a document cited by name
    (a Luật) has no number and is known by its title and date. `30/2020/nđ-cp`, `30/2020/NĐ-CP` and
    `30 / 2020 / ND-CP` are one number."""
    if doc.number:
        return (_words(doc.type), vn.ascii_slug(doc.number).casefold(), _words(doc.issuer or ""))
    return (_words(doc.type), _words(doc.title), doc.date.isoformat())


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The registry seen on one day."""

    registry: Registry
    day: dt.date

    def status(self, doc_id: DocId) -> DocumentStatus:
        doc = self.registry.get(doc_id)
        if doc is None:
            return DocumentStatus(UNKNOWN)
        if doc.effective > self.day:
            return DocumentStatus(NOT_YET, since=doc.effective)
        amended = tuple(a.id for a in self.registry.amendments_of(doc_id) if a.effective <= self.day)
        for replacement in self.registry.replacements_of(doc_id):
            if replacement.effective <= self.day:
                return DocumentStatus(REPLACED, by=replacement.id, since=replacement.effective, amended_by=amended)
        return DocumentStatus(IN_FORCE, amended_by=amended)

    def in_force_successor(self, doc_id: DocId) -> DocId | None:
        """Follow replacements to the document in force on this day (None if there is none)."""
        seen: set[DocId] = set()
        current = doc_id
        while current not in seen:
            seen.add(current)
            status = self.status(current)
            if status.state == IN_FORCE:
                return current
            if status.state != REPLACED or status.by is None:
                return None
            current = status.by
        return None


def describe(status: DocumentStatus) -> str:
    """A status in words: `còn hiệu lực`, `đã được thay thế bởi X từ 16/6/2025`, …"""
    if status.state == REPLACED:
        text = f"đã được thay thế bởi {status.by} từ {vn.short_date(status.since)}"
    elif status.state == NOT_YET:
        text = f"chưa có hiệu lực (có hiệu lực từ {vn.short_date(status.since)})"
    elif status.state == UNKNOWN:
        return "không có trong danh mục"
    else:
        text = "còn hiệu lực"
    if status.amended_by:
        text += "; đã được sửa đổi bởi " + ", ".join(status.amended_by)
    return text


def citation(doc: LegalDocument, province: str | None = None) -> str:
    """How one document is cited in a căn cứ line.

    `Luật Tổ chức chính quyền địa phương ngày 19/6/2015`;
    `Quyết định số 1699/QĐ-UBND ngày 19/10/2023 của Chủ tịch Ủy ban nhân dân tỉnh ban hành …`.
    An issuer of the same province is shortened the way the seeds do ("… Ủy ban nhân dân tỉnh").
    """
    date = vn.short_date(doc.date)
    if doc.type in CITED_BY_NAME or not doc.number:
        return f"{doc.type} {doc.title} ngày {date}"
    issuer = short_issuer(doc.issuer or "", province)
    by = f" của {issuer}" if issuer else ""
    return f"{doc.type} số {doc.number} ngày {date}{by} {doc.title}"


def short_issuer(issuer: str, province: str | None) -> str:
    if province:
        suffix = f" tỉnh {province}"
        if issuer.endswith(suffix):
            return issuer[: -len(province) - 1]
    return issuer


def basis_line(docs: Iterable[LegalDocument], province: str | None) -> str:
    """One căn cứ line (without its closing punctuation): `Căn cứ A; B`."""
    return "Căn cứ " + "; ".join(citation(doc, province) for doc in docs)
