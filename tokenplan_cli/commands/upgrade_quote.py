"""`tokenplan upgrade-quote --from TIER --to TIER`: an upgrade's price difference, as the seeds state it."""

from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    CurrencyOption,
    CycleOption,
    HeldStartOption,
    JsonOption,
    NowOption,
    PaidOption,
    RatesOption,
    RemainingOption,
    ToCycleOption,
    TzOption,
    UsedOption,
    command_app,
    load_card,
    optional_instant,
    output_format,
    resolve_currency,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.core.quotes import hold, plan_price, quote_upgrade
from tokenplan_cli.render import emit
from tokenplan_cli.views.upgrade_quote import upgrade_document

app = command_app()


@app.command()
def upgrade_quote(
    from_tier: Annotated[str, typer.Option("--from", help="The tier you hold: {tiers}.", show_default=False)],
    to_tier: Annotated[str, typer.Option("--to", help="The higher tier to upgrade to.", show_default=False)],
    used: UsedOption = None,
    remaining: RemainingOption = None,
    cycle: CycleOption = "monthly",
    to_cycle: ToCycleOption = None,
    paid: PaidOption = None,
    start: HeldStartOption = None,
    currency: CurrencyOption = None,
    now: NowOption = None,
    tz: TzOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Upgrade cost now: new price − (remaining / total) × original price, and the credits it buys."""
    fmt = output_format(json_output)
    card = load_card(rates)
    money = resolve_currency(card, currency)
    bought = optional_instant(start, "--start")
    held = hold(card, from_tier, cycle, money, used=used, remaining=remaining, paid=paid, start=bought)
    target = plan_price(card, to_tier, to_cycle or cycle, money)
    result = quote_upgrade(card, held, target, resolve_now(now), money)
    emit(upgrade_document(result, resolve_zone(card, tz)), fmt, human="upgrade_quote")
