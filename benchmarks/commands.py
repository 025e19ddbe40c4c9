"""What a clerk feels (issue 17): whole `qdgen` processes, medians, next to each goal of the issue.

    .venv/bin/python benchmarks/commands.py [--runs 5]

Nothing here is asserted by tests. Every command runs as a whole process, --runs times, the commands
taking turns round by round so that the machine's load falls on all of them alike; the median is
printed. The fixture `lang-son-2023-issued` (a decision and two annexes) is copied to a scratch folder
first and built there once, so the up-to-date build, preview and archive find its build. The package is
byte-compiled first (as `scripts/setup.sh` does), and the run keeps its own cache (`XDG_CACHE_HOME`): the
verdicts `build.memo` remembers and qdgen's LibreOffice profile template start empty, filled by the first,
untimed runs.

- `validate` is measured twice: on the unchanged case (answered from the verdict an untimed first run
  remembered) and on a copy of it whose case.yaml gets a new comment line before each round (read and
  checked in full, as after a clerk's edit; its unchanged score sheets, criteria set, agency list and units
  data are what the previous run parsed);
- `build` from scratch writes into a new folder each round: the case is the one the untimed first build read,
  checked and composed, which `memo` kept; the same build of the case just edited (a new comment line) reads
  and checks it again, and is shown beside it without a goal of its own, as is the build with an empty cache
  (nothing remembered: every file parsed, the templates compiled, the documents checked);
- the floor of preview and archive: one `soffice --headless --convert-to pdf` of the build's three
  .docx files, with a profile of its own warmed by one untimed run (so it pays no first-start set-up),
  in the same rounds; and the same call with a profile copied from qdgen's template, which also skips
  LibreOffice's graphics render tests (`archive.programs`): what LibreOffice itself costs qdgen;
- `qdgen archive` writes into a new archive folder each round (into the same one it would rightly do
  nothing);
- the warm preview: a long-running caller (as the web page will be) keeps a `WarmOffice`; after one
  untimed preview, each round edits the case (its number, which every document shows), builds it in
  the process and draws the pages of the three documents into PNG files;
- CPU seconds (user + system, with every child the command waited for, from wait4) beside the wall
  times: on a machine other work loads, they say what the command itself costs;
- peak RSS: one more run of each command, our Python process (`getrusage(RUSAGE_SELF)` at its exit)
  and, separately, its largest child (LibreOffice's soffice.bin, or pdftoppm).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import vn

CASE_NAME = "lang-son-2023-issued"
OUR_PROFILE = "  the same, qdgen's profile template"
COLD_BUILD = "qdgen build CASE (nothing remembered)"
QDGEN = [str(Path(sys.executable).with_name("qdgen"))]
"""The console script `pip install -e .` made beside this interpreter (run the benchmark with .venv/bin/python)."""

MEASURED = """
import atexit, json, os, resource, sys
from importlib.metadata import entry_points
def _report():
    with open(os.environ["QDGEN_RSS_REPORT"], "w") as out:
        json.dump([resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)], out)
atexit.register(_report)
sys.argv = ["qdgen", *sys.argv[1:]]
sys.exit(entry_points(group="console_scripts", name="qdgen")[0].load()())
"""
"""`qdgen` again, writing its own peak RSS and its largest child's (KiB) to $QDGEN_RSS_REPORT at exit."""


def seconds(value: float, places: int = 2) -> str:
    return vn.number(Decimal(repr(round(value, places))), places) + " s"


def times(value: float) -> str:
    return vn.number(Decimal(repr(round(value, 2))), 2) + "×"


def megabytes(kib: int | None) -> str:
    return "–" if kib is None else vn.number(round(kib / 1024)) + " MB"


