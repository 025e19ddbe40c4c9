"""Speed of `qdgen check` (issue #5): the time to check 100 documents. Nothing here is asserted by tests.

    .venv/bin/python benchmarks/check.py [--documents 100] [--repeat 3]

Every fixture case is built once into a scratch folder; the documents it produced (decisions, annexes,
the criteria set issued "kèm theo") are checked in turn until --documents files have been checked, in one
process, as `qdgen check FILE...` does. The best of --repeat rounds is printed, with the time per document
and per kind.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.build.stages import BuildOptions, build_cases
from pipeline.check.checker import check_docx


def built_documents(scratch: Path) -> list[Path]:
    cases = sorted(p for p in (ROOT / "fixtures" / "cases").iterdir() if (p / "case.yaml").exists())
    build_cases(cases, BuildOptions(out=scratch))
    return sorted(scratch.rglob("*.docx"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        documents = built_documents(Path(scratch))
        batch = list(islice(cycle(documents), args.documents))
        best = float("inf")
        per_kind: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.repeat):
            per_kind.clear()
            start = time.perf_counter()
            for path in batch:
                began = time.perf_counter()
                result = check_docx(path)
                per_kind[result.kind or "unreadable"].append(time.perf_counter() - began)
            best = min(best, time.perf_counter() - start)
    print(f"{len(batch)} documents ({len(documents)} distinct) checked in {best:.2f} s "
          f"({best / len(batch) * 1000:.1f} ms per document, best of {args.repeat})")
    for kind, times in sorted(per_kind.items()):
        print(f"  {kind:9} {len(times):4} × {sum(times) / len(times) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
