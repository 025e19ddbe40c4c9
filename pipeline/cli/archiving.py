"""`qdgen archive` and `preview`: the build's .docx through LibreOffice, to PDF/A or to page images."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline.cli.building import built_dirs
from pipeline.cli.group import Command, Outcome, echo_problems, json_option
from pipeline.cli.options import (
    FOLDER,
    OneOf,
    Positive,
    as_of_option,
    build_options,
    cases_argument,
    registry_option,
)

build_dir_option = click.option(
    "--build-dir", type=FOLDER, default=Path("out"), show_default=True, metavar="THƯ_MỤC",
    help="Nơi đặt bản .docx được tạo trước khi chuyển sang PDF/A hay ảnh.")


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A `progress(done, total)` drawing a bar on stderr when it is a terminal; None (no bar) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=0, label=label, file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        yield progress


def built_folder(case: Path, build_dir: Path) -> Path:
    """The folder `qdgen build` writes `case` into (as `build.stages` names it), known before anything is
    imported to build it: LibreOffice starts on its files while the build is checked (`archive.ahead`)."""
    return build_dir / (case if case.is_dir() else case.parent).name


@click.command(cls=Command)
@cases_argument
@click.option("--out", "archive_root", type=FOLDER, required=True, metavar="THƯ_MỤC",
              help="Thư mục lưu trữ (chỉ thêm, không bao giờ ghi đè).")
@build_dir_option
@click.option("--pdfa", type=OneOf(["1", "2"]), default="1", show_default=True,
              help="PDF/A-1b (TCVN 14159-1:2024) hoặc PDF/A-2b.")
@click.option("--timeout", type=Positive(float), default=60.0, show_default=True,
              help="Số giây LibreOffice được im lặng trước khi bị dừng và chạy lại.")
@click.option("--workers", type=Positive(int), default=2, show_default=True,
              help="Số tiến trình LibreOffice chạy song song.")
@click.option("--correction", metavar="LÝ_DO", default=None,
              help="Ghi nhận đính chính: cho phép lưu nội dung khác của một quyết định đã có số trong kho; "
                   "LÝ_DO được ghi vào record.json của phiên bản mới.")
@registry_option
@json_option
def archive(cases: tuple[Path, ...], archive_root: Path, build_dir: Path, pdfa: str, timeout: float, workers: int,
            correction: str | None, registries: tuple[Path, ...]) -> Outcome:
    """Bản lưu trữ PDF/A của các quyết định đã ban hành (dự thảo bị từ chối)."""
    from pipeline.archive import store as archiving

    guessed = [built_folder(case, build_dir) for case in cases]
    with (progress_bar("Chuyển sang PDF/A") as progress,
          archiving.archive_ahead(guessed, archive_root, pdfa=int(pdfa), timeout=timeout, workers=workers,
                                  progress=progress, correction=correction) as archive_built):
        outcomes = archive_built(built_dirs(cases, build_options(build_dir, registries, None)))
    for outcome in outcomes:
        echo_problems(outcome.problems)
        click.echo(outcome.message, err=True)
        for reason in outcome.reasons:
            click.echo(f"    lý do: {reason}", err=True)
    return Outcome(any(o.status is archiving.Status.FAILED for o in outcomes), outcomes)


@click.command(cls=Command)
@click.argument("case", type=FOLDER, metavar="HỒ_SƠ")
@click.option("--out", "out", type=FOLDER, default=Path("preview"), show_default=True, metavar="THƯ_MỤC",
              help="Thư mục ghi ảnh PNG các trang.")
@build_dir_option
@registry_option
@as_of_option
def preview(case: Path, out: Path, build_dir: Path, registries: tuple[Path, ...], as_of: dt.date | None) -> Outcome:
    """Ảnh PNG các trang của quyết định và phụ lục HỒ_SƠ, để xem nhanh không cần Word."""
    from pipeline.archive.images import draw_ahead, preview, preview_files

    with (progress_bar("Tạo ảnh các trang") as progress,
          draw_ahead(preview_files(built_folder(case, build_dir)), progress=progress) as ahead):
        [folder] = built_dirs((case,), build_options(build_dir, registries, as_of))
        images = preview(preview_files(folder), out, ahead=ahead)
    for image in images:
        click.echo(str(image))
    return Outcome()
