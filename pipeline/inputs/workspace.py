"""Which files a case may name: a case file is data from a clerk's desk (or an e-mail), never a key to the
machine's files.

A case may read, after every symbolic link is followed:
- anything inside its own folder;
- files of another case beside it: a folder next to its own that holds a `case.yaml`
  (an issued decision reuses its draft's score sheets: `../lang-son-2023-sipas-par/par-2023.xlsx`);
- the workspace's data folders: `criteria/` and `agencies/` in the folder that holds the cases' folder
  (`<workspace>/cases/<case>/` reads `../../criteria/…` and `../../agencies/…`);
- the project's bundled data folders, `fixtures/criteria/` and `fixtures/agencies/`.
Everything else is refused: absolute paths, `..` leading elsewhere, a link pointing out. A path that is
allowed must name a regular file within its size cap (`files.read_bytes`).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from pipeline import vn
from pipeline.inputs.files import MAX_XLSX_BYTES, MAX_YAML_BYTES, read_bytes_problem
from pipeline.problems import Location, Problem

CASE_FILE = "case.yaml"
DATA_FOLDERS = ("criteria", "agencies")
PROJECT = Path(__file__).resolve().parents[2]
BUNDLED_DATA = tuple(PROJECT / "fixtures" / name for name in DATA_FOLDERS)



def case_file(path: Path) -> Path:
    """A case is named by its folder or its case.yaml."""
    return path / CASE_FILE if path.is_dir() else path


_ALLOWED = ("thư mục của hồ sơ, thư mục một hồ sơ khác bên cạnh (có case.yaml), các thư mục criteria/ và "
            "agencies/ của nơi làm việc (../../criteria, ../../agencies) hoặc của dự án")


def may_read(case_folder: Path, target: Path) -> bool:
    """Whether a case in `case_folder` may read `target` (both as given; links are followed here)."""
    folder, target = case_folder.resolve(), target.resolve()
    if target.is_relative_to(folder):
        return True
    cases = folder.parent
    below = target.relative_to(cases).parts if target.is_relative_to(cases) else ()
    if len(below) > 1 and (cases / below[0] / CASE_FILE).is_file():  # a file of another case's folder
        return True
    roots = [cases.parent / name for name in DATA_FOLDERS] + [root.resolve() for root in BUNDLED_DATA]
    return any(target.is_relative_to(root) for root in roots)


def case_path_problem(case_folder: Path, text: str, key: str, where: Location) -> Problem | None:
    """Why the case may not read the file `text` names under `key` (None when it may, or when the file is
    simply missing: the reader reports that with the other problems)."""
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or text.startswith("~"):
        return Problem("case.absolute_path", f"«{key}» là đường dẫn tuyệt đối; hồ sơ chỉ được dùng đường dẫn "
                       "tương đối, tính từ thư mục hồ sơ.", where,
                       "Chép tệp vào thư mục hồ sơ rồi ghi tên tệp, ví dụ «par-2023.xlsx».")
    try:
        target = (case_folder / text).resolve()
        readable = may_read(case_folder, target)
    except (OSError, RuntimeError, ValueError):  # a loop of links, a name the system refuses
        readable = False
    if not readable:
        return Problem("case.path_outside", f"«{key}» trỏ ra ngoài các thư mục hồ sơ được đọc («{vn.excerpt(text)}»).",
                       where, f"Hồ sơ chỉ đọc tệp trong: {_ALLOWED}. Chép tệp vào thư mục hồ sơ.")
    if not target.exists():
        return None
    limit = MAX_XLSX_BYTES if key.endswith(".sheet") else MAX_YAML_BYTES
    found = read_bytes_problem(target, limit)
    if found is None:
        return None
    return Problem(found.code, f"«{key}»: {found.message}", where, found.hint)
