"""Write pipeline/ooxml/font_metrics.json: advance widths of Times New Roman's metric twin, Liberation Serif.

Column widths of annex tables are computed from the text they hold (pipeline/ooxml/widths.py). The widths
come from this committed table, not from font files read at run time, so every machine computes the same
widths and builds byte-identical documents. Liberation Serif has the advance widths of Times New Roman.

    .venv/bin/pip install fonttools && .venv/bin/python scripts/make_font_metrics.py
"""

from __future__ import annotations

import json
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype/liberation2")
TARGET = ROOT / "pipeline" / "ooxml" / "font_metrics.json"
RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x323), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20AB, 0x20AC))


def advances(path: Path) -> dict[str, int]:
    font = TTFont(path)
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    return {chr(code): metrics[cmap[code]][0] for start, end in RANGES for code in range(start, end + 1)
            if code in cmap}


def main() -> None:
    regular = TTFont(FONTS / "LiberationSerif-Regular.ttf")
    data = {"font": "Liberation Serif (metrics of Times New Roman)",
            "units_per_em": regular["head"].unitsPerEm,
            "regular": advances(FONTS / "LiberationSerif-Regular.ttf"),
            "bold": advances(FONTS / "LiberationSerif-Bold.ttf")}
    TARGET.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(data['regular'])} characters")


if __name__ == "__main__":
    main()
