"""The decision kinds a build knows: the bundled ones, those `register()`ed, and those of installed packages.

A bundled kind is a module of this package with a `KIND` (a `Kind` instance): it is found by looking, so
adding one touches no list. A package adds kinds through the entry-point group `qdgen.kinds` (each entry
point names a `Kind` instance); a program or a test adds one with `register(kind)`. See README,
"Adding a decision kind".
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points

import pipeline.kinds
from pipeline.inputs.schema import CaseBase
from pipeline.kinds.base import Kind

ENTRY_POINTS = "qdgen.kinds"
_BUNDLED_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
"""A name a bundled kind's module could have (a case's `template:` is text from the case: never a path)."""

_kinds: dict[str, Kind] = {}
_loaded: list[bool] = []  # non-empty once the bundled and entry-point kinds are in `_kinds`


def register(kind: Kind) -> Kind:
    """Make `kind` known to this process under `kind.name` (replacing a kind of that name)."""
    if not isinstance(kind, Kind):
        raise TypeError(f"{kind!r} is not a pipeline.kinds.base.Kind")
    _known()[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget the kind `name` (a bundled kind comes back only if registered again)."""
    _known().pop(name, None)


def kinds() -> Mapping[str, Kind]:
    """Every known kind by name."""
    return dict(_known())


def kind_named(name: str) -> Kind:
    """The kind of a case whose schema accepted `name` (KeyError for a name no kind has)."""
    kind = find_kind(name)
    if kind is None:
        raise KeyError(name)
    return kind


def find_kind(name: str) -> Kind | None:
    """The kind named `name`, or None. Before every kind is loaded, only its own module is: an installed
    package's entry point of that name (README: `<name> = "pkg.module:KIND"`), else the bundled module
    named after it (`cong-bo-chi-so` → `pipeline/kinds/cong_bo_chi_so.py`); a command reading one case
    imports one kind."""
    if _loaded or name in _kinds:
        return _kinds.get(name)
    for kind in _candidates(name):
        if isinstance(kind, Kind) and kind.name == name:
            _kinds[name] = kind
            return kind
    return _known().get(name)  # a kind whose module is named otherwise


def _candidates(name: str) -> Iterator[object]:
    """What could be the kind `name`, nearest first: its entry points, then the bundled module named after it."""
    for point in entry_points(group=ENTRY_POINTS, name=name):
        yield point.load()
    if _BUNDLED_NAME.fullmatch(name):
        try:
            module_kind = _module_kind(name.replace("-", "_"))
        except ModuleNotFoundError:
            return
        yield module_kind


def case_schemas() -> dict[str, type[CaseBase]]:
    """Each kind's case schema, by the `template:` value that selects it."""
    return {name: kind.schema() for name, kind in _known().items()}


def _known() -> dict[str, Kind]:
    """The registry, filled on first use with the bundled kinds and the entry points' kinds."""
    if not _loaded:
        _loaded.append(True)
        for kind in bundled():
            _kinds[kind.name] = kind
        for point in entry_points(group=ENTRY_POINTS):
            register(point.load())
    return _kinds


def bundled() -> tuple[Kind, ...]:
    """The `KIND` of every module in `pipeline/kinds/`, by module name."""
    found = []
    for module in sorted(info.name for info in pkgutil.iter_modules(pipeline.kinds.__path__)):
        kind = _module_kind(module)
        if isinstance(kind, Kind):
            found.append(kind)
    return tuple(found)


def _module_kind(module: str) -> object:
    """The `KIND` of `pipeline/kinds/<module>.py` (None when it has none)."""
    return getattr(importlib.import_module(f"pipeline.kinds.{module}"), "KIND", None)
