"""`qdgen check`: any .docx (made by qdgen or typed in Word) against the format rules of NĐ 30/2020."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli import report
from pipeline.cli.group import Command, Outcome, echo_problems, json_option
from pipeline.cli.options import FilePath


def docx_files(paths: tuple[Path, ...]) -> list[Path]:
    """The files to check: each path as given, a folder as the .docx files in it (Word's `~$` lock files
    left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.docx") if not p.name.startswith("~$")))
        else:
            files.append(path)
    return files


@click.command(cls=Command)
@click.argument("paths", nargs=-1, required=True, type=FilePath(), metavar="TỆP_HOẶC_THƯ_MỤC...")
@click.option("--register", "register_at", metavar="SỔ", default=None,
              help="Sổ đăng ký văn bản đi (tệp hoặc postgresql://…): kiểm tra thêm DOC-02, số không trùng trong năm.")
@click.option("--pages", "on_pages", is_flag=True,
              help="Dàn trang bằng LibreOffice rồi kiểm tra cả các trang (LAYOUT-01 … LAYOUT-07): khối chữ ký trọn một "
                   "trang, không đề mục cuối trang, không ngắt từ trong ô bảng, số trang …")
@json_option
def check(paths: tuple[Path, ...], register_at: str | None, on_pages: bool) -> Outcome:
    """Kiểm tra thể thức Nghị định 30/2020/NĐ-CP của các tệp .docx (do máy tạo hay gõ bằng Word).

    Mỗi đối số là tệp .docx hoặc thư mục (kiểm tra mọi tệp .docx trong đó). Một quyết định và các phụ lục ở
    tệp riêng trong cùng thư mục được đối chiếu với nhau (số, ngày trong dòng «Kèm theo», dẫn chiếu, số thứ
    tự phụ lục). Mã thoát 0 khi không tệp nào vi phạm quy tắc bắt buộc (lỗi); cảnh báo (theo mẫu, theo
    thực tiễn) không làm hỏng kết quả.
    """
    from pipeline.check.docset import check_files
    from pipeline.nd30.rules import KIND_NAMES

    files = docx_files(paths)
    if not files:
        raise click.UsageError("không có tệp .docx nào trong các thư mục đã cho.")
    results = check_files(files)
    if register_at:
        from pipeline.cli.register import with_register_check

        results = with_register_check(results, register_at)
    if on_pages:
        results = with_page_check(results)
    for result in results:
        kind = KIND_NAMES[result.kind] if result.kind else "không đọc được"
        mark = "✓" if result.passed else "✗"
        click.echo(f"{mark} {result.path}: {kind} — {report.summary(result.problems)}", err=True)
        echo_problems(result.problems)
    failed = sum(1 for result in results if not result.passed)
    if len(results) > 1:
        click.echo(f"{len(results)} tệp: {len(results) - failed} đạt, {failed} không đạt.", err=True)
    return Outcome(bool(failed), results)


def with_page_check(results: list) -> list:
    """Each result with the findings of the page rules on the pages LibreOffice lays the file out on (one
    LibreOffice run for all files); a file the .docx reader refused is not laid out."""
    import dataclasses

    from pipeline.pages.check import check_pages

    readable = [result for result in results if result.kind is not None]
    progress = _progress("Dàn trang") if sys.stderr.isatty() else None
    found = {page.path: page.problems for page in check_pages([result.path for result in readable],
                                                              progress=progress)}
    return [dataclasses.replace(result, problems=result.problems + found.get(result.path, ()))
            for result in results]


def _progress(label: str):
    def show(done: int, total: int) -> None:
        click.echo(f"\r{label}: {done}/{total}", err=True, nl=done == total)

    return show
