"""`check_docx(path)`: a .docx checked against the format rules of Nghị định 30/2020/NĐ-CP (`nd30.rules`).

The work is done in rooms of their own: `layout` finds the document's parts and its kind (`decision`,
`annex`, `other`), `machinery` holds the `Checker` the rule families report to and `families` the checks,
one module per part of the decree (`page`, `fonts`, `page_numbers`, `header_block`, `title`, `preamble`,
`body`, `signature`, `recipients`, `annexes`, `structure`): a rule id leads to its code with one grep. A
rule is checked only on the kinds in its `applies_to`. This module is the public face: what the CLI and
`docset` use is importable from here.

A file that cannot be read gives one problem: `check.unreadable`, or the code of the limit or refusal of
`pipeline.ooxml.unpack` it met (`docx.dtd`, `docx.part_too_large`, …), with a hint that fits the file.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.check.families import FAMILIES
from pipeline.check.families.annexes import annex_reference, reference_issues
from pipeline.check.layout import (
    AnnexPart,
    HeaderBlock,
    Layout,
    SignatureBlock,
    annex_label,
    find_layout,
    mentions,
)
from pipeline.check.machinery import MAX_PER_RULE, Checker, CheckResult, Inspected, capped
from pipeline.ooxml.reader import DocxError, read_docx
from pipeline.problems import Location, Problem

__all__ = [
    "MAX_PER_RULE", "AnnexPart", "CheckResult", "Checker", "HeaderBlock", "Inspected", "Layout",
    "SignatureBlock", "annex_label", "annex_reference", "check_docx", "find_layout", "inspect_docx",
    "mentions", "reference_issues",
]


def check_docx(path: Path) -> CheckResult:
    """Check one .docx. Never raises for bad input: an unreadable file is one problem (see the module)."""
    return inspect_docx(path).result


def inspect_docx(path: Path) -> Inspected:
    """`check_docx`, keeping the document and its layout."""
    path = Path(path)
    try:
        document = read_docx(path)
    except DocxError as error:
        return Inspected(CheckResult(path, None, (Problem(
            code=error.code, message=f"Không đọc được tệp: {error}",
            location=Location(file=path), hint=error.hint),)), None, None)
    layout = find_layout(document)
    checker = Checker(path, document, layout)
    for check in FAMILIES:
        check(checker)
    return Inspected(CheckResult(path, layout.kind, capped(checker.problems)), document, layout)
