"""The work of a build that `memo` keeps between processes, as the stages ask for it: compiled templates
(`TEMPLATES`, an `ooxml.render.TemplateStore`), parsed input files (`KeptParses`, an
`inputs.cache.ParseStore`) and the build's check of its own documents (`checked`). Each is given back only
while what it was computed from is unchanged, and is what computing it again would give.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.build import memo
from pipeline.problems import Problem

if TYPE_CHECKING:
    from pipeline.ooxml.render import CompiledTemplate


class _CompiledTemplates:
    """`ooxml.render.TemplateStore` kept by `memo`: a template compiled before (by content, code and libraries)
    is not patched and compiled again, and docxtpl is not imported."""

    def recall(self, sha256: str) -> CompiledTemplate | None:
        return memo.recall_object("template", sha256, {})

    def remember(self, sha256: str, template: CompiledTemplate) -> None:
        memo.remember_object("template", sha256, {}, (), (), template)


TEMPLATES = _CompiledTemplates()


class KeptParses:
    """`inputs.cache.ParseStore` as entries of this memo: a score sheet, criteria set, agency list or the units
    data parsed by one command is not parsed again by the next while it is unchanged (`validate` of a case
    just edited reads only its case.yaml)."""

    def recall(self, name: str, files: Sequence[Path], folders: Sequence[Path]) -> Any:
        return memo.recall_object("parsed", name, _named(files, folders))

    def remember(self, name: str, files: Sequence[Path], folders: Sequence[Path], value: object) -> None:
        memo.remember_object("parsed", name, _named(files, folders), files, folders, value)


def _named(files: Sequence[Path], folders: Sequence[Path]) -> dict[str, Any]:
    """A parse's context: the files and folders as it was given them, from the working folder it was given them
    in (its problems name them so)."""
    return {"cwd": os.getcwd(), "files": [str(path) for path in files], "folders": [str(path) for path in folders]}


def checked(paths: Sequence[Path]) -> tuple[Problem, ...]:
    """`outputs.verify.check_outputs` of the rendered files (all in one folder), remembered by their names and
    bytes: documents byte for byte the same as ones checked before (a case built again into another folder)
    are not checked again, and the checker is not even imported."""
    folder = paths[0].parent
    contents = sorted((path.name, hashlib.sha256(path.read_bytes()).hexdigest()) for path in paths)
    subject = hashlib.sha256(repr(contents).encode("utf-8")).hexdigest()
    recalled = memo.recall("checked", subject, {})
    if recalled is not None:
        return tuple(relocated(Problem.from_json(item), Path("."), folder) for item in recalled["problems"])
    from pipeline.outputs.verify import check_outputs

    found = check_outputs(paths)
    memo.remember("checked", subject, {}, (), (), {"problems": [
        relocated(problem, folder, Path(".")).to_json() for problem in found]})
    return found


def relocated(problem: Problem, old: Path, new: Path) -> Problem:
    """`problem` with a location in folder `old` (the folder or a file in it) moved to folder `new`."""
    file = problem.location.file
    if file is None or old not in (file, file.parent):
        return problem
    moved = new if file == old else new / file.name
    return dataclasses.replace(problem, location=dataclasses.replace(problem.location, file=moved))
