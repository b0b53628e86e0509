"""`tokenplan status`: where a running plan stands, whether it lasts, and the cheapest upgrade if not.

The plan is the one held (`tokenplan plan set`) unless `--tier` and `--start` give one; the use comes
from `--used`/`--remaining`, `--history`, or else the tools' logs since the cycle started.
"""

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.app.quotes import NO_USE, HeldUse
from tokenplan_cli.commands.common import (
    AS_GIVEN,
    HELD_USE_OPTIONS,
    Context,
    StartOption,
    command_app,
    context_options,
    optional_instant,
)
from tokenplan_cli.commands.groups import Group, option_group
from tokenplan_cli.commands.logsource import LOG_OPTIONS, LogRequest
from tokenplan_cli.commands.output_options import AS_GIVEN as AS_SHOWN
from tokenplan_cli.commands.output_options import OutputRequest, report_output
from tokenplan_cli.core.errors import ExitCode
from tokenplan_cli.render import OutputFormat, emit

app = command_app()

# The log options that make sense for a status: which logs and how to charge them (the period is the
# cycle's, and --tz is the zone instants are shown in).
STATUS_LOG_OPTIONS = Group(
    {name: LOG_OPTIONS.options[name] for name in ("paths", "tools", "maps", "strict")}, LogRequest
)


@app.command()
@option_group("logs", STATUS_LOG_OPTIONS)
@option_group("use", HELD_USE_OPTIONS)
@option_group("context", context_options("currency", "now", "tz", "rates"))
@option_group("output", report_output(csv=False))
def status(
    logs: LogRequest,
    tier: Annotated[
        str | None,
        typer.Option(
            "--tier", help="The tier you hold: {tiers} (default: the held plan).", show_default=False
        ),
    ] = None,
    start: StartOption = None,
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle", help="Billing cycle, with --tier: monthly (default) or annual.", show_default=False
        ),
    ] = None,
    use: HeldUse = NO_USE,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="CSV or JSON lines of daily credits, or tokens per model (instead of --used).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the credits run out before the plan expires.")
    ] = False,
    context: Context = AS_GIVEN,
    output: OutputRequest = AS_SHOWN,
) -> None:
    """Credits used and left, the burn rate, the run-out day against the expiry, reminders: from your
    tools' logs since the cycle started (or --used, --remaining, --history)."""
    from tokenplan_cli.app.status import PlanGiven, UseGiven, plan_status
    from tokenplan_cli.views.held_status import held_status_document

    fmt, saves = output.fmt, output.saves()
    card = context.card
    report = plan_status(
        card, context.now, context.currency,
        plan=PlanGiven(tier, optional_instant(start, "start"), cycle),
        use=UseGiven(use.used, use.remaining, history), paid=use.paid, logs=logs,
        progress=fmt is OutputFormat.HUMAN,
    )  # fmt: skip
    emit(
        held_status_document(report, context.zone),
        fmt,
        human="held_status",
        saves=saves,
        force=output.force,
    )
    if check and report.status.stops_early:
        raise typer.Exit(ExitCode.CHECK_FAILED)
