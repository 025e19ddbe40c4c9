"""The `qdgen` command: arguments in, one call, a report out, an exit code (0 ok, 1 problems, 2 usage).

The only module that imports click. Human reports go to stderr, `--json` to stdout; no input ever
produces a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from pipeline import __version__, report
from pipeline.build import BUNDLED_REGISTRY, BuildOptions, build_cases, validate_cases


def _day(_ctx, _param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» không phải ngày dạng NNNN-TT-NN (ví dụ 2025-07-01).") from None


registry_option = click.option(
    "--registry", "registries", multiple=True, type=click.Path(path_type=Path, file_okay=False),
    help="Thư mục danh mục văn bản bổ sung (thêm vào danh mục có sẵn legal_basis/). Dùng được nhiều lần.")
as_of_option = click.option(
    "--as-of", "as_of", callback=_day, metavar="NGÀY",
    help="Ngày xét hiệu lực căn cứ của dự thảo (mặc định: hôm nay, hoặc as_of trong hồ sơ).")
cases_argument = click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))


def _options(out: Path, registries: tuple[Path, ...], as_of: dt.date | None) -> BuildOptions:
    return BuildOptions(out=out, registry_dirs=(BUNDLED_REGISTRY, *registries), as_of=as_of)


def _echo_problems(problems) -> None:
    for line in report.problem_lines(problems):
        click.echo(line, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qdgen")
def main() -> None:
    """Soạn Quyết định QĐ-UBND và Phụ lục đúng thể thức Nghị định 30/2020/NĐ-CP."""


@main.command()
@cases_argument
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Thư mục ghi kết quả; mỗi hồ sơ một thư mục con.")
@registry_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
def build(cases: tuple[Path, ...], out: Path, registries: tuple[Path, ...], as_of: dt.date | None,
          as_json: bool) -> None:
    """Tạo quyết định (.docx), phụ lục và manifest.json cho từng hồ sơ CASES."""
    results = build_cases(list(cases), _options(out, registries, as_of))
    failed = False
    for result in results:
        _echo_problems(result.problems)
        if result.status == "failed":
            failed = True
            click.echo(f"✗ {result.case}: không tạo ({report.summary(result.problems)}).", err=True)
        elif result.status == "up_to_date":
            click.echo(f"= {result.case}: đã cập nhật, không cần tạo lại.", err=True)
        else:
            click.echo(f"✓ {result.case} → {result.out_dir}", err=True)
            for reason in result.reasons:
                click.echo(f"    lý do: {reason}", err=True)
    if as_json:
        click.echo(report.to_json([{
            "case": str(r.case), "status": r.status, "out": str(r.out_dir) if r.out_dir else None,
            "files": [{"path": str(a.path), "kind": a.kind, "sha256": a.sha256} for a in r.artifacts],
            "reasons": list(r.reasons), "problems": [p.to_json() for p in r.problems]} for r in results]))
    sys.exit(1 if failed else 0)


@main.command()
@cases_argument
@registry_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="In các vấn đề dạng JSON ra stdout.")
def validate(cases: tuple[Path, ...], registries: tuple[Path, ...], as_of: dt.date | None, as_json: bool) -> None:
    """Kiểm tra hồ sơ CASES, liệt kê mọi vấn đề cùng vị trí; không ghi gì."""
    found = validate_cases(list(cases), _options(Path("."), registries, as_of))
    any_error = False
    for case, problems in found.items():
        _echo_problems(problems)
        any_error |= any(p.is_error for p in problems)
        click.echo(f"{case}: {report.summary(problems)}", err=True)
    if as_json:
        click.echo(report.to_json({str(c): [p.to_json() for p in ps] for c, ps in found.items()}))
    sys.exit(1 if any_error else 0)
