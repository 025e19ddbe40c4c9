"""A draft's build is history, never a block: before a case's issued decision is built into its output
folder, the draft built there is moved to `<out>/.drafts/<case>/<n>/` (n = 1, 2, … in the order kept)."""

from __future__ import annotations

import os
from pathlib import Path

DRAFTS = ".drafts"


def keep_draft(target: Path) -> Path:
    """Move the draft build in `target` to the case's draft history; returns where it went."""
    history = target.parent / DRAFTS / target.name
    history.mkdir(parents=True, exist_ok=True)
    kept = [int(path.name) for path in history.iterdir() if path.name.isdigit()]
    destination = history / str(max(kept, default=0) + 1)
    os.replace(target, destination)
    return destination
