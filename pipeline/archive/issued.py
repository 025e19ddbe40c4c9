"""Reading a build folder for the archive: its manifest's issued decision, checked against the files it lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.inputs.files import read_bytes, sha256_bytes
from pipeline.outputs.manifest import MANIFEST, ManifestFile, read_manifest
from pipeline.problems import InputError, Location, Problem


@dataclass(frozen=True, slots=True)
class Source:
    """One .docx of the decision, as the build wrote it."""

    path: Path  # relative to the build folder
    kind: str  # "decision" | "annex" | "attachment"
    title: str  # outline entry
    label: str | None  # page label prefix; None for the decision
    data: bytes

    @property
    def sha256(self) -> str:
        return sha256_bytes(self.data)


@dataclass(frozen=True, slots=True)
class IssuedDecision:
    """What a build folder's manifest says about an issued decision, checked against its files."""

    case: str
    generator: str
    number_text: str  # "05/QĐ-UBND"
    symbol: str
    issued: dt.date
    subject: str
    organ: str  # "Ủy ban nhân dân tỉnh Lạng Sơn": the archive's first folder and the record's OrganName
    signer: str
    signer_title: str
    signer_lines: tuple[str, ...]
    sources: tuple[Source, ...]  # the decision, then its annexes in order


def read_issued(build_dir: Path) -> IssuedDecision:
    """The manifest's decision, refused (InputError) when it is a draft or its files differ from what the
    build wrote."""
    where = Location(file=build_dir / MANIFEST)
    manifest = read_manifest(build_dir)
    if manifest is None:
        raise InputError([Problem("archive.manifest_missing", f"Không đọc được {MANIFEST} trong {build_dir}.",
                                  where, "Chạy qdgen build cho hồ sơ này, rồi lưu trữ thư mục nó tạo ra.")])
    decision = manifest.decision
    if decision.is_draft or decision.number_text is None:
        raise InputError([Problem(
            "archive.draft_refused",
            f"{manifest.case} là bản dự thảo (chưa có số, ngày ban hành): chỉ quyết định đã ban hành mới được "
            "lập bản lưu trữ.", where,
            "Khi quyết định đã ký ban hành, điền number và date đầy đủ trong case.yaml, build lại rồi lưu trữ.")])
    files = {file.path: file for file in manifest.files}
    try:
        main = next(file for file in manifest.files if file.kind == "decision")
        order = [(f"Quyết định số {decision.number_text}", None, main)]
        order += [(f"{annex.label}: {annex.title}", annex.label, files[annex.file]) for annex in decision.annexes]
        issued = dt.date.fromisoformat(decision.date)
    except (KeyError, ValueError, StopIteration) as error:
        raise InputError([Problem(
            "archive.manifest_invalid", f"{MANIFEST} thiếu hoặc sai thông tin quyết định ({error!r}).", where,
            "Build lại hồ sơ bằng qdgen build; không sửa manifest.json bằng tay.")]) from None
    return IssuedDecision(
        case=manifest.case, generator=manifest.generator, number_text=decision.number_text,
        symbol=decision.symbol, issued=issued, subject=decision.subject, organ=decision.organ,
        signer=decision.signer.name, signer_title=decision.signer.title, signer_lines=decision.signer.lines,
        sources=tuple(_source(build_dir, file, title, label) for title, label, file in order))


def _source(build_dir: Path, file: ManifestFile, title: str, label: str | None) -> Source:
    if Path(file.path).name != file.path or file.path.startswith("."):  # a name in the folder, never a path
        raise InputError([Problem("archive.manifest_invalid", f"{MANIFEST} ghi tên tệp lạ «{file.path}».",
                                  Location(file=build_dir / MANIFEST),
                                  "Build lại hồ sơ bằng qdgen build; không sửa manifest.json bằng tay.")])
    path = build_dir / file.path
    data = read_bytes(path)
    if sha256_bytes(data) != file.sha256:
        raise InputError([Problem("archive.source_changed",
                                  f"{path.name} đã bị sửa sau khi build: mã sha256 khác với {MANIFEST}.",
                                  Location(file=path), "Sửa hồ sơ (case.yaml) rồi build lại; bản lưu trữ "
                                                       "chỉ lập từ tệp do qdgen build tạo ra.")])
    return Source(Path(file.path), file.kind, title, label, data)
