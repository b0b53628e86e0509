"""`tokenplan quote TIER`: what a purchase costs, with the discounts that apply."""

from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AS_GIVEN,
    AutoRenewOption,
    Context,
    CycleOption,
    StartOption,
    command_app,
    context_options,
    resolve_now,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.render import emit

app = command_app()


@app.command()
@option_group("context", context_options("currency", "tz", "rates", "json_output"))
def quote(
    tier: Annotated[str, typer.Argument(help="The tier to buy: {tiers}.", show_default=False)],
    cycle: CycleOption = "monthly",
    first_purchase: Annotated[
        bool, typer.Option("--first-purchase", help="This is the account's first purchase.")
    ] = False,
    auto_renew: AutoRenewOption = None,
    start: StartOption = None,
    context: Context = AS_GIVEN,
) -> None:
    """What a purchase costs: list price, the discount taken and why, credits, and the validity window."""
    from tokenplan_cli.app.quotes import purchase_quote
    from tokenplan_cli.views.quote import quote_document

    card = context.card
    result = purchase_quote(
        card, tier, cycle=cycle, first_purchase=first_purchase, auto_renew=auto_renew,
        start=resolve_now(start, "start"), currency=context.currency,
    )  # fmt: skip
    emit(quote_document(result, context.zone), context.fmt, human="quote")
