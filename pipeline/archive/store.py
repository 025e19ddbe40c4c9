"""Stage 5: the append-only PDF/A archive of issued decisions (the PNG previews are `images.preview`).

Layout (every name folded to ASCII so the archive can be copied to any file system):

    ARCHIVE/<organ>/<year>/<number>/v1/<number>.pdf     the PDF/A copy
                                    v1/record.json      NĐ 30 Phụ lục VI metadata + sha256s (`record`)
                                    v2/…                a later copy, with its reasons

e.g. `uy-ban-nhan-dan-tinh-lang-son/2024/05-QD-UBND/v1/05-QD-UBND.pdf`. Nothing in the archive is ever
overwritten: a version is written in a hidden folder beside it and renamed into place in one step, and its
files are made read-only (`versions`). Archiving the same .docx files again changes nothing (LibreOffice is
not even started). An issued decision is what was signed: different content under the same number, series
and year is refused unless the clerk records a correction, which the new version's record keeps; the same
content in another form (PDF/A-2b, a copy that no longer matches its sha256) becomes the next version.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline import vn
from pipeline.archive import office
from pipeline.archive.ahead import Ahead
from pipeline.archive.images import preview
from pipeline.archive.issued import IssuedDecision, read_issued
from pipeline.archive.pdfa import (
    LEVELS,
    Description,
    Part,
    assemble,
    declared_level,
    level_name,
    unembedded_fonts,
)
from pipeline.archive.record import RECORD, Version, read_record, record_bytes
from pipeline.archive.versions import clean_leftovers, versions, write_version
from pipeline.inputs.files import read_bytes, sha256_bytes
from pipeline.outputs.manifest import MANIFEST
from pipeline.problems import InputError, Location, Problem, os_reason

__all__ = ["RECORD", "ArchiveOutcome", "Status", "archive_ahead", "archive_batch", "preview"]


class Status(enum.Enum):
    CREATED = "created"  # first copy of this decision
    UNCHANGED = "unchanged"  # the latest version already holds this content; nothing written
    NEW_VERSION = "new_version"  # a different copy, written beside the earlier versions
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
        return f"{name}: thêm phiên bản mới → {self.version}"


@dataclass(frozen=True, slots=True)
class _Plan:
    build_dir: Path
    decision: IssuedDecision
    folder: Path  # ARCHIVE/<organ>/<year>/<number>
    latest: int  # 0 when the decision has no version yet
    reasons: tuple[str, ...]  # why the latest version cannot stand for this content
    latest_pdf: str | None  # sha256 of the latest version's PDF, when it is intact


def archive_batch(build_dirs: Sequence[Path], archive_root: Path, *, pdfa: int = 1, timeout: float = 60.0,
                  workers: int = 2, progress: Callable[[int, int], None] | None = None,
                  correction: str | None = None) -> tuple[ArchiveOutcome, ...]:
    """Archive the issued decision of each build folder (`qdgen build` output), in one LibreOffice batch.

    `pdfa` is the PDF/A part (1 → PDF/A-1b, 2 → PDF/A-2b); `timeout` the seconds LibreOffice may stay
    silent on one file; `progress(done, total)` counts converted .docx files; `correction` the clerk's
    reason for archiving changed content of a decision already archived (None: such content is refused).
    Outcomes come in the order of `build_dirs`. Raises InputError only when LibreOffice is needed and
    missing; every other problem is reported in its folder's outcome.
    """
    with archive_ahead((), archive_root, pdfa=pdfa, timeout=timeout, workers=workers, progress=progress,
                       correction=correction) as archive:
        return archive(build_dirs)


@contextmanager
def archive_ahead(guessed_dirs: Sequence[Path], archive_root: Path, *, pdfa: int = 1, timeout: float = 60.0,
                  workers: int = 2, progress: Callable[[int, int], None] | None = None,
                  correction: str | None = None) -> Iterator[Callable[[Sequence[Path]], tuple[ArchiveOutcome, ...]]]:
    """Start converting what `archive_batch` of `guessed_dirs` as they are now would convert, and yield
    `archive(build_dirs)`: `archive_batch` of the folders then known, with these settings, which keeps the
    early conversion when its files are the ones needed (see `ahead`). Leaving cancels what is left of it."""
    if pdfa not in LEVELS:
        raise ValueError(f"pdfa must be one of {sorted(LEVELS)}")
    correction = correction.strip() if correction and correction.strip() else None

    def convert(jobs: Sequence[office.Job], cancel: threading.Event,
                started: threading.Event) -> tuple[office.Converted, ...]:
        return office.convert_batch(jobs, pdfa=pdfa, timeout=timeout, workers=workers, progress=progress,
                                    cancel=cancel, started=started)

    def archive(build_dirs: Sequence[Path]) -> tuple[ArchiveOutcome, ...]:
        outcomes, plans = _plan_batch(build_dirs, archive_root, pdfa, correction)
        if plans:
            converted = iter(early.result(_jobs(plans)))
            for position, plan in plans.items():
                parts = [next(converted) for _ in plan.decision.sources]
                outcomes[position] = _finish(plan, parts, pdfa, correction if _changed_content(plan) else None)
        return tuple(outcome for outcome in outcomes if outcome is not None)  # every position is set by now

    try:
        guessed = _jobs(_plan_batch(guessed_dirs, archive_root, pdfa, correction)[1])
    except Exception:  # noqa: BLE001 - only a guess: `archive` meets and reports the same trouble
        guessed = []
    with Ahead(guessed, convert) as early:
        yield archive


def _plan_batch(build_dirs: Sequence[Path], archive_root: Path, level: int,
                correction: str | None) -> tuple[list[ArchiveOutcome | None], dict[int, _Plan]]:
    """The outcome of each folder that needs no conversion (None for the others), and the plans of those
    that do, by position."""
    outcomes: list[ArchiveOutcome | None] = []
    plans: dict[int, _Plan] = {}
    for position, build_dir in enumerate(build_dirs):
        try:
            plan = _plan(build_dir, archive_root, level)
        except InputError as error:
            outcomes.append(ArchiveOutcome(build_dir, Status.FAILED, problems=error.problems))
            continue
        twin = next((other for other in plans.values() if other.folder == plan.folder), None)
        if twin is not None:
            outcomes.append(ArchiveOutcome(build_dir, Status.FAILED, problems=(_twin_problem(plan, twin),)))
        elif plan.latest and not plan.reasons:
            outcomes.append(ArchiveOutcome(build_dir, Status.UNCHANGED, plan.folder / f"v{plan.latest}"))
        elif (changed := _changed_content(plan)) and correction is None:
            outcomes.append(ArchiveOutcome(build_dir, Status.FAILED, reasons=plan.reasons,
                                           problems=(_changed_problem(plan, changed),)))
        else:
            outcomes.append(None)
            plans[position] = plan
    return outcomes, plans


def _jobs(plans: Mapping[int, _Plan]) -> list[office.Job]:
    return [office.Job(plan.build_dir / source.path, source.data)
            for plan in plans.values() for source in plan.decision.sources]


# ---------------------------------------------------------------- what a build folder means for the archive


def _plan(build_dir: Path, archive_root: Path, level: int) -> _Plan:
    decision = read_issued(build_dir)
    organ, number = vn.ascii_slug(decision.organ).lower(), vn.ascii_slug(decision.number_text)
    folder = archive_root / organ / str(decision.issued.year) / number
    clean_leftovers(folder)
    known = versions(folder)
    if not known:
        return _Plan(build_dir, decision, folder, 0, (), None)
    latest = known[-1]
    try:
        recorded = read_record(folder / f"v{latest}")
    except ValueError:
        return _Plan(build_dir, decision, folder, latest, (f"v{latest}: không đọc được {RECORD}",), None)
    reasons = _source_changes(recorded.sources, {s.path.name: s.sha256 for s in decision.sources})
    if recorded.level != level_name(LEVELS[level]):
        reasons.append(f"{recorded.level} → {level_name(LEVELS[level])}")
    try:
        intact = sha256_bytes(read_bytes(folder / f"v{latest}" / recorded.pdf_file)) == recorded.pdf_sha256
    except InputError:
        intact = False
    if not intact:
        reasons.append(f"v{latest}/{recorded.pdf_file} không còn khớp mã sha256 đã ghi (bị sửa, hỏng hoặc mất)")
    return _Plan(build_dir, decision, folder, latest, tuple(reasons), recorded.pdf_sha256 if intact else None)


_CONTENT_CHANGES = (": nội dung thay đổi", ": tệp mới", ": không còn")


def _changed_content(plan: _Plan) -> tuple[str, ...]:
    """The reasons that say the documents themselves differ from the latest version's (not their form)."""
    return tuple(reason for reason in plan.reasons if reason.endswith(_CONTENT_CHANGES))


