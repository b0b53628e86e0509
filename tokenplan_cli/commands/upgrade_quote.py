"""`tokenplan upgrade-quote --from TIER --to TIER`: an upgrade's price difference, as the seeds state it."""

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


@app.command()
@option_group("use", HELD_USE_OPTIONS)
@option_group("context", context_options())
def upgrade_quote(
    from_tier: Annotated[str, typer.Option("--from", help="The tier you hold: {tiers}.", show_default=False)],
    to_tier: Annotated[str, typer.Option("--to", help="The higher tier to upgrade to.", show_default=False)],
    use: HeldUse = NO_USE,
    cycle: CycleOption = "monthly",
    to_cycle: ToCycleOption = None,
    start: HeldStartOption = None,
    context: Context = AS_GIVEN,
) -> None:
    """Upgrade cost now: new price − (remaining / total) × original price, and the credits it buys."""
    from tokenplan_cli.app.quotes import HeldGiven, upgrade_quote
    from tokenplan_cli.views.upgrade_quote import upgrade_document

    held = HeldGiven(from_tier, cycle, use, optional_instant(start, "start"))
    result = upgrade_quote(context.card, held, to_tier, to_cycle, context.now, context.currency)
    emit(upgrade_document(result, context.zone), context.fmt, human="upgrade_quote")
