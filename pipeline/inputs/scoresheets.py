"""Read PAR and SIPAS score sheets (.xlsx) into ScoreTables, with every problem at its cell.

The header row is found by its labels in the first 20 rows of each visible worksheet (a title,
a note or a merged group heading may stand above or across it); it may span several rows when
the name header is merged down across them. Columns are known by their header, in any order:

PAR (one worksheet per agency group, or one for all):
    STT | Tên cơ quan, đơn vị | Nhóm | LV1 … LV8 | Điều tra XHH | Tổng điểm | Không đánh giá | Ghi chú
  - a field column is headed `LV1`, `Lĩnh vực 1` or `1. <tên>`; text in brackets such as `(11)` is
    ignored. Criterion columns (`TC1.2`, `1.2`, `1.2.3`) may be added: when a sheet gives every
    part of a field or criterion, the subtotal is checked against them.
  - `Không đánh giá` lists the ids of criteria that do not apply to the agency, separated by `;`
    (`6.3; 7.4.2`); their points leave its maximum and their cells stay blank.
  - `Nhóm` (group id or name), `STT`, `Tổng điểm` and `Ghi chú` are optional; `Tổng điểm` is checked.
SIPAS:
    STT | Tên cơ quan, đơn vị | Nhóm | one column per component (%) | Chỉ số hài lòng | Ghi chú
  - components are headed by their names (`Tiếp cận dịch vụ`, …); values are percentages,
    typed as 85,5 or as 85,5 % (a cell formatted as a percentage).

Rows: blank rows, total rows (`Tổng cộng`, `Cộng`, `Trung bình`), column-number rows (`(1)`, `(2)`)
and text-only rows that name no agency (group headings, signatures) are skipped. Agency names are
matched to the agency list (case, spacing, `Ủy ban nhân dân`/`UBND` and tone placement aside).
Numbers may be typed as text with a decimal comma (`85,5`).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pipeline import vn
from pipeline.inputs.workbook import Cell, Sheet, Workbook, column_letter, number, read_workbook
from pipeline.problems import Location, Problem, Severity
from pipeline.records import frozen_map
from pipeline.scoring.checks import check_par, check_sipas, is_not_assessed
from pipeline.scoring.records import (
    NATIONAL_SIPAS,
    SURVEY,
    TOTAL,
    AgencyList,
    CriteriaSet,
    ScoreRow,
    ScoreTable,
    SipasMethod,
    level_name,
)

HEADER_SEARCH_ROWS = 20

STT, AGENCY, GROUP, NOT_ASSESSED, NOTE = "stt", "agency", "group", "not_assessed", "note"

LABELS = {STT: "STT", AGENCY: "Tên cơ quan, đơn vị", GROUP: "Nhóm", NOT_ASSESSED: "Không đánh giá",
          NOTE: "Ghi chú", SURVEY: "Điều tra XHH", TOTAL: "Tổng điểm"}
"""The header each column is written with (`blanksheet`); the reader accepts these and `_ALIASES`."""

SIPAS_TOTAL_LABEL = "Chỉ số hài lòng"

_ALIASES = {
    STT: ("stt", "tt", "số tt", "số thứ tự"),
    AGENCY: ("tên cơ quan, đơn vị", "cơ quan, đơn vị", "tên cơ quan", "tên đơn vị", "đơn vị", "cơ quan"),
    GROUP: ("nhóm", "khối", "nhóm cơ quan"),
    NOTE: ("ghi chú",),
}
_PAR_ALIASES = {
    NOT_ASSESSED: ("không đánh giá", "tiêu chí không đánh giá", "kđg"),
    SURVEY: ("điều tra xhh", "điều tra xã hội học", "điểm điều tra xhh", "điểm điều tra xã hội học"),
    TOTAL: ("tổng điểm", "tổng cộng", "tổng"),
}
_SIPAS_TOTALS = ("chỉ số hài lòng", "chỉ số sipas", "sipas", "chỉ số chung")
_TOTAL_ROWS = re.compile(r"^(tổng cộng|tổng số|tổng|cộng|trung bình|bình quân)\b")
_NUMBERING = re.compile(r"^\(?\d+\)?$")
_FIELD = re.compile(r"^(?:lv|lĩnh vực)\s*(\d+)\b")
_CRITERION = re.compile(r"^(?:tc|tiêu chí(?: thành phần)?)\s*(\d+(?:\.\d+)*)\b")
_BARE_ID = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s|$)")


def read_par_sheet(path: Path, criteria: CriteriaSet,
                   agencies: AgencyList) -> tuple[ScoreTable, tuple[Problem, ...]]:
    """The PAR score sheet at `path` and every problem with it (reading and `score_checks.check_par`).

    Raises InputError only when the file cannot be read as an .xlsx. The table holds the rows that
    name a listed agency of a group the criteria cover; rank it only when no problem is an error.
    """
    ids = {node.id for group in criteria.groups for top in group.fields for node in top.walk()}
    aliases = _aliases({**_ALIASES, **_PAR_ALIASES})
    if criteria.survey is None:  # a survey column is then unknown
        aliases = {label: key for label, key in aliases.items() if key != SURVEY}
    else:
        aliases.update({_label_key(criteria.survey.name): SURVEY, _label_key(criteria.survey.short): SURVEY})

    def classify(label: str) -> str | None:
        if label in aliases:
            return aliases[label]
        for pattern in (_FIELD, _CRITERION, _BARE_ID):
            match = pattern.match(label)
            if match:
                return match[1] if match[1] in ids else f"?{match[1]}"
        return None

    def required(key: str, group: str, listed: set[str]) -> bool:
        """The survey, and every field or criterion column of the group that is assessed."""
        return key == SURVEY or (criteria.group(group).find(key) is not None
                                 and not is_not_assessed(key, listed))

    def columns_needed(groups: set[str], present: set[str]) -> list[tuple[str, str]]:
        needed = [(SURVEY, criteria.survey.short)] if criteria.survey else []
        for group in criteria.groups:
            if group.id in groups:
                needed.extend((top.id, f"LV{top.id}") for top in group.fields)
                needed.extend((child.id, level_name(child.id).capitalize()) for top in group.fields
                              for node in top.walk() if any(c.id in present for c in node.children)
                              for child in node.children)
        return list(dict.fromkeys(needed))

    spec = _Spec("par", classify, required, columns_needed, lambda group: criteria.group(group) is not None,
                 sorted(LABELS.values()) + [f"LV{top.id}" for top in criteria.groups[0].fields])
    workbook = read_workbook(path)
    table, problems = _read(workbook, agencies, spec)
    return table, problems + check_par(table, criteria, agencies)


def read_sipas_sheet(path: Path, agencies: AgencyList,
                     method: SipasMethod = NATIONAL_SIPAS) -> tuple[ScoreTable, tuple[Problem, ...]]:
    """The SIPAS sheet at `path` and every problem with it (reading and `score_checks.check_sipas`)."""
    aliases = _aliases(_ALIASES)
    aliases.update({_label_key(text): TOTAL for text in _SIPAS_TOTALS})
    for component in method.components:
        aliases.update({_label_key(component.name): component.id, _label_key(component.short): component.id})
    components = {component.id: component.name for component in method.components}

    def columns_needed(groups: set[str], present: set[str]) -> list[tuple[str, str]]:
        return list(components.items())

    spec = _Spec("sipas", aliases.get, lambda key, group, listed: key in components, columns_needed,
                 lambda group: True, sorted({LABELS[STT], LABELS[AGENCY], LABELS[GROUP], LABELS[NOTE],
                                             SIPAS_TOTAL_LABEL, *components.values()}))
    workbook = read_workbook(path)
    table, problems = _read(workbook, agencies, spec)
    return table, problems + check_sipas(table, method, agencies)


@dataclass(frozen=True, slots=True)
class _Spec:
    """What differs between PAR and SIPAS sheets."""

    index: str
    classify: Callable[[str], str | None]  # header label key → column key; "?id" for an unknown criterion id
    required: Callable[[str, str, set[str]], bool]  # (column key, group, not assessed ids) → value required
    columns_needed: Callable[[set[str], set[str]], list[tuple[str, str]]]  # (groups, keys) → [(key, label)]
    covers: Callable[[str], bool]  # whether a group is scored by this sheet
    labels: list[str]  # known header labels, for "did you mean"


@dataclass(slots=True)
class _Reading:
    path: Path
    agencies: AgencyList
    spec: _Spec
    rows: list[ScoreRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    uncovered: set[str] = field(default_factory=set)

    def add(self, code: str, message: str, where: Location, hint: str | None = None,
            severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(code, message, where, hint, severity))


def _read(workbook: Workbook, agencies: AgencyList, spec: _Spec) -> tuple[ScoreTable, tuple[Problem, ...]]:
    reading = _Reading(workbook.path, agencies, spec)
    sheets = [sheet for sheet in workbook.sheets if sheet.cells]
    if not sheets:
        reading.add("scores.empty_sheet", f"Tệp {workbook.path.name} không có dữ liệu.",
                    Location(file=workbook.path),
                    "Kiểm tra lại tệp: có thể đã chọn nhầm tệp hoặc dữ liệu nằm ở trang tính bị ẩn.")
    for sheet in sheets:
        _read_sheet(sheet, reading)
    table = ScoreTable(spec.index, workbook.path, workbook.sha256, tuple(reading.rows))
    return table, workbook.notes + tuple(reading.problems)


def _read_sheet(sheet: Sheet, reading: _Reading) -> None:
    header = _find_header(sheet)
    if header is None:
        reading.add("scores.no_header",
                    f"Trang tính «{sheet.title}» không có dòng tiêu đề (không thấy cột «{LABELS[AGENCY]}» "
                    f"trong {HEADER_SEARCH_ROWS} dòng đầu).", Location(file=reading.path, sheet=sheet.title),
                    f"Đặt dòng tiêu đề ở đầu bảng, có cột «{LABELS[AGENCY]}»; "
                    f"hoặc xóa trang tính không dùng.")
        return
    first, last, name_column = header
    columns = frozen_map(_columns(sheet, first, last, reading))  # shared by every row's locations
    before = len(reading.rows)
    for row in range(last + 1, sheet.max_row + 1):
        read = len(reading.rows)
        _read_row(sheet, row, columns, reading)
        if row in sheet.hidden_rows and len(reading.rows) > read:
            scored = reading.rows[-1]
            reading.add("scores.hidden_row", f"Dòng {row} ({scored.agency}) đang ẩn nhưng vẫn được tính điểm.",
                        scored.where[AGENCY], "Bỏ ẩn dòng (Unhide) để kiểm tra, hoặc xóa dòng nếu không công bố.",
                        Severity.WARNING)
    rows = reading.rows[before:]
    for column in columns.values():
        if column in sheet.hidden_columns:
            reading.add("scores.hidden_column", f"Cột {column_letter(column)} đang ẩn nhưng vẫn được đọc.",
                        sheet.location(reading.path, first, column),
                        "Bỏ ẩn cột (Unhide) để kiểm tra số liệu trước khi công bố.", Severity.WARNING)
    if not rows:
        reading.add("scores.empty_sheet",
                    f"Trang tính «{sheet.title}» có tiêu đề nhưng không có dòng cơ quan nào.",
                    sheet.location(reading.path, last, name_column),
                    "Nhập mỗi cơ quan một dòng dưới dòng tiêu đề.")
    groups = {row.group for row in rows}
    for key, label in reading.spec.columns_needed(groups, set(columns)):
        if key not in columns:
            reading.add("scores.missing_column", f"Trang tính «{sheet.title}» thiếu cột «{label}».",
                        sheet.location(reading.path, first),
                        f"Thêm cột «{label}» vào dòng tiêu đề (dòng {first}).")


def _find_header(sheet: Sheet) -> tuple[int, int, int] | None:
    """(first row, last row, name column) of the header, or None."""
    agency_labels = set(_ALIASES[AGENCY])
    for row in range(1, min(HEADER_SEARCH_ROWS, sheet.max_row) + 1):
        for column in range(1, sheet.max_column + 1):
            value = sheet.cell(row, column).value
            if isinstance(value, str) and _label_key(value) in agency_labels:
                last = row
                while sheet.anchors.get((last + 1, column)) == sheet.anchors.get((row, column), ()):
                    last += 1
                return row, last, column
    return None


def _columns(sheet: Sheet, first: int, last: int, reading: _Reading) -> dict[str, int]:
    """Column key → column number, from the header rows; unknown and repeated headers are reported."""
    columns: dict[str, int] = {}
    for column in range(1, sheet.max_column + 1):
        texts = [str(sheet.cell(row, column, merged=True).value) for row in range(last, first - 1, -1)]
        texts = [text for text in dict.fromkeys(texts) if text]
        if not texts:
            continue
        keys = [reading.spec.classify(_label_key(text)) for text in texts]
        key = next((key for key in keys if key and not key.startswith("?")), None)
        where = sheet.location(reading.path, last, column)
        if key is None:
            unknown = next((key[1:] for key in keys if key), None)
            if unknown is not None:
                reading.add("scores.unknown_column",
                            f"Bộ tiêu chí không có {level_name(unknown)} (cột «{vn.excerpt(texts[0])}»).", where,
                            "Kiểm tra số lĩnh vực, tiêu chí theo bộ tiêu chí đang áp dụng.")
            else:
                guess = difflib.get_close_matches(texts[0], reading.spec.labels, n=1, cutoff=0.5)
                reading.add("scores.unknown_column", f"Không rõ cột «{vn.excerpt(texts[0])}».", where,
                            f"Có phải ý là «{guess[0]}»?" if guess else
                            "Đặt tiêu đề theo mẫu bảng điểm (xem README), hoặc xóa cột này.")
        elif key in columns:
            reading.add("scores.duplicate_column", f"Cột «{vn.excerpt(texts[0])}» xuất hiện hai lần.", where,
                        "Xóa một trong hai cột.")
        else:
            columns[key] = column
    return columns


def _read_row(sheet: Sheet, row: int, columns: Mapping[str, int], reading: _Reading) -> None:
    """One row below the header: an agency's scores, or a row to skip (see the module docstring)."""
    where = _RowLocations(sheet, reading.path, row, columns)
    cells = {key: sheet.cell(row, column) for key, column in columns.items()}
    value_keys = [key for key in columns if key not in (STT, AGENCY, GROUP, NOT_ASSESSED, NOTE)]
    if cells[AGENCY].formula_without_value:
        _formula(reading, where[AGENCY])
        return
    name = str(cells[AGENCY].value)
    if not name:
        if any(number(cells[key]) is not None for key in value_keys):
            reading.add("scores.unknown_agency", f"Dòng {row} có điểm nhưng không có tên cơ quan.",
                        where[AGENCY], "Ghi tên cơ quan như trong danh sách cơ quan, hoặc xóa dòng này.")
        return
    stt = str(cells[STT].value) if STT in cells else ""
    if _TOTAL_ROWS.match(_label_key(name)) or _TOTAL_ROWS.match(_label_key(stt)) or _NUMBERING.match(name):
        return
    found = reading.agencies.find(name)
    if found is None:
        if any(not cells[key].blank for key in value_keys):  # a row of text only is a heading or a note
            guess = reading.agencies.suggest(name)
            reading.add("scores.unknown_agency", f"«{vn.excerpt(name)}» không có trong danh sách cơ quan.", where[AGENCY],
                        f"Có phải ý là «{guess}»?" if guess else
                        "Ghi tên cơ quan như trong danh sách cơ quan.")
        return
    group, agency = found
    if not reading.spec.covers(group):
        if group not in reading.uncovered:
            reading.uncovered.add(group)
            reading.add("scores.group_without_criteria", f"Bộ tiêu chí không có nhóm «{group}» của {agency}.",
                        where[AGENCY],
                        "Bổ sung nhóm này vào bộ tiêu chí, hoặc bỏ các dòng của nhóm khỏi bảng điểm.")
        return
    if GROUP in cells and not cells[GROUP].blank:
        _check_group(cells[GROUP], group, agency, where[GROUP], reading)
    listed = _not_assessed(cells.get(NOT_ASSESSED))
    values: dict[str, Decimal] = {}
    not_assessed = set(listed)
    for key in value_keys:
        value = _value(cells[key], lambda key=key: reading.spec.required(key, group, not_assessed), agency,
                       lambda key=key: where[key], reading)
        if value is not None:
            values[key] = value
    reading.rows.append(ScoreRow(agency, group, frozen_map(values), listed, where))


