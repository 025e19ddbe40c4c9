"""What the page and the API do, one function per action, each calling the function the CLI calls.

Nothing here re-implements a stage: `build` is `build.stages.build_cases`, `check` is
`check.docset.check_files`, previews are `archive.store.preview`, regenerating is `build.regenerate`.
The register's actions (issuing a number, the Sổ đăng ký) go through the register room (`pipeline/register/`)
with the workspace's register: `QDGEN_REGISTER` when set, else `<workspace>/register.sqlite3`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.archive import store as archiving
from pipeline.build import regenerate as regen
from pipeline.build import stages
from pipeline.build.options import load_registry
from pipeline.build.prepare import plan, rank_sheet
from pipeline.build.stages import ISSUED_CHANGED, BuildStatus, CaseResult, build_cases
from pipeline.check.docset import check_files
from pipeline.domain.legal import Registry
from pipeline.domain.outdated import reasons
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.blanksheet import blank_scoresheet
from pipeline.inputs.criteria import read_criteria
from pipeline.inputs.load import read_case
from pipeline.outputs.manifest import read_manifest
from pipeline.problems import InputError, Location, Problem
from pipeline.web.workspace import Workspace, files_in


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One line of the workspace's list of decisions."""

    name: str
    state: str  # "draft", "issued" or "unreadable"
    date: str = ""
    subject: str = ""
    number: int | None = None
    kind: str = ""
    up_to_date: bool = False
    why: tuple[str, ...] = ()  # why the build is not up to date
    replaced: tuple[str, ...] = ()  # cited documents replaced (the regenerate planner's reasons)
    problems: tuple[Problem, ...] = ()


_registry_lock = threading.Lock()
_registries: dict[tuple, Registry] = {}


def registry(workspace: Workspace) -> Registry:
    """The registry, read again only when one of its files changed (a page must answer fast)."""
    options = workspace.options()
    signature = tuple(sorted((entry, os.stat(entry).st_mtime_ns) for root in options.registry_dirs
                             for entry in _yaml_files(root)))
    with _registry_lock:
        if signature not in _registries:
            _registries.clear()
            _registries[signature] = load_registry(options)
        return _registries[signature]


def _yaml_files(root: Path) -> list[str]:
    return [os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names
            if name.endswith((".yaml", ".yml"))]


def case_rows(workspace: Workspace) -> list[CaseRow]:
    """Every case of the workspace with its state, whether its build is up to date and why not."""
    options = workspace.options()
    try:
        known = registry(workspace)
    except InputError as exc:
        return [CaseRow(name, "unreadable", problems=exc.problems) for name in workspace.case_names()]
    rows = []
    for name in workspace.case_names():
        folder = workspace.case_dir(name)
        try:
            planned = plan(folder, known, options)
        except InputError as exc:
            rows.append(CaseRow(name, "unreadable", problems=exc.problems))
            continue
        case = planned.case
        previous = read_manifest(workspace.out / name)
        why = reasons(planned.fingerprints, previous.fingerprints if previous else None,
                      planned.statuses, previous.citations if previous else None)
        [case_plan] = regen.plan([folder], known, options)
        rows.append(CaseRow(name, "issued" if case.is_issued else "draft", str(case.date), case.subject or "",
                            case.number, case.template, not why, why, case_plan.reasons))
    return rows


def validate(workspace: Workspace, name: str) -> tuple[Problem, ...]:
    """Every problem of the case, nothing written (`qdgen validate`)."""
    [problems] = stages.validate_cases([workspace.case_dir(name)], workspace.options()).values()
    return problems


@dataclass(frozen=True, slots=True)
class Built:
    """A build's result with each file's name and sha256, as the API reports it."""

    result: CaseResult
    files: tuple[tuple[str, str], ...]  # (file name, sha256)


