"""Starting a decision (from a kind or a copy), finding căn cứ in the registry, and taking uploads into a
case folder: the page's own writes, each into a folder it found by listing, never by a requested path."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from dataclasses import dataclass

from pipeline import vn
from pipeline.domain.legal import IN_FORCE, describe
from pipeline.domain.validate import check_day
from pipeline.inputs.casefile import _yaml
from pipeline.inputs.load import read_case
from pipeline.inputs.workspace import CASE_FILE
from pipeline.problems import InputError
from pipeline.web import actions
from pipeline.web.workspace import Workspace, files_in, write_new_file

SKELETON = """\
# Hồ sơ quyết định loại «{kind}», tạo trên trang web ngày {today}.
# Điền trên trang, hoặc sửa trực tiếp tệp này; lệnh qdgen đọc đúng tệp này.
template: {kind}
issuer:
  province: null        # tên tỉnh, ví dụ Lạng Sơn
  authority: chu-tich   # chu-tich hoặc uy-ban
number: null            # dự thảo: để null; văn thư cấp số khi ban hành
date: {year}            # NNNN, NNNN-TT hoặc NNNN-TT-NN
legal_basis: []         # các căn cứ, mỗi dòng một mã trong danh mục
signer:
  name: null
  title: Chủ tịch
"""
DOCX_PARTS = ("word/document.xml",)
XLSX_PARTS = ("xl/workbook.xml",)


def create_from_kind(workspace: Workspace, name: str, kind: str) -> None:
    """A new case folder holding the kind's skeleton case.yaml (ValueError / FileExistsError for the name)."""
    today = dt.date.today()
    folder = workspace.new_case_dir(name)
    write_new_file(folder, CASE_FILE, SKELETON.format(kind=kind, today=vn.short_date(today),
                                                      year=today.year).encode("utf-8"))


def create_from_copy(workspace: Workspace, name: str, source: str) -> None:
    """A new draft copied from an existing case: its case.yaml (with `number: null`) and its own files."""
    original = workspace.case_dir(source)
    folder = workspace.new_case_dir(name)
    for file in files_in(original, (".xlsx", ".yaml", ".yml")):
        shutil.copyfile(original / file, folder / file, follow_symlinks=False)
    yaml = _yaml()
    data = yaml.load((folder / CASE_FILE).read_text(encoding="utf-8"))
    if data.get("number") is not None:
        data["number"] = None
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    write_new_file(folder, CASE_FILE, buffer.getvalue().encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Found:
    id: str
    label: str
    status: str
    in_force: bool


def search_basis(workspace: Workspace, query: str, case_name: str | None = None, limit: int = 30) -> list[Found]:
    """Registry documents whose id, number or title hold every word of `query` (case and tone marks
    ignored), with their status on the decision's day (today for a case that cannot be read)."""
    registry = actions.registry(workspace)
    day = dt.date.today()
    if case_name:
        try:
            day = check_day(read_case(workspace.case_dir(case_name)).case, day)
        except InputError:
            pass
    snapshot = registry.as_of(day)
    words = vn.ascii_slug(query).lower().split("-") if query.strip() else []
    found = []
    for doc_id in sorted(registry.documents):
        doc = registry.documents[doc_id]
        haystack = vn.ascii_slug(f"{doc_id} {doc.type} {doc.number or ''} {doc.title}").lower()
        if all(word in haystack for word in words if word):
            status = snapshot.status(doc_id)
            found.append(Found(doc_id, f"{doc.type} {doc.number or ''} ngày {vn.short_date(doc.date)} {doc.title}",
                               describe(status), status.state == IN_FORCE))
        if len(found) >= limit:
            break
    return found


def is_office_file(data: bytes, parts: tuple[str, ...]) -> bool:
    """A zip package holding the parts a .docx or .xlsx must have (not just a file named so)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile:
        return False
    return all(part in names for part in parts)


def save_sheet(workspace: Workspace, name: str, index: str, data: bytes) -> str:
    """Store an uploaded score sheet under the file name the case gives that index's sheet (never the
    name it was uploaded with); KeyError for an index the case has no sheet for in its own folder."""
    target = actions.sheet_names(workspace, name)[index]
    with workspace.lock(name):
        write_new_file(workspace.case_dir(name), target, data)
    return target