def _source_changes(previous: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    reasons = [f"{name}{_CONTENT_CHANGES[0]}" for name, digest in current.items()
               if name in previous and previous[name] != digest]
    reasons += [f"{name}{_CONTENT_CHANGES[1]}" for name in current if name not in previous]
    reasons += [f"{name}{_CONTENT_CHANGES[2]}" for name in previous if name not in current]
    return reasons


def _changed_problem(plan: _Plan, changed: Sequence[str]) -> Problem:
    decision = plan.decision
    return Problem(
        "archive.issued_content_changed",
        f"Quyết định số {decision.number_text} năm {decision.issued.year} đã có trong kho lưu trữ (v{plan.latest}) "
        f"với nội dung khác ({'; '.join(changed)}): văn bản đã ban hành không được thay bằng nội dung khác.",
        Location(file=plan.build_dir / MANIFEST),
        "Nếu đây là bản đính chính đã được cho phép, chạy lại với --correction \"lý do đính chính\" (lý do được "
        "ghi vào record.json); nếu không, kiểm tra lại số quyết định và thư mục --build-dir.")


def _twin_problem(plan: _Plan, twin: _Plan) -> Problem:
    return Problem("archive.duplicate_decision",
                   f"{plan.build_dir.name} và {twin.build_dir.name} cùng là quyết định "
                   f"{plan.decision.number_text} năm {plan.decision.issued.year}: một lần lưu trữ chỉ nhận "
                   "một bản của mỗi quyết định.", Location(file=plan.build_dir / MANIFEST),
                   "Kiểm tra số quyết định trong hai hồ sơ; nếu đúng là một quyết định, lưu trữ từng bản.")


# ---------------------------------------------------------------- writing a version


def _finish(plan: _Plan, parts: Sequence[office.Converted], level: int, correction: str | None) -> ArchiveOutcome:
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
        return ArchiveOutcome(plan.build_dir, Status.UNCHANGED, plan.folder / f"v{plan.latest}")
    version = Version(plan.latest + 1, plan.latest, plan.reasons, correction)
    pdf_name = f"{vn.ascii_slug(decision.number_text)}.pdf"
    try:
        written = write_version(plan.folder, version.number, {
            pdf_name: copy.pdf, RECORD: record_bytes(decision, version, copy, pdf_name)})
    except OSError as error:
        return ArchiveOutcome(plan.build_dir, Status.FAILED, problems=(Problem(
            "archive.unwritable", f"Không ghi được phiên bản v{version.number} vào {plan.folder}: "
                                  f"{os_reason(error)}.",
            Location(file=plan.folder), "Kiểm tra quyền ghi và dung lượng ổ đĩa; chạy lại khi không có "
                                        "lệnh lưu trữ nào khác đang ghi cùng quyết định."),))
    status = Status.NEW_VERSION if plan.latest else Status.CREATED
    return ArchiveOutcome(plan.build_dir, status, written, plan.reasons)


def _description(decision: IssuedDecision) -> Description:
    annexes = tuple(source.title for source in decision.sources if source.kind != "decision")
    keywords = ("Quyết định", decision.number_text, decision.organ, str(decision.issued.year), *annexes)
    return Description(title=decision.subject, subject=decision.number_text, author=decision.organ,
                       keywords=keywords, creator=decision.generator, issued=decision.issued)
