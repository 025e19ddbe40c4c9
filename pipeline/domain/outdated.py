"""What a decision was built from, and why it must be rebuilt (Sphinx's recorded dependencies, doit's reasons).

Pure: fingerprints are computed from digests and resolved citations handed in. The legal basis
is fingerprinted by what it *resolved to* on the decision's check day (each citation and its
status), so a new registry file that replaces a cited document makes the case outdated, while a
registry change that touches none of its citations does not. The build day itself is never hashed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from pipeline import vn
from pipeline.domain.legal import REPLACED, LegalState, Registry, Snapshot, citation
from pipeline.records import Case


@dataclass(frozen=True, slots=True)
class CitedStatus:
    """One cited document as it stood on the check day."""

    id: str
    text: str
    state: LegalState
    by: str | None
    since: str | None  # ISO date
    amended_by: tuple[str, ...]


def cited_statuses(case: Case, registry: Registry, snapshot: Snapshot) -> tuple[CitedStatus, ...]:
    result = []
    for group in case.legal_basis:
        for doc_id in group:
            doc = registry.get(doc_id)
            status = snapshot.status(doc_id)
            result.append(CitedStatus(
                doc_id, citation(doc, case.issuer.province) if doc else "", status.state, status.by,
                status.since.isoformat() if status.since else None, status.amended_by))
    return tuple(result)


def citations_digest(statuses: Sequence[CitedStatus]) -> str:
    canonical = json.dumps([asdict(s) for s in statuses], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fingerprints(digests: Mapping[str, str], statuses: Sequence[CitedStatus],
                 producer: Mapping[str, str]) -> dict[str, str]:
    """`digests` names each input (`case`, `sheet:par`, `template:cong-bo-chi-so`, …) with its sha256;
    `producer` what made the output: `generator` (qdgen's version), `code` (a digest of its sources) and
    `library:<name>` (the version of each library that shapes the bytes)."""
    return {**dict(sorted(digests.items())), "legal_basis": citations_digest(statuses), **producer}


_LABELS = {
    "case": "hồ sơ case.yaml đã thay đổi",
    "generator": "phiên bản qdgen đã thay đổi",
    "code": "mã nguồn qdgen đã thay đổi",
    "agencies": "danh sách cơ quan đã thay đổi",
    "wording": "câu chữ chuẩn của mẫu đã thay đổi",
}


def reasons(current: Mapping[str, str], previous: Mapping[str, str] | None,
            statuses: Sequence[CitedStatus], previous_statuses: Sequence[CitedStatus] | None) -> tuple[str, ...]:
    """Why the outputs are outdated, one line each; empty when they are up to date."""
    if previous is None:
        return ("chưa từng tạo",)
    found: list[str] = []
    for key in sorted(set(current) | set(previous)):
        if current.get(key) == previous.get(key):
            continue
        if key == "legal_basis":
            found.extend(_citation_reasons(statuses, previous_statuses or ()))
        else:
            kind, _, name = key.partition(":")
            label = _LABELS.get(kind) or {
                "sheet": f"bảng điểm {name} đã thay đổi", "criteria": f"bộ tiêu chí {name} đã thay đổi",
                "template": f"mẫu {name} đã thay đổi",
                "library": f"thư viện {name} {previous.get(key) or '(chưa ghi)'} → {current.get(key) or '(không có)'}",
            }.get(kind, f"{key} đã thay đổi")
            found.append(label)
    return tuple(found)


def _citation_reasons(statuses: Sequence[CitedStatus], previous: Sequence[CitedStatus]) -> list[str]:
    before = {item.id: item for item in previous}
    lines = []
    for status in statuses:
        old = before.get(status.id)
        if old is not None and old.state == status.state and old.text == status.text \
                and old.amended_by == status.amended_by:
            continue
        if status.state == REPLACED:
            since = vn.short_date(dt.date.fromisoformat(status.since)) if status.since else "?"
            lines.append(f"Căn cứ: {status.text or status.id} đã được thay thế bởi {status.by} từ {since}")
        elif old is None:
            lines.append(f"Căn cứ: thêm {status.id}")
        elif old.text != status.text:
            lines.append(f"Căn cứ: nội dung trích dẫn {status.id} đã thay đổi")
        elif old.amended_by != status.amended_by:
            added = [a for a in status.amended_by if a not in old.amended_by]
            lines.append(f"Căn cứ: {status.id} đã được sửa đổi bởi {', '.join(added) or '(bỏ văn bản sửa đổi)'}")
        else:
            lines.append(f"Căn cứ: {status.id} đổi tình trạng ({old.state} → {status.state})")
    removed = sorted(set(before) - {s.id for s in statuses})
    lines.extend(f"Căn cứ: bỏ {doc_id}" for doc_id in removed)
    return lines or ["Căn cứ: danh mục văn bản đã thay đổi"]

