"""The import rule of architecture.md §3, enforced with `ast`: each module imports only from lower layers."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

LAYERS = {
    0: {"problems", "records", "score_records", "vn", "vnwords", "__init__"},
    1: {"legal", "validate", "rank", "compose", "outdated", "annex_tables", "score_checks"},
    2: {"schema", "sources", "load", "ooxml", "package", "render", "formatrules", "nd30rules", "docset", "manifest",
        "archive", "office", "pdfa", "agencies", "criteria", "scoresheets", "blanksheet", "casefile", "workbook",
        },
    3: {"build", "basis", "regenerate"},
    4: {"report", "cli", "__main__"},
}
SAME_LAYER = {("validate", "legal"), ("compose", "legal"), ("outdated", "legal"), ("load", "sources"),
              ("load", "schema"), ("render", "package"), ("formatrules", "ooxml"), ("formatrules", "nd30rules"),
              ("docset", "formatrules"), ("docset", "nd30rules"),
              ("schema", "sources"), ("cli", "report"), ("__main__", "cli"), ("compose", "vnwords"),
              ("validate", "compose"), ("archive", "office"), ("archive", "pdfa"), ("archive", "manifest"),
              ("archive", "sources"), ("agencies", "sources"), ("agencies", "schema"), ("criteria", "sources"),
              ("criteria", "schema"), ("scoresheets", "workbook"), ("workbook", "sources"),
              ("blanksheet", "scoresheets"), ("blanksheet", "package"), ("regenerate", "build")}
PURE_FORBIDDEN = {"yaml", "openpyxl", "docx", "docxtpl", "lxml", "subprocess", "jinja2", "click", "pikepdf"}


def _layer(module: str) -> int:
    return next(layer for layer, names in LAYERS.items() if module in names)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "pipeline":
                found.update(f"pipeline.{alias.name}" for alias in node.names)
    return found


def test_every_module_has_a_layer():
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    unknown = sorted(m for m in modules if not any(m in names for names in LAYERS.values()))
    assert not unknown, f"add these modules to LAYERS: {unknown}"


def test_imports_go_down_the_layers_only():
    wrong = []
    for path in sorted(PACKAGE.glob("*.py")):
        module = path.stem
        for name in _imports(path):
            if name.startswith("pipeline."):
                target = name.split(".")[1]
                if target in ("__init__", module) or name == "pipeline.__version__":
                    continue
                if _layer(target) > _layer(module) or (
                        _layer(target) == _layer(module) and (module, target) not in SAME_LAYER
                        and _layer(module) != 0):
                    wrong.append(f"{module} → {target}")
            elif _layer(module) <= 1 and name.split(".")[0] in PURE_FORBIDDEN:
                wrong.append(f"{module} (pure) → {name}")
            elif name.split(".")[0] == "click" and module != "cli":
                wrong.append(f"{module} → click (only cli may)")
    assert not wrong, wrong


def test_render_never_imports_legal_or_compose():
    assert not {"pipeline.legal", "pipeline.compose"} & _imports(PACKAGE / "render.py")
