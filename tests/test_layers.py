"""The import rule of the package, enforced with `ast`: each room imports only from the rooms below it.

This table is the single truth about the architecture (the README describes it). A room is a subpackage
of `pipeline` (or one of the vocabulary modules at its top). Modules inside one room import each other
freely; between rooms of the same layer only the pairs in SAME_LAYER may.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

LAYERS = {
    0: {"problems", "records", "vn", "vnwords", "__init__", "scoring.records"},  # vocabulary: stdlib only
    1: {"domain", "scoring"},  # pure: no files, no XML, no subprocesses
    2: {"inputs", "kinds", "ooxml", "nd30", "check", "outputs", "archive", "register", "pages"},  # edges
    3: {"build"},  # orchestration: the stage order
    4: {"cli", "__main__", "web"},  # interface
}
SAME_LAYER = {("kinds", "inputs"), ("inputs", "kinds"), ("check", "ooxml"), ("check", "nd30"),
              ("archive", "inputs"), ("archive", "outputs"), ("inputs", "ooxml"), ("outputs", "check"),
              ("register", "inputs"), ("register", "check"), ("register", "nd30"),
              ("pages", "archive"), ("pages", "check"), ("pages", "ooxml"), ("pages", "nd30"),
              ("__main__", "cli"), ("cli", "web")}
PURE_FORBIDDEN = {"yaml", "openpyxl", "docx", "docxtpl", "lxml", "subprocess", "jinja2", "click", "pikepdf",
                  "ruamel"}


def _room(module: str) -> str:
    """`pipeline.scoring.rank` → `scoring`; the vocabulary modules are rooms of their own."""
    parts = module.split(".")[1:]
    if ".".join(parts[:2]) in LAYERS[0]:
        return ".".join(parts[:2])
    return parts[0] if parts else "__init__"


def _layer(room: str) -> int:
    return next(layer for layer, names in LAYERS.items() if room in names)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module.startswith("pipeline"):
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_every_room_has_a_layer():
    rooms = {_room(module) for module in _modules() if module != "pipeline"}
    unknown = sorted(room for room in rooms if not any(room in names for names in LAYERS.values()))
    assert not unknown, f"add these rooms to LAYERS: {unknown}"


def test_imports_go_down_the_layers_only():
    modules = _modules()
    wrong = []
    for module, path in sorted(modules.items()):
        if module == "pipeline":
            continue
        room = _room(module)
        for name in _imports(path):
            if name.startswith("pipeline."):
                if name not in modules and name.rpartition(".")[0] in modules:
                    name = name.rpartition(".")[0]  # `from pipeline.x import y` where y is a name, not a module
                target = _room(name)
                if target in ("__init__", room) or name == "pipeline.__version__":
                    continue
                if _layer(target) > _layer(room) or (
                        _layer(target) == _layer(room) and (room, target) not in SAME_LAYER and _layer(room) != 0):
                    wrong.append(f"{module} → {name}")
            elif _layer(room) <= 1 and name.split(".")[0] in PURE_FORBIDDEN:
                wrong.append(f"{module} (pure) → {name}")
            elif name.split(".")[0] == "click" and room != "cli":
                wrong.append(f"{module} → click (only cli may)")
    assert not wrong, sorted(set(wrong))


def test_rendering_never_imports_the_legal_rules_or_composition():
    imported = {name for name in _imports(PACKAGE / "ooxml" / "render.py")}
    assert not {name for name in imported if name.startswith(("pipeline.domain", "pipeline.kinds"))}
