"""`tokenplan watch`: the held plan live, refreshed every few seconds from the tools' logs."""

import sys
import time
from typing import Annotated, Any

import typer

from tokenplan_cli.app.logs import LogRequest
from tokenplan_cli.commands.common import AS_GIVEN, Context, command_app, context_options, resolve_now
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.commands.status import STATUS_LOG_OPTIONS
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.render import OutputFormat

app = command_app()
Document = dict[str, Any]


@app.command()
@option_group("logs", STATUS_LOG_OPTIONS)
@option_group("context", context_options())
def watch(
    logs: LogRequest,
    every: Annotated[str, typer.Option("--every", help="Refresh interval: 5s, 30s, 2m.")] = "5s",
    once: Annotated[bool, typer.Option("--once", help="Refresh once, print, and exit.")] = False,
    notify_cmd: Annotated[
        str | None,
        typer.Option(
            "--notify-cmd",
            metavar="CMD",
            help="Shell command run when a 50/90/100 % threshold is crossed (the event as JSON on stdin).",
            show_default=False,
        ),
    ] = None,
    context: Context = AS_GIVEN,
) -> None:
    """A live dashboard of the held plan: used and left, burn rate, run-out, off-peak, reminders.

    Not on a terminal (or with --json), one JSON document a line per refresh. Ctrl-C stops it.
    """
    from tokenplan_cli.app.live import live_view
    from tokenplan_cli.app.watch import parse_every
    from tokenplan_cli.app.watch import watch as run_watch
    from tokenplan_cli.views.live import live_document

    interval = parse_every(every)
    if context.now_text is not None and not once:
        raise BadInputError("--now goes with --once (a live view refreshes at the clock's time)")
    card = context.card
    money, zone = context.currency, context.zone

    def refresh() -> Document:
        return live_document(live_view(card, resolve_now(context.now_text), money, zone, logs=logs), zone)

    pending = [refresh()]  # a bad config or request fails here, before any screen is drawn

    def take() -> Document:
        return pending.pop() if pending else refresh()

    def wait() -> None:
        time.sleep(interval)

    if context.fmt is OutputFormat.JSON or not sys.stdout.isatty():
        try:
            run_watch(take, _print_line, wait, once=once, notify_cmd=notify_cmd)
        except KeyboardInterrupt:
            pass
        return
    from tokenplan_cli.render.human_watch import dashboard

    dashboard(lambda show: run_watch(take, show, wait, once=once, notify_cmd=notify_cmd), interval)


def _print_line(document: Document) -> None:
    from tokenplan_cli.render.jsonout import dumps

    sys.stdout.write(dumps(document, indent=0) + "\n")
    sys.stdout.flush()
