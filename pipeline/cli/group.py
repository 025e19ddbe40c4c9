"""The one place where a command's outcome becomes output and an exit code, as click's `Command.main` does.

Commands return an `Outcome` (did anything fail, what `--json` prints) or raise `InputError`; `Qdgen.main`
prints the JSON on stdout, the problems on stderr, and exits 0 (ok), 1 (problems) or 2 (usage). click's own
usage errors are said in Vietnamese here, with the usage line they belong to. No input ever ends in a
traceback: what the inputs or the file system refuse is a message, not a crash.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import click

from pipeline.cli import report
from pipeline.problems import InputError, Location, Problem, os_reason

OK, PROBLEMS, USAGE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did: `failed` gives exit code 1; `data` is what `--json` prints (records welcome) and
    `text` what stdout shows instead when the command is not asked for JSON (a listing, a ranking). A
    command that has nothing to show (the input could not be read) prints no JSON at all."""

    failed: bool = False
    data: Any = None
    text: tuple[str, ...] = ()
    show_json: bool = False


def echo_problems(problems) -> None:
    for line in report.problem_lines(problems):
        click.echo(line, err=True)


def json_option(function: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """`--json`: the command's `Outcome.data` is printed as JSON on stdout (the human report stays on stderr)."""

    @functools.wraps(function)
    def with_json(*args, as_json: bool, **kwargs) -> Outcome:
        return replace(function(*args, **kwargs), show_json=as_json)

    return click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")(with_json)


class HelpFormatter(click.HelpFormatter):
    """click's help in Vietnamese: the headings and the usage prefix."""

    HEADINGS: ClassVar[dict[str, str]] = {"Options": "Tùy chọn", "Commands": "Lệnh", "Positional arguments": "Đối số"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Cách dùng: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))

    def write_dl(self, rows, *args, **kwargs) -> None:
        words = (("[default: ", "[mặc định: "), ("[required]", "[bắt buộc]"), ("; required]", "; bắt buộc]"))
        rows = [(term, functools.reduce(lambda text, pair: text.replace(*pair), words, text)) for term, text in rows]
        super().write_dl(rows, *args, **kwargs)


class Context(click.Context):
    formatter_class = HelpFormatter


class Command(click.Command):
    context_class = Context

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[TÙY CHỌN]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "In hướng dẫn này rồi thoát."
        return option


class Group(Command, click.Group):
    command_class = Command
    group_class = type  # sub-groups are of this class too

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "LỆNH [ĐỐI SỐ]...")
        super().__init__(*args, **kwargs)


_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2+; before, help and exit 0


class Qdgen(Group):
    """The top-level group: runs a command and turns what it returns or raises into output and exit code."""

    group_class = Group

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra) -> Any:
        try:
            returned = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = _render(returned)
        except _NO_ARGS as error:
            click.echo(error.ctx.get_help() if error.ctx else "", err=True)
            code = USAGE
        except click.UsageError as error:
            click.echo(usage_message(error), err=True)
            code = USAGE
        except click.ClickException as error:
            click.echo(f"lỗi: {error.format_message()}", err=True)
            code = error.exit_code
        except click.Abort:
            click.echo("Đã dừng.", err=True)
            code = PROBLEMS
        except InputError as error:
            echo_problems(error.problems)
            code = PROBLEMS
        except OSError as error:
            echo_problems([_os_problem(error)])
            code = PROBLEMS
        if not standalone_mode:
            return code
        sys.exit(code)


def _render(returned: Any) -> int:
    """A command's return: an `Outcome`, or the exit code click's `--help`/`--version` left."""
    if isinstance(returned, Outcome):
        if returned.show_json and returned.data is not None:
            click.echo(report.to_json(returned.data))
        else:
            for line in returned.text:
                click.echo(line)
        return PROBLEMS if returned.failed else OK
    return returned if isinstance(returned, int) else OK


def _os_problem(error: OSError) -> Problem:
    where = Location(file=Path(error.filename)) if error.filename else Location()
    return Problem("io.failed", f"Không đọc hoặc ghi được tệp: {os_reason(error)}.", where,
                   "Kiểm tra đường dẫn, quyền đọc/ghi và dung lượng ổ đĩa rồi chạy lại.")


NO_SUCH_COMMAND = getattr(click.exceptions, "NoSuchCommand", ())  # click 8.4+; before, a plain UsageError

# click's English usage messages, said in Vietnamese; `{0}` is what click quoted.
_CLICK_WORDS = (
    (re.compile(r"Option '(.+)' requires an argument\."), "tùy chọn {0} cần một giá trị."),
    (re.compile(r"Option '(.+)' requires (\d+) arguments\."), "tùy chọn {0} cần {1} giá trị."),
    (re.compile(r"Option '(.+)' does not take a value\."), "tùy chọn {0} không nhận giá trị."),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "thừa đối số: {0}."),
    (re.compile(r"Missing command\."), "thiếu tên lệnh."),
    (re.compile(r"No such command '(.+)'\."), "không có lệnh «{0}»."),
    (re.compile(r"Argument '(.+)' takes (\d+) values\."), "đối số {0} cần {1} giá trị."),
)


def usage_message(error: click.UsageError) -> str:
    """A usage error as clerks read it: the usage line, where to find help, and what was wrong."""
    ctx = error.ctx
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage())
        lines.append(f"Xem «{ctx.command_path} --help» để biết cách dùng.\n")
    lines.append(f"lỗi: {_vietnamese(error, ctx)}")
    return "\n".join(lines)


def _vietnamese(error: click.UsageError, ctx: click.Context | None) -> str:
    if isinstance(error, click.MissingParameter):
        param = error.param
        hint = param.get_error_hint(ctx) if param is not None and ctx is not None else (error.param_hint or "")
        what = "đối số" if isinstance(param, click.Argument) else "tùy chọn"
        return f"thiếu {what} {hint}."
    if isinstance(error, click.NoSuchOption):
        close = f" Có phải là: {', '.join(sorted(error.possibilities))}?" if error.possibilities else ""
        return f"không có tùy chọn {error.option_name}.{close}"
    if isinstance(error, NO_SUCH_COMMAND):
        close = f" Có phải là: {', '.join(sorted(error.possibilities))}?" if error.possibilities else ""
        return f"không có lệnh «{error.command_name}».{close}"
    if isinstance(error, click.BadParameter):
        param = error.param
        hint = error.param_hint or (param.get_error_hint(ctx) if param is not None and ctx is not None else "")
        return f"giá trị không hợp lệ cho {hint}: {error.message}" if hint else error.message
    for pattern, words in _CLICK_WORDS:
        if match := pattern.fullmatch(error.message):
            return words.format(*match.groups())
    return error.message