class Scratch:
    """The copied fixtures, the built case and every command line measured."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counter = 0
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")  # remembered verdicts and profile template of this run
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True,
                       capture_output=True)  # as scripts/setup.sh does: no command compiles the package again
        shutil.copytree(ROOT / "fixtures", root / "fixtures")
        shutil.copytree(ROOT / "legal_basis", root / "legal_basis")
        self.case = root / "fixtures" / "cases" / CASE_NAME
        self.edited = self.case.with_name(CASE_NAME + "-sua")  # beside it: its sheets' relative paths still hold
        shutil.copytree(self.case, self.edited)
        self.out = root / "out"
        subprocess.run([*QDGEN, "build", str(self.case), "--out", str(self.out)], check=True,
                       capture_output=True, cwd=root)
        subprocess.run([*QDGEN, "validate", str(self.case)], check=True, capture_output=True, cwd=root)
        built = self.out / CASE_NAME
        self.docx = [built / "quyet-dinh.docx", *sorted(built.glob("phu-luc-*.docx"))]
        self.soffice = shutil.which("soffice") or "soffice"
        self.profile = (root / "soffice-profile").as_uri()
        subprocess.run(self.floor(0), check=True, capture_output=True)  # warms its profile, untimed
        subprocess.run([*QDGEN, "preview", str(self.case), "--build-dir", str(self.out), "--out",
                        str(root / "preview")], check=True, capture_output=True, cwd=root)  # keeps qdgen's template

    def fresh(self, name: str) -> str:
        self.counter += 1
        return str(self.root / f"{name}-{self.counter}")

    def edit(self, round_: int) -> list[str]:
        """`validate` of a case just edited (a comment added to its case.yaml): nothing remembered of the case
        holds (its score sheets, criteria set, agency list and the units data are as they were)."""
        self._touch(f"# sửa lần {round_}")
        return ["validate", str(self.edited)]

    def edit_and_build(self, round_: int) -> list[str]:
        """`build` of a case just edited into a folder of its own: read, checked, composed, rendered and checked."""
        self._touch(f"# sửa lần {round_} rồi tạo")
        return ["build", str(self.edited), "--out", self.fresh("build-edited")]

    def _touch(self, comment: str) -> None:
        with (self.edited / "case.yaml").open("a", encoding="utf-8") as case_file:
            case_file.write(comment + "\n")

    def floor(self, _: int) -> list[str]:
        return [self.soffice, "--headless", f"-env:UserInstallation={self.profile}", "--convert-to", "pdf",
                "--outdir", self.fresh("soffice-pdf"), *map(str, self.docx)]

    def floor_with_our_profile(self, _: int) -> list[str]:
        from pipeline.archive.programs import prepare_profile

        profile = Path(self.fresh("qdgen-profile"))
        prepare_profile(Path(self.soffice), profile)  # a copy, as every qdgen process makes (a few ms, untimed)
        return [self.soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                "--outdir", self.fresh("soffice-pdf"), *map(str, self.docx)]

    def commands(self) -> dict[str, tuple[str, object]]:
        """name → (goal, command or a function of the round giving one)."""
        case, out = str(self.case), str(self.out)
        return {
            "qdgen --help": ("≤ 0,25 s", ["--help"]),
            "qdgen basis list": ("≤ 0,25 s", ["basis", "list"]),
            "qdgen validate CASE": ("≤ 0,25 s", ["validate", case]),
            "qdgen validate CASE (just edited)": ("≤ 0,25 s", self.edit),
            "qdgen build CASE (up to date)": ("≤ 0,25 s", ["build", case, "--out", out]),
            "qdgen build CASE (from scratch)": ("≤ 0,35 s", lambda _: ["build", case, "--out", self.fresh("build")]),
            "qdgen build CASE (just edited)": ("", self.edit_and_build),
            COLD_BUILD: ("", lambda _: ["build", case, "--out", self.fresh("build-cold")]),
            "soffice --convert-to pdf (3 .docx)": ("floor", self.floor),
            OUR_PROFILE: ("", self.floor_with_our_profile),
            "qdgen preview CASE": ("≤ 1,3 × soffice", ["preview", case, "--build-dir", out, "--out",
                                                      str(self.root / "preview")]),
            "qdgen archive CASE": ("≤ 1,6 × soffice", lambda _: ["archive", case, "--build-dir", out, "--out",
                                                               self.fresh("archive")]),
        }


def _command(name: str, spec: object, round_: int) -> list[str]:
    arguments = spec(round_) if callable(spec) else spec
    return list(arguments) if name.startswith(("soffice", OUR_PROFILE)) else [*QDGEN, *arguments]


def _environment(name: str, round_: int, scratch: Scratch) -> dict[str, str]:
    """The command's environment: the run's own cache, or for the build with nothing remembered a new empty one."""
    if name != COLD_BUILD:
        return dict(os.environ)
    return {**os.environ, "XDG_CACHE_HOME": scratch.fresh(f"empty-cache-{round_}")}


def timed(scratch: Scratch, runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall seconds and CPU seconds (user + system, the process and every child it waited for) of each run."""
    walls: dict[str, list[float]] = {name: [] for name in scratch.commands()}
    cpus: dict[str, list[float]] = {name: [] for name in scratch.commands()}
    for round_ in range(runs):
        for name, (_, spec) in scratch.commands().items():
            command = _command(name, spec, round_)
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       cwd=scratch.root, env=_environment(name, round_, scratch))
            _, _, usage = os.wait4(process.pid, 0)
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(usage.ru_utime + usage.ru_stime)
            process.returncode = 0  # reaped by wait4 above
    return walls, cpus


