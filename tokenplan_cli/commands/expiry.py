"""`tokenplan expiry --start DATE`: the exact expiry instant, the reminder dates and the days left."""

from tokenplan_cli.commands.common import (
    AS_GIVEN,
    Context,
    CycleOption,
    StartOption,
    command_app,
    context_options,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.render import emit

app = command_app()


@app.command()
@option_group("context", context_options("now", "tz", "rates", "json_output"))
def expiry(start: StartOption, cycle: CycleOption = "monthly", context: Context = AS_GIVEN) -> None:
    """When a plan bought at --start expires (23:59:59 UTC), its reminder dates, and the days left."""
    from tokenplan_cli.core.validity import compute_expiry
    from tokenplan_cli.views.expiry import expiry_document

    assert start is not None  # typer requires it
    card = context.card
    result = compute_expiry(card, parse_instant(start, field="start"), cycle, context.now)
    emit(expiry_document(result, context.zone), context.fmt, human="expiry")