def build(workspace: Workspace, name: str) -> Built:
    """`qdgen build` of one case, under the case's lock."""
    folder = workspace.case_dir(name)
    with workspace.lock(name):
        [result] = build_cases([folder], workspace.options())
        files = ()
        if result.status != BuildStatus.FAILED and result.out_dir is not None:
            files = tuple((file, _sha256(result.out_dir / file)) for file in files_in(result.out_dir, (".docx",)))
    return Built(result, files)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def built_zip(workspace: Workspace, name: str) -> bytes:
    """Every .docx of the case's build in one .zip (deterministic: fixed times, sorted names)."""
    folder = workspace.build_dir(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files_in(folder, (".docx",)):
            archive.writestr(zipfile.ZipInfo(f"{name}/{file}", (1980, 1, 1, 0, 0, 0)), (folder / file).read_bytes())
    return buffer.getvalue()


def check(uploads: Sequence[tuple[str, bytes]]) -> list[dict]:
    """`qdgen check --json` of uploaded .docx files. They are written under fixed names in a fresh
    temporary folder (a decision and its annexes are checked as a set); the report names them as sent."""
    with tempfile.TemporaryDirectory(prefix="qdgen-check-") as scratch:
        paths = []
        for position, (_, data) in enumerate(uploads, start=1):
            path = Path(scratch) / f"tep-{position:03d}.docx"
            path.write_bytes(data)
            paths.append(path)
        results = check_files(paths)
    shown = {path.name: label for path, (label, _) in zip(paths, uploads, strict=True)}
    reports = []
    for result in results:
        report = result.to_json()
        report["file"] = shown.get(result.path.name, result.path.name)
        for problem in report["problems"]:
            if "file" in problem["location"]:
                problem["location"]["file"] = report["file"]
        reports.append(report)
    return reports


class KeptOffice:
    """One LibreOffice kept warm for the page's previews, started at the first preview (not at start-up: a
    server that never previews pays nothing) and closed with the server. Where it cannot start (python3-uno
    missing), previews start LibreOffice each time, as `qdgen preview` does."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._office = None
        self._failed = False

    def get(self):
        from pipeline.archive.warm import WarmOffice

        with self._lock:
            if self._office is None and not self._failed:
                try:
                    self._office = WarmOffice(processes=1)
                except InputError:
                    self._failed = True
            return self._office

    @property
    def pids(self) -> tuple[int, ...]:
        """The kept LibreOffice's process ids while it is idle; () before the first preview or without one."""
        return self._office.pids if self._office is not None else ()

    def close(self) -> None:
        with self._lock:
            if self._office is not None:
                self._office.close()
                self._office = None


def preview(workspace: Workspace, name: str, kept: KeptOffice | None = None) -> tuple[list[str], tuple[Problem, ...]]:
    """Build the case, then PNG pages of its decision and annexes (as `qdgen preview`, on the kept LibreOffice
    when there is one): (image names, problems)."""
    built = build(workspace, name)
    if built.result.status == BuildStatus.FAILED:
        return [], built.result.problems
    folder = built.result.out_dir
    files = [folder / "quyet-dinh.docx", *sorted(folder.glob("phu-luc-*.docx"))]
    with workspace.lock(name):
        try:
            images = archiving.preview(files, workspace.preview_dir(name), warm=kept.get() if kept else None)
        except InputError as exc:
            return [], exc.problems
    return [image.name for image in images], ()


def preview_images(workspace: Workspace, name: str) -> list[str]:
    """The case's page images in reading order: the decision first, then each annex, page 1, 2, … 10."""

    def order(image: str) -> tuple:
        stem, _, page = image.removesuffix(".png").rpartition("-")
        return (not stem.startswith("quyet-dinh"), stem, int(page) if page.isdigit() else 0)

    return sorted(files_in(workspace.preview_dir(name), (".png",)), key=order)


def blank_sheet(workspace: Workspace, name: str) -> bytes:
    """The blank PAR score sheet of the case's criteria set and agency list (`qdgen scoresheet`)."""
    case = read_case(workspace.case_dir(name)).case
    source = case.scores.get("par")
    if source is None or source.criteria is None or case.agencies is None:
        raise InputError([Problem("web.no_criteria", "Hồ sơ chưa có bộ tiêu chí Chỉ số CCHC và danh sách cơ quan.",
                                  Location(file=case.path, key="scores.par.criteria"),
                                  "Điền scores.par.criteria và agencies trong hồ sơ rồi tải lại.")])
    return blank_scoresheet(read_criteria(source.criteria), read_agencies(case.agencies))


@dataclass(frozen=True, slots=True)
class SheetReport:
    index: str
    sheet: str
    ranking: object  # a scoring ranking, or None when the sheet cannot be ranked
    problems: tuple[Problem, ...]


def sheet_reports(workspace: Workspace, name: str) -> list[SheetReport]:
    """Each score sheet of the case read, checked and ranked (`qdgen rank`)."""
    case = read_case(workspace.case_dir(name)).case
    reports = []
    for index, source in case.scores.items():
        if not source.sheet.is_file():
            reports.append(SheetReport(index, source.sheet.name, None, (Problem(
                "web.sheet_missing", "Chưa có bảng điểm này.", Location(file=source.sheet),
                "Tải bảng điểm đã điền lên ở mục Bảng điểm."),)))
            continue
        ranking, problems = rank_sheet(index, source.sheet, source.criteria, case.agencies)
        reports.append(SheetReport(index, source.sheet.name, ranking, tuple(problems)))
    return reports


def sheet_names(workspace: Workspace, name: str) -> dict[str, str]:
    """The file name each score sheet of the case must have, by index (what an upload is saved as)."""
    case = read_case(workspace.case_dir(name)).case
    return {index: source.sheet.name for index, source in case.scores.items()
            if source.sheet.parent.resolve() == workspace.case_dir(name).resolve()}


def regenerate_plans(workspace: Workspace) -> list[regen.CasePlan]:
    """The regenerate planner over every case (`qdgen regenerate` without --apply)."""
    folders = [workspace.case_dir(name) for name in workspace.case_names()]
    return list(regen.plan(folders, registry(workspace), workspace.options()))


def regenerate_apply(workspace: Workspace, names: Sequence[str]) -> tuple[CaseResult, ...]:
    """`qdgen regenerate --apply` of the cases picked, each under its lock."""
    results: list[CaseResult] = []
    for name in names:
        with workspace.lock(name):
            _, done = regen.regenerate([workspace.case_dir(name)], workspace.options(), True)
        results.extend(done)
    return tuple(results)


def archive(workspace: Workspace, name: str) -> archiving.ArchiveOutcome:
    """`qdgen archive` of one issued, built case into `<workspace>/archive`."""
    built = build(workspace, name)
    result = built.result
    if result.status == BuildStatus.FAILED and [p.code for p in result.problems if p.is_error] != [ISSUED_CHANGED]:
        return archiving.ArchiveOutcome(workspace.out / name, archiving.Status.FAILED, problems=result.problems)
    with workspace.lock(name):
        try:
            [outcome] = archiving.archive_batch([result.out_dir], workspace.root / "archive", workers=1)
        except InputError as exc:
            return archiving.ArchiveOutcome(result.out_dir, archiving.Status.FAILED, problems=exc.problems)
    return outcome


def register_location(workspace: Workspace) -> str:
    """The register the page issues through: the office's shared one (QDGEN_REGISTER), else the workspace's."""
    return os.environ.get("QDGEN_REGISTER") or str(workspace.root / "register.sqlite3")


def issue(workspace: Workspace, name: str, number: int | None, date: str | None):
    """`qdgen issue` of one built draft, under the case's lock: its number from the register, its date (today
    when none), the issued build. Raises InputError, with nothing written, when it cannot."""
    from pipeline.build.issue import issue_case
    from pipeline.register.database import opened

    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise InputError([Problem("web.bad_date", f"«{date}» không phải ngày dạng NNNN-TT-NN.",
                                  hint="Ví dụ 2024-02-05.")]) from None
    with workspace.lock(name), opened(register_location(workspace)) as engine:
        return issue_case(workspace.case_dir(name), engine, workspace.options(), day, number)


def register_export(workspace: Workspace, year: int) -> bytes:
    """The Sổ đăng ký văn bản đi of `year` as an .xlsx to print (NĐ 30 Phụ lục IV), as `qdgen register export`."""
    from pipeline.register.book import entries, series_list
    from pipeline.register.database import opened
    from pipeline.register.export import Book, write_xlsx

    with opened(register_location(workspace), create=False) as engine:
        lines, series = entries(engine, year, None), series_list(engine)
    if not series:
        raise InputError([Problem("register.empty", "Sổ đăng ký chưa có số nào.",
                                  hint="Cấp số cho một dự thảo đã tạo trước.")])
    chosen = series[0]
    book = Book(chosen, year, tuple(line for line in lines if line.organ == chosen.organ))
    with tempfile.TemporaryDirectory(prefix="qdgen-so-") as scratch:
        target = Path(scratch) / "so-dang-ky.xlsx"
        write_xlsx(book, target)
        return target.read_bytes()
