"""`python -m tokenplan_cli` runs the same CLI as the `tokenplan` console script."""

from tokenplan_cli.entry import run

run()
