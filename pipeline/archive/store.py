"""Stage 5: the append-only PDF/A archive of issued decisions, and PNG previews of any .docx.

Layout (every name folded to ASCII so the archive can be copied to any file system):

    ARCHIVE/<issuing body>/<year>/<number>/v1/<number>.pdf     the PDF/A copy
                                           v1/record.json      NĐ 30 Phụ lục VI metadata + sha256s
                                           v2/…                a later, different copy, with its reasons

e.g. `chu-tich-uy-ban-nhan-dan-tinh-lang-son/2024/05-QD-UBND/v1/05-QD-UBND.pdf`. Nothing in the
archive is ever overwritten: a version is written in a hidden folder beside it and renamed into
place in one step, and its files are made read-only. Archiving the same .docx files again changes
nothing (LibreOffice is not even started); different content becomes the next version.
"""

from __future__ import annotations

import datetime as dt
import enum
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import vn
from pipeline.archive import office
from pipeline.archive.pdfa import (
    LEVELS,
    ArchiveCopy,
    Description,
    Part,
    assemble,
    declared_level,
    level_name,
    unembedded_fonts,
)
from pipeline.inputs.sources import read_bytes, sha256_bytes
from pipeline.outputs.manifest import MANIFEST, read_manifest
from pipeline.problems import InputError, Location, Problem

RECORD = "record.json"
_VERSION = re.compile(r"v([1-9][0-9]*)")


class Status(enum.Enum):
    CREATED = "created"  # first copy of this decision
    UNCHANGED = "unchanged"  # the latest version already holds this content; nothing written
    NEW_VERSION = "new_version"  # different content, written beside the earlier versions
    FAILED = "failed"  # see problems; nothing written


@dataclass(frozen=True, slots=True)
class ArchiveOutcome:
    """What happened to one build folder. `version` is the folder holding its copy (None when failed)."""

    build_dir: Path
    status: Status
    version: Path | None = None
    reasons: tuple[str, ...] = ()  # why a new version (what differs from the previous one)
    problems: tuple[Problem, ...] = ()

    @property
    def message(self) -> str:
        """One Vietnamese line for the report."""
        name = self.build_dir.name
        if self.status is Status.FAILED or self.version is None:
            return f"{name}: không lập được bản lưu trữ"
        if self.status is Status.UNCHANGED:
            return f"{name}: đã có trong kho lưu trữ ({self.version}), không thay đổi, không ghi gì thêm"
        if self.status is Status.CREATED:
            return f"{name}: đã lưu trữ → {self.version}"
        return f"{name}: nội dung khác bản trước, thêm phiên bản mới → {self.version}"


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path  # relative to the build folder
    kind: str  # "decision" | "annex"
    title: str  # outline entry
    label: str | None  # page label prefix; None for the decision
    data: bytes


@dataclass(frozen=True, slots=True)
class _Decision:
    """What a build folder's manifest says about an issued decision, checked against its files."""

    case: str
    generator: str
    number_text: str
    symbol: str
    issued: dt.date
    subject: str
    issuing_body: str
    signer: str
    signer_title: str
    signer_lines: tuple[str, ...]
    sources: tuple[_Source, ...]  # the decision, then its annexes in order


@dataclass(frozen=True, slots=True)
class _Plan:
    build_dir: Path
    decision: _Decision
    folder: Path  # ARCHIVE/<body>/<year>/<number>
    latest: int  # 0 when the decision has no version yet
    reasons: tuple[str, ...]  # why the latest version cannot stand for this content
    latest_pdf: str | None  # sha256 of the latest version's PDF, when it is intact


