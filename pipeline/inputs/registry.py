"""The registry of legal documents (`legal_basis/`, inputs.md §2): one YAML file per document, read into
`LegalDocument` records and checked as a whole (`domain.legal.Registry.check`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.domain.legal import Registry
from pipeline.inputs.model import FullDate, InputModel, Line, validate_model
from pipeline.inputs.sources import YamlDocument, foreign_file_problem, read_yaml
from pipeline.problems import InputError, Location, Problem
from pipeline.records import LegalDocument, frozen_map


class RegistryEntryModel(InputModel):
    """One legal document of the registry (inputs.md §2)."""

    type: Line
    number: Line | None = None
    date: FullDate
    issuer: Line | None = None
    title: Line
    effective: FullDate
    replaces: tuple[Line, ...] = ()
    amends: tuple[Line, ...] = ()



def read_registry(roots: Iterable[Path]) -> Registry:
    """Every `*.yaml` under each root; a document's id is its path below the root without `.yaml`.

    A later root may add documents but not redefine an id of an earlier one.
    """
    documents: dict[str, LegalDocument] = {}
    problems: list[Problem] = []
    for root in roots:
        if not root.is_dir():
            problems.append(Problem("registry.missing_dir", f"Không có thư mục danh mục văn bản «{root}».",
                                    Location(file=root), "Kiểm tra tham số --registry."))
            continue
        for file in sorted(root.rglob("*.yaml")):
            doc_id = file.relative_to(root).with_suffix("").as_posix()
            try:
                document = read_yaml(file)
            except InputError as exc:
                problems.extend(_as_registry(exc.problems))
                continue
            foreign = foreign_file_problem(document, RegistryEntryModel.model_fields, "registry", "mục danh mục văn bản")
            model, found = (None, (foreign,)) if foreign else validate_model(RegistryEntryModel, document, "registry")
            if found:
                problems.extend(found)
                continue
            if doc_id in documents:
                problems.append(Problem(
                    "registry.duplicate_id", f"Mã «{doc_id}» đã có ở {documents[doc_id].where.file}.",
                    Location(file=file), "Đổi tên tệp hoặc xóa một trong hai tệp."))
                continue
            documents[doc_id] = _document(doc_id, model, document)
    registry = Registry(frozen_map(documents))
    problems.extend(registry.check())
    if problems:
        raise InputError(problems)
    return registry


def _as_registry(problems: Iterable[Problem]) -> list[Problem]:
    """YAML-level problems of a registry file carry the `registry.` prefix like its other problems."""
    return [Problem("registry." + p.code.partition(".")[2], p.message, p.location, p.hint, p.severity)
            for p in problems]


def _document(doc_id: str, model: RegistryEntryModel, document: YamlDocument) -> LegalDocument:
    return LegalDocument(
        id=doc_id, type=model.type, number=model.number, date=model.date, issuer=model.issuer or "",
        title=model.title, effective=model.effective, replaces=model.replaces, amends=model.amends,
        where=Location(file=document.path, line=1),
        key_lines=frozen_map({key: line for key, line in document.lines.items() if key}),
    )

