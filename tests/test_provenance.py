"""Outputs go stale when what produced them changes: qdgen's code and the libraries that shape the bytes,
not only its version number. An issued decision is still never regenerated silently."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from pipeline.domain.outdated import reasons
from pipeline.outputs.provenance import LIBRARIES, code_digest, producer
from tests.conftest import ROOT

DRAFT, ISSUED = "lang-son-2020-par", "lang-son-2024-khen-thuong"


def _build(project: Path) -> tuple[int, dict[str, dict]]:
    cases = [str(project / "fixtures" / "cases" / name) for name in (DRAFT, ISSUED)]
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", *cases, "--out", "out", "--json"],
                          cwd=project, capture_output=True, text=True, check=False)
    return done.returncode, {Path(r["case"]).name: r for r in json.loads(done.stdout)}


def test_a_change_to_the_code_outdates_a_draft_and_is_refused_for_an_issued_decision(tmp_path):
    project = tmp_path / "project"
    for name in ("pipeline", "templates", "legal_basis", "fixtures"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    code, first = _build(project)
    assert code == 0 and {r["status"] for r in first.values()} == {"built"}, first
    assert _build(project)[1][DRAFT]["status"] == "up_to_date"
    issued = project / "out" / ISSUED / "quyet-dinh.docx"
    signed = issued.read_bytes()

    compose = project / "pipeline" / "kinds" / "compose.py"
    compose.write_text(compose.read_text(encoding="utf-8").replace('f"Theo đề nghị của', 'f"Xét đề nghị của'),
                       encoding="utf-8")
    code, after = _build(project)
    assert code == 1
    assert after[DRAFT]["status"] == "built"
    assert after[DRAFT]["reasons"] == ["mã nguồn qdgen đã thay đổi"]
    with zipfile.ZipFile(project / "out" / DRAFT / "quyet-dinh.docx") as package:
        assert "Xét đề nghị của" in package.read("word/document.xml").decode("utf-8")
    assert after[ISSUED]["status"] == "failed"
    assert [p["code"] for p in after[ISSUED]["problems"]] == ["build.issued_changed"]
    assert after[ISSUED]["reasons"] == ["mã nguồn qdgen đã thay đổi"]
    assert issued.read_bytes() == signed


def test_a_library_upgrade_is_named_with_both_versions():
    before = {"case": "a", "generator": "0.1.0", "code": "c", "library:docxtpl": "0.18.0", "library:lxml": "5.2"}
    after = {**before, "library:docxtpl": "0.19.0"}
    assert reasons(after, before, (), ()) == ("thư viện docxtpl 0.18.0 → 0.19.0",)
    assert reasons({**after, "code": "d"}, before, (), ()) == ("mã nguồn qdgen đã thay đổi",
                                                              "thư viện docxtpl 0.18.0 → 0.19.0")


def test_the_producer_names_the_code_and_every_library_that_shapes_the_bytes(tmp_path):
    made = producer()
    assert made is producer()  # computed once per process
    assert set(made) == {"generator", "code", *(f"library:{name}" for name in LIBRARIES)}
    assert "absent" not in made.values()
    package = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", package, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_digest(package) == made["code"]
    (package / "cli" / "building.py").write_text("# a command's wording: no build changes\n", encoding="utf-8")
    assert code_digest(package) == made["code"]
    (package / "kinds" / "compose.py").write_text("# changed\n", encoding="utf-8")
    assert code_digest(package) != made["code"]
