"""`qdgen rank` and `scoresheet`: one score sheet ranked, or a blank one for the council to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline import vn
from pipeline.cli.group import Command, Outcome, echo_problems, json_option
from pipeline.cli.options import EXISTING_FILE, FilePath, OneOf
from pipeline.problems import InputError, Location, Problem


@click.command(cls=Command)
@click.argument("sheet", type=EXISTING_FILE, metavar="BẢNG_ĐIỂM")
@click.option("--criteria", type=EXISTING_FILE, metavar="TỆP", help="Bộ tiêu chí (.yaml); cần cho Chỉ số CCHC (PAR).")
@click.option("--agencies", type=EXISTING_FILE, required=True, metavar="TỆP",
              help="Danh sách cơ quan theo nhóm (.yaml).")
@click.option("--index", type=OneOf(["par", "sipas"]), default=None,
              help="Loại chỉ số (mặc định: par nếu có --criteria, ngược lại sipas).")
@json_option
def rank(sheet: Path, criteria: Path | None, agencies: Path, index: str | None) -> Outcome:
    """Đọc, kiểm tra và xếp hạng một BẢNG_ĐIỂM (.xlsx); in bảng xếp hạng theo từng nhóm."""
    from pipeline.build.prepare import rank_sheet

    ranking, problems = rank_sheet(index or ("par" if criteria else "sipas"), sheet, criteria, agencies)
    echo_problems(problems)
    if ranking is None:
        return Outcome(True)
    text = []
    for group in ranking.groups:
        text.append(group.name)
        text += [f"{row.rank:>4}  {vn.number(row.percent, 2):>6}  {row.agency}{f'  {row.band}' if row.band else ''}"
                 for row in group.rows]
    return Outcome(any(p.is_error for p in problems), ranking, tuple(text))


@click.command(cls=Command)
@click.option("--criteria", type=EXISTING_FILE, required=True, metavar="TỆP", help="Bộ tiêu chí (.yaml).")
@click.option("--agencies", type=EXISTING_FILE, required=True, metavar="TỆP",
              help="Danh sách cơ quan theo nhóm (.yaml).")
@click.option("-o", "--output", type=FilePath(dir_okay=False), required=True, metavar="TỆP",
              help="Tệp .xlsx sẽ ghi (không ghi đè tệp đã có).")
def scoresheet(criteria: Path, agencies: Path, output: Path) -> Outcome:
    """Bảng điểm trống để Hội đồng thẩm định điền: tiêu đề khóa, mỗi ô giới hạn 0…điểm tối đa."""
    from pipeline.inputs.agencies import read_agencies
    from pipeline.inputs.blanksheet import write_blank_scoresheet
    from pipeline.inputs.criteria import read_criteria

    if output.exists():
        raise InputError([Problem("scoresheet.exists", f"{output} đã có; không ghi đè.", Location(file=output),
                                  "Chọn tên tệp khác cho -o, hoặc chuyển tệp cũ đi chỗ khác.")])
    write_blank_scoresheet(read_criteria(criteria), read_agencies(agencies), output)
    click.echo(f"✓ {output}", err=True)
    return Outcome()
