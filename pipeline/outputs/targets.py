"""Where a build may write: an output folder never is, holds or lies inside an input, never replaces a
folder this tool did not make, and never serves two cases of one batch.

A build replaces its whole output folder, so a wrong `--out` would otherwise delete a clerk's files (the
case folder itself with `--out <the folder holding the case>`). A folder is recognised as a previous build
by the shape of its `manifest.json`; anything else there is refused, never moved or removed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pipeline.outputs.manifest import MANIFEST
from pipeline.problems import Location, Problem
from pipeline.records import Case

OUT_IS_INPUT = "build.out_is_input"
OUT_NOT_A_BUILD = "build.out_not_a_build"
SAME_OUTPUT = "build.same_output"

_MANIFEST_SHAPE = {"generator": str, "case": str, "decision": dict, "files": list, "fingerprints": dict}


def case_inputs(case: Case, registry_dirs: Iterable[Path]) -> tuple[Path, ...]:
    """Every place a case is read from: its folder and file, the files it names, the registry folders."""
    named = [case.agencies, case.criteria]
    for source in case.scores.values():
        named += [source.sheet, source.criteria]
    return (case.path.parent, case.path, *(path for path in named if path is not None), *registry_dirs)


def is_previous_build(folder: Path) -> bool:
    """Whether `folder` holds a build this tool made: a `manifest.json` of our shape."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("generator", "")).startswith("qdgen ") and all(
        isinstance(data.get(key), kind) for key, kind in _MANIFEST_SHAPE.items())


def target_problems(target: Path, inputs: Iterable[Path]) -> tuple[Problem, ...]:
    """Why `target` must not be replaced by a build; empty when it may be."""
    resolved = target.resolve()
    for path in inputs:
        source = path.resolve()
        if resolved == source or resolved in source.parents or source in resolved.parents:
            relation = ("chính là" if resolved == source else "chứa" if resolved in source.parents
                        else "nằm trong")
            return (Problem(
                OUT_IS_INPUT, f"Thư mục kết quả «{target}» {relation} đầu vào «{path}»; tạo bản mới sẽ xóa mất "
                "đầu vào nên không ghi gì.", Location(file=target),
                "Chọn --out là một thư mục riêng cho kết quả, nằm ngoài thư mục hồ sơ và danh mục căn cứ "
                "(ví dụ --out out)."),)
    if target.is_symlink() or (target.exists() and not (target.is_dir() and (
            is_previous_build(target) or not any(target.iterdir())))):
        return (Problem(
            OUT_NOT_A_BUILD, f"«{target}» đã có và không phải thư mục kết quả do qdgen tạo (không có manifest.json "
            "của qdgen); không ghi đè, không xóa gì.", Location(file=target),
            "Chọn --out khác, hoặc tự chuyển tệp/thư mục này đi nơi khác rồi tạo lại."),)
    return ()


def shared_targets(targets: Mapping[Path, Path]) -> dict[Path, tuple[Problem, ...]]:
    """Cases of one batch (case path → output folder) that would write the same folder, each with a problem
    naming the others: the later would silently replace the earlier."""
    by_target: dict[Path, list[Path]] = defaultdict(list)
    for case, target in targets.items():
        by_target[target.resolve()].append(case)
    found: dict[Path, tuple[Problem, ...]] = {}
    for target, cases in by_target.items():
        if len(cases) < 2:
            continue
        for case in cases:
            found[case] = (_same_output(case, [other for other in cases if other != case], targets[case]),)
    return found


def _same_output(case: Path, others: Sequence[Path], target: Path) -> Problem:
    names = ", ".join(f"«{other}»" for other in others)
    return Problem(
        SAME_OUTPUT, f"Hồ sơ «{case}» và {names} cùng tên thư mục nên cùng ghi vào «{target}»; không tạo hồ sơ "
        "nào trong số này.", Location(file=case),
        "Đổi tên một trong các thư mục hồ sơ, hoặc tạo từng hồ sơ với --out khác nhau.")
