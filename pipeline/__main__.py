"""`python -m pipeline` is the same as the `qdgen` command."""

from pipeline.cli.commands import run

run()
