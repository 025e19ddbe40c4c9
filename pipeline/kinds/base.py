"""What a decision kind is: one class a maintainer reads in one place.

A kind is the value of `template:` in a case. Its module (one per kind in this room) says:

- `name`, and `folder` holding `<name>.docx` (the template) and `<name>.yaml` (its standard wording);
- `Keys`: its own case.yaml keys beyond `CaseBase` (a key of another kind is refused, naming that kind);
- `inputs`: the files its outputs depend on besides the case, its template and wording (the fingerprint);
- `checks`: what its case must satisfy beyond the checks every decision gets (pure);
- `gather`: the inputs it reads (score sheets, a criteria set), checked, with every problem found;
- `compose`: what it composes (from `kinds.compose`, the parts every decision shares), and `placeholders`:
  what its wording may name;
- `annex_template` / `attachment_template`: the documents it produces beside the decision.

Kinds are found by `pipeline.kinds.registry` (the modules of this room, `register()`, and the
`qdgen.kinds` entry-point group).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import create_model

from pipeline.domain.legal import Registry
from pipeline.inputs.cache import ParsedFiles
from pipeline.inputs.schema import CaseBase
from pipeline.kinds import compose
from pipeline.problems import Problem
from pipeline.records import Case, Decision

BUNDLED_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class Kind:
    """A kind of decision. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]
    folder: ClassVar[Path] = BUNDLED_TEMPLATES / "decisions"
    Keys: ClassVar[type[CaseBase]] = CaseBase
    annex_template: ClassVar[Path | None] = None  # the template of each Phụ lục it produces
    attachment_template: ClassVar[Path | None] = None  # the template of a document issued "kèm theo"
    placeholders: ClassVar[frozenset[str]] = compose.PLACEHOLDERS  # what its wording's `{…}` may name

    @property
    def template_file(self) -> Path:
        return self.folder / f"{self.name}.docx"

    @property
    def wording_file(self) -> Path:
        return self.folder / f"{self.name}.yaml"

    def schema(self) -> type[CaseBase]:
        """`Keys` with `template` fixed to this kind's name: one member of the case schema's union."""
        return _tagged(type(self).Keys, self.name)

    def inputs(self, case: Case) -> Mapping[str, Path | None]:
        """Files its outputs depend on, by role (`sheet:par`, `template:…`); None for one the case lacks."""
        return {}

    def checks(self, case: Case) -> list[Problem]:
        """Problems of the case only this kind has (every decision's checks are in `domain.validate`)."""
        return []

    def gather(self, case: Case, files: ParsedFiles) -> tuple[Any, list[Problem]]:
        """Read and check the inputs it composes from: (what `compose` takes, problems found)."""
        return None, []

    def compose(self, case: Case, registry: Registry, wording: Mapping[str, str], gathered: Any) -> Decision:
        """The whole decision, from its case, the registry, its wording and what `gather` returned."""
        words = {**wording, **case.wording}
        return compose.compose_decision(case, registry, words, compose.placeholder_values(case, registry, words))

    def annex_agencies(self, decision: Decision, gathered: Any) -> Mapping[str, Sequence[str]]:
        """The agencies each annex lists (by annex key), for the manifest."""
        return {}


@functools.cache
def _tagged(keys: type[CaseBase], name: str) -> type[CaseBase]:
    return create_model(keys.__name__, __base__=keys, template=(Literal[name], ...))
