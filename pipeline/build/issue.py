"""Issuing a draft: the step from a built, valid draft to a registered, numbered decision.

In order: finish any number a killed process left pending; refuse a case already issued; require a
valid draft whose build in the output folder is up to date (the draft the office reviewed); check the decision as it will be
on its date (căn cứ in force that day, the proposal not later); reserve the number (pending); write
`number` and `date` into case.yaml; confirm the number; build the issued decision (the draft's build moves
to `<out>/.drafts/<case>/n`); write the Phụ lục VI metadata beside it. Every refusal is an InputError and
comes before the number is reserved, so nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from pipeline.build.options import BuildOptions, load_registry
from pipeline.build.prepare import prepare
from pipeline.build.stages import CaseResult, build_case
from pipeline.domain.outdated import reasons
from pipeline.domain.validate import validate_case
from pipeline.inputs.casefile import write_number_and_date
from pipeline.inputs.load import read_case
from pipeline.kinds.compose import SYMBOL
from pipeline.kinds.registry import kind_named
from pipeline.outputs.manifest import read_manifest
from pipeline.problems import InputError, Location, Problem, errors
from pipeline.records import Case, Decision, PartialDate
from pipeline.register import metadata
from pipeline.register.book import Outgoing, Registered, entries_of_case, reserve, series_list, set_state
from pipeline.register.export import write_atomically
from pipeline.register.recovery import case_digest, resolve_pending
from pipeline.register.schema import CANCELLED, ISSUED

TYPE_NAME = "Quyết định"


@dataclass(frozen=True, slots=True)
class Issued:
    entry: Registered
    build: CaseResult
    metadata: Path | None
    recovered: tuple[Registered, ...]


def issue_case(path: Path, engine: Engine, options: BuildOptions, day: dt.date | None = None,
               number: int | None = None, checkpoint: Callable[[str], None] = lambda step: None) -> Issued:
    """Issue the draft at `path` (folder or case.yaml); raises InputError, with nothing written, when it
    cannot. `checkpoint(step)` is called after "reserved" and "written" (tests stop a process there)."""
    recovered = resolve_pending(engine)
    today = options.build_day
    day = day or today
    case = read_case(path).case
    _refuse_issued(case, engine)
    registry = load_registry(options)
    decision = _built_draft(case, registry, options)
    candidate = dataclasses.replace(case, number=number or 1, date=PartialDate(day.year, day.month, day.day),
                                    as_of=None)
    found = errors((*validate_case(candidate, registry, day), *kind_named(candidate.template).checks(candidate)))
    if found:
        raise InputError(found + (Problem(
            "issue.invalid_on_date", f"Quyết định chưa ban hành được vào ngày {day.isoformat()}.",
            Location(file=case.path, key="date"), "Chọn ngày khác bằng --date, hoặc sửa các lỗi trên."),))
    outgoing = _outgoing(case, decision, day)
    organ_code = next((s.organ_code for s in series_list(engine)
                       if (s.organ, s.symbol) == (outgoing.organ, outgoing.symbol)), None)
    signer = decision.signature
    values = metadata.outgoing_values(outgoing, number or 1, signer.title, signer.name, organ_code)
    too_long = metadata.problems_of(values, case.location("subject"))
    if too_long:
        raise InputError(too_long)
    entry = reserve(engine, outgoing, number, today)
    checkpoint("reserved")
    try:
        write_number_and_date(case.path, entry.number, day)
    except OSError as exc:
        set_state(engine, entry.id, CANCELLED, f"Không ghi được hồ sơ: {exc.strerror}")
        raise InputError([Problem("issue.case_not_written", f"Không ghi được {case.path}: {exc.strerror}.",
                                  Location(file=case.path), "Kiểm tra quyền ghi thư mục hồ sơ rồi cấp số lại.")])
    checkpoint("written")
    entry = set_state(engine, entry.id, ISSUED)
    built = build_case(case.path, registry, options)
    written = None
    if built.status == "built":
        values = metadata.outgoing_values(outgoing, entry.number, signer.title, signer.name, organ_code)
        written = write_atomically(built.out_dir / metadata.METADATA_FILE, metadata.document(values))
    return Issued(entry, built, written, recovered)


def _refuse_issued(case: Case, engine: Engine) -> None:
    if case.is_issued:
        raise InputError([Problem(
            "issue.already_issued",
            f"Hồ sơ đã ban hành: số {case.number:02d}/{SYMBOL}, ngày {case.date}; không cấp số lần hai.",
            case.location("number"), "Một quyết định chỉ được cấp số một lần; xem qdgen register list.")])
    held = [entry for entry in entries_of_case(engine, str(case.path.resolve())) if entry.state != CANCELLED]
    if held:
        raise InputError([Problem(
            "issue.already_issued", f"Sổ đăng ký đã ghi số {held[0].number_text} ngày {held[0].date.isoformat()} "
            f"cho hồ sơ này, nhưng case.yaml vẫn là dự thảo.", case.location("number"),
            f"Ghi lại number: {held[0].number} và date: {held[0].date.isoformat()} vào case.yaml, hoặc hủy số đó "
            "(qdgen register cancel) rồi cấp lại.")])


def _built_draft(case: Case, registry, options: BuildOptions) -> Decision:
    """The draft's decision, when it is valid and its build in `options.out` is up to date (the one the
    office reviewed); raises InputError otherwise."""
    prepared = prepare(case.path, registry, options)  # raises InputError when the case cannot be read
    if prepared.decision is None:
        raise InputError(errors(prepared.problems) + (Problem(
            "issue.invalid_draft", "Dự thảo còn lỗi nên chưa cấp số.", Location(file=case.path),
            "Sửa các lỗi trên (qdgen validate) rồi chạy lại qdgen issue."),))
    target = options.out / case.name
    previous = read_manifest(target)
    if previous is None or not previous.decision.is_draft or reasons(
            prepared.fingerprints, previous.fingerprints, prepared.statuses, previous.citations):
        raise InputError([Problem(
            "issue.draft_not_built", f"Chưa có bản dự thảo đã tạo khớp với hồ sơ này trong {target}.",
            Location(file=case.path), f"Tạo và xem lại dự thảo trước: qdgen build {case.path.parent} --out "
            f"{options.out}, rồi cấp số.")])
    return prepared.decision


def _outgoing(case: Case, decision: Decision, day: dt.date) -> Outgoing:
    recipients = tuple(" ".join(line.removeprefix("- ").rstrip(" ;.").split()) for line in decision.recipients[:-1])
    keep = ", ".join(case.archive.keep) + (f" ({case.archive.drafter})" if case.archive.drafter else "")
    return Outgoing(organ=decision.organ, symbol=decision.symbol, date=day, type_name=TYPE_NAME,
                    subject=decision.subject, signer=f"{decision.signature.title} {decision.signature.name}",
                    recipients=recipients, archive_units=keep, copies=case.archive.copies or len(recipients) + len(case.archive.keep),
                    case_path=str(case.path.resolve()), case_digest=case_digest(case.path))