def archive_batch(build_dirs: Sequence[Path], archive_root: Path, *, pdfa: int = 1, timeout: float = 60.0,
                  workers: int = 2, progress: Callable[[int, int], None] | None = None
                  ) -> tuple[ArchiveOutcome, ...]:
    """Archive the issued decision of each build folder (`qdgen build` output), in one LibreOffice batch.

    `pdfa` is the PDF/A part (1 → PDF/A-1b, 2 → PDF/A-2b); `timeout` the seconds LibreOffice may stay
    silent on one file; `progress(done, total)` counts converted .docx files. Outcomes come in the order
    of `build_dirs`. Raises InputError only when LibreOffice is needed and missing; every other problem
    is reported in its folder's outcome.
    """
    if pdfa not in LEVELS:
        raise ValueError(f"pdfa must be one of {sorted(LEVELS)}")
    outcomes: list[ArchiveOutcome | None] = []
    plans: dict[int, _Plan] = {}
    for position, build_dir in enumerate(build_dirs):
        try:
            plan = _plan(build_dir, archive_root, pdfa)
        except InputError as error:
            outcomes.append(ArchiveOutcome(build_dir, Status.FAILED, problems=error.problems))
            continue
        twin = next((other for other in plans.values() if other.folder == plan.folder), None)
        if twin is not None:
            outcomes.append(ArchiveOutcome(build_dir, Status.FAILED, problems=(_twin_problem(plan, twin),)))
        elif plan.latest and not plan.reasons:
            outcomes.append(ArchiveOutcome(build_dir, Status.UNCHANGED, _version_dir(plan, plan.latest)))
        else:
            outcomes.append(None)
            plans[position] = plan
    jobs = [office.Job(plan.build_dir / source.path, source.data)
            for plan in plans.values() for source in plan.decision.sources]
    if jobs:
        converted = iter(office.convert_batch(jobs, pdfa=pdfa, timeout=timeout, workers=workers,
                                              progress=progress))
        for position, plan in plans.items():
            outcomes[position] = _finish(plan, [next(converted) for _ in plan.decision.sources], pdfa)
    return tuple(outcome for outcome in outcomes if outcome is not None)  # every position is set by now


def preview(docx_files: Sequence[Path], out_dir: Path, *, timeout: float = 60.0) -> tuple[Path, ...]:
    """PNG images (100 dpi) of every page of each .docx, written as `out_dir/<stem>-<page>.png`.

    Earlier images of the same stem beyond the current page count are removed. Raises InputError
    when a file cannot be read or converted, or LibreOffice or pdftoppm is missing.
    """
    jobs = [office.Job(path, read_bytes(path)) for path in docx_files]
    converted = office.convert_batch(jobs, pdfa=None, timeout=timeout, workers=1)
    problems = [item.problem for item in converted if item.problem is not None]
    if problems:
        raise InputError(problems)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for item in converted:
        stem = item.job.path.stem
        images = office.render_png(item.pdf or b"")
        pages = [out_dir / f"{stem}-{n}.png" for n in range(1, len(images) + 1)]
        for path, image in zip(pages, images, strict=True):
            _replace(path, image)
        for stale in set(out_dir.glob(f"{stem}-*.png")) - set(pages):
            if stale.stem.rpartition("-")[2].isdigit():
                stale.unlink()
        written += pages
    return tuple(written)


# ---------------------------------------------------------------- reading a build folder and the archive


def _plan(build_dir: Path, archive_root: Path, level: int) -> _Plan:
    decision = _read_decision(build_dir)
    body, number = vn.ascii_slug(decision.issuing_body).lower(), vn.ascii_slug(decision.number_text)
    folder = archive_root / body / str(decision.issued.year) / number
    versions = sorted(int(match[1]) for path in folder.glob("v*") if (match := _VERSION.fullmatch(path.name)))
    if not versions:
        return _Plan(build_dir, decision, folder, 0, (), None)
    latest = versions[-1]
    try:
        record = json.loads(read_bytes(folder / f"v{latest}" / RECORD))
        previous = {item["path"]: item["sha256"] for item in record["sources"]}
        pdf = record["pdf"]
        pdf_name, pdf_sha, previous_level = pdf["file"], pdf["sha256"], pdf["level"]
    except (InputError, ValueError, KeyError, TypeError):
        return _Plan(build_dir, decision, folder, latest, (f"v{latest}: không đọc được {RECORD}",), None)
    reasons = _source_changes(previous, {s.path.name: sha256_bytes(s.data) for s in decision.sources})
    if previous_level != level_name(LEVELS[level]):
        reasons.append(f"{previous_level} → {level_name(LEVELS[level])}")
    try:
        intact = sha256_bytes(read_bytes(folder / f"v{latest}" / pdf_name)) == pdf_sha
    except InputError:
        intact = False
    if not intact:
        reasons.append(f"v{latest}/{pdf_name} không còn khớp mã sha256 đã ghi (bị sửa, hỏng hoặc mất)")
    return _Plan(build_dir, decision, folder, latest, tuple(reasons), pdf_sha if intact else None)


