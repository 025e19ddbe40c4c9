"""Hostile and accidental YAML inputs and the paths a case names (issue 13, items 6, 7, 11, 14).

Every reader of a YAML file (case, registry entry, agency list, criteria set) refuses anchors and aliases,
raw control and invisible characters at their line, and values YAML cannot construct, without a traceback.
A case reads only regular files of bounded size inside its workspace. Resource tests run the reader in a
child process and assert its refusal and its peak memory (ru_maxrss), never a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.inputs.agencies import read_agencies
from pipeline.inputs.criteria import read_criteria
from pipeline.inputs.files import MAX_YAML_BYTES, read_bytes
from pipeline.inputs.load import read_case
from pipeline.inputs.registry import read_registry
from pipeline.problems import InputError, Problem

ROOT = Path(__file__).resolve().parent.parent
ISSUED = "lang-son-2023-issued"


def _registry(path: Path) -> object:
    return read_registry([path.parent])


READERS: dict[str, Callable[[Path], object]] = {
    "case": read_case, "registry": _registry, "agencies": read_agencies, "criteria": read_criteria}
PREFIX = {"case": "yaml", "registry": "registry", "agencies": "yaml", "criteria": "yaml"}


def problems_of(kind: str, path: Path) -> tuple[Problem, ...]:
    with pytest.raises(InputError) as raised:
        READERS[kind](path)
    return raised.value.problems


def write(tmp_path: Path, kind: str, data: bytes) -> Path:
    folder = tmp_path / kind
    folder.mkdir()
    path = folder / ("case.yaml" if kind == "case" else "entry.yaml")
    path.write_bytes(data)
    return path


def _codes_lines(problems) -> set[tuple[str, int | None]]:
    return {(p.code, p.location.line) for p in problems}


# ------------------------------------------------------------------ item 6: anchors, aliases, long values


@pytest.mark.parametrize("kind", sorted(READERS))
def test_anchors_and_aliases_are_refused_at_their_line_by_every_reader(kind, tmp_path):
    path = write(tmp_path, kind, b"a: &x [1, 2]\nb: *x\n")
    prefix = PREFIX[kind]
    assert _codes_lines(problems_of(kind, path)) == {(f"{prefix}.alias", 1), (f"{prefix}.alias", 2)}


_BOMB = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(6)]
_CHILD = """
import json, resource, sys
from pathlib import Path
from pipeline.inputs.load import read_case
from pipeline.problems import InputError
try:
    read_case(Path(sys.argv[1]))
    codes, size = [], 0
except InputError as exc:
    codes = [p.code for p in exc.problems]
    size = sum(len(p.message) for p in exc.problems)
