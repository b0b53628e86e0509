"""`tokenplan status`: where a running plan stands, whether it lasts, and the cheapest upgrade if not."""

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    CurrencyOption,
    CycleOption,
    JsonOption,
    NowOption,
    PaidOption,
    RatesOption,
    RemainingOption,
    StartOption,
    TzOption,
    UsedOption,
    command_app,
    load_card,
    output_format,
    resolve_currency,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import ExitCode
from tokenplan_cli.core.quotes import plan_price
from tokenplan_cli.core.status import compute_status
from tokenplan_cli.render import emit
from tokenplan_cli.views.status import status_document

app = command_app()


@app.command()
def status(
    tier: Annotated[str, typer.Option("--tier", help="The tier you hold.", show_default=False)],
    start: StartOption,
    cycle: CycleOption = "monthly",
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
    json_output: JsonOption = False,
) -> None:
    """Days and credits used and left, the burn rate, the run-out day against the expiry, reminders."""
    fmt = output_format(json_output)
    card = load_card(rates)
    money = resolve_currency(card, currency)
    assert start is not None  # typer requires it
    days = None
    if history is not None:
        from tokenplan_cli.readers.history import load_history

        days = load_history(history, card)
    result = compute_status(
        card,
        plan_price(card, tier, cycle, money),
        parse_instant(start, what="--start"),
        resolve_now(now),
        money,
        used=used,
        remaining=remaining,
        history=None if days is None else days.days,
        paid=paid,
    )
    emit(status_document(result, resolve_zone(card, tz), days and days.source), fmt, human="status")
    if check and result.stops_early:
        raise typer.Exit(ExitCode.CHECK_FAILED)
