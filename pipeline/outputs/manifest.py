"""`manifest.json`: what a build wrote (files, kinds, sha256), the decision's metadata and what it was built from.

The manifest is a record (`Manifest`); `dumps` and `read_manifest` are its one JSON shape. The JSON keys are
kept as builds have always written them, so that earlier builds stay readable and up to date — in
particular the decision's organ (`Ủy ban nhân dân tỉnh Lạng Sơn`) is written under `issuing_body` and who
issues it (`Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn`) under `authority`; the record calls them what they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.domain.outdated import CitedStatus
from pipeline.records import Artifact, Decision

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class ManifestSigner:
    name: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ManifestAnnex:
    """An annex or attached document: its heading label, title, file and the agencies it ranks."""

    label: str
    title: str
    file: str
    agencies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ManifestDecision:
    number: int | None  # None for a draft
    symbol: str  # "QĐ-UBND"
    number_text: str | None  # "05/QĐ-UBND"; None for a draft
    date: str  # "2024-01-05", or "2024-01" for a draft that knows only the month
    is_draft: bool
    subject: str
    organ: str  # the organ it comes from: "Ủy ban nhân dân tỉnh Lạng Sơn" (JSON: issuing_body)
    issuing_body: str  # who issues it: "Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn" (JSON: authority)
    place: str
    signer: ManifestSigner
    preamble: tuple[str, ...]
    annexes: tuple[ManifestAnnex, ...]  # attached documents first, then the annexes, in order


@dataclass(frozen=True, slots=True)
class ManifestFile:
    path: str  # the file's name in the build folder
    kind: str  # "decision" | "annex" | "attachment"
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    generator: str  # "qdgen 0.1.0"
    case: str  # the case folder's name
    decision: ManifestDecision
    files: tuple[ManifestFile, ...]
    fingerprints: Mapping[str, str]  # input → digest: what the build was made from
    citations: tuple[CitedStatus, ...]  # the cited documents as they stood when it was built


def manifest_data(case_name: str, decision: Decision, artifacts: Sequence[Artifact], generator: str,
                  fingerprints: Mapping[str, str], citations: Sequence[CitedStatus],
                  annex_agencies: Mapping[str, Sequence[str]]) -> Manifest:
    """The manifest of a build of `decision` that wrote `artifacts`."""
    files = {artifact.path.name: artifact for artifact in artifacts}
    annexes = [ManifestAnnex(attachment.title.capitalize(), attachment.subject, f"{attachment.key}.docx", ())
               for attachment in decision.attachments]
    annexes += [ManifestAnnex(annex.label, annex.title, f"{annex.key}.docx", tuple(annex_agencies.get(annex.key, ())))
                for annex in decision.annexes]
    return Manifest(
        generator=f"qdgen {generator}",
        case=case_name,
        decision=ManifestDecision(
            number=decision.number, symbol=decision.symbol,
            number_text=f"{decision.number:02d}/{decision.symbol}" if decision.number else None,
            date=str(decision.date), is_draft=decision.is_draft, subject=decision.subject,
            organ=decision.organ, issuing_body=decision.issuing_body,
            place=decision.place_date_line.partition(",")[0],
            signer=ManifestSigner(decision.signature.name, decision.signature.title, tuple(decision.signature.lines)),
            preamble=tuple(decision.preamble), annexes=tuple(annexes)),
        files=tuple(ManifestFile(name, artifact.kind, artifact.sha256) for name, artifact in files.items()),
        fingerprints=dict(fingerprints),
        citations=tuple(citations))


def dumps(manifest: Manifest) -> bytes:
    return (json.dumps(_to_json(manifest), ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a previous build, or None when there is none (or it cannot be trusted)."""
    try:
        return _from_json(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _to_json(manifest: Manifest) -> dict[str, Any]:
    decision = manifest.decision
    return {
        "generator": manifest.generator,
        "case": manifest.case,
        "decision": {
            "number": decision.number,
            "symbol": decision.symbol,
            "number_text": decision.number_text,
            "date": decision.date,
            "is_draft": decision.is_draft,
            "subject": decision.subject,
            "issuing_body": decision.organ,
            "authority": decision.issuing_body,
            "place": decision.place,
            "signer": {"name": decision.signer.name, "title": decision.signer.title,
                       "lines": list(decision.signer.lines)},
            "preamble": list(decision.preamble),
            "annexes": [{"label": annex.label, "title": annex.title, "file": annex.file,
                         "agencies": list(annex.agencies)} for annex in decision.annexes],
        },
        "files": [{"path": file.path, "kind": file.kind, "sha256": file.sha256} for file in manifest.files],
        "fingerprints": dict(manifest.fingerprints),
        "citations": [asdict(status) for status in manifest.citations],
    }


def _from_json(data: Mapping[str, Any]) -> Manifest:
    """The record of `_to_json`'s shape; KeyError, TypeError or ValueError when `data` is not that shape."""
    decision, signer = data["decision"], data["decision"]["signer"]
    return Manifest(
        generator=_text(data["generator"]),
        case=_text(data["case"]),
        decision=ManifestDecision(
            number=decision["number"], symbol=_text(decision["symbol"]), number_text=decision["number_text"],
            date=_text(decision["date"]), is_draft=bool(decision["is_draft"]), subject=_text(decision["subject"]),
            organ=_text(decision["issuing_body"]), issuing_body=_text(decision["authority"]),
            place=_text(decision["place"]),
            signer=ManifestSigner(_text(signer["name"]), _text(signer["title"]), _texts(signer["lines"])),
            preamble=_texts(decision["preamble"]),
            annexes=tuple(ManifestAnnex(_text(annex["label"]), _text(annex["title"]), _text(annex["file"]),
                                        _texts(annex["agencies"])) for annex in decision["annexes"])),
        files=tuple(ManifestFile(_text(file["path"]), _text(file["kind"]), _text(file["sha256"]))
                    for file in data["files"]),
        fingerprints={_text(key): _text(value) for key, value in data["fingerprints"].items()},
        citations=tuple(CitedStatus(**{**status, "amended_by": _texts(status["amended_by"])})
                        for status in data["citations"]))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise TypeError(f"expected a list, got {type(values).__name__}")
    return tuple(_text(value) for value in values)
