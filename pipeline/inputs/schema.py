"""The keys of case.yaml (inputs.md §1): what every decision has (`CaseBase`), the parts they are made of, and
the validation of a case against its kind's keys. A kind's own keys are in its module (`pipeline/kinds/`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, Strict, ValidationError

from pipeline.inputs.model import Date, FullDate, InputModel, Line, Text, problem_of, shown, validate_model
from pipeline.inputs.sources import YamlDocument
from pipeline.problems import Problem


def _as_group(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


class IssuerModel(InputModel):
    """`province`: a province or centrally-run city, its kind optional (`Lạng Sơn`, `thành phố Hà Nội`);
    `commune`: a commune-level unit within it, with its kind (`xã Đồng Đăng`, `phường Tam Thanh`), when a
    commune's People's Committee issues."""

    province: Line
    commune: Line | None = None
    authority: Literal["chu-tich", "uy-ban"]


class MemoModel(InputModel):
    number: Line
    date: FullDate


class ProposalModel(InputModel):
    by: Line
    memo: MemoModel | None = None


class SignerModel(InputModel):
    name: Line
    title: Line
    sign_for: Literal["KT", "TM", "TL", "TUQ", "Q"] | None = None


class ArchiveModel(InputModel):
    keep: tuple[Line, ...] = ("VT",)
    drafter: Line | None = None
    copies: Annotated[int, Strict(), Field(ge=1, le=999)] | None = None  # số lượng bản, when not nơi nhận + lưu


class ScoreSourceModel(InputModel):
    sheet: Line
    criteria: Line | None = None


class PointModel(InputModel):
    """A điểm (`a)`, `b)` …), or a khoản's or article's text: words, optionally followed by an amount of money."""

    text: Text
    amount: Annotated[int, Strict(), Field(ge=0)] | None = None


def _as_item(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


Item = Annotated[PointModel, BeforeValidator(_as_item)]


class ClauseModel(PointModel):
    points: tuple[Item, ...] = ()


class ArticleModel(PointModel):
    clauses: tuple[Annotated[ClauseModel, BeforeValidator(_as_item)], ...] = ()


class CaseBase(InputModel):
    """The keys every kind of decision has (inputs.md §1). A kind's own keys are a subclass of this in
    its module (`pipeline/kinds/`); a key neither lists is refused."""

    template: Line
    issuer: IssuerModel
    number: Annotated[int, Strict(), Field(ge=1, le=99999)] | None = None
    date: Date
    as_of: FullDate | None = None
    place: Line | None = None
    assessed_year: Annotated[int, Strict(), Field(ge=1990, le=2100)] | None = None
    subject: Text | None = None
    legal_basis: tuple[Annotated[tuple[Line, ...], BeforeValidator(_as_group), Field(min_length=1)], ...]
    proposal: ProposalModel | None = None
    extra_articles: tuple[Text, ...] = ()
    executors: tuple[Line, ...] | None = None
    signer: SignerModel
    recipients: tuple[Text, ...] = ()
    archive: ArchiveModel = ArchiveModel.model_construct()  # its defaults, without building its validator
    wording: dict[str, Text] = Field(default_factory=dict)
    replaces: tuple[Line, ...] = ()
    registry_id: Line | None = None


Index = Literal["par", "sipas"]
"""The indexes a decision can publish: the PAR Index and SIPAS."""
Article = Annotated[ArticleModel, BeforeValidator(_as_item)]


def validate_case_model(document: YamlDocument, schema: type[CaseBase] | None,
                        every_schema: Callable[[], Mapping[str, type[CaseBase]]]
                        ) -> tuple[CaseBase | None, tuple[Problem, ...]]:
    """Validate a case file against its kind's keys: `schema` is the model of the kind its `template:` names
    (a subclass of CaseBase whose `template` is that value), None when no kind has that name. Only that
    model is built and validated against; `every_schema()` (each kind's model by its `template:` value) is
    asked for only to name the kinds a misplaced key or an unknown template could mean."""
    data = document.data
    if not isinstance(data, dict):
        return validate_model(CaseBase, document, "case")
    template = data.get("template")
    if schema is None:
        return None, (_unknown_template(template, document, sorted(every_schema())),)
    try:
        return schema.model_validate(data), ()
    except ValidationError as exc:
        others = {name: model for name, model in every_schema().items() if name != template}
        return None, tuple(problem_of(error, schema, document, "case", others, tag=template)
                           for error in exc.errors())


def _unknown_template(template: Any, document: YamlDocument, names: list[str]) -> Problem:
    where = document.location("template")
    if template is None:
        return Problem("case.missing_key", "Thiếu khóa bắt buộc «template».", where,
                       "Thêm template: <loại quyết định>; các loại hiện có: " + ", ".join(names) + ".")
    guess = difflib.get_close_matches(str(template), names, n=1)
    hint = f"Có phải ý là «{guess[0]}»?" if guess else "Các mẫu hiện có: " + ", ".join(names) + "."
    return Problem("case.unknown_template", f"Không có mẫu quyết định «{shown(template)}».", where, hint)


