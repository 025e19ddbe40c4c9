"""`qdgen issue` and `qdgen register …`: a draft becomes a numbered decision; the Sổ đăng ký văn bản đi
listed, exported for printing, its series configured, a number cancelled; `qdgen check --register` adds
DOC-02. Hooked into the `qdgen` group by `pipeline.cli.commands`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pipeline import vn
from pipeline.cli.group import Command, Group, Outcome, echo_problems, json_option
from pipeline.cli.options import FOLDER, Day, FilePath, OneOf, registry_option
from pipeline.problems import InputError, Location, Problem

register_option = click.option(
    "--register", "register_at", metavar="SỔ", default=None,
    help="Sổ đăng ký văn bản đi: tệp SQLite hoặc postgresql://… (mặc định: biến QDGEN_REGISTER, "
         "nếu không có thì register.sqlite3 trong thư mục đang làm việc).")


def _say_recovered(lines) -> None:
    for line in lines:
        what = ("đã hoàn tất; tạo bản ban hành bằng qdgen build" if line.state == "issued"
                else "đã hủy (hồ sơ đã đổi)")
        click.echo(f"! số {line.number_text} năm {line.year} bị gián đoạn lần trước, {what}: {line.case_path}",
                   err=True)


@click.command(cls=Command)
@click.argument("case", type=FilePath(exists=True))
@click.option("--date", "day", type=Day(), default=None, help="Ngày ban hành (mặc định: hôm nay).")
@click.option("--number", type=click.IntRange(min=1), default=None,
              help="Số định cấp (phải còn trống trong năm); mặc định: số kế tiếp của sổ.")
@register_option
@click.option("--out", "out", type=FOLDER, default=Path("out"), show_default=True,
              help="Thư mục chứa bản dự thảo đã tạo và nơi ghi bản ban hành.")
@registry_option
@json_option
def issue(case: Path, day: dt.date | None, number: int | None, register_at: str | None, out: Path,
          registries: tuple[Path, ...]) -> Outcome:
    """Cấp số cho dự thảo CASE đã tạo: ghi vào sổ đăng ký, ghi number và date vào case.yaml, tạo bản ban hành.

    Dự thảo phải đã được tạo (qdgen build) và không còn lỗi. Bản dự thảo cũ được giữ trong
    <out>/.drafts/<hồ sơ>/. Mỗi số chỉ cấp một lần trong năm; hồ sơ đã ban hành không được cấp lại.
    """
    from pipeline.build.issue import issue_case
    from pipeline.build.stages import BuildOptions
    from pipeline.register.database import opened

    with opened(register_at) as engine:
        issued = issue_case(case, engine, BuildOptions(out=out, registry_dirs=registries), day, number)
    _say_recovered(issued.recovered)
    entry, build = issued.entry, issued.build
    click.echo(f"✓ {case}: đã cấp số {entry.number_text} ngày {vn.short_date(entry.date)} (sổ năm {entry.year})",
               err=True)
    echo_problems(build.problems)
    if build.status == "failed":
        click.echo(f"✗ số đã cấp và đã ghi vào hồ sơ, nhưng chưa tạo được bản ban hành; sửa lỗi trên rồi chạy "
                   f"qdgen build {case} --out {out}.", err=True)
    else:
        click.echo(f"  bản ban hành: {build.out_dir}; dữ liệu đặc tả: {issued.metadata}", err=True)
    return Outcome(build.status == "failed", {
        "number": entry.number, "number_text": entry.number_text, "date": entry.date, "build": build.status,
        "out": build.out_dir, "metadata": issued.metadata})


@click.group(cls=Group)
def register() -> None:
    """Sổ đăng ký văn bản đi (Nghị định 30/2020/NĐ-CP, Phụ lục IV): xem, in, cấu hình, hủy số."""


def _book_lines(register_at: str | None, year: int | None, symbol: str | None):
    from pipeline.register.book import entries, series_list
    from pipeline.register.database import opened
    from pipeline.register.recovery import resolve_pending

    with opened(register_at, create=False) as engine:
        recovered = resolve_pending(engine)
        return recovered, entries(engine, year, symbol), series_list(engine)


@register.command("list", cls=Command)
@click.option("--year", type=click.IntRange(min=1), default=None, help="Chỉ năm này.")
@click.option("--symbol", default=None, help="Chỉ sổ có ký hiệu này (ví dụ QĐ-UBND).")
@register_option
@json_option
def register_list(year: int | None, symbol: str | None, register_at: str | None) -> Outcome:
    """Các số đã cấp, theo sổ, năm và số."""
    from pipeline.register.export import row

    recovered, lines, _ = _book_lines(register_at, year, symbol)
    _say_recovered(recovered)
    data = [{"organ": line.organ, "symbol": line.symbol, "year": line.year, "number": line.number,
             "number_text": line.number_text, "state": line.state, "date": line.date, "subject": line.subject,
             "note": line.note, "case": line.case_path} for line in lines]
    text = [f"{cells[0]:>14}  {cells[1]}  {line.subject}" + (f"  [{cells[9]}]" if cells[9] else "")
            for line in lines for cells in [row(line)]]
    return Outcome(False, data, tuple(text) or ("Sổ chưa có số nào" + (f" năm {year}." if year else "."),))


@register.command("export", cls=Command)
@click.option("--year", type=click.IntRange(min=1), required=True, help="Năm của sổ.")
@click.option("--format", "kind", type=OneOf(["xlsx", "docx"]), required=True, help="Dạng tệp.")
@click.option("-o", "--output", type=FilePath(dir_okay=False), required=True, help="Tệp sẽ ghi.")
@click.option("--symbol", default=None, help="Ký hiệu của sổ, khi có nhiều sổ (ví dụ QĐ-UBND).")
@register_option
def register_export(year: int, kind: str, output: Path, symbol: str | None, register_at: str | None) -> Outcome:
    """Sổ đăng ký văn bản đi của một năm theo mẫu Phụ lục IV (bìa và 10 cột), khổ A4 ngang, sẵn để in."""
    from pipeline.register.export import Book, write_docx, write_xlsx

    recovered, lines, series = _book_lines(register_at, year, symbol)
    _say_recovered(recovered)
    wanted = [s for s in series if symbol in (None, s.symbol)]
    if len(wanted) != 1:
        known = ", ".join(f"{s.symbol} ({s.organ})" for s in series) or "chưa có sổ nào"
        raise click.UsageError(f"chọn một sổ bằng --symbol; các sổ: {known}.")
    [chosen] = wanted
    book = Book(chosen, year, tuple(line for line in lines if line.organ == chosen.organ))
    (write_xlsx if kind == "xlsx" else write_docx)(book, output)  # an OSError is reported by the group
    click.echo(f"✓ {output}: sổ {chosen.symbol} năm {year}, {len(book.lines)} số", err=True)
    return Outcome()


@register.command("series", cls=Command)
@click.option("--organ", required=True, help="Cơ quan ban hành, như trong quyết định (Ủy ban nhân dân tỉnh …).")
@click.option("--symbol", required=True, help="Ký hiệu của sổ (ví dụ QĐ-UBND).")
@click.option("--parent", default=None, help="Tên cơ quan chủ quản trực tiếp (in trên bìa sổ).")
@click.option("--code", default=None, help="Mã định danh của cơ quan (tối đa 13 ký tự, Phụ lục VI).")
@click.option("--volume", type=click.IntRange(min=1), default=None, help="Quyển số.")
@click.option("--future-days", type=click.IntRange(min=0), default=None,
              help="Số ngày tối đa ngày ban hành được sau hôm nay (mặc định 0: không ghi ngày tương lai).")
@register_option
def register_series(organ: str, symbol: str, parent: str | None, code: str | None, volume: int | None,
                    future_days: int | None, register_at: str | None) -> Outcome:
    """Tạo hoặc sửa một sổ (cơ quan + ký hiệu): bìa sổ, mã định danh, số ngày được ghi trước."""
    from pipeline.register.book import configure_series
    from pipeline.register.database import opened

    if code is not None and len(code) > 13:
        raise click.BadParameter("mã định danh tối đa 13 ký tự (NĐ 30 Phụ lục VI).", param_hint="--code")
    with opened(register_at) as engine:
        info = configure_series(engine, organ, symbol, parent_organ=parent, organ_code=code, volume=volume,
                                future_days=future_days)
    return Outcome(text=((f"✓ sổ {info.symbol} của {info.organ}: cơ quan chủ quản {info.parent_organ or '—'}, "
                         f"mã {info.organ_code or '—'}, quyển {info.volume:02d}, ghi trước tối đa "
                         f"{info.future_days} ngày"),))


@register.command("cancel", cls=Command)
@click.argument("number", type=click.IntRange(min=1))
@click.option("--year", type=click.IntRange(min=1), required=True, help="Năm của số.")
@click.option("--reason", required=True, help="Lý do hủy (ghi vào cột Ghi chú).")
@click.option("--symbol", default=None, help="Ký hiệu của sổ, khi có nhiều sổ.")
@register_option
def register_cancel(number: int, year: int, reason: str, symbol: str | None, register_at: str | None) -> Outcome:
    """Hủy một số cấp nhầm: dòng vẫn ở trong sổ với lý do ở cột Ghi chú, số không bao giờ được cấp lại."""
    from pipeline.register.book import entries, set_state
    from pipeline.register.database import opened
    from pipeline.register.schema import CANCELLED

    with opened(register_at, create=False) as engine:
        found = [line for line in entries(engine, year, symbol) if line.number == number]
        if len(found) != 1:
            raise InputError([Problem(
                "register.no_such_number",
                f"Sổ năm {year} {'không có' if not found else 'có nhiều sổ có'} số {number:02d}.", Location(),
                "Chọn sổ bằng --symbol." if found else "Xem các số bằng qdgen register list --year NĂM.")])
        line = set_state(engine, found[0].id, CANCELLED, reason)
    click.echo(f"  hồ sơ {line.case_path} vẫn ghi số này: sửa number về null nếu cần cấp lại.", err=True)
    return Outcome(text=(f"✓ số {line.number_text} năm {year} đã hủy: {reason}",))


def with_register_check(results: list, register_at: str) -> list:
    """`qdgen check --register`: each result with DOC-02 (a number used once a year, per the register)."""
    import dataclasses

    from pipeline.register.database import describe, opened, register_url
    from pipeline.register.numbers import number_problems

    with opened(register_at, create=False) as engine:
        found = number_problems([result.path for result in results], engine, describe(register_url(register_at)))
    return [dataclasses.replace(result, problems=result.problems + found.get(result.path, ()))
            for result in results]