def _read_decision(build_dir: Path) -> _Decision:
    """The manifest's decision, refused when it is a draft or its files differ from what the build wrote."""
    where = Location(file=build_dir / MANIFEST)
    manifest = read_manifest(build_dir)
    if manifest is None:
        raise InputError([Problem("archive.manifest_missing", f"Không đọc được {MANIFEST} trong {build_dir}.",
                                  where, "Chạy qdgen build cho hồ sơ này, rồi lưu trữ thư mục nó tạo ra.")])
    try:
        decision = manifest["decision"]
        if decision["is_draft"]:
            raise InputError([Problem(
                "archive.draft_refused",
                f"{manifest['case']} là bản dự thảo (chưa có số, ngày ban hành): chỉ quyết định đã ban "
                "hành mới được lập bản lưu trữ.", where,
                "Khi quyết định đã ký ban hành, điền number và date đầy đủ trong case.yaml, build lại rồi "
                "lưu trữ.")])
        files = {item["path"]: item for item in manifest["files"]}
        main = next(name for name, entry in files.items() if entry["kind"] == "decision")
        order = [(f"Quyết định số {decision['number_text']}", None, main)]
        order += [(f"{annex['label']}: {annex['title']}", annex["label"], annex["file"])
                  for annex in decision["annexes"]]
        return _Decision(
            case=manifest["case"], generator=manifest["generator"], number_text=decision["number_text"],
            symbol=decision["symbol"], issued=dt.date.fromisoformat(decision["date"]),
            subject=decision["subject"], issuing_body=decision["issuing_body"],
            signer=decision["signer"]["name"], signer_title=decision["signer"]["title"], signer_lines=tuple(decision["signer"]["lines"]),
            sources=tuple(_source(build_dir, files[name], title, label) for title, label, name in order))
    except (KeyError, TypeError, ValueError, StopIteration) as error:
        problem = Problem("archive.manifest_invalid",
                          f"{MANIFEST} thiếu hoặc sai thông tin quyết định ({error!r}).", where,
                          "Build lại hồ sơ bằng qdgen build; không sửa manifest.json bằng tay.")
        raise InputError([problem]) from None


def _source(build_dir: Path, entry: Mapping[str, Any], title: str, label: str | None) -> _Source:
    path = build_dir / entry["path"]
    data = read_bytes(path)
    if sha256_bytes(data) != entry["sha256"]:
        raise InputError([Problem("archive.source_changed",
                                  f"{path.name} đã bị sửa sau khi build: mã sha256 khác với {MANIFEST}.",
                                  Location(file=path), "Sửa hồ sơ (case.yaml) rồi build lại; bản lưu trữ "
                                                       "chỉ lập từ tệp do qdgen build tạo ra.")])
    return _Source(Path(entry["path"]), entry["kind"], title, label, data)


def _twin_problem(plan: _Plan, twin: _Plan) -> Problem:
    return Problem("archive.duplicate_decision",
                   f"{plan.build_dir.name} và {twin.build_dir.name} cùng là quyết định "
                   f"{plan.decision.number_text} năm {plan.decision.issued.year}: một lần lưu trữ chỉ nhận "
                   "một bản của mỗi quyết định.", Location(file=plan.build_dir / MANIFEST),
                   "Kiểm tra số quyết định trong hai hồ sơ; nếu đúng là một quyết định, lưu trữ từng bản.")


