"""The case form is derived from a kind's schema: a kind's own keys are asked with the widget their type
calls for, keys of other kinds are not, and problems land at the field of their key path."""

from __future__ import annotations

from pipeline.kinds.registry import kind_named
from pipeline.problems import Location, Problem
from pipeline.web import caseform
from tests.kinds_example.giao_nhiem_vu import KIND as ASSIGNMENT


def _widgets(kind) -> dict[str, str]:
    return {field.path: field.widget for field in caseform.leaves(caseform.form_fields(kind))}


def test_a_kind_outside_the_package_gets_its_own_keys_asked_from_its_schema_alone():
    widgets = _widgets(ASSIGNMENT)
    assert widgets["assignee"] == "line" and widgets["tasks"] == "list"
    assert "publishes" not in widgets and "articles" not in widgets and "template" not in widgets
    first, rest = caseform.asked_first(ASSIGNMENT, caseform.form_fields(ASSIGNMENT), {})
    assert {"assignee", "tasks", "issuer", "signer", "legal_basis", "date"} <= {f.path for f in first}
    assert "registry_id" in {f.path for f in rest}


def test_each_type_gets_its_widget():
    widgets = _widgets(kind_named("cong-bo-chi-so"))
    assert widgets["issuer.authority"] == "choice" and widgets["signer.sign_for"] == "choice"
    assert widgets["date"] == widgets["as_of"] == widgets["proposal.memo.date"] == "date"
    assert widgets["number"] == widgets["assessed_year"] == "number"
    assert widgets["annexes_per_group"] == "flag" and widgets["publishes"] == "list"
    assert widgets["legal_basis"] == "basis" and widgets["scores"] == "yaml" and widgets["subject"] == "text"


def test_problems_land_at_the_nearest_field_of_their_key_path():
    fields = caseform.form_fields(kind_named("quyet-dinh"))
    problems = tuple(Problem("x", "…", Location(key=key)) for key in (
        "legal_basis[1][0]", "proposal.memo.date", "articles[0].clauses[1].amount", "signer", ""))
    by_field, others = caseform.place_problems(problems, fields)
    assert {key: [p.location.key for p in found] for key, found in by_field.items()} == {
        "legal_basis": ["legal_basis[1][0]"], "proposal.memo.date": ["proposal.memo.date"],
        "articles": ["articles[0].clauses[1].amount"]}
    assert [p.location.key for p in others] == ["signer", ""]
