"""`tokenplan renewal-quote`: renewing while the old plan holds value: what is paid, what is credited."""

from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AutoRenewOption,
    CurrencyOption,
    CycleOption,
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
    output_format,
    resolve_currency,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.core.quotes import hold, plan_price, quote_renewal, renewal_claims
from tokenplan_cli.render import emit
from tokenplan_cli.views.renewal_quote import renewal_document

app = command_app()


@app.command()
def renewal_quote(
    from_tier: Annotated[str, typer.Option("--from", help="The tier you hold.", show_default=False)],
    to_tier: Annotated[
        str | None,
        typer.Option("--to", help="The tier to renew as, any tier (default: the same).", show_default=False),
    ] = None,
    used: UsedOption = None,
    remaining: RemainingOption = None,
    cycle: CycleOption = "monthly",
    to_cycle: ToCycleOption = None,
    paid: PaidOption = None,
    auto_renew: AutoRenewOption = None,
    currency: CurrencyOption = None,
    now: NowOption = None,
    tz: TzOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Renew or buy again while the old plan holds value: its remaining value offsets the new price."""
    fmt = output_format(json_output)
    card = load_card(rates)
    money = resolve_currency(card, currency)
    held = hold(card, from_tier, cycle, money, used=used, remaining=remaining, paid=paid)
    target = plan_price(card, to_tier or from_tier, to_cycle or cycle, money)
    result = quote_renewal(card, held, target, renewal_claims(auto_renew), resolve_now(now), money)
    emit(renewal_document(result, resolve_zone(card, tz)), fmt, human="renewal_quote")
