"""The `qdgen` command: arguments in, one call, a report out, an exit code (0 ok, 1 problems, 2 usage).

The only module that imports click. Human reports go to stderr, `--json` to stdout; no input ever
produces a traceback. Each command imports the stages it runs when it runs: docxtpl, openpyxl, pikepdf and
the input schemas take about 0.4 s to import, which `qdgen check` and `--help` should not pay.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline import __version__, vn
from pipeline.cli import report
from pipeline.problems import InputError

if TYPE_CHECKING:
    from pipeline.build.stages import BuildOptions


def _day(_ctx, _param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» không phải ngày dạng NNNN-TT-NN (ví dụ 2025-07-01).") from None


def registry_option(function):
    """`--registry DIR` (repeatable) and `--no-bundled-registry`, passed on as one tuple `registries`."""

    @functools.wraps(function)
    def wrapper(*args, registries: tuple[Path, ...], no_bundled: bool, **kwargs):
        from pipeline.build.stages import BUNDLED_REGISTRY

        return function(*args, registries=tuple(registries) if no_bundled else (BUNDLED_REGISTRY, *registries),
                        **kwargs)

    wrapper = click.option("--no-bundled-registry", "no_bundled", is_flag=True,
                           help="Không dùng danh mục có sẵn legal_basis/, chỉ dùng các thư mục --registry.")(wrapper)
    return click.option(
        "--registry", "registries", multiple=True, type=click.Path(path_type=Path, file_okay=False),
        help="Thư mục danh mục văn bản bổ sung (thêm vào danh mục có sẵn legal_basis/). Dùng được nhiều lần.")(wrapper)


as_of_option = click.option(
    "--as-of", "as_of", callback=_day, metavar="NGÀY",
    help="Ngày xét hiệu lực căn cứ của dự thảo (mặc định: hôm nay, hoặc as_of trong hồ sơ).")
cases_argument = click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))


def _options(out: Path, registries: tuple[Path, ...], as_of: dt.date | None) -> BuildOptions:
    from pipeline.build.stages import BuildOptions

    return BuildOptions(out=out, registry_dirs=registries, as_of=as_of)


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
    from pipeline.build.stages import build_cases

    results = build_cases(list(cases), _options(out, registries, as_of))
    failed = False
    for result in results:
        _echo_problems(result.problems)
        if result.status == "failed":
            failed = True
            click.echo(f"✗ {result.case}: không tạo ({report.summary(result.problems)}).", err=True)
            for reason in result.reasons:
                click.echo(f"    lỗi thời: {reason}", err=True)
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
    from pipeline.build.stages import validate_cases

    found = validate_cases(list(cases), _options(Path("."), registries, as_of))
    any_error = False
    for case, problems in found.items():
        _echo_problems(problems)
        any_error |= any(p.is_error for p in problems)
        click.echo(f"{case}: {report.summary(problems)}", err=True)
    if as_json:
        click.echo(report.to_json({str(c): [p.to_json() for p in ps] for c, ps in found.items()}))
    sys.exit(1 if any_error else 0)


def _registry_or_exit(options: BuildOptions):
    from pipeline.build.stages import load_registry

    try:
        return load_registry(options)
    except InputError as exc:
        _echo_problems(exc.problems)
        sys.exit(1)


@main.group()
def basis() -> None:
    """Danh mục văn bản làm căn cứ: hiệu lực, thay thế, sửa đổi."""


@basis.command("list")
@registry_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON ra stdout.")
def basis_list(registries: tuple[Path, ...], as_of: dt.date | None, as_json: bool) -> None:
    """Mọi văn bản trong danh mục và tình trạng hiệu lực của chúng vào một ngày (mặc định: hôm nay)."""
    from pipeline.domain.legal import describe

    options = _options(Path("."), registries, as_of)
    registry = _registry_or_exit(options)
    day = as_of or options.build_day
    snapshot = registry.as_of(day)
    rows = []
    for doc_id in sorted(registry.documents):
        doc, status = registry.documents[doc_id], snapshot.status(doc_id)
        rows.append({"id": doc_id, "type": doc.type, "number": doc.number, "date": doc.date.isoformat(),
                     "issuer": doc.issuer, "title": doc.title, "effective": doc.effective.isoformat(),
                     "state": status.state, "replaced_by": status.by,
                     "since": status.since.isoformat() if status.since else None,
                     "amended_by": list(status.amended_by), "status": describe(status)})
    if as_json:
        click.echo(report.to_json({"as_of": day.isoformat(), "documents": rows}))
        return
    click.echo(f"Tình trạng vào ngày {vn.short_date(day)}:")
    for row in rows:
        click.echo(f"{row['id']}: {row['type']} {row['number'] or ''} ({row['date']}) — {row['status']}")


@basis.command("show")
@click.argument("doc_id")
@registry_option
@as_of_option
def basis_show(doc_id: str, registries: tuple[Path, ...], as_of: dt.date | None) -> None:
    """Một văn bản: các trường, tình trạng hôm nay và chuỗi thay thế, sửa đổi."""
    from pipeline.domain.legal import describe

    options = _options(Path("."), registries, as_of)
    registry = _registry_or_exit(options)
    doc = registry.get(doc_id)
    if doc is None:
        click.echo(f"lỗi: không có văn bản «{doc_id}» trong danh mục (xem `qdgen basis list`).", err=True)
        sys.exit(1)
    day = as_of or options.build_day
    for label, value in (("Mã", doc.id), ("Loại", doc.type), ("Số, ký hiệu", doc.number or "—"),
                         ("Ngày ký", vn.short_date(doc.date)), ("Cơ quan ban hành", doc.issuer or "—"),
                         ("Trích yếu", doc.title), ("Hiệu lực từ", vn.short_date(doc.effective)),
                         ("Thay thế", ", ".join(doc.replaces) or "—"), ("Sửa đổi", ", ".join(doc.amends) or "—"),
                         ("Tệp", str(doc.where.file))):
        click.echo(f"{label}: {value}")
    click.echo(f"Tình trạng ngày {vn.short_date(day)}: {describe(registry.as_of(day).status(doc_id))}")
    history = registry.history(doc_id)
    click.echo("Diễn biến:" if history else "Diễn biến: chưa bị thay thế hay sửa đổi.")
    for event in history:
        click.echo(f"  {event}")


@basis.command("affected")
@click.argument("items", nargs=-1, required=True)
@registry_option
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON ra stdout.")
def basis_affected(items: tuple[str, ...], registries: tuple[Path, ...], as_json: bool) -> None:
    """Hồ sơ nào viện dẫn các văn bản ID (trực tiếp hoặc qua văn bản mà chúng thay thế).

    Cách dùng: qdgen basis affected ID... CASES...  (CASES là thư mục hồ sơ).
    """
    from pipeline.build import regenerate as regen

    registry = _registry_or_exit(_options(Path("."), registries, None))
    paths = [Path(item) for item in items if Path(item).exists()]
    ids = [item for item in items if not Path(item).exists()]
    unknown = [doc_id for doc_id in ids if registry.get(doc_id) is None]
    if unknown or not ids or not paths:
        raise click.UsageError("cần ít nhất một mã văn bản có trong danh mục rồi đến các thư mục hồ sơ"
                               + (f"; không có: {', '.join(unknown)}" if unknown else "") + ".")
    found, problems = regen.cases_citing(ids, paths, registry)
    _echo_problems(problems)
    if as_json:
        click.echo(report.to_json([{"case": str(c.case), "cites": c.cited, "because_of": c.asked} for c in found]))
    else:
        for citing in found:
            how = "trực tiếp" if citing.cited == citing.asked else f"qua {citing.cited}"
            click.echo(f"{citing.case}: viện dẫn {citing.asked} ({how})")
        if not found:
            click.echo("Không hồ sơ nào viện dẫn các văn bản này.")
    sys.exit(1 if problems else 0)


@basis.command("add")
@click.argument("case", type=click.Path(path_type=Path, exists=True))
@click.argument("drafts", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--into", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục danh mục sẽ ghi (mặc định: thư mục --registry cuối cùng, hoặc legal_basis/).")
@registry_option
@as_of_option
def basis_add(case: Path, drafts: tuple[Path, ...], into: Path | None, registries: tuple[Path, ...],
              as_of: dt.date | None) -> None:
    """Đưa quyết định đã ban hành CASE vào danh mục căn cứ (kèm văn bản nó thay thế), rồi liệt kê các
    dự thảo DRAFTS nay viện dẫn văn bản đã bị thay thế."""
    from pipeline.build import regenerate as regen

    options = _options(Path("out"), registries, as_of)
    added = regen.add_to_registry(case, list(drafts), options, into or registries[-1])
    if not isinstance(added, regen.RegistryAddition):
        _echo_problems(added)
        sys.exit(1)
    state = "đã ghi" if added.changed else "đã có, không đổi"
    click.echo(f"{added.doc_id}: {state} ({added.path})")
    outdated = [p for p in added.plans if p.state in (regen.OUTDATED, regen.NEEDS_DECISION)]
    for case_plan in outdated:
        click.echo(f"{case_plan.case}: viện dẫn văn bản đã bị thay thế (xét ngày {vn.short_date(case_plan.day)}):")
        for reason in case_plan.reasons:
            click.echo(f"    lý do: {reason}")
        for line in case_plan.diff or case_plan.decisions:
            click.echo(f"    {line}")
    if drafts and not outdated:
        click.echo("Không dự thảo nào bị ảnh hưởng.")


@main.command()
@cases_argument
@click.option("--apply", "write", is_flag=True, help="Sửa legal_basis của các dự thảo lỗi thời rồi tạo lại chúng.")
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Thư mục ghi kết quả khi --apply.")
@registry_option
@as_of_option
def regenerate(cases: tuple[Path, ...], write: bool, out: Path, registries: tuple[Path, ...],
               as_of: dt.date | None) -> None:
    """Liệt kê dự thảo viện dẫn văn bản hết hiệu lực (kèm so sánh căn cứ trước/sau); --apply để sửa và tạo lại."""
    from pipeline.build import regenerate as regen

    options = _options(out, registries, as_of)
    _registry_or_exit(options)
    plans, results = regen.regenerate(list(cases), options, write)
    for case_plan in plans:
        if case_plan.state == regen.ISSUED:
            click.echo(f"{case_plan.case}: đã ban hành — không tạo lại.")
        elif case_plan.state == regen.CURRENT:
            click.echo(f"{case_plan.case}: căn cứ còn hiệu lực (ngày {vn.short_date(case_plan.day)}), không cần tạo lại.")
        elif case_plan.state == regen.UNREADABLE:
            _echo_problems(case_plan.problems)
        elif case_plan.state == regen.NEEDS_DECISION:
            click.echo(f"{case_plan.case}: cần người soạn quyết định:")
            for decision in case_plan.decisions:
                click.echo(f"    - {decision}")
        else:
            click.echo(f"{case_plan.case}: căn cứ lỗi thời (xét ngày {vn.short_date(case_plan.day)}):")
            for reason in case_plan.reasons:
                click.echo(f"    lý do: {reason}")
            for line in case_plan.diff:
                click.echo(f"    {line}")
    for result in results:
        _echo_problems(result.problems)
        mark = "✓ đã sửa và tạo lại" if result.status == "built" else "✗ đã sửa nhưng chưa tạo được"
        click.echo(f"{mark}: {result.case}")
    if not write and any(p.state == regen.OUTDATED for p in plans):
        click.echo("(chưa thay đổi gì; chạy lại với --apply để sửa và tạo lại)")
    failed = any(r.status == "failed" for r in results) or any(
        p.state in (regen.UNREADABLE, regen.NEEDS_DECISION) for p in plans)
    sys.exit(1 if failed else 0)


def _built_dirs(cases: tuple[Path, ...], options: BuildOptions) -> list[Path]:
    """Build (or find up to date) each case; exits 1 when any cannot be built.

    An issued decision whose inputs changed after it was built keeps that build: it is the document that
    was signed, so it is what gets archived or previewed, with a word on what changed since."""
    from pipeline.build.stages import ISSUED_CHANGED, build_cases

    folders, failed = [], []
    for result in build_cases(list(cases), options):
        if result.status != "failed":
            folders.append(result.out_dir)
        elif [p.code for p in result.problems if p.is_error] == [ISSUED_CHANGED]:
            click.echo(f"! {result.case}: đã ban hành, dùng bản đã tạo ({result.out_dir}); đầu vào đã đổi "
                       "từ khi tạo nhưng văn bản đã ban hành không được tạo lại:", err=True)
            for reason in result.reasons:
                click.echo(f"    lý do: {reason}", err=True)
            folders.append(result.out_dir)
        else:
            failed.append(result)
    for result in failed:
        _echo_problems(result.problems)
        click.echo(f"✗ {result.case}: không tạo được ({report.summary(result.problems)}).", err=True)
    if failed:
        sys.exit(1)
    return folders


@main.command()
@cases_argument
@click.option("--out", "archive_root", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Thư mục lưu trữ (chỉ thêm, không bao giờ ghi đè).")
@click.option("--build-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Nơi đặt bản .docx được tạo trước khi chuyển sang PDF/A.")
@click.option("--pdfa", type=click.Choice(["1", "2"]), default="1", show_default=True,
              help="PDF/A-1b (TCVN 14159-1:2024) hoặc PDF/A-2b.")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Số giây LibreOffice được im lặng trước khi bị dừng và chạy lại.")
@click.option("--workers", type=int, default=2, show_default=True, help="Số tiến trình LibreOffice chạy song song.")
@registry_option
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
def archive(cases: tuple[Path, ...], archive_root: Path, build_dir: Path, pdfa: str, timeout: float, workers: int,
            registries: tuple[Path, ...], as_json: bool) -> None:
    """Bản lưu trữ PDF/A của các quyết định đã ban hành (dự thảo bị từ chối)."""
    from pipeline.archive import store as archiving

    folders = _built_dirs(cases, _options(build_dir, registries, None))
    with click.progressbar(length=0, label="Chuyển sang PDF/A", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        try:
            outcomes = archiving.archive_batch(folders, archive_root, pdfa=int(pdfa), timeout=timeout,
                                               workers=workers, progress=progress)
        except InputError as exc:
            _echo_problems(exc.problems)
            sys.exit(1)
    for outcome in outcomes:
        _echo_problems(outcome.problems)
        click.echo(outcome.message, err=True)
        for reason in outcome.reasons:
            click.echo(f"    lý do: {reason}", err=True)
    if as_json:
        click.echo(report.to_json([{"build": str(o.build_dir), "status": o.status.name.lower(),
                                    "version": str(o.version) if o.version else None,
                                    "reasons": list(o.reasons), "problems": [p.to_json() for p in o.problems]}
                                   for o in outcomes]))
    sys.exit(1 if any(o.status is archiving.Status.FAILED for o in outcomes) else 0)


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("preview"),
              show_default=True, help="Thư mục ghi ảnh PNG các trang.")
@click.option("--build-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Nơi đặt bản .docx được tạo.")
@registry_option
@as_of_option
def preview(case: Path, out: Path, build_dir: Path, registries: tuple[Path, ...], as_of: dt.date | None) -> None:
    """Ảnh PNG các trang của quyết định và phụ lục, để xem nhanh không cần Word."""
    from pipeline.archive import store as archiving

    [folder] = _built_dirs((case,), _options(build_dir, registries, as_of))
    files = [folder / "quyet-dinh.docx", *sorted(folder.glob("phu-luc-*.docx"))]
    try:
        images = archiving.preview(files, out)
    except InputError as exc:
        _echo_problems(exc.problems)
        sys.exit(1)
    for image in images:
        click.echo(str(image))


existing_file = click.Path(path_type=Path, exists=True, dir_okay=False)


@main.command()
@click.argument("sheet", type=existing_file)
@click.option("--criteria", type=existing_file, help="Bộ tiêu chí (.yaml); cần cho Chỉ số CCHC (PAR).")
@click.option("--agencies", type=existing_file, required=True, help="Danh sách cơ quan theo nhóm (.yaml).")
@click.option("--index", type=click.Choice(["par", "sipas"]), default=None,
              help="Loại chỉ số (mặc định: par nếu có --criteria, ngược lại sipas).")
@click.option("--json", "as_json", is_flag=True, help="In bảng xếp hạng dạng JSON ra stdout.")
def rank(sheet: Path, criteria: Path | None, agencies: Path, index: str | None, as_json: bool) -> None:
    """Đọc, kiểm tra và xếp hạng một bảng điểm; in bảng xếp hạng theo từng nhóm."""
    from pipeline.build.stages import rank_sheet

    index = index or ("par" if criteria else "sipas")
    ranking, problems = rank_sheet(index, sheet, criteria, agencies)
    _echo_problems(problems)
    if ranking is None:
        sys.exit(1)
    if as_json:
        click.echo(report.to_json({"index": ranking.index, "groups": [{
            "id": group.id, "name": group.name,
            "rows": [{"rank": row.rank, "agency": row.agency, "percent": str(row.percent),
                      "points": None if row.points is None else str(row.points),
                      "maximum": None if row.maximum is None else str(row.maximum), "band": row.band}
                     for row in group.rows]} for group in ranking.groups]}))
    else:
        for group in ranking.groups:
            click.echo(group.name)
            for row in group.rows:
                band = f"  {row.band}" if row.band else ""
                click.echo(f"{row.rank:>4}  {vn.number(row.percent, 2):>6}  {row.agency}{band}")
    sys.exit(1 if any(p.is_error for p in problems) else 0)


@main.command()
@click.option("--criteria", type=existing_file, required=True, help="Bộ tiêu chí (.yaml).")
@click.option("--agencies", type=existing_file, required=True, help="Danh sách cơ quan theo nhóm (.yaml).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Tệp .xlsx sẽ ghi (không ghi đè tệp đã có).")
def scoresheet(criteria: Path, agencies: Path, output: Path) -> None:
    """Bảng điểm trống để Hội đồng thẩm định điền: tiêu đề khóa, mỗi ô giới hạn 0…điểm tối đa."""
    from pipeline.inputs.agencies import read_agencies
    from pipeline.inputs.blanksheet import write_blank_scoresheet
    from pipeline.inputs.criteria import read_criteria

    if output.exists():
        click.echo(f"lỗi: {output} đã có; chọn tên khác (không ghi đè).", err=True)
        sys.exit(1)
    try:
        write_blank_scoresheet(read_criteria(criteria), read_agencies(agencies), output)
    except InputError as exc:
        _echo_problems(exc.problems)
        sys.exit(1)
    click.echo(f"✓ {output}", err=True)


def _docx_files(paths: tuple[Path, ...]) -> list[Path]:
    """The files to check: each path as given, a folder as the .docx files in it (Word's `~$` lock files
    left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.docx") if not p.name.startswith("~$")))
        else:
            files.append(path)
    return files


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
def check(paths: tuple[Path, ...], as_json: bool) -> None:
    """Kiểm tra thể thức Nghị định 30/2020/NĐ-CP của các tệp .docx (do máy tạo hay gõ bằng Word).

    PATHS là tệp .docx hoặc thư mục (kiểm tra mọi tệp .docx trong đó). Một quyết định và các phụ lục ở tệp
    riêng trong cùng thư mục được đối chiếu với nhau (số, ngày trong dòng «Kèm theo», dẫn chiếu, số thứ
    tự phụ lục). Mã thoát 0 khi không tệp nào vi phạm quy tắc bắt buộc (lỗi); cảnh báo (theo mẫu, theo
    thực tiễn) không làm hỏng kết quả.
    """
    from pipeline.check.docset import check_files
    from pipeline.nd30.rules import KIND_NAMES

    files = _docx_files(paths)
    if not files:
        raise click.UsageError("không có tệp .docx nào trong các thư mục đã cho.")
    results = check_files(files)
    for result in results:
        kind = KIND_NAMES[result.kind] if result.kind else "không đọc được"
        mark = "✓" if result.passed else "✗"
        click.echo(f"{mark} {result.path}: {kind} — {report.summary(result.problems)}", err=True)
        _echo_problems(result.problems)
    failed = sum(1 for result in results if not result.passed)
    if len(results) > 1:
        click.echo(f"{len(results)} tệp: {len(results) - failed} đạt, {failed} không đạt.", err=True)
    if as_json:
        click.echo(report.to_json([result.to_json() for result in results]))
    sys.exit(1 if failed else 0)


from pipeline.cli.web import serve, user  # the web page's commands, in their own module

main.add_command(serve)
main.add_command(user)
