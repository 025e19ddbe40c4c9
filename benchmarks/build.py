"""Speed figures for `qdgen build` (issue #7). Prints a table; nothing here is asserted by tests.

    .venv/bin/python benchmarks/build.py [--runs 15] [--batch 100]

Figures, each with what produced it:
- per-case build time of the 2023 fixture (decision + 2 annexes, sheets read and validated), median of
  --runs builds inside one process (templates compiled once, as in a batch);
- one bare docxtpl render + save of a 35-row single-document template, median of --runs, and the ratio.
  Two templates: `benchmarks/docxtpl-35-rows.docx`, whose cells carry their formatting directly as a
  template saved from Word does (the kind the issue measured at 40–43 ms; it is this project's annex
  template before its cells were given paragraph styles), and `templates/annexes/bang-xep-hang.docx`
  as it is now. The ratio against each is printed;
- cases per second for a batch of --batch distinct cases (copies of the fixture with shuffled scores),
  built with the process pool over the machine's cores, and the wall time per case inside it;
- a no-op rebuild of that batch when every case is up to date;
- `qdgen check` of 100 of the batch's documents, one command, start-up included;
- peak memory (RSS) of one build of a 1,000-agency sheet, in a fresh process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.build.options import load_registry
from pipeline.build.prepare import prepare
from pipeline.build.stages import BuildOptions, build_cases, render_documents

FIXTURE = ROOT / "fixtures" / "cases" / "lang-son-2023-sipas-par"
DAY = dt.date(2024, 1, 31)


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def per_case(runs: int) -> float:
    options = BuildOptions(out=Path(tempfile.mkdtemp()), build_day=DAY)
    registry = load_registry(options)

    def one() -> None:
        prepared = prepare(FIXTURE, registry, options)
        render_documents(prepared.decision, prepared.templates)

    one()  # templates compiled once per process, as in any batch
    return _median_ms(one, runs)


REFERENCE_TEMPLATE = ROOT / "benchmarks" / "docxtpl-35-rows.docx"
PROJECT_TEMPLATE = ROOT / "templates" / "annexes" / "bang-xep-hang.docx"


def bare_docxtpl(template: Path, runs: int) -> float:
    from docxtpl import DocxTemplate

    rows = [[str(i), f"Cơ quan số {i}", *[f"{random.uniform(5, 15):.2f}".replace(".", ",") for _ in range(8)],
             "85,50", "85,50", str(i)] for i in range(1, 36)]
    context = {"annex": {"label": "Phụ lục II", "title": "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", "reference": "(Kèm theo …)",
                         "tables": [{"heading": "I. SỞ, BAN, NGÀNH", "columns": ["STT", "Tên", *"ABCDEFGHIJK"],
                                     "rows": rows, "note": "Ghi chú"}]}}

    def one() -> None:
        document = DocxTemplate(template)
        document.render(context, autoescape=True)
        document.save(io.BytesIO())

    return _median_ms(one, runs)


def _fixture_sheets():
    """scripts/make_fixture_sheets.py: sample sheets with cached formula values, by seed."""
    spec = importlib.util.spec_from_file_location("make_fixture_sheets", ROOT / "scripts" / "make_fixture_sheets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_batch(folder: Path, count: int) -> list[Path]:
    """`count` distinct cases: copies of the 2023 fixture whose two sheets carry other sample scores."""
    sheets = _fixture_sheets()
    from pipeline.inputs.agencies import read_agencies
    from pipeline.inputs.criteria import read_criteria

    agencies, criteria = read_agencies(sheets.AGENCIES), read_criteria(sheets.CRITERIA)
    shutil.copytree(ROOT / "fixtures", folder / "fixtures")
    cases = folder / "fixtures" / "cases"
    paths = []
    for number in range(count):
        target = cases / f"batch-{number:03d}"
        shutil.copytree(cases / FIXTURE.name, target)
        (target / "par-2023.xlsx").write_bytes(sheets.par_sheet(criteria, agencies, seed=number, ties=(),
                                                                special=False))
        (target / "sipas-2023.xlsx").write_bytes(sheets.sipas_sheet(agencies, seed=number))
        paths.append(target)
    return paths


def check_command(out: Path, count: int = 100) -> float:
    """Seconds for one `qdgen check` of `count` built documents, as a clerk would run it."""
    documents = sorted(out.rglob("*.docx"))[:count]
    qdgen = Path(sys.executable).with_name("qdgen")
    command = [str(qdgen)] if qdgen.exists() else [sys.executable, "-m", "pipeline"]
    start = time.perf_counter()
    result = subprocess.run([*command, "check", *map(str, documents)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(f"warning: qdgen check found problems: {result.stderr[-500:]}", file=sys.stderr)
    return elapsed


def batch(paths: list[Path], out: Path) -> tuple[float, float]:
    options = BuildOptions(out=out, build_day=DAY)
    start = time.perf_counter()
    results = build_cases(paths, options)
    first = time.perf_counter() - start
    failed = [r for r in results if r.status == "failed"]
    if failed:
        print(f"warning: {len(failed)} generated cases failed: {failed[0].problems[:2]}", file=sys.stderr)
    start = time.perf_counter()
    again = build_cases(paths, options)
    noop = time.perf_counter() - start
    assert all(r.status in ("up_to_date", "failed") for r in again)
    return len(paths) / first, noop


def peak_rss_1000() -> float:
    script = ROOT / "benchmarks" / "big_sheet.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    case_ms = per_case(args.runs)
    reference_ms = bare_docxtpl(REFERENCE_TEMPLATE, args.runs)
    project_ms = bare_docxtpl(PROJECT_TEMPLATE, args.runs)
    with tempfile.TemporaryDirectory() as folder:
        paths = make_batch(Path(folder), args.batch)
        rate, noop = batch(paths, Path(folder) / "out")
        check_s = check_command(Path(folder) / "out")
    rss = peak_rss_1000()
    in_batch_ms = 1000 / rate
    rows = [
        (f"full case, 2023 fixture (median of {args.runs})", f"{case_ms:.1f} ms",
         "prepare + render_documents in one process"),
        ("bare docxtpl, reference 35-row template", f"{reference_ms:.1f} ms",
         "DocxTemplate(benchmarks/docxtpl-35-rows.docx).render(); .save()"),
        ("bare docxtpl, project annex template", f"{project_ms:.1f} ms",
         "DocxTemplate(templates/annexes/bang-xep-hang.docx).render(); .save()"),
        ("ratio case / reference (target ≤ 0.5)", f"{case_ms / reference_ms:.2f}", ""),
        ("ratio case / project template", f"{case_ms / project_ms:.2f}", ""),
        (f"batch of {args.batch} distinct cases (target ≥ 80/s)", f"{rate:.0f} cases/s",
         "build_cases(paths) with the process pool"),
        ("  wall time per case inside the batch", f"{in_batch_ms:.1f} ms",
         f"ratio {in_batch_ms / reference_ms:.2f} / {in_batch_ms / project_ms:.2f} (reference / project)"),
        (f"no-op rebuild of {args.batch} (target < 0.5 s)", f"{noop:.2f} s", "build_cases(paths) again"),
        ("qdgen check of 100 documents (target < 2 s)", f"{check_s:.2f} s", "qdgen check FILE × 100"),
        ("peak RSS, 1,000-agency sheet (target < 150 MB)", f"{rss:.0f} MB", "benchmarks/big_sheet.py"),
    ]
    print(f"machine: {sys.platform}, {__import__('os').cpu_count()} cores, Python {sys.version.split()[0]}")
    width = max(len(r[0]) for r in rows)
    for name, value, how in rows:
        print(f"{name:<{width}}  {value:>12}  {how}")


if __name__ == "__main__":
    main()
