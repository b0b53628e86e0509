"""`tokenplan statusline`: one short line for Claude Code's status bar (and tmux, OpenCode plugins).

The console script runs it before Typer is even imported (`tokenplan_cli/statusline.py`); this command
is the same line through the CLI, for `--help` and for tests.
"""

import sys
from typing import Annotated

import typer

from tokenplan_cli.commands.common import NowOption, command_app

app = command_app()


@app.command()
def statusline(
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="TEMPLATE",
            help="A template of fields: {tier} {used} {left} {runout} {offpeak} {expires} {days_left} {burn} "
            "{hour} {today} {reminder} {used_credits} {cycle} {source}.",
            show_default=False,
        ),
    ] = None,
    color: Annotated[
        str, typer.Option("--color", help="auto (a terminal, or Claude Code), always or never.")
    ] = "auto",
    timeout: Annotated[
        str, typer.Option("--timeout", help="Seconds to take at most; then the last line, marked stale.")
    ] = "2",
    now: NowOption = None,
    print_config: Annotated[
        bool, typer.Option("--print-config", help="Print the JSON to add to Claude Code's settings.json.")
    ] = False,
) -> None:
    """One short line for Claude Code's statusLine: used, left, run-out, off-peak. Always exits 0."""
    from tokenplan_cli.statusline import Options, StatuslineError, _checked, hint, statusline_text

    try:
        options = _checked(Options(format_, color, timeout, now, print_config))  # type: ignore[arg-type]
    except StatuslineError as exc:
        text = hint(exc)
    else:
        text = statusline_text(options, sys.stdin, sys.stdout.isatty())
    sys.stdout.write(text + "\n")