def _source_changes(previous: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    reasons = [f"{name}: nội dung thay đổi" for name, digest in current.items()
               if name in previous and previous[name] != digest]
    reasons += [f"{name}: tệp mới" for name in current if name not in previous]
    reasons += [f"{name}: không còn" for name in previous if name not in current]
    return reasons


# ---------------------------------------------------------------- writing a version


def _finish(plan: _Plan, parts: Sequence[office.Converted], level: int) -> ArchiveOutcome:
    problems = tuple(part.problem for part in parts if part.problem is not None)
    if problems:
        return ArchiveOutcome(plan.build_dir, Status.FAILED, problems=problems)
    decision = plan.decision
    pdfs = [part.pdf for part in parts if part.pdf is not None]  # all of them: no part has a problem
    copy = assemble([Part(source.title, source.label, pdf)
                     for source, pdf in zip(decision.sources, pdfs, strict=True)],
                    _description(decision), pdfa=level)
    declared, missing = declared_level(copy.pdf), unembedded_fonts(copy.pdf)
    if declared != copy.level or missing:
        return ArchiveOutcome(plan.build_dir, Status.FAILED, problems=(Problem(
            "archive.not_pdfa", f"Bản PDF không đạt {level_name(copy.level)} (khai báo: {declared}; "
                                f"phông chưa nhúng: {', '.join(missing) or 'không'}).",
            Location(file=plan.build_dir / MANIFEST),
            "Kiểm tra phiên bản LibreOffice (cần 7.4 trở lên) và các phông chữ đã cài."),))
    if plan.latest_pdf == sha256_bytes(copy.pdf):
        return ArchiveOutcome(plan.build_dir, Status.UNCHANGED, _version_dir(plan, plan.latest))
    number = plan.latest + 1
    try:
        version = _write_version(plan, number, copy)
    except OSError as error:
        return ArchiveOutcome(plan.build_dir, Status.FAILED, problems=(Problem(
            "archive.unwritable", f"Không ghi được phiên bản v{number} vào {plan.folder}: {error.strerror}.",
            Location(file=plan.folder), "Kiểm tra quyền ghi và dung lượng ổ đĩa; chạy lại khi không có "
                                        "lệnh lưu trữ nào khác đang ghi cùng quyết định."),))
    status = Status.NEW_VERSION if plan.latest else Status.CREATED
    return ArchiveOutcome(plan.build_dir, status, version, plan.reasons)


def _description(decision: _Decision) -> Description:
    annexes = tuple(source.title for source in decision.sources if source.kind != "decision")
    keywords = ("Quyết định", decision.number_text, decision.issuing_body, str(decision.issued.year),
                *annexes)
    return Description(title=decision.subject, subject=decision.number_text, author=decision.issuing_body,
                       keywords=keywords, creator=decision.generator, issued=decision.issued)


def _record(plan: _Plan, number: int, copy: ArchiveCopy, pdf_name: str) -> dict[str, Any]:
    """record.json: NĐ 30/2020 Phụ lục VI fields for an outgoing document, then the archive's own."""
    decision = plan.decision
    lines = list(decision.signer_lines)
    signer = {"FullName": decision.signer, "Position": decision.signer_title, "Lines": lines}
    return {
        "CodeNumber": decision.number_text.partition("/")[0],
        "CodeNotation": decision.symbol,
        "IssuedDate": decision.issued.isoformat(),
        "OrganName": decision.issuing_body,
        "TypeName": "Quyết định",
        "Subject": decision.subject,
        "Language": "Tiếng Việt",
        "PageAmount": sum(copy.pages),
        "SignerInfo": signer,
        "Description": f"Bản lưu trữ {level_name(copy.level)}: quyết định và "
                       f"{len(decision.sources) - 1} phụ lục.",
        "archive": {
            "version": number,
            "replaces": f"v{plan.latest}" if plan.latest else None,
            "reasons": list(plan.reasons),
            "archived_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "case": decision.case,
            "generator": decision.generator,
        },
        "pdf": {
            "file": pdf_name,
            "sha256": sha256_bytes(copy.pdf),
            "level": level_name(copy.level),
            "parts": [{"file": source.path.name, "title": source.title, "pages": pages}
                      for source, pages in zip(decision.sources, copy.pages, strict=True)],
        },
        "sources": [{"path": source.path.name, "kind": source.kind, "sha256": sha256_bytes(source.data)}
                    for source in decision.sources],
    }


def _write_version(plan: _Plan, number: int, copy: ArchiveCopy) -> Path:
    """Write `v<number>` all or nothing: staged in a hidden folder, then renamed (never onto a version)."""
    plan.folder.mkdir(parents=True, exist_ok=True)
    target = _version_dir(plan, number)
    pdf_name = f"{vn.ascii_slug(plan.decision.number_text)}.pdf"
    staging = Path(tempfile.mkdtemp(prefix=f".v{number}-", dir=plan.folder))
    try:
        _write_new(staging / pdf_name, copy.pdf)
        record = json.dumps(_record(plan, number, copy, pdf_name), ensure_ascii=False, indent=2) + "\n"
        _write_new(staging / RECORD, record.encode("utf-8"))
        staging.chmod(0o755)
        if target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        os.rename(staging, target)  # a version folder is never empty, so this cannot replace one
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _sync(plan.folder)
    return target


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never replacing a file), flush it to disk and make it read-only."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o444)


def _replace(path: Path, data: bytes) -> None:
    """Write `path` through a temporary file beside it, so a reader never sees half an image."""
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(staging, 0o644)
    os.replace(staging, path)


def _sync(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _version_dir(plan: _Plan, number: int) -> Path:
    return plan.folder / f"v{number}"

