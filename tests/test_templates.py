"""The committed templates are exactly what `scripts/make_templates.py` writes: a change of layout is
reviewed as code, and nobody edits a template in Word without the generator knowing."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_templates_equal_what_the_generator_writes(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        generator = importlib.import_module("make_templates")
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    written = {path.relative_to(tmp_path).as_posix(): path.read_bytes() for path in generator.main(tmp_path)}
    committed = {path.relative_to(ROOT / "templates").as_posix(): path.read_bytes()
                 for path in (ROOT / "templates").rglob("*.docx")}
    assert sorted(written) == sorted(committed)
    differing = [name for name in written if written[name] != committed[name]]
    assert differing == [], "run .venv/bin/python scripts/make_templates.py and commit the templates"
