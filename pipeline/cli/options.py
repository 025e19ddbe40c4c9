"""Options and arguments several commands share, and parameter types whose refusals are Vietnamese."""

from __future__ import annotations

import datetime as dt
import functools
import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pipeline.build.options import BuildOptions


class Day(click.ParamType):
    """A calendar day written NNNN-TT-NN (year, month, day), as in ISO 8601."""

    name = "NNNN-TT-NN"

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"«{value}» không phải ngày dạng NNNN-TT-NN (năm-tháng-ngày, ví dụ 2025-07-01).", param, ctx)


class FilePath(click.Path):
    """click.Path that returns a `Path` and refuses in Vietnamese (a missing file, a folder for a file…)."""

    def __init__(self, *, exists: bool = False, file_okay: bool = True, dir_okay: bool = True) -> None:
        super().__init__(path_type=Path, exists=exists, file_okay=file_okay, dir_okay=dir_okay)

    def convert(self, value, param, ctx) -> Path:
        path = Path(value)
        if self.exists and not path.exists():
            self.fail(f"không có tệp hay thư mục «{value}».", param, ctx)
        if not self.dir_okay and path.is_dir():
            self.fail(f"«{value}» là thư mục; cần một tệp.", param, ctx)
        if not self.file_okay and path.exists() and not path.is_dir():
            self.fail(f"«{value}» là tệp; cần một thư mục.", param, ctx)
        return path


class OneOf(click.Choice):
    """click.Choice refusing in Vietnamese."""

    def convert(self, value, param, ctx):
        if value not in self.choices:
            self.fail(f"«{value}» không phải một trong: {', '.join(map(str, self.choices))}.", param, ctx)
        return value


class Positive(click.ParamType):
    """A number above zero: `kind` int (a count) or float (seconds)."""

    def __init__(self, kind: type[int | float]) -> None:
        self.kind = kind
        self.name = "SỐ" if kind is int else "GIÂY"

    def convert(self, value, param, ctx):
        try:
            number = self.kind(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not 0 < number < math.inf:  # NaN and infinity are not a number of seconds
            word = "số nguyên" if self.kind is int else "số"
            self.fail(f"«{value}» không phải {word} dương.", param, ctx)
        return number


FOLDER = FilePath(file_okay=False)
EXISTING = FilePath(exists=True)
EXISTING_FILE = FilePath(exists=True, dir_okay=False)


def registry_option(function):
    """`--registry DIR` (repeatable) and `--no-bundled-registry`, passed on as one tuple `registries`."""

    @functools.wraps(function)
    def wrapper(*args, registries: tuple[Path, ...], no_bundled: bool, **kwargs):
        from pipeline.build.options import BUNDLED_REGISTRY

        return function(*args, registries=tuple(registries) if no_bundled else (BUNDLED_REGISTRY, *registries),
                        **kwargs)

    wrapper = click.option("--no-bundled-registry", "no_bundled", is_flag=True,
                           help="Không dùng danh mục có sẵn legal_basis/, chỉ dùng các thư mục --registry.")(wrapper)
    return click.option(
        "--registry", "registries", multiple=True, type=FOLDER, metavar="THƯ_MỤC",
        help="Thư mục danh mục văn bản bổ sung (thêm vào danh mục có sẵn legal_basis/). Dùng được nhiều lần.")(wrapper)


as_of_option = click.option(
    "--as-of", "as_of", type=Day(),
    help="Ngày xét hiệu lực căn cứ của dự thảo, dạng NNNN-TT-NN, ví dụ 2025-07-01 (mặc định: hôm nay, hoặc "
         "as_of trong hồ sơ).")
cases_argument = click.argument("cases", nargs=-1, required=True, type=FilePath())


def build_options(out: Path, registries: tuple[Path, ...], as_of: dt.date | None) -> BuildOptions:
    from pipeline.build.options import BuildOptions

    return BuildOptions(out=out, registry_dirs=registries, as_of=as_of)
