"""Speed figures for the web page (issue 18). Prints a table; nothing here is asserted by tests.

    .venv/bin/python benchmarks/web.py [--runs 15]

A real uvicorn on 127.0.0.1 serves a fresh copy of the bundled fixtures; every figure is the median of
--runs requests over one keep-alive connection, as a browser makes them:
- pages: the case list, a case's form page, the score-sheet page (two sheets read, checked, ranked),
  the API's case list;
- a build of the 2023 case after its case.yaml changed (so it really builds) and one that is up to date;
- the previews of that case after an edit (the build, then its pages drawn by the one LibreOffice the server
  keeps warm, started by a first preview that is not counted); goal: under 2 s;
- a check of one uploaded decision (.docx).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.web_server import make_workspace, start

CASE = "lang-son-2023-sipas-par"


def median_ms(runs: int, call) -> float:
    times = []
    for _ in range(runs):
        start_time = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - start_time) * 1000)
        assert answer.status_code < 400, answer.text[:300]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        running = start(make_workspace(Path(scratch) / "ws"))
        case_file = running.workspace.cases_dir / CASE / "case.yaml"
        try:
            with running.browser("an") as (browser, csrf), running.api("an") as api:
                figures = [
                    ("case list (page)", median_ms(runs, lambda: browser.get("/"))),
                    ("case form page", median_ms(runs, lambda: browser.get(f"/cases/{CASE}"))),
                    ("score sheets page (2 sheets ranked)", median_ms(runs, lambda: browser.get(f"/cases/{CASE}/sheets"))),
                    ("GET /api/cases", median_ms(runs, lambda: api.get("/api/cases"))),
                ]

                def changed_build():
                    text = case_file.read_text(encoding="utf-8")
                    case_file.write_text(re.sub(r"\n# bench \d+\n|$", f"\n# bench {time.perf_counter_ns()}\n", text,
                                                count=1), encoding="utf-8")
                    return api.post(f"/api/cases/{CASE}/build")

                figures.append(("build of the 2023 case (inputs changed)", median_ms(runs, changed_build)))
                figures.append(("build, up to date", median_ms(runs, lambda: api.post(f"/api/cases/{CASE}/build"))))
                browser.post(f"/cases/{CASE}/preview", data={"csrf": csrf})  # starts the warm LibreOffice

                def edited_preview():
                    text = case_file.read_text(encoding="utf-8")
                    case_file.write_text(re.sub(r"\n# bench \d+\n|$", f"\n# bench {time.perf_counter_ns()}\n", text,
                                                count=1), encoding="utf-8")
                    return browser.post(f"/cases/{CASE}/preview", data={"csrf": csrf})

                figures.append(("previews of the 2023 case after an edit (3 documents → PNG, warm LibreOffice)",
                                median_ms(max(3, runs // 3), edited_preview)))
                decision = (running.workspace.out / CASE / "quyet-dinh.docx").read_bytes()
                figures.append(("check of one uploaded .docx (API)", median_ms(runs, lambda: api.post(
                    "/api/check", files=[("files", ("quyet-dinh.docx", decision))]))))
        finally:
            running.stop()
    print("| figure | median (ms) |\n|---|---|")
    for label, value in figures:
        number = f"{value:,.1f}".replace(",", ".").rsplit(".", 1)
        print(f"| {label} | {number[0]},{number[1]} |")


if __name__ == "__main__":
    main()