def peak_memory(scratch: Scratch) -> dict[str, tuple[int | None, int | None]]:
    """name → (our process's peak RSS, its largest child's), KiB."""
    found: dict[str, tuple[int | None, int | None]] = {}
    report = scratch.root / "rss.json"
    for name, (_, spec) in scratch.commands().items():
        command = _command(name, spec, 0)
        if name.startswith(("soffice", OUR_PROFILE)):
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(process.pid, 0)
            process.returncode = 0
            found[name] = (None, usage.ru_maxrss)
            continue
        subprocess.run([sys.executable, "-c", MEASURED, *command[len(QDGEN):]], check=False, capture_output=True,
                       cwd=scratch.root, env={**_environment(name, 0, scratch), "QDGEN_RSS_REPORT": str(report)})
        ours, child = json.loads(report.read_text())
        found[name] = (ours, child or None)
    return found


def preview_stages(scratch: Scratch, runs: int) -> dict[str, float]:
    """Where a cold preview's time goes, inside one process: LibreOffice's conversion, then the PNG pages
    drawn one file after another, and both overlapped (`images.page_images`, as `qdgen preview` does)."""
    from pipeline.archive.images import page_images
    from pipeline.archive.office import Job, convert_batch
    from pipeline.archive.png import render_png

    jobs = [Job(path, path.read_bytes()) for path in scratch.docx]
    figures: dict[str, list[float]] = {"conversion": [], "drawing, one file after another": [],
                                       "conversion and drawing overlapped": []}
    for _ in range(runs):
        start = time.perf_counter()
        converted = convert_batch(jobs, pdfa=None, workers=1)
        middle = time.perf_counter()
        for item in converted:
            render_png(item.pdf or b"")
        end = time.perf_counter()
        page_images(jobs)
        figures["conversion"].append(middle - start)
        figures["drawing, one file after another"].append(end - middle)
        figures["conversion and drawing overlapped"].append(time.perf_counter() - end)
    return {name: statistics.median(values) for name, values in figures.items()}


def warm_preview(scratch: Scratch, runs: int) -> dict[str, object]:
    """The warm preview, measured in a process of its own (its peak RSS is then ours alone)."""
    run = subprocess.run([sys.executable, __file__, "--warm-child", str(scratch.root), "--runs", str(runs)],
                         check=True, capture_output=True, text=True, cwd=scratch.root)
    return json.loads(run.stdout)


def warm_child(root: Path, runs: int) -> None:
    """A long-running caller: one WarmOffice, then edit → build → PNG pages, `runs` times."""
    import resource

    from pipeline.archive.images import page_images
    from pipeline.archive.office import Job
    from pipeline.archive.warm import WarmOffice
    from pipeline.build.stages import BuildOptions, build_cases

    case = root / "fixtures" / "cases" / CASE_NAME
    text = case.joinpath("case.yaml").read_text(encoding="utf-8")
    pictures = root / "warm-preview"
    pictures.mkdir()

    def preview(number: int) -> None:
        case.joinpath("case.yaml").write_text(re.sub(r"(?m)^number: \d+$", f"number: {number}", text),
                                              encoding="utf-8")
        [result] = build_cases([case], BuildOptions(out=root / f"warm-out-{number}", build_day=dt.date.today()))
        assert result.out_dir is not None, result.problems
        files = [result.out_dir / "quyet-dinh.docx", *sorted(result.out_dir.glob("phu-luc-*.docx"))]
        pages = page_images([Job(path, path.read_bytes()) for path in files], warm=office)
        for path, images in zip(files, pages, strict=True):
            for page, image in enumerate(images, 1):
                (pictures / f"{path.stem}-{page}.png").write_bytes(image)

    with WarmOffice() as office:
        preview(100)
        figures = []
        for number in range(101, 101 + runs):
            start = time.perf_counter()
            preview(number)
            figures.append(time.perf_counter() - start)
        office_peak = max((_peak_rss(pid) for leader in office.pids for pid in _group(leader)), default=None)
    print(json.dumps({"seconds": figures, "ours": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "office": office_peak}))


