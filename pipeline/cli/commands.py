"""The `qdgen` command: arguments in, one call, an outcome out; `group.Qdgen` makes it text, JSON and an exit
code (0 ok, 1 problems, 2 usage).

Only `pipeline.cli` imports click. Human reports go to stderr, `--json` to stdout; no input ever produces a
traceback. Each command imports the stages it runs when it runs: docxtpl, openpyxl, pikepdf and the input
schemas take about 0.4 s to import, which `qdgen check` and `--help` should not pay. One module per family
of commands; a new family is one module and one `main.add_command` line here.
"""

from __future__ import annotations

import click

from pipeline import __version__
from pipeline.cli.archiving import archive, preview
from pipeline.cli.basis import basis
from pipeline.cli.building import build, regenerate, validate
from pipeline.cli.checking import check
from pipeline.cli.group import Qdgen
from pipeline.cli.register import issue, register
from pipeline.cli.scores import rank, scoresheet
from pipeline.cli.web import serve, user


@click.group(cls=Qdgen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qdgen", message="%(prog)s, phiên bản %(version)s",
                      help="In phiên bản rồi thoát.")
def main() -> None:
    """Soạn Quyết định QĐ-UBND và Phụ lục đúng thể thức Nghị định 30/2020/NĐ-CP."""


for command in (build, validate, basis, regenerate, archive, preview, rank, scoresheet, check, issue,
                register, serve, user):
    main.add_command(command)
