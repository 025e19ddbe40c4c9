"""`record.json` of an archived version: the NĐ 30/2020 Phụ lục VI metadata of an outgoing document, then
the archive's own (version, why it exists, the PDF and the sha256 of every source .docx)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.archive.issued import IssuedDecision
from pipeline.archive.pdfa import ArchiveCopy, level_name
from pipeline.inputs.files import read_bytes, sha256_bytes
from pipeline.problems import InputError

RECORD = "record.json"


@dataclass(frozen=True, slots=True)
class Version:
    """What one version folder is, and why: everything `record.json` says beyond the decision itself."""

    number: int
    replaces: int  # 0 for the first version
    reasons: tuple[str, ...]  # why it is not the same as the version it replaces
    correction: str | None = None  # the clerk's reason for archiving changed content of a numbered decision


@dataclass(frozen=True, slots=True)
class Recorded:
    """What an earlier version's record.json says about its copy."""

    sources: Mapping[str, str]  # .docx file name → sha256
    pdf_file: str
    pdf_sha256: str
    level: str  # "PDF/A-1b"


def read_record(version_dir: Path) -> Recorded:
    """The record of a version; ValueError when it is missing or not a record this archive wrote."""
    try:
        record = json.loads(read_bytes(version_dir / RECORD))
        pdf = record["pdf"]
        return Recorded({item["path"]: item["sha256"] for item in record["sources"]},
                        str(pdf["file"]), str(pdf["sha256"]), str(pdf["level"]))
    except (InputError, KeyError, TypeError) as error:
        raise ValueError(f"{version_dir / RECORD}: {error}") from None


def record_bytes(decision: IssuedDecision, version: Version, copy: ArchiveCopy, pdf_name: str) -> bytes:
    return (json.dumps(_record(decision, version, copy, pdf_name), ensure_ascii=False, indent=2) + "\n").encode()


def _record(decision: IssuedDecision, version: Version, copy: ArchiveCopy, pdf_name: str) -> dict[str, Any]:
    signer = {"FullName": decision.signer, "Position": decision.signer_title, "Lines": list(decision.signer_lines)}
    archive: dict[str, Any] = {
        "version": version.number,
        "replaces": f"v{version.replaces}" if version.replaces else None,
        "reasons": list(version.reasons),
        "archived_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "case": decision.case,
        "generator": decision.generator,
    }
    if version.correction is not None:
        archive["correction"] = version.correction
    return {
        "CodeNumber": decision.number_text.partition("/")[0],
        "CodeNotation": decision.symbol,
        "IssuedDate": decision.issued.isoformat(),
        "OrganName": decision.organ,
        "TypeName": "Quyết định",
        "Subject": decision.subject,
        "Language": "Tiếng Việt",
        "PageAmount": sum(copy.pages),
        "SignerInfo": signer,
        "Description": f"Bản lưu trữ {level_name(copy.level)}: quyết định và "
                       f"{len(decision.sources) - 1} phụ lục.",
        "archive": archive,
        "pdf": {
            "file": pdf_name,
            "sha256": sha256_bytes(copy.pdf),
            "level": level_name(copy.level),
            "parts": [{"file": source.path.name, "title": source.title, "pages": pages}
                      for source, pages in zip(decision.sources, copy.pages, strict=True)],
        },
        "sources": [{"path": source.path.name, "kind": source.kind, "sha256": source.sha256}
                    for source in decision.sources],
    }
