"""Checks across the files of one decision: the Quyết định and each Phụ lục saved as separate .docx files.

Departments send a decision and its annexes as several files. Read one at a time each can be right while
the set is wrong: an annex whose `(Kèm theo …)` line gives another number, date or issuing body than the
decision's header, a decision that never mentions an annex sent with it, annexes numbered I and III.
Files are grouped by folder. A folder holding exactly one decision is checked as a set with the annexes
beside it; with several decisions in one folder nothing says which annex belongs to which, and nothing is
guessed. The problems found are added to the files they are in, under the rule ids of `nd30.rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.check.checker import (
    AnnexPart,
    Checker,
    CheckResult,
    Inspected,
    annex_label,
    annex_reference,
    inspect_docx,
    mentions,
    reference_issues,
)
from pipeline.nd30.rules import ANNEX, DECISION
from pipeline.vn import MAX_ROMAN, roman, roman_value


@dataclass(frozen=True, slots=True)
class _Placed:
    """An annex and the file it is in (the decision's own file, or an annex file beside it)."""

    annex: AnnexPart
    checker: Checker


def check_files(paths: Sequence[Path]) -> list[CheckResult]:
    """`check_docx` of each path, in order, plus what each folder's decision and annex files break as a set."""
    inspected = [inspect_docx(path) for path in paths]
    by_folder: dict[Path, list[int]] = defaultdict(list)
    for index, item in enumerate(inspected):
        by_folder[item.result.path.resolve().parent].append(index)
    checkers: dict[int, Checker] = {}
    for indexes in by_folder.values():
        decisions = [i for i in indexes if inspected[i].result.kind == DECISION]
        annexes = [i for i in indexes if inspected[i].result.kind == ANNEX]
        if len(decisions) == 1 and annexes:
            checkers.update(_check_set(decisions[0], annexes, inspected))
    return [replace(item.result, problems=item.result.problems + tuple(checkers[i].problems))
            if i in checkers else item.result for i, item in enumerate(inspected)]


def _checker(item: Inspected) -> Checker:
    return Checker(item.result.path, item.document, item.layout)


def _check_set(decision_index: int, annex_indexes: list[int], inspected: list[Inspected]) -> dict[int, Checker]:
    """The problems of one decision and the annex files beside it, as a Checker per file."""
    decision = inspected[decision_index]
    checkers = {decision_index: _checker(decision)}
    placed = [_Placed(annex, checkers[decision_index]) for annex in decision.layout.annexes]
    for index in annex_indexes:
        item = checkers[index] = _checker(inspected[index])
        for annex in inspected[index].layout.annexes:
            placed.append(_Placed(annex, item))
            reference = annex_reference(annex)
            if reference is not None and decision.layout.header is not None:
                paragraph, match = reference
                for issue in reference_issues(match, decision.layout.header):
                    item.report("ANX-04", f"{issue} (quyết định ở tệp {decision.result.path.name}).", paragraph)
            label = annex_label(annex)
            if not mentions(decision.layout, label):
                checkers[decision_index].report(
                    "BODY-08", f"Nội dung cần dẫn chiếu đến «{label}» (tệp {inspected[index].result.path.name}), "
                               "thấy không nhắc đến.")
    _check_numbering(placed)
    return checkers


def _check_numbering(placed: list[_Placed]) -> None:
    """The annexes of one decision, in whichever file, are numbered I, II, III … once each."""
    values = [roman_value(item.annex.numeral) for item in placed]
    expected = set(range(1, len(placed) + 1))
    if len(placed) < 2 or sorted(v for v in values if v is not None) == sorted(expected):
        return
    wanted = ", ".join(roman(n) for n in sorted(expected))
    found = ", ".join(item.annex.numeral or "không số" for item, _ in
                      sorted(zip(placed, values), key=lambda pair: pair[1] or MAX_ROMAN + 1))
    for item, value in zip(placed, values):
        if value not in expected or values.count(value) > 1:
            item.checker.report("ANX-02", f"Các phụ lục của một quyết định cần đánh số {wanted}; "
                                          f"quyết định và các tệp cùng thư mục có {found}.", item.annex.heading)
