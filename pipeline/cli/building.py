"""`qdgen build`, `validate` and `regenerate`: cases in, decisions out (or the problems that stop them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline import vn
from pipeline.cli import report
from pipeline.cli.group import Command, Outcome, echo_problems, json_option
from pipeline.cli.options import FOLDER, as_of_option, build_options, cases_argument, registry_option
from pipeline.problems import InputError

if TYPE_CHECKING:
    from pipeline.build.stages import BuildOptions, CaseResult

out_option = click.option("--out", "out", type=FOLDER, default=Path("out"), show_default=True, metavar="THƯ_MỤC",
                          help="Thư mục ghi kết quả; mỗi hồ sơ một thư mục con.")


@click.command(cls=Command)
@cases_argument
@out_option
@registry_option
@as_of_option
@click.option("--pages", "on_pages", is_flag=True,
              help="Sau khi tạo, dàn trang các tệp mới bằng LibreOffice và kiểm tra các trang (LAYOUT-01 … 07).")
@json_option
def build(cases: tuple[Path, ...], out: Path, registries: tuple[Path, ...], as_of: dt.date | None,
          on_pages: bool) -> Outcome:
    """Tạo quyết định (.docx), phụ lục và manifest.json cho từng hồ sơ CASES."""
    from pipeline.build.stages import build_cases

    results = build_cases(list(cases), build_options(out, registries, as_of))
    if on_pages:
        results = _with_pages(results)
    for result in results:
        echo_problems(result.problems)
        status = report.state(result.status)
        if status == "failed":
            click.echo(f"✗ {result.case}: không tạo ({report.summary(result.problems)}).", err=True)
            _echo_reasons("lỗi thời", result.reasons)
        elif status == "up_to_date":
            click.echo(f"= {result.case}: đã cập nhật, không cần tạo lại.", err=True)
        else:
            click.echo(f"✓ {result.case} → {result.out_dir}", err=True)
            _echo_reasons("lý do", result.reasons)
    return Outcome(any(report.state(r.status) == "failed" for r in results), results)


def _with_pages(results):
    """Built cases with the page rules' findings on their new files; a page error fails the case (its files stay
    written: they are what LibreOffice laid out)."""
    import dataclasses

    from pipeline.pages.check import check_pages

    built = {artifact.path: result.case for result in results if report.state(result.status) == "built"
             for artifact in result.artifacts}
    found: dict[Path, tuple] = {}
    for page in check_pages(sorted(built)) if built else ():
        found[built[page.path]] = found.get(built[page.path], ()) + page.problems
    return [dataclasses.replace(result, problems=result.problems + found[result.case],
                                status="failed" if any(p.is_error for p in found[result.case]) else result.status)
            if result.case in found else result for result in results]


@click.command(cls=Command)
@cases_argument
@registry_option
@as_of_option
@json_option
def validate(cases: tuple[Path, ...], registries: tuple[Path, ...], as_of: dt.date | None) -> Outcome:
    """Kiểm tra hồ sơ CASES, liệt kê mọi vấn đề cùng vị trí; không ghi gì."""
    from pipeline.build.stages import validate_cases

    found = validate_cases(list(cases), build_options(Path("."), registries, as_of))
    for case, problems in found.items():
        echo_problems(problems)
        click.echo(f"{case}: {report.summary(problems)}", err=True)
    return Outcome(any(p.is_error for problems in found.values() for p in problems), found)


@click.command(cls=Command)
@cases_argument
@click.option("--apply", "write", is_flag=True, help="Sửa legal_basis của các dự thảo lỗi thời rồi tạo lại chúng.")
@click.option("--out", "out", type=FOLDER, default=Path("out"), show_default=True, metavar="THƯ_MỤC",
              help="Thư mục ghi kết quả khi --apply.")
@registry_option
@as_of_option
def regenerate(cases: tuple[Path, ...], write: bool, out: Path, registries: tuple[Path, ...],
               as_of: dt.date | None) -> Outcome:
    """Liệt kê dự thảo viện dẫn văn bản hết hiệu lực (kèm so sánh căn cứ trước/sau); --apply để sửa và tạo lại."""
    from pipeline.build import regenerate as regen

    plans, results = regen.regenerate(list(cases), build_options(out, registries, as_of), write)
    for case_plan in plans:
        echo_plan(case_plan)
    for result in results:
        echo_problems(result.problems)
        mark = "✓ đã sửa và tạo lại" if report.state(result.status) == "built" else "✗ đã sửa nhưng chưa tạo được"
        click.echo(f"{mark}: {result.case}")
    if not write and any(p.state == regen.OUTDATED for p in plans):
        click.echo("(chưa thay đổi gì; chạy lại với --apply để sửa và tạo lại)")
    return Outcome(any(report.state(r.status) == "failed" for r in results)
                   or any(p.state in (regen.UNREADABLE, regen.NEEDS_DECISION) for p in plans))


def echo_plan(case_plan) -> None:
    """One draft's regeneration plan, as `regenerate` and `basis add` show it."""
    from pipeline.build import regenerate as regen

    day = vn.short_date(case_plan.day) if case_plan.day else ""
    if case_plan.state == regen.ISSUED:
        click.echo(f"{case_plan.case}: đã ban hành — không tạo lại.")
    elif case_plan.state == regen.CURRENT:
        click.echo(f"{case_plan.case}: căn cứ còn hiệu lực (ngày {day}), không cần tạo lại.")
    elif case_plan.state == regen.UNREADABLE:
        echo_problems(case_plan.problems)
    elif case_plan.state == regen.NEEDS_DECISION:
        click.echo(f"{case_plan.case}: cần người soạn quyết định:")
        _echo_reasons("lý do", case_plan.reasons, err=False)
        for decision in case_plan.decisions:
            click.echo(f"    - {decision}")
    else:
        click.echo(f"{case_plan.case}: căn cứ lỗi thời (xét ngày {day}):")
        _echo_reasons("lý do", case_plan.reasons, err=False)
        for line in case_plan.diff:
            click.echo(f"    {line}")


def _echo_reasons(label: str, reasons: Sequence[str], *, err: bool = True) -> None:
    for reason in reasons:
        click.echo(f"    {label}: {reason}", err=err)


def built_dirs(cases: Sequence[Path], options: BuildOptions) -> list[Path]:
    """Build (or find up to date) each case; InputError when any cannot be built.

    An issued decision whose inputs changed after it was built keeps that build: it is the document that
    was signed, so it is what gets archived or previewed, with a word on what changed since."""
    from pipeline.build.stages import build_cases

    folders: list[Path] = []
    failed: list[CaseResult] = []
    for result in build_cases(list(cases), options):
        if report.state(result.status) != "failed":
            folders.append(result.out_dir)
        elif _only_issued_changed(result):
            click.echo(f"! {result.case}: đã ban hành, dùng bản đã tạo ({result.out_dir}); đầu vào đã đổi "
                       "từ khi tạo nhưng văn bản đã ban hành không được tạo lại:", err=True)
            _echo_reasons("lý do", result.reasons)
            folders.append(result.out_dir)
        else:
            failed.append(result)
    for result in failed:
        click.echo(f"✗ {result.case}: không tạo được ({report.summary(result.problems)}):", err=True)
    if failed:
        raise InputError([problem for result in failed for problem in result.problems])
    return folders


def _only_issued_changed(result: CaseResult) -> bool:
    from pipeline.build.stages import ISSUED_CHANGED

    return [p.code for p in result.problems if p.is_error] == [ISSUED_CHANGED]
