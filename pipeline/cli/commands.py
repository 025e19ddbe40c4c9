"""The `qdgen` command: arguments in, one call, an outcome out; `group.Qdgen` makes it text, JSON and an exit
code (0 ok, 1 problems, 2 usage).

Only `pipeline.cli` imports click. Human reports go to stderr, `--json` to stdout; no input ever produces a
traceback. A command's module is imported when that command runs (click's "lazily loading subcommands"), and
each command imports the stages it runs when it runs: `qdgen validate` pays for neither the register's
SQLAlchemy nor the web page's FastAPI, and `qdgen check` not for the input schemas. One module per family of
commands; a new command is one line of `COMMANDS`.
"""

from __future__ import annotations

import atexit
import gc
import importlib

import click

from pipeline import __version__
from pipeline.cli.group import NO_SUCH_COMMAND, Qdgen

COMMANDS = {
    "build": "building", "validate": "building", "basis": "basis", "regenerate": "building",
    "archive": "archiving", "preview": "archiving", "rank": "scores", "scoresheet": "scores",
    "check": "checking", "issue": "register", "register": "register", "serve": "web", "user": "web",
}
"""Each command by name, with the module of `pipeline.cli` that defines it (as a function of that name)."""


class LazyQdgen(Qdgen):
    """The top-level group, importing a command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        return getattr(importlib.import_module(f"pipeline.cli.{COMMANDS[name]}"), name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """click suggests the commands it holds; this group holds none until asked, so it suggests from `COMMANDS`."""
        try:
            return super().resolve_command(ctx, args)
        except NO_SUCH_COMMAND as error:
            raise NO_SUCH_COMMAND(error.command_name, possibilities=COMMANDS, ctx=ctx) from None


@click.group(cls=LazyQdgen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qdgen", message="%(prog)s, phiên bản %(version)s",
                      help="In phiên bản rồi thoát.")
def main() -> None:
    """Soạn Quyết định QĐ-UBND và Phụ lục đúng thể thức Nghị định 30/2020/NĐ-CP."""


def run() -> None:
    """The `qdgen` program (console script and `python -m pipeline`): `main`, in a process that ends without
    one last garbage collection. Freezing the objects when the program exits (its atexit handlers have run,
    its files are closed) spares a pass over everything imported, about a twentieth of a short command;
    the memory goes back with the process. Callers of `main` inside a process of their own (tests, CliRunner)
    keep their collector as it is."""
    atexit.register(gc.freeze)
    main()
