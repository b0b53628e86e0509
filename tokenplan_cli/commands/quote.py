"""`tokenplan quote TIER`: what a purchase costs, with the discounts that apply."""

from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AutoRenewOption,
    CurrencyOption,
    CycleOption,
    JsonOption,
    RatesOption,
    StartOption,
    TzOption,
    command_app,
    load_card,
    output_format,
    resolve_currency,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.core.discounts import claimed_discounts
from tokenplan_cli.core.quotes import plan_price, quote_purchase
from tokenplan_cli.render import emit
from tokenplan_cli.views.quote import quote_document

app = command_app()


@app.command()
def quote(
    tier: Annotated[str, typer.Argument(help="The tier to buy: {tiers}.", show_default=False)],
    cycle: CycleOption = "monthly",
    first_purchase: Annotated[
        bool, typer.Option("--first-purchase", help="This is the account's first purchase.")
    ] = False,
    auto_renew: AutoRenewOption = None,
    start: StartOption = None,
    currency: CurrencyOption = None,
    tz: TzOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """What a purchase costs: list price, the discount taken and why, credits, and the validity window."""
    fmt = output_format(json_output)
    card = load_card(rates)
    money = resolve_currency(card, currency)
    claims = claimed_discounts(first_purchase=first_purchase, auto_renew=auto_renew)
    result = quote_purchase(
        card, plan_price(card, tier, cycle, money), claims, resolve_now(start, "--start"), money
    )
    emit(quote_document(result, resolve_zone(card, tz)), fmt, human="quote")