def _group(leader: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == leader:  # fields: state, ppid, pgrp, …
            members.append(int(stat.parent.name))
    return members


def _peak_rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match[1]) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm-child", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.warm_child:
        warm_child(arguments.warm_child, arguments.runs)
        return
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="qdgen-commands-") as name:
        scratch = Scratch(Path(name))
        figures, cpu = timed(scratch, arguments.runs)
        memory = peak_memory(scratch)
        warm = warm_preview(scratch, arguments.runs)
        stages = preview_stages(scratch, arguments.runs)
        floor_command = scratch.floor(0)
    load_after = os.getloadavg()
    version = subprocess.run([shutil.which("soffice") or "soffice", "--version"], capture_output=True, text=True,
                             check=False).stdout.strip()
    print(f"{dt.date.today().isoformat()}; {os.cpu_count()} cores; Python {sys.version.split()[0]}; {version}")
    print("load average (1 min) before / after: "
          f"{vn.number(Decimal(repr(round(load_before[0], 2))), 2)} / "
          f"{vn.number(Decimal(repr(round(load_after[0], 2))), 2)}; medians of {arguments.runs}")
    print(f"floor: {' '.join(floor_command[:5])} --outdir DIR quyet-dinh.docx phu-luc-*.docx")
    floor = statistics.median(figures["soffice --convert-to pdf (3 .docx)"])
    cpu_floor = statistics.median(cpu["soffice --convert-to pdf (3 .docx)"])
    print(f"{'command':<40} {'median':>8} {'× soffice':>9}  {'goal':<17} {'met':<4} {'our RSS':>8} {'child RSS':>9}"
          f"  {'CPU':>7} {'CPU × soffice':>13}")
    for name, (goal, _) in scratch.commands().items():
        median = statistics.median(figures[name])
        ratio = median / floor
        if goal.startswith("≤ ") and "soffice" in goal:
            met = ratio <= float(goal.split()[1].replace(",", "."))
        elif goal.startswith("≤ "):
            met = median <= float(goal.split()[1].replace(",", "."))
        else:
            met = None
        ours, child = memory[name]
        print(f"{name:<40} {seconds(median):>8} {times(ratio):>9}  {goal:<17} "
              f"{'' if met is None else ('yes' if met else 'NO'):<4} {megabytes(ours):>8} {megabytes(child):>9}"
              f"  {seconds(statistics.median(cpu[name])):>7} {times(statistics.median(cpu[name]) / cpu_floor):>13}")
    ours = statistics.median(figures[OUR_PROFILE])
    print("against soffice with qdgen's profile (what LibreOffice itself costs qdgen): " + "; ".join(
        f"{name.removeprefix('qdgen ').removesuffix(' CASE')} {times(statistics.median(figures[name]) / ours)}"
        for name in ("qdgen preview CASE", "qdgen archive CASE")))
    median = statistics.median(warm["seconds"])
    print(f"{'warm preview after an edit (in-process)':<40} {seconds(median):>8} {times(median / floor):>9}  "
          f"{'≤ 1 s':<17} {'yes' if median <= 1 else 'NO':<4} {megabytes(warm['ours']):>8} "
          f"{megabytes(warm['office']):>9}")
    print("our RSS: the qdgen process (≤ 150 MB); child RSS: its largest child, LibreOffice's soffice.bin "
          "(for the warm preview: the largest warm LibreOffice process)")
    print("CPU: user + system seconds of the process and its children (medians); on a loaded machine the wall "
          "times stretch, the CPU seconds much less")
    print("a cold preview inside one process (medians): " + "; ".join(
        f"{name} {seconds(value)}" for name, value in stages.items()))


if __name__ == "__main__":
    main()
