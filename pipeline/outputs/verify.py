"""A build checks what it wrote with `qdgen check`'s own rules before putting it in place.

The rendered decision and annexes are checked as one set (`check_files`), so a build never writes a
document its own `check` would fail: a case whose text breaks a required rule (a signer's name holding
`</w:t>`, say) is an error of the build, reported under the rule's id. Findings of sample (M) and practice
(P) rules stay warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.check.docset import check_files
from pipeline.problems import Location, Problem

FAILS_CHECK = "build.fails_check"


def check_outputs(paths: Sequence[Path]) -> tuple[Problem, ...]:
    """Every problem `qdgen check` finds in the rendered files, plus one error naming the case's failure."""
    found = tuple(problem for result in check_files(paths) for problem in result.problems)
    failed = sorted({problem.code for problem in found if problem.is_error})
    if not failed:
        return found
    return found + (Problem(
        FAILS_CHECK, f"Văn bản tạo ra vi phạm quy tắc bắt buộc của Nghị định 30/2020 ({', '.join(failed)}); "
        "không ghi gì.", Location(file=paths[0].parent if paths else None),
        "Sửa nội dung hồ sơ ở chỗ các lỗi trên chỉ ra (thường là ký tự hoặc đoạn chữ lạ trong case.yaml), rồi "
        "tạo lại."),)
