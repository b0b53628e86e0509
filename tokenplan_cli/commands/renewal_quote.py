"""`tokenplan renewal-quote`: renewing while the old plan holds value: what is paid, what is credited."""

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
from tokenplan_cli.core.quotes import auto_renewal_on, hold, plan_price, quote_renewal, renewal_claims
from tokenplan_cli.render import emit
from tokenplan_cli.views.renewal_quote import renewal_document

app = command_app()

RenewalAutoRenewOption = Annotated[
    str | None,
    typer.Option(
        "--auto-renew",
        help="Auto-renewal: on (already on at the expiry: a renewal then follows on from it), off, or "
        "existing-user (activating it for the first time: 30 % off a monthly plan).",
        show_default=False,
    ),
]


@app.command()
def renewal_quote(
    from_tier: Annotated[str, typer.Option("--from", help="The tier you hold: {tiers}.", show_default=False)],
    to_tier: Annotated[
        str | None,
        typer.Option("--to", help="The tier to renew as, any tier (default: the same).", show_default=False),
    ] = None,
    used: UsedOption = None,
    remaining: RemainingOption = None,
    cycle: CycleOption = "monthly",
    to_cycle: ToCycleOption = None,
    paid: PaidOption = None,
    start: HeldStartOption = None,
    auto_renew: RenewalAutoRenewOption = None,
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
    bought = optional_instant(start, "--start")
    held = hold(card, from_tier, cycle, money, used=used, remaining=remaining, paid=paid, start=bought)
    target = plan_price(card, to_tier or from_tier, to_cycle or cycle, money)
    claims = renewal_claims(auto_renew)
    result = quote_renewal(
        card, held, target, claims, resolve_now(now), money, auto_renewal=auto_renewal_on(auto_renew)
    )
    emit(renewal_document(result, resolve_zone(card, tz)), fmt, human="renewal_quote")
