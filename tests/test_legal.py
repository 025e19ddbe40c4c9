"""The legal basis registry: typed entries, full checking, statuses on a day, composed citations."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from pipeline.build.options import BUNDLED_REGISTRY
from pipeline.cli.commands import main
from pipeline.domain.legal import IN_FORCE, NOT_YET, REPLACED, basis_line, citation
from pipeline.inputs.registry import read_registry
from pipeline.problems import InputError

GOOD = """type: Quyết định
number: 10/QĐ-UBND
date: 2024-03-01
issuer: Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn
title: ban hành quy định thử
effective: 2024-03-01
"""


@pytest.fixture(scope="module")
def registry():
    return read_registry([BUNDLED_REGISTRY])


def test_statuses_on_a_day(registry):
    before, after = registry.as_of(dt.date(2025, 6, 15)), registry.as_of(dt.date(2025, 6, 16))
    assert before.status("luat-tccqdp-2015").state == IN_FORCE
    assert before.status("luat-tccqdp-2015").amended_by == ("luat-sua-doi-tccp-tccqdp-2019",)
    status = after.status("luat-tccqdp-2015")
    assert (status.state, status.by, status.since) == (REPLACED, "luat-tccqdp-2025", dt.date(2025, 6, 16))
    assert before.status("luat-tccqdp-2025").state == NOT_YET
    # 1863 (2018) → 1719 (2019) → 2498 (2020) → 1699 (2023): the chain resolves to what is in force
    assert registry.as_of(dt.date(2024, 1, 1)).in_force_successor("lang-son/qd-1863-2018") == "lang-son/qd-1699-2023"
    assert registry.as_of(dt.date(2020, 1, 1)).in_force_successor("lang-son/qd-1863-2018") == "lang-son/qd-1719-2019"


def test_citations_are_composed_from_fields(registry):
    assert citation(registry.get("luat-tccqdp-2025"), "Lạng Sơn") == "Luật Tổ chức chính quyền địa phương ngày 16/6/2025"
    assert citation(registry.get("nd-30-2020"), "Lạng Sơn") == (
        "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư")
    qd = registry.get("lang-son/qd-1699-2023")
    assert citation(qd, "Lạng Sơn").startswith("Quyết định số 1699/QĐ-UBND ngày 19/10/2023 của Chủ tịch Ủy ban nhân "
                                               "dân tỉnh ban hành")
    assert "tỉnh Lạng Sơn ban hành" in citation(qd, "Cao Bằng")  # another province keeps the full issuer
    line = basis_line([registry.get("luat-tccqdp-2015"), registry.get("luat-sua-doi-tccp-tccqdp-2019")], "Lạng Sơn")
    assert line == ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số điều "
                    "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22/11/2019")


BAD_REGISTRIES = {
    # name: (file → text, expected code, file, line)
    "unknown_field": ({"qd-10.yaml": GOOD + "effect: 2024-03-01\n"}, "registry.unknown_key", "qd-10.yaml", 7),
    "bad_date": ({"qd-10.yaml": GOOD.replace("date: 2024-03-01", "date: 2024-02-30")}, "registry.bad_date",
                 "qd-10.yaml", 3),
    "dangling_replaces": ({"qd-10.yaml": GOOD + "replaces: [lang-son/qd-0000-2000]\n"}, "registry.dangling_link",
                          "qd-10.yaml", 7),
    "cycle": ({"a.yaml": GOOD + "replaces: [b]\n",
               "b.yaml": GOOD.replace("10/QĐ", "11/QĐ") + "replaces: [a]\n"}, "registry.cycle", "a.yaml", 7),
    "duplicate_number": ({"qd-10.yaml": GOOD, "qd-10-copy.yaml": GOOD}, "registry.duplicate_number",
                         "qd-10-copy.yaml", 2),
    "replaced_before_effective": ({"qd-10.yaml": GOOD.replace("2024-03-01", "2015-01-01") + "replaces: [luat-tccqdp-2015]\n"},
                                  "registry.replaced_before_effective", "qd-10.yaml", 6),
    # the same document written differently is still the same document
    "duplicate_spacing": ({"qd-10.yaml": GOOD, "qd-10-b.yaml": GOOD.replace("Chủ tịch Ủy", "Chủ tịch  Ủy")},
                          "registry.duplicate_number", "qd-10-b.yaml", 2),
    "duplicate_ubnd": ({"qd-10.yaml": GOOD, "qd-10-b.yaml": GOOD.replace("Ủy ban nhân dân", "UBND")},
                       "registry.duplicate_number", "qd-10-b.yaml", 2),
    "duplicate_lower_case_number": ({"nd-30-copy.yaml": GOOD.replace("Quyết định", "Nghị định").replace(
        "10/QĐ-UBND", "30/2020/nd-cp").replace("Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn", "chính phủ")},
        "registry.duplicate_number", "nd-30-copy.yaml", 2),
    "duplicate_law_by_title": ({"a.yaml": "type: Luật\ndate: 2024-03-01\ntitle: Thử  nghiệm\neffective: 2024-03-01\n",
                                "b.yaml": "type: Luật\ndate: 2024-03-01\ntitle: thử nghiệm\neffective: 2024-03-01\n"},
                               "registry.duplicate_number", "b.yaml", 3),
    "effective_before_signed": ({"qd-10.yaml": GOOD.replace("effective: 2024-03-01", "effective: 2024-02-01")},
                                "registry.effective_before_signed", "qd-10.yaml", 6),
    "cycle_through_amends": ({"a.yaml": GOOD + "amends: [b]\n",
                              "b.yaml": GOOD.replace("10/QĐ", "11/QĐ") + "replaces: [a]\n"}, "registry.cycle",
                             "a.yaml", 7),
}


@pytest.mark.parametrize("name", sorted(BAD_REGISTRIES))
def test_bad_registry_files_have_their_code_and_line(name, tmp_path):
    files, code, file, line = BAD_REGISTRIES[name]
    for file_name, text in files.items():
        (tmp_path / file_name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_registry([BUNDLED_REGISTRY, tmp_path])
    matching = [p for p in raised.value.problems if p.code == code]
    assert matching, [p.code for p in raised.value.problems]
    locations = {(p.location.file.name, p.location.line) for p in matching}
    assert (file, line) in locations, locations
    if name == "cycle_through_amends":
        assert {p.location.key for p in matching} == {"amends"}


def test_bad_registry_stops_the_build_with_located_problems(tmp_path, runner):
    (tmp_path / "qd-10.yaml").write_text(GOOD + "replaces: [khong-co]\n", encoding="utf-8")
    result = runner.invoke(main, ["build", "fixtures/cases/lang-son-2023-issued", "--out", str(tmp_path / "out"),
                                  "--registry", str(tmp_path)])
    assert result.exit_code == 1
    assert "qd-10.yaml:7: replaces: lỗi:" in result.stderr and "[registry.dangling_link]" in result.stderr
    assert not (tmp_path / "out").exists()


def test_basis_list_json_and_show(runner):
    result = runner.invoke(main, ["basis", "list", "--as-of", "2026-01-01", "--json"])
    assert result.exit_code == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)["documents"]}
    assert rows["luat-tccqdp-2015"]["state"] == REPLACED and rows["luat-tccqdp-2015"]["replaced_by"] == "luat-tccqdp-2025"
    assert rows["lang-son/qd-1699-2023"]["state"] == IN_FORCE
    result = runner.invoke(main, ["basis", "show", "lang-son/qd-1863-2018", "--as-of", "2024-01-01"])
    assert result.exit_code == 0
    assert "05/9/2019: lang-son/qd-1863-2018 được thay thế bởi lang-son/qd-1719-2019" in result.stdout
    assert "02/12/2020: lang-son/qd-1719-2019 được thay thế bởi lang-son/qd-2498-2020" in result.stdout
    assert "19/10/2023: lang-son/qd-2498-2020 được thay thế bởi lang-son/qd-1699-2023" in result.stdout
    assert runner.invoke(main, ["basis", "show", "khong-co"]).exit_code == 1


def test_basis_affected_follows_replacements(runner):
    result = runner.invoke(main, ["basis", "affected", "lang-son/qd-1699-2023", "fixtures/cases/lang-son-2020-par",
                                  "fixtures/cases/lang-son-2023-sipas-par", "--json"])
    assert result.exit_code == 0, result.stderr
    found = {(Path(row["case"]).name, row["cites"]) for row in json.loads(result.stdout)}
    assert found == {("lang-son-2020-par", "lang-son/qd-2498-2020"),
                     ("lang-son-2023-sipas-par", "lang-son/qd-1699-2023")}


def test_registry_ids_come_from_paths(tmp_path):
    folder = tmp_path / "cao-bang"
    folder.mkdir()
    (folder / "qd-10-2024.yaml").write_text(GOOD, encoding="utf-8")
    registry = read_registry([BUNDLED_REGISTRY, tmp_path])
    assert registry.get("cao-bang/qd-10-2024").number == "10/QĐ-UBND"
    shutil.rmtree(folder)
