"""The one error vocabulary: where a problem is, how bad it is, what it says.

Every stage reports `Problem`s; nothing user-facing is ever a bare exception.
Messages are Vietnamese (NFC) and say what is wrong and how to fix it; codes
are dotted (`case.unknown_key`) so tests and programs can rely on them.
"""

from __future__ import annotations

import enum
import errno
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "lỗi"
    WARNING = "cảnh báo"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem sits. Every field is optional; `None` means "not applicable".

    YAML inputs give `line` and `key` (a dotted key path such as `legal_basis[1]`);
    Excel inputs give `sheet` and `cell`; .docx inputs give `paragraph` (1-based) and
    `excerpt` (the first words of that paragraph).
    """

    file: Path | None = None
    line: int | None = None
    key: str | None = None
    sheet: str | None = None
    cell: str | None = None
    paragraph: int | None = None
    excerpt: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            head = str(self.file)
            if self.sheet is not None:
                head += f"!{self.sheet}"
                if self.cell is not None:
                    head += f"!{self.cell}"
            if self.line is not None:
                head += f":{self.line}"
            parts.append(head)
        if self.key:
            parts.append(self.key)
        if self.paragraph is not None:
            parts.append(f"đoạn {self.paragraph}")
        if self.excerpt:
            parts.append(f"«{self.excerpt}»")
        return ": ".join(parts)

    def to_json(self) -> dict[str, object]:
        data = {
            "file": str(self.file) if self.file is not None else None,
            "line": self.line,
            "key": self.key,
            "sheet": self.sheet,
            "cell": self.cell,
            "paragraph": self.paragraph,
            "excerpt": self.excerpt,
        }
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Location:
        """The location `to_json` gave."""
        file = data.get("file")
        return cls(**{**data, "file": Path(file) if isinstance(file, str) else None})


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input or an output, with its location and a fix hint."""

    code: str
    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", unicodedata.normalize("NFC", self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", unicodedata.normalize("NFC", self.hint))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.name.lower(),
            "message": self.message,
            "location": self.location.to_json(),
        }
        if self.hint:
            data["hint"] = self.hint
        return data

    @classmethod
    def from_json(cls, data: dict) -> Problem:
        """The problem `to_json` gave (a remembered verdict read back, `build.memo`)."""
        return cls(data["code"], data["message"], Location.from_json(data["location"]), data.get("hint"),
                   Severity[data["severity"].upper()])


class InputError(Exception):
    """Raised by the reading edge when inputs cannot be read or are ill-formed.

    Carries every problem found, never just the first.
    """

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.location}: {p.message} [{p.code}]" for p in self.problems))


def errors(problems: tuple[Problem, ...] | list[Problem]) -> tuple[Problem, ...]:
    """The problems that block a build (warnings are reported but do not block)."""
    return tuple(p for p in problems if p.is_error)


_OS_REASONS = {
    errno.ENOENT: "không có tệp hay thư mục này",
    errno.EACCES: "không có quyền đọc/ghi",
    errno.EPERM: "không được phép",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.EEXIST: "đã có tệp hay thư mục này",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENAMETOOLONG: "tên tệp quá dài",
}


def os_reason(error: OSError) -> str:
    """Why the file system refused, in Vietnamese (the system's own words when the reason is a rare one)."""
    return _OS_REASONS.get(error.errno, error.strerror or str(error)) if error.errno else str(error)
