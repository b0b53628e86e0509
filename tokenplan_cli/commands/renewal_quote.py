"""`tokenplan renewal-quote`: renewing while the old plan holds value: what is paid, what is credited."""

from typing import Annotated

import typer

from tokenplan_cli.app.quotes import NO_USE, HeldUse
from tokenplan_cli.commands.common import (
    AS_GIVEN,
    HELD_USE_OPTIONS,
    Context,
    CycleOption,
    HeldStartOption,
    ToCycleOption,
    command_app,
    context_options,
    optional_instant,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.render import emit

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
@option_group("use", HELD_USE_OPTIONS)
@option_group("context", context_options())
def renewal_quote(
    from_tier: Annotated[str, typer.Option("--from", help="The tier you hold: {tiers}.", show_default=False)],
    to_tier: Annotated[
        str | None,
        typer.Option("--to", help="The tier to renew as, any tier (default: the same).", show_default=False),
    ] = None,
    use: HeldUse = NO_USE,
    cycle: CycleOption = "monthly",
    to_cycle: ToCycleOption = None,
    start: HeldStartOption = None,
    auto_renew: RenewalAutoRenewOption = None,
    context: Context = AS_GIVEN,
) -> None:
    """Renew or buy again while the old plan holds value: its remaining value offsets the new price."""
    from tokenplan_cli.app.quotes import HeldGiven, renewal_quote
    from tokenplan_cli.views.renewal_quote import renewal_document

    held = HeldGiven(from_tier, cycle, use, optional_instant(start, "start"))
    result = renewal_quote(context.card, held, to_tier, to_cycle, auto_renew, context.now, context.currency)
    emit(renewal_document(result, context.zone), context.fmt, human="renewal_quote")
