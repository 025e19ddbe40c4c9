"""`qdgen basis …`: the registry of documents cited as căn cứ — their standing, who cites them, adding one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pipeline import vn
from pipeline.cli.building import echo_plan
from pipeline.cli.group import Group, Outcome, echo_problems, json_option
from pipeline.cli.options import EXISTING, FOLDER, as_of_option, build_options, registry_option
from pipeline.problems import InputError, Location, Problem


@click.group(cls=Group)
def basis() -> None:
    """Danh mục văn bản làm căn cứ: hiệu lực, thay thế, sửa đổi."""


@basis.command("list")
@registry_option
@as_of_option
@json_option
def basis_list(registries: tuple[Path, ...], as_of: dt.date | None) -> Outcome:
    """Mọi văn bản trong danh mục và tình trạng hiệu lực của chúng vào một ngày (mặc định: hôm nay)."""
    from pipeline.build.options import load_registry
    from pipeline.cli.report import jsonable
    from pipeline.domain.legal import describe

    options = build_options(Path("."), registries, as_of)
    registry = load_registry(options)
    day = as_of or options.build_day
    snapshot = registry.as_of(day)
    rows = []
    for doc_id in sorted(registry.documents):
        doc, status = registry.documents[doc_id], snapshot.status(doc_id)
        rows.append({**jsonable(doc), "state": status.state, "replaced_by": status.by, "since": status.since,
                     "amended_by": status.amended_by, "status": describe(status)})
    text = [f"Tình trạng vào ngày {vn.short_date(day)}:"]
    text += [f"{row['id']}: {row['type']} {row['number'] or ''} ({row['date']}) — {row['status']}" for row in rows]
    return Outcome(data={"as_of": day, "documents": rows}, text=tuple(text))


@basis.command("show")
@click.argument("doc_id", metavar="MÃ")
@registry_option
@as_of_option
def basis_show(doc_id: str, registries: tuple[Path, ...], as_of: dt.date | None) -> Outcome:
    """Một văn bản MÃ: các trường, tình trạng hôm nay và chuỗi thay thế, sửa đổi."""
    from pipeline.build.options import load_registry
    from pipeline.domain.legal import describe

    options = build_options(Path("."), registries, as_of)
    registry = load_registry(options)
    doc = registry.get(doc_id)
    if doc is None:
        raise InputError([Problem("registry.unknown_id", f"Không có văn bản «{doc_id}» trong danh mục.",
                                  Location(key=doc_id), "Xem các mã có trong danh mục bằng `qdgen basis list`.")])
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
    return Outcome()


@basis.command("affected")
@click.argument("items", nargs=-1, required=True, metavar="MÃ... HỒ_SƠ...")
@registry_option
@json_option
def basis_affected(items: tuple[str, ...], registries: tuple[Path, ...]) -> Outcome:
    """Hồ sơ nào viện dẫn các văn bản MÃ (trực tiếp hoặc qua văn bản mà chúng thay thế).

    Cách dùng: qdgen basis affected MÃ... HỒ_SƠ...  (HỒ_SƠ là thư mục hồ sơ).
    """
    from pipeline.build import regenerate as regen
    from pipeline.build.options import load_registry

    registry = load_registry(build_options(Path("."), registries, None))
    paths = [Path(item) for item in items if Path(item).exists()]
    ids = [item for item in items if not Path(item).exists()]
    unknown = [doc_id for doc_id in ids if registry.get(doc_id) is None]
    if unknown or not ids or not paths:
        raise click.UsageError("cần ít nhất một mã văn bản có trong danh mục rồi đến các thư mục hồ sơ"
                               + (f"; không có: {', '.join(unknown)}" if unknown else "") + ".")
    found, problems = regen.cases_citing(ids, paths, registry)
    echo_problems(problems)
    text = [f"{citing.case}: viện dẫn {citing.asked} "
            f"({'trực tiếp' if citing.cited == citing.asked else f'qua {citing.cited}'})" for citing in found]
    return Outcome(bool(problems), found, tuple(text or ["Không hồ sơ nào viện dẫn các văn bản này."]))


@basis.command("add")
@click.argument("case", type=EXISTING, metavar="HỒ_SƠ")
@click.argument("drafts", nargs=-1, type=EXISTING, metavar="[DỰ_THẢO]...")
@click.option("--into", type=FOLDER, default=None, metavar="THƯ_MỤC",
              help="Thư mục danh mục sẽ ghi (mặc định: thư mục --registry cuối cùng).")
@click.option("--into-bundled", "into_bundled", is_flag=True,
              help="Cho phép ghi vào danh mục có sẵn legal_basis/ của chương trình (thêm mới hoặc sửa văn bản "
                   "đã có ở đó). Không có cờ này, qdgen không sửa danh mục có sẵn.")
@registry_option
@as_of_option
def basis_add(case: Path, drafts: tuple[Path, ...], into: Path | None, into_bundled: bool,
              registries: tuple[Path, ...], as_of: dt.date | None) -> Outcome:
    """Đưa quyết định đã ban hành HỒ_SƠ vào danh mục căn cứ (kèm văn bản nó thay thế), rồi liệt kê các
    dự thảo DỰ_THẢO nay viện dẫn văn bản đã bị thay thế."""
    from pipeline.build import regenerate as regen
    from pipeline.build.options import BUNDLED_REGISTRY

    extra = [folder for folder in registries if folder != BUNDLED_REGISTRY]
    target = into or (extra[-1] if extra else BUNDLED_REGISTRY if into_bundled else None)
    if target is None:
        raise click.UsageError("chưa rõ ghi vào danh mục nào: thêm --into THƯ_MỤC (hoặc --registry THƯ_MỤC); "
                               "muốn ghi vào danh mục có sẵn legal_basis/ thì thêm --into-bundled.")
    if target not in registries and target.is_dir():  # the drafts are checked against the registry written to
        registries = (*registries, target)
    protected = () if into_bundled else (BUNDLED_REGISTRY,)
    added = regen.add_to_registry(case, list(drafts), build_options(Path("out"), registries, as_of), target,
                                  protected=protected)
    if not isinstance(added, regen.RegistryAddition):
        raise InputError(added)
    state = "đã ghi" if added.changed else "đã có, không đổi (tệp giữ nguyên)"
    click.echo(f"{added.doc_id}: {state} ({added.path})")
    outdated = [p for p in added.plans if p.state in (regen.OUTDATED, regen.NEEDS_DECISION)]
    for case_plan in outdated:
        echo_plan(case_plan)
    if drafts and not outdated:
        click.echo("Không dự thảo nào bị ảnh hưởng.")
    return Outcome()
