"""`tokenplan expiry --start DATE`: the exact expiry instant, the reminder dates and the days left."""

from tokenplan_cli.commands.common import (
    CycleOption,
    JsonOption,
    NowOption,
    RatesOption,
    StartOption,
    TzOption,
    command_app,
    load_card,
    output_format,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.validity import compute_expiry
from tokenplan_cli.render import emit
from tokenplan_cli.views.expiry import expiry_document

app = command_app()


@app.command()
def expiry(
    start: StartOption,
    cycle: CycleOption = "monthly",
    now: NowOption = None,
    tz: TzOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """When a plan bought at --start expires (23:59:59 UTC), its reminder dates, and the days left."""
    fmt = output_format(json_output)
    card = load_card(rates)
    assert start is not None  # typer requires it
    result = compute_expiry(card, parse_instant(start, what="--start"), cycle, resolve_now(now))
    emit(expiry_document(result, resolve_zone(card, tz)), fmt, human="expiry")
