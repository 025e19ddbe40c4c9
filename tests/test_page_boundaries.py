"""Layout that holds on any content: the body grows a line at a time across two page boundaries (and the
recipients from 3 to 20 lines), every variant is built, laid out by LibreOffice and must pass every page rule.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.pages.check import check_pages

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "cases"
GROWTH = range(56)  # one-line paragraphs added to the body: from one page to past the end of page three
RECIPIENTS = range(3, 21)
LINE = "Ủy ban nhân dân xã thứ {n} của tỉnh, xếp hạng theo kết quả đánh giá năm trước;"


def _general(lines: int, recipients: int) -> dict:
    case = yaml.safe_load((CASES / "lang-son-2024-khen-thuong" / "case.yaml").read_text("utf-8"))
    case["articles"][0]["clauses"] = [*case["articles"][0]["clauses"], *(LINE.format(n=n + 1) for n in range(lines))]
    case["recipients"] = [f"Cơ quan nhận số {n + 1}" for n in range(recipients)]
    return case


def _publication(lines: int) -> dict:
    case = yaml.safe_load((CASES / "lang-son-2023-sipas-par" / "case.yaml").read_text("utf-8"))
    if lines:
        case["extra_articles"] = [" ".join(LINE.format(n=n + 1) for n in range(lines))]
    return case


def _variants() -> dict[str, dict]:
    variants = {f"general-{n:02d}": _general(n, 4) for n in GROWTH}
    variants |= {f"recipients-{n:02d}": _general(0, n) for n in RECIPIENTS}
    variants |= {f"publication-{n:02d}": _publication(n) for n in GROWTH}
    return variants


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("boundaries")
    for data in ("agencies", "criteria"):  # the cases name them as ../../agencies/…, as the fixtures do
        (folder / data).symlink_to(ROOT / "fixtures" / data)
    for name, case in _variants().items():
        source = CASES / ("lang-son-2024-khen-thuong" if not name.startswith("publication") else
                          "lang-son-2023-sipas-par")
        target = folder / "cases" / name
        target.mkdir(parents=True)
        for sheet in source.glob("*.xlsx"):
            shutil.copy(sheet, target / sheet.name)
        (target / "case.yaml").write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), "utf-8")
    built = subprocess.run([sys.executable, "-m", "pipeline", "build", *sorted(map(str, (folder / "cases").iterdir())),
                            "--out", str(folder / "out")], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    results = check_pages(sorted((folder / "out").glob("*/*.docx")))
    return {f"{result.path.parent.name}/{result.path.name}": result for result in results}


def test_every_variant_was_laid_out_on_the_pages_it_should(findings):
    pages = {name: len(result.pages) for name, result in findings.items() if name.endswith("quyet-dinh.docx")}
    assert min(pages.values()) == 1 or min(pages.values()) == 2
    assert max(pages[f"general-{n:02d}/quyet-dinh.docx"] for n in GROWTH) >= 3
    assert max(pages[f"publication-{n:02d}/quyet-dinh.docx"] for n in GROWTH) >= 3


def test_every_variant_passes_every_page_rule(findings):
    failed = {name: [f"{p.code} {p.message}" for p in result.problems]
              for name, result in findings.items() if result.problems}
    assert not failed, "\n".join(f"{name}: {problems}" for name, problems in sorted(failed.items()))
