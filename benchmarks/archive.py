"""Speed figures for `qdgen archive` (issue #6). Prints a table; nothing here is asserted by tests.

    .venv/bin/python benchmarks/archive.py [--decisions 20]

The issued fixture is built once and copied into --decisions distinct decisions (numbers 1, 2, …;
same .docx files). Figures, each with what produced it:
- separate runs: one `soffice --headless --convert-to <PDF/A-1> quyet-dinh.docx` process per decision
  (a warm private profile, so profile creation is not counted against them);
- the same decision files through `office.convert_batch`: one LibreOffice process, then two (one per core);
- the whole `archive_batch` of those decisions (decision + annexes, joined, normalised, written), two workers.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.archive import office
from pipeline.archive.store import Status, archive_batch

FIXTURE = ROOT / "fixtures" / "cases" / "lang-son-2023-issued"


def decisions(scratch: Path, count: int) -> list[Path]:
    """`count` build folders of distinct issued decisions, made from one build of the fixture."""
    subprocess.run([sys.executable, "-m", "pipeline", "build", str(FIXTURE), "--out", str(scratch / "built")],
                   check=True, capture_output=True)
    source = scratch / "built" / FIXTURE.name
    folders = []
    for number in range(1, count + 1):
        folder = scratch / "decisions" / f"{FIXTURE.name}-{number:03d}"
        shutil.copytree(source, folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest["decision"]["number"] = number
        manifest["decision"]["number_text"] = f"{number:02d}/{manifest['decision']['symbol']}"
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        folders.append(folder)
    return folders


def separate_runs(files: list[Path], scratch: Path) -> tuple[float, list[str]]:
    soffice = str(office.find_program("soffice"))
    profile = (scratch / "profile").as_uri()

    def command(path: Path) -> list[str]:
        return [soffice, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={profile}",
                "--convert-to", office.export_filter(1),
                "--outdir", str(scratch / "separate" / path.parent.name), str(path)]

    subprocess.run(command(files[0]), check=True, capture_output=True)  # warm the profile, untimed
    start = time.perf_counter()
    for path in files:
        subprocess.run(command(path), check=True, capture_output=True)
    return time.perf_counter() - start, command(files[0])


def batch(files: list[Path], workers: int) -> float:
    jobs = [office.Job(path, path.read_bytes()) for path in files]
    start = time.perf_counter()
    results = office.convert_batch(jobs, pdfa=1, workers=workers)
    elapsed = time.perf_counter() - start
    assert all(item.pdf for item in results), [item.problem for item in results if item.problem]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, default=20)
    count = parser.parse_args().decisions
    with tempfile.TemporaryDirectory(prefix="qdgen-bench-") as name:
        scratch = Path(name)
        folders = decisions(scratch, count)
        files = [folder / "quyet-dinh.docx" for folder in folders]
        separate, command = separate_runs(files, scratch)
        one, two = batch(files, 1), batch(files, 2)
        start = time.perf_counter()
        outcomes = archive_batch(folders, scratch / "archive", workers=2)
        whole = time.perf_counter() - start
        assert all(o.status is Status.CREATED for o in outcomes), [o.problems for o in outcomes]
        parts = sum(len(list(folder.glob("*.docx"))) for folder in folders)
    version = subprocess.run([office.find_program("soffice"), "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    print(f"cores: {os.cpu_count()}; {version}")
    print(f"separate runs, e.g. {shlex.join(command)}")
    rows = [
        (f"{count} separate soffice runs (1 decision .docx each)", separate, count),
        (f"{count} decision .docx, one LibreOffice process", one, count),
        (f"{count} decision .docx, two LibreOffice processes", two, count),
        (f"archive_batch: {count} decisions = {parts} .docx, 2 workers", whole, parts),
    ]
    for label, seconds, documents in rows:
        print(f"{label:<62} {seconds:6.2f} s   {seconds / documents:5.2f} s/.docx")
    print(f"speed-up of one batch over separate runs: {separate / two:.1f}×")


if __name__ == "__main__":
    main()
