"""`manifest.json`: what a build wrote (files, kinds, sha256), the decision's metadata and what it was built from."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.domain.outdated import CitedStatus
from pipeline.records import Artifact, Decision

MANIFEST = "manifest.json"


def manifest_data(case_name: str, decision: Decision, artifacts: Sequence[Artifact], generator: str,
                  fingerprints: Mapping[str, str], citations: Sequence[CitedStatus],
                  annex_agencies: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    files = {artifact.path.name: artifact for artifact in artifacts}
    return {
        "generator": f"qdgen {generator}",
        "case": case_name,
        "decision": {
            "number": decision.number,
            "symbol": decision.symbol,
            "number_text": f"{decision.number:02d}/{decision.symbol}" if decision.number else None,
            "date": str(decision.date),
            "is_draft": decision.is_draft,
            "subject": decision.subject,
            "issuing_body": decision.organ,
            "authority": decision.issuing_body,
            "place": decision.place_date_line.partition(",")[0],
            "signer": {"name": decision.signature.name, "title": decision.signature.title,
                       "lines": list(decision.signature.lines)},
            "preamble": list(decision.preamble),
            "annexes": [{"label": attachment.title.capitalize(), "title": attachment.subject,
                         "file": f"{attachment.key}.docx", "agencies": []} for attachment in decision.attachments]
            + [{"label": annex.label, "title": annex.title, "file": f"{annex.key}.docx",
                "agencies": list(annex_agencies.get(annex.key, ()))} for annex in decision.annexes],
        },
        "files": [{"path": name, "kind": artifact.kind, "sha256": artifact.sha256}
                  for name, artifact in files.items()],
        "fingerprints": dict(fingerprints),
        "citations": [asdict(status) for status in citations],
    }


def dumps(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a previous build, or None when there is none (or it cannot be trusted)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
