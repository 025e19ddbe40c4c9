"""Criteria sets: the Lạng Sơn 2023 sample loads; broken sets give a code and the line to fix."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from pipeline.inputs.criteria import read_criteria
from pipeline.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
PAR_2023 = ROOT / "fixtures/criteria/lang-son/par-2023.yaml"

SMALL = """\
name: Bộ tiêu chí thử
issued_by: thu/qd-1-2023
total: 100
survey: {name: Điều tra xã hội học, maximum: 20}
bands: [{label: A, minimum: 90}, {label: B, minimum: 0}]
groups:
  so-ban-nganh:
    counts: {fields: 2, criteria: 2, sub_criteria: 2}
    fields:
      - id: "1"
        name: Chỉ đạo, điều hành
        maximum: 30
        criteria:
          - id: "1.1"
            name: Kế hoạch
            maximum: 10
            sub_criteria:
              - {id: "1.1.1", name: "Ban hành đúng hạn", maximum: 4}
              - {id: "1.1.2", name: "Hoàn thành kế hoạch", maximum: 6}
          - {id: "1.2", name: "Báo cáo", maximum: 20}
      - id: "2"
        name: Thủ tục hành chính
        maximum: 50
"""


def count(nodes, depth: int) -> int:
    return sum(1 for top in nodes for node in top.walk() if node.id.count(".") == depth)


def test_lang_son_2023_loads_with_the_shape_of_seed_004():
    criteria = read_criteria(PAR_2023)
    assert criteria.issued_by == "lang-son/qd-1699-2023"
    assert criteria.total == D(100) and criteria.survey.maximum == D(20)
    assert "mẫu" in criteria.note.lower()
    assert "MẪU" in PAR_2023.read_text(encoding="utf-8").splitlines()[0]
    shapes = {group.id: (count(group.fields, 0), count(group.fields, 1), count(group.fields, 2))
              for group in criteria.groups}
    assert shapes == {"so-ban-nganh": (8, 39, 58), "huyen": (8, 42, 58)}
    for group in criteria.groups:
        assert sum(field.maximum for field in group.fields) + criteria.survey.maximum == D(100)
        assert [band.label for band in group.bands] == ["A", "B", "C", "D"]
        for node in (node for top in group.fields for node in top.walk() if node.children):
            assert sum(child.maximum for child in node.children) == node.maximum, node.id
    field = criteria.groups[0].fields[0]
    assert (field.id, field.label, field.maximum) == ("1", "Chỉ đạo, điều hành", D(11))
    assert field.children[0].children[0].id == "1.1.1"
    assert field.where.line is not None


def test_small_set_loads(write):
    criteria = read_criteria(write(SMALL))
    group = criteria.group("so-ban-nganh")
    assert group.find("1.1.2").maximum == D(6)
    assert group.find("1.1").maximum_without({"1.1.2"}) == D(4)
    assert group.find("1").maximum_without({"1.1", "1.1.1"}) == D(20)
    assert criteria.tie_policy.startswith("Xếp hạng theo giá trị chưa làm tròn")


@pytest.fixture
def write(tmp_path):
    """Write a criteria set into tmp_path and return its path."""

    def write_text(text: str) -> Path:
        path = tmp_path / "criteria.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write_text


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the first line containing `marker`, found without the code under test."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if marker in line)


BROKEN = [
    # (code, change to SMALL, marker of the line the problem must point at)
    ("criteria.points_mismatch", ("maximum: 6}", "maximum: 5}"), "            maximum: 10"),
    ("criteria.points_mismatch", ("        maximum: 50", "        maximum: 49"), "    fields:"),
    ("criteria.count_mismatch", ("criteria: 2, sub_criteria", "criteria: 3, sub_criteria"), "counts:"),
    ("criteria.duplicate_id", ('id: "1.2", name', 'id: "1.1", name'), 'id: "1.1", name: "Báo cáo"'),
    ("criteria.bad_id", ('id: "1.1.2"', 'id: "1.2.2"'), 'id: "1.2.2"'),
    ("criteria.bad_survey", ("maximum: 20}", "maximum: 120}"), "survey:"),
    ("criteria.bad_bands", ("minimum: 0}", "minimum: 90}"), "bands:"),
    ("criteria.unknown_key", ("issued_by:", "issued:"), "issued:"),
    ("criteria.wrong_type", ('id: "1.2"', "id: 1.2"), "id: 1.2"),
    ("criteria.missing_key", ("        name: Thủ tục hành chính\n", ""), '      - id: "2"'),
    ("criteria.bad_value", ("maximum: 30", "maximum: -30"), "maximum: -30"),
]


@pytest.mark.parametrize("code, change, marker", BROKEN,
                         ids=[f"{code}-{i}" for i, (code, _, _) in enumerate(BROKEN)])
def test_broken_sets_give_code_and_line(write, code, change, marker):
    old, new = change
    assert old in SMALL
    text = SMALL.replace(old, new, 1)
    with pytest.raises(InputError) as raised:
        read_criteria(write(text))
    found = [(problem.code, problem.location.line) for problem in raised.value.problems]
    assert (code, line_of(text, marker)) in found, found
    assert all(problem.hint or problem.code.startswith("criteria.") for problem in raised.value.problems)


def test_every_problem_is_reported_at_once(write):
    text = (SMALL.replace("maximum: 6}", "maximum: 5}").replace('id: "1.2", name', 'id: "1.1", name')
            .replace("fields: 2,", "fields: 3,"))
    with pytest.raises(InputError) as raised:
        read_criteria(write(text))
    codes = sorted(problem.code for problem in raised.value.problems)
    assert codes == ["criteria.count_mismatch", "criteria.duplicate_id", "criteria.points_mismatch"]


def test_duplicate_yaml_keys_are_refused(write):
    with pytest.raises(InputError) as raised:
        read_criteria(write(SMALL.replace("total: 100\n", "total: 100\ntotal: 90\n")))
    assert [p.code for p in raised.value.problems] == ["yaml.duplicate_key"]