print(json.dumps({"codes": sorted(set(codes)), "message_chars": size,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _in_child(script: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


EXTRA_KB = 40_000
"""What refusing a hostile file may cost above reading a fixture case in the same kind of child process."""


def test_a_billion_laughs_case_is_refused_with_bounded_memory(tmp_path):
    # ten million leaves once expanded; here not one is made, and the refusal names the lines
    case = tmp_path / "case.yaml"
    case.write_text("\n".join(_BOMB + ["assessed_year: *g"]) + "\n", encoding="utf-8")
    report = _in_child(_CHILD, str(case))
    assert report["codes"] == ["yaml.alias"]
    assert report["message_chars"] < 20 * 200
    baseline = _in_child(_CHILD, str(ROOT / "fixtures/cases" / ISSUED))
    assert baseline["codes"] == []
    assert report["maxrss_kb"] < baseline["maxrss_kb"] + EXTRA_KB, (report, baseline)


def test_a_long_value_of_the_wrong_type_is_quoted_cut(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("template: quyet-dinh\nassessed_year: [" + ", ".join(["mười"] * 20_000) + "]\n",
                    encoding="utf-8")
    problems = problems_of("case", case)
    wrong = [p for p in problems if p.code == "case.wrong_type"]
    assert wrong and len(wrong[0].message) < 200, wrong
    assert "ký tự)" in wrong[0].message  # says how long the value was


# ------------------------------------------------------------------ item 11: bytes no reader may crash on


@pytest.mark.parametrize("kind", sorted(READERS))
@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x1b", "\ufffe"])
def test_raw_control_characters_are_problems_at_their_line(kind, char, tmp_path):
    path = write(tmp_path, kind, f"a: 1\nb: Sở{char}Nội vụ\n".encode())
    problems = problems_of(kind, path)
    assert _codes_lines(problems) == {(f"{PREFIX[kind]}.control_character", 2)}
    assert f"U+{ord(char):04X}" in problems[0].message


@pytest.mark.parametrize(("text", "code", "line"), [
    ("province: X\nb: !!float zz\n", "yaml.bad_value", 2),
    ("province: X\nb: !!python/name:os.system ''\n", "yaml.bad_value", 2),
    ("province: X\nb: 1" + "0" * 5000 + "\n", "yaml.bad_value", 2),
    ("province: " + "[" * 999 + "]" * 999 + "\n", "yaml.too_deep", 1),
    ("province: " + "[" * 1500 + "]" * 1500 + "\n", "yaml.syntax", 1),
    ("province: X\n\tb: 2\n", "yaml.syntax", 2),
    ("province: X\n" + "k" * 200 + ": 1\n", "yaml.bad_key", 2),
])
def test_values_yaml_cannot_construct_are_problems_not_tracebacks(text, code, line, tmp_path):
    path = write(tmp_path, "agencies", text.encode())
    assert (code, line) in _codes_lines(problems_of("agencies", path))


def test_points_beyond_a_number_are_refused_in_a_criteria_set(tmp_path):
    text = (ROOT / "fixtures/criteria/lang-son/par-2023.yaml").read_text(encoding="utf-8")
    path = tmp_path / "par.yaml"
    path.write_text(text.replace("total: 100", "total: .nan", 1), encoding="utf-8")
    problems = problems_of("criteria", path)
    assert {p.code for p in problems} == {"criteria.bad_value"}
    assert problems[0].location.key == "total"


# ------------------------------------------------------------------ item 14: invisible characters


@pytest.mark.parametrize("kind", sorted(READERS))
@pytest.mark.parametrize(("char", "name"), [("\u200b", "ZERO WIDTH SPACE"), ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
                                            ("\u2060", "WORD JOINER"), ("\ufeff", "ZERO WIDTH NO-BREAK SPACE")])
def test_invisible_characters_are_named_at_their_line(kind, char, name, tmp_path):
    path = write(tmp_path, kind, f"a: 1\nb: Sở{char} Nội vụ\n".encode())
    problems = problems_of(kind, path)
    assert _codes_lines(problems) == {(f"{PREFIX[kind]}.invisible_character", 2)}
    assert f"U+{ord(char):04X} {name}" in problems[0].message


def test_a_byte_order_mark_at_the_start_is_how_notepad_saves_and_is_accepted(tmp_path):
    path = tmp_path / "agencies.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (ROOT / "fixtures/agencies/lang-son-2023.yaml").read_bytes())
    assert read_agencies(path).province == "Lạng Sơn"


def test_an_escaped_invisible_character_in_case_text_is_refused_by_name(case_copy):
    case = case_copy(ISSUED) / "case.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("  - Thường trực Tỉnh ủy", '  - "Thường trực\\u200b Tỉnh ủy"'), encoding="utf-8")
    problems = problems_of("case", case)
    assert [(p.code, p.location.key) for p in problems] == [("case.control_character", "recipients[0]")]
    assert "U+200B ZERO WIDTH SPACE" in problems[0].message


# ------------------------------------------------------------------ item 7: what a case may read


def _case_with(case_copy, old: str, new: str) -> Path:
    case = case_copy(ISSUED) / "case.yaml"
    text = case.read_text(encoding="utf-8")
    assert old in text
    case.write_text(text.replace(old, new, 1), encoding="utf-8")
    return case


SHEET = "sipas: {sheet: ../lang-son-2023-sipas-par/sipas-2023.xlsx}"


@pytest.mark.parametrize(("value", "code"), [
    ("/dev/zero", "case.absolute_path"),
    ("/etc/passwd", "case.absolute_path"),
    ("~/sipas.xlsx", "case.absolute_path"),
    ("../../../../../../../../../../dev/zero", "case.path_outside"),
    ("../../scenarios/luat-2025/README.md", "case.path_outside"),
])
def test_a_case_reads_only_inside_its_workspace(case_copy, value, code):
    case = _case_with(case_copy, SHEET, f"sipas: {{sheet: {value}}}")
    problems = problems_of("case", case)
    assert [(p.code, p.location.key) for p in problems] == [(code, "scores.sipas.sheet")]
    line = case.read_text(encoding="utf-8").splitlines().index(f"  sipas: {{sheet: {value}}}") + 1
    assert problems[0].location.line == line


def test_a_link_in_the_case_folder_pointing_out_is_refused(case_copy, tmp_path):
    case = _case_with(case_copy, SHEET, "sipas: {sheet: diem.xlsx}")
    outside = tmp_path / "elsewhere.xlsx"
    outside.write_bytes(b"PK")
    (case.parent / "diem.xlsx").symlink_to(outside)
    assert [p.code for p in problems_of("case", case)] == ["case.path_outside"]
    (case.parent / "diem.xlsx").unlink()
    (case.parent / "diem.xlsx").symlink_to("/dev/zero")
    assert [p.code for p in problems_of("case", case)] == ["case.path_outside"]
    (case.parent / "diem.xlsx").unlink()
    (case.parent / "diem.xlsx").symlink_to(case.parent / "diem.xlsx")  # a link to itself
    assert [p.code for p in problems_of("case", case)] == ["case.path_outside"]


def test_a_device_a_pipe_a_folder_or_an_oversized_file_in_the_case_folder_is_refused(case_copy):
    case = _case_with(case_copy, "agencies: ../../agencies/lang-son-2023.yaml", "agencies: ds.yaml")
    target = case.parent / "ds.yaml"
    os.mkfifo(target)  # a reader opening it would wait for ever for a writer
    assert [(p.code, p.location.key) for p in problems_of("case", case)] == [("file.not_regular", "agencies")]
    target.unlink()
    target.mkdir()
    assert [p.code for p in problems_of("case", case)] == ["file.not_regular"]
    target.rmdir()
    with target.open("wb") as stream:
        stream.truncate(MAX_YAML_BYTES + 1)  # sparse: nothing is written
    problems = problems_of("case", case)
    assert [p.code for p in problems] == ["file.too_large"] and "2 MB" in problems[0].message


def test_the_fixture_layout_stays_readable(case_copy):
    """Its own folder, a sibling case's sheets, the workspace's criteria/ and agencies/."""
    case = read_case(case_copy(ISSUED)).case
    assert case.scores["par"].sheet.name == "par-2023.xlsx" and case.agencies.name == "lang-son-2023.yaml"


def test_devices_are_refused_before_anything_is_read():
    for device in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(InputError) as raised:
            read_bytes(Path(device))
        assert [p.code for p in raised.value.problems] == ["file.not_regular"]


_BUILD = """
import json, resource, sys
from click.testing import CliRunner
from pipeline.cli.commands import main
result = CliRunner().invoke(main, ["validate", sys.argv[1], "--json"])
codes = sorted({p["code"] for problems in json.loads(result.stdout).values() for p in problems})
print(json.dumps({"codes": codes, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def test_a_case_naming_dev_zero_is_refused_with_bounded_memory(case_copy):
    case = _case_with(case_copy, SHEET, "sipas: {sheet: ../../../../../../../../../../../dev/zero}")
    report = _in_child(_BUILD, str(case.parent))
    assert report["codes"] == ["case.path_outside"]
    baseline = _in_child(_BUILD, str(ROOT / "fixtures/cases" / ISSUED))
    assert baseline["codes"] == []
    assert report["maxrss_kb"] < baseline["maxrss_kb"] + EXTRA_KB, (report, baseline)


PASSWD = "root: x:0:0:root:/root:/bin/bash\ndaemon: x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


@pytest.mark.parametrize("kind", sorted(READERS))
def test_a_file_that_is_not_what_it_claims_is_not_echoed(kind, tmp_path):
    for content in (PASSWD, PASSWD.replace(": ", ":")):  # a mapping of other keys, or plain text
        path = tmp_path / kind / ("case.yaml" if kind == "case" else "entry.yaml")
        path.parent.mkdir(exist_ok=True)
        path.write_text(content, encoding="utf-8")
        problems = problems_of(kind, path)
        assert len(problems) == 1 and problems[0].code.endswith((".wrong_file", ".not_mapping")), problems
        shown = f"{problems[0].message} {problems[0].hint} {problems[0].location}"
        assert "daemon" not in shown and "bash" not in shown and "nologin" not in shown
