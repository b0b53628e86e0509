"""`tokenplan status`: where a running plan stands, whether it lasts, and the cheapest upgrade if not.

The plan is the one held (`tokenplan plan set`) unless `--tier` and `--start` give one; the use comes
from `--used`/`--remaining`, `--history`, or else the tools' logs since the cycle started.
"""

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    CurrencyOption,
    NowOption,
    PaidOption,
    RatesOption,
    RemainingOption,
    StartOption,
    TzOption,
    UsedOption,
    command_app,
    load_card,
    resolve_currency,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.commands.groups import Group, option_group
from tokenplan_cli.commands.logsource import LOG_OPTIONS, LogRequest
from tokenplan_cli.commands.output_options import AS_GIVEN, OutputRequest, report_output
from tokenplan_cli.core.dates import parse_instant
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
    used: UsedOption = None,
    remaining: RemainingOption = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="CSV or JSON lines of daily credits, or tokens per model (instead of --used).",
            show_default=False,
        ),
    ] = None,
    now: NowOption = None,
    paid: PaidOption = None,
    currency: CurrencyOption = None,
    tz: TzOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the credits run out before the plan expires.")
    ] = False,
    rates: RatesOption = None,
    output: OutputRequest = AS_GIVEN,
) -> None:
    """Credits used and left, the burn rate, the run-out day against the expiry, reminders: from your
    tools' logs since the cycle started (or --used, --remaining, --history)."""
    from tokenplan_cli.app.status import PlanGiven, UseGiven, plan_status
    from tokenplan_cli.views.held_status import held_status_document

    fmt, saves = output.fmt, output.saves()
    card = load_card(rates)
    report = plan_status(
        card, resolve_now(now), resolve_currency(card, currency),
        plan=PlanGiven(tier, None if start is None else parse_instant(start, what="--start"), cycle),
        use=UseGiven(used, remaining, history), paid=paid, logs=logs, progress=fmt is OutputFormat.HUMAN,
    )  # fmt: skip
    emit(
        held_status_document(report, resolve_zone(card, tz)),
        fmt,
        human="held_status",
        saves=saves,
        force=output.force,
    )
    if check and report.status.stops_early:
        raise typer.Exit(ExitCode.CHECK_FAILED)
