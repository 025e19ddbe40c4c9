"""Stage 2: every cross-file rule a case must satisfy before anything is rendered.

`validate_case` returns all problems at once; it never stops at the first one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib

from pipeline import vn
from pipeline.domain.legal import IN_FORCE, NOT_YET, REPLACED, Registry
from pipeline.domain.units import AdministrativeUnits
from pipeline.problems import Problem, Severity, errors
from pipeline.records import Case

AUTHORITY_NAMES = {"chu-tich": "Chủ tịch Ủy ban nhân dân", "uy-ban": "Ủy ban nhân dân"}


def check_day(case: Case, build_day: dt.date, as_of: dt.date | None = None) -> dt.date:
    """The day a case's citations must be in force.

    An issued decision: its issue date. A draft: `as_of` (the command's `--as-of`), else the case's
    own `as_of`, else the day of the build.
    """
    if case.is_issued and case.date.is_complete:
        return case.date.as_date()
    return as_of or case.as_of or build_day


def validate_case(case: Case, registry: Registry, day: dt.date,
                  units: AdministrativeUnits | None = None) -> tuple[Problem, ...]:
    """Every problem of `case` every kind of decision can have; `day` is the day its citations must be in
    force (see `check_day`); `units`: the administrative units its issuer is checked against (None: not
    checked). A kind's own checks are its `checks` (pipeline/kinds/)."""
    problems: list[Problem] = []
    if units is not None:
        problems += _issuer(case, units, registry)
    problems += _duplicates(case)
    problems += _number_and_date(case)
    problems += _signer(case)
    problems += _proposal(case)
    problems += _legal_basis(case, registry, day)
    problems += _replaces(case, registry)
    return tuple(problems)


def _issuer(case: Case, units: AdministrativeUnits, registry: Registry) -> list[Problem]:
    """The province or city as typed (a city typed as a province is refused), and the commune within it, as
    they stood on the decision's date."""
    day = case.date.as_date()
    typed = getattr(case.keys, "issuer", None)
    province = typed.province if typed is not None else case.issuer.province
    commune = typed.commune if typed is not None else case.issuer.commune
    problems = list(units.check_province(province, day, case.location("issuer.province"), registry))
    if commune is not None and not errors(problems):
        problems += units.check_commune(case.issuer.province, commune, day, case.location("issuer.commune"),
                                        registry)
    return problems


def _replaces(case: Case, registry: Registry) -> list[Problem]:
    problems = []
    for index, doc_id in enumerate(case.replaces):
        if registry.get(doc_id) is None:
            problems.append(Problem("case.unknown_basis", f"Văn bản bị thay thế «{doc_id}» không có trong danh mục.",
                                    case.location(f"replaces[{index}]"),
                                    "Thêm tệp legal_basis/<mã>.yaml cho văn bản đó hoặc sửa mã."))
    return problems


NAMED_ONCE = {"publishes": "chỉ số", "executors": "cơ quan thi hành", "recipients": "nơi nhận",
              "archive.keep": "nơi lưu", "replaces": "văn bản bị thay thế"}
"""Lists that name things once: an item given twice is a slip (two annexes of one index, "Lưu: VT, VT")."""


def _duplicates(case: Case) -> list[Problem]:
    lists = {"publishes": case.publishes, "executors": case.executors, "recipients": case.recipients,
             "archive.keep": case.archive.keep, "replaces": case.replaces}
    problems = []
    for key, items in lists.items():
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            name = " ".join(item.split()).casefold()
            if name in seen:
                problems.append(Problem(
                    "case.duplicate_item", f"«{item}» có hai lần trong danh sách {NAMED_ONCE[key]} «{key}».",
                    case.location(f"{key}[{index}]"), f"Xóa dòng lặp lại (đã có ở mục thứ {seen[name] + 1})."))
            else:
                seen[name] = index
    return problems


def _number_and_date(case: Case) -> list[Problem]:
    if case.is_issued and not case.date.is_complete:
        return [Problem("case.issued_without_day",
                        f"Quyết định đã có số ({case.number:02d}) nhưng ngày ban hành «{case.date}» chưa đủ ngày, tháng.",
                        case.location("date"),
                        "Ghi đủ ngày ban hành (NNNN-TT-NN), hoặc để number: null nếu còn là dự thảo.")]
    return []


def _signer(case: Case) -> list[Problem]:
    signer, authority = case.signer, case.issuer.authority
    where = case.location("signer.sign_for")
    title = signer.title.casefold()
    if authority == "chu-tich" and signer.sign_for == "TM":
        return [Problem("case.signer_authority",
                        "«TM.» (thay mặt tập thể) không dùng cho quyết định thuộc thẩm quyền Chủ tịch.",
                        where, "Chủ tịch ký trực tiếp (sign_for: null); Phó Chủ tịch ký «KT.» (sign_for: KT).")]
    if authority == "uy-ban" and signer.sign_for != "TM":
        return [Problem("case.signer_authority",
                        "Quyết định của Ủy ban nhân dân (tập thể) phải ký «TM. ỦY BAN NHÂN DÂN».",
                        where, "Đặt sign_for: TM (Phó Chủ tịch ký thì vẫn là TM, hệ thống thêm «KT. CHỦ TỊCH»).")]
    deputy = title.startswith("phó chủ tịch")
    if authority == "chu-tich" and deputy and signer.sign_for not in {"KT", "Q"}:
        return [Problem("case.signer_authority", "Phó Chủ tịch ký thay Chủ tịch phải có «KT.».",
                        where, "Đặt sign_for: KT.")]
    if signer.sign_for == "KT" and not deputy:
        return [Problem("case.signer_authority", f"«KT.» chỉ dùng khi cấp phó ký; chức vụ ghi là «{signer.title}».",
                        case.location("signer.title"), "Ghi title: Phó Chủ tịch, hoặc bỏ sign_for.")]
    return []


def _proposal(case: Case) -> list[Problem]:
    memo = case.proposal.memo if case.proposal else None
    if memo is None:
        return []
    latest = _latest_day(case) if case.is_issued or case.date.month is not None else None
    if latest is not None and memo.date > latest:
        return [Problem("case.memo_after_decision",
                        f"Tờ trình số {memo.number} ngày {vn.short_date(memo.date)} lại sau ngày quyết định ({case.date}).",
                        case.location("proposal.memo.date"), "Quyết định ban hành sau tờ trình: kiểm tra hai ngày này.")]
    return []


def _latest_day(case: Case) -> dt.date:
    """The last day the (possibly partial) decision date can stand for."""
    date = case.date
    if date.day is not None:
        return date.as_date()
    month = date.month or 12
    return dt.date(date.year, month, calendar.monthrange(date.year, month)[1])


def _legal_basis(case: Case, registry: Registry, day: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    snapshot = registry.as_of(day)
    cited = {doc_id for group in case.legal_basis for doc_id in group}
    decision_day = _latest_day(case)
    for line_index, group in enumerate(case.legal_basis):
        for item_index, doc_id in enumerate(group):
            key = f"legal_basis[{line_index}]" + (f"[{item_index}]" if len(group) > 1 else "")
            where = case.location(key)
            doc = registry.get(doc_id)
            if doc is None:
                guess = difflib.get_close_matches(doc_id, sorted(registry.documents), n=1)
                problems.append(Problem("case.unknown_basis", f"Không có văn bản «{doc_id}» trong danh mục căn cứ.",
                                        where, f"Có phải ý là «{guess[0]}»?" if guess else
                                        "Thêm tệp legal_basis/<mã>.yaml cho văn bản này (xem README)."))
                continue
            if doc.date > decision_day:
                problems.append(Problem("case.basis_after_decision",
                                        f"Văn bản «{doc_id}» ký ngày {vn.short_date(doc.date)}, sau ngày quyết định.",
                                        where, "Không thể căn cứ vào văn bản ban hành sau quyết định."))
                continue
            status = snapshot.status(doc_id)
            if status.state == REPLACED:
                successor = snapshot.in_force_successor(doc_id) or status.by
                new = registry.get(successor)
                problems.append(Problem(
                    "registry.replaced",
                    f"Căn cứ «{doc_id}» đã được thay thế bởi «{successor}» từ {vn.short_date(status.since)}"
                    f" (xét tại ngày {vn.short_date(day)}).",
                    where, f"Thay bằng «{successor}» ({new.type} {new.number or new.title})"
                           " hoặc chạy `qdgen regenerate --apply`." if new else None))
            elif status.state == NOT_YET:
                problems.append(Problem(
                    "registry.not_yet_in_force",
                    f"Căn cứ «{doc_id}» chỉ có hiệu lực từ {vn.short_date(status.since)}, sau ngày {vn.short_date(day)}.",
                    where, "Bỏ căn cứ này hoặc sửa ngày quyết định."))
            elif status.state == IN_FORCE:
                missing = [a for a in status.amended_by if a not in cited]
                if missing:
                    problems.append(Problem(
                        "registry.amendment_not_cited",
                        f"Căn cứ «{doc_id}» đã được sửa đổi bởi {', '.join('«' + a + '»' for a in missing)}"
                        " nhưng văn bản sửa đổi không được viện dẫn.",
                        where, "Thêm văn bản sửa đổi vào cùng dòng căn cứ.", Severity.WARNING))
    return problems
