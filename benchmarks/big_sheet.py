"""Peak memory of one build whose PAR sheet lists 1,000 agencies; prints the peak RSS in MB (last line).

    .venv/bin/python benchmarks/big_sheet.py

Run in a fresh process by benchmarks/build.py so that nothing else counts towards the peak.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import resource
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.build.stages import BuildOptions, build_cases
from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.criteria import read_criteria

AGENCIES = 1000


def main() -> None:
    spec = importlib.util.spec_from_file_location("sheets", ROOT / "scripts" / "make_fixture_sheets.py")
    sheets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sheets)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "fixtures"
        shutil.copytree(ROOT / "fixtures", root)
        listing = yaml.safe_load(sheets.AGENCIES.read_text(encoding="utf-8"))
        half = AGENCIES // 2
        for group, prefix in zip(listing["groups"], ("Sở thử nghiệm số", "UBND huyện thử nghiệm số")):
            group["agencies"] = [f"{prefix} {n}" for n in range(1, half + 1)]
        agencies_file = root / "agencies" / "lang-son-2023.yaml"
        agencies_file.write_text(yaml.safe_dump(listing, allow_unicode=True, sort_keys=False), encoding="utf-8")
        case = root / "cases" / "lang-son-2023-sipas-par"
        case_text = (case / "case.yaml").read_text(encoding="utf-8").replace(
            "publishes: [sipas, par]", "publishes: [par]")
        (case / "case.yaml").write_text(case_text, encoding="utf-8")
        agencies, criteria = read_agencies(agencies_file), read_criteria(sheets.CRITERIA)
        (case / "par-2023.xlsx").write_bytes(sheets.par_sheet(criteria, agencies, seed=1, ties=(), special=False))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        [result] = build_cases([case], BuildOptions(out=Path(folder) / "out", build_day=dt.date(2024, 1, 31)))
        assert result.status == "built", result.problems[:3]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RSS before the build {before / 1024:.0f} MB (sheet generation included), peak {peak / 1024:.0f} MB")
    print(f"{peak / 1024:.1f}")


if __name__ == "__main__":
    main()