class _RowLocations(Mapping[str, Location]):
    """Column key → the location of its cell in one row, made when asked for: a row has twenty or so
    columns and only the cells with a problem are ever located."""

    __slots__ = ("_columns", "_path", "_row", "_sheet")

    def __init__(self, sheet: Sheet, path: Path, row: int, columns: Mapping[str, int]):
        self._sheet, self._path, self._row, self._columns = sheet, path, row, columns

    def __getitem__(self, key: str) -> Location:
        return self._sheet.location(self._path, self._row, self._columns[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def _value(cell: Cell, required: Callable[[], bool], agency: str, locate: Callable[[], Location],
           reading: _Reading) -> Decimal | None:
    """The number in `cell`, or None after reporting why not. `required` and `locate` are only called
    when a problem needs them: most cells hold a plain number."""
    if cell.formula_without_value:
        _formula(reading, locate())
        return None
    if cell.value == "":
        if required():
            where = locate()
            reading.add("scores.missing_value", f"Thiếu điểm của {agency} ở ô {where.cell}.", where,
                        "Nhập điểm; nếu tiêu chí không áp dụng, ghi mã của nó vào cột «Không đánh giá».")
        return None
    value = number(cell)
    if value is None:
        where, text = locate(), str(cell.value)
        if text.startswith("#"):
            hint = "Ô là lỗi công thức của Excel; sửa công thức rồi lưu lại."
        elif vn.nfc(text).casefold() in {"kđg", "x", "-", "không đánh giá"}:
            hint = "Để trống ô và ghi mã tiêu chí vào cột «Không đánh giá»."
        else:
            hint = "Nhập một số, ví dụ 8,5."
        reading.add("scores.not_a_number", f"Ô {where.cell} của {agency} ghi «{vn.excerpt(text)}», không phải một số.",
                    where, hint)
    return value


def _check_group(cell: Cell, group: str, agency: str, where: Location, reading: _Reading) -> None:
    given = reading.agencies.group_of_text(str(cell.value))
    names = ", ".join(f"«{g.name}»" for g in reading.agencies.groups)
    if given is None:
        reading.add("scores.unknown_group", f"Nhóm «{vn.excerpt(cell.value)}» không có trong danh sách cơ quan.", where,
                    f"Ghi một trong: {names}.")
    elif given != group:
        listed = reading.agencies.group(group)
        reading.add("scores.wrong_group", f"{agency} thuộc nhóm «{listed.name}», không phải «{vn.excerpt(cell.value)}».",
                    where, f"Sửa ô này thành «{listed.name}».")


def _not_assessed(cell: Cell | None) -> tuple[str, ...]:
    """Criterion ids listed in the "Không đánh giá" cell: separated by `;` or spaces (`6.3; 7.4.2`)."""
    if cell is None or cell.blank:
        return ()
    value = cell.value
    text = f"{value:.15g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return tuple(item.strip(".,") for item in re.split(r"[;\s]+", text) if item.strip(".,"))


def _formula(reading: _Reading, where: Location) -> None:
    reading.add("scores.formula_without_value",
                f"Ô {where.cell} có công thức nhưng chưa có giá trị tính sẵn (tệp chưa được mở và lưu "
                f"bằng Excel).",
                where, "Mở tệp bằng Excel hoặc LibreOffice, để bảng tính tự tính lại, rồi lưu lại.")


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_label_key(text): key for key, texts in table.items() for text in texts}


@functools.lru_cache(maxsize=4096)
def _label_key(text: str) -> str:
    """A header label as compared: NFC, case-folded, without bracketed parts, single spaces."""
    text = re.sub(r"\([^)]*\)", " ", vn.nfc(text).casefold())
    return " ".join(text.split()).strip(" .:")
