"""`tokenplan estimate`: which tier and cycle carries a usage, and at what price."""

from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AsOfOption,
    CurrencyOption,
    RatesOption,
    command_app,
    headroom_or_default,
    load_card,
    resolve_as_of,
    resolve_currency,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.commands.output_options import AS_GIVEN, OutputRequest, report_output
from tokenplan_cli.commands.usage_options import (
    USAGE_OPTIONS,
    UsageRequest,
    read_usage_source,
)
from tokenplan_cli.core.estimate import estimate_plans
from tokenplan_cli.render import OutputFormat, emit
from tokenplan_cli.views.estimate import estimate_document, plan_rows

app = command_app()

HeadroomOption = Annotated[
    str | None,
    typer.Option(
        "--headroom", help="Quota share a plan must leave unused to fit (default 10%).", show_default=False
    ),
]


@app.command()
@option_group("usage", USAGE_OPTIONS)
@option_group("output", report_output(csv=True, compare=True))
def estimate(
    usage: UsageRequest,
    headroom: HeadroomOption = None,
    currency: CurrencyOption = None,
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    output: OutputRequest = AS_GIVEN,
) -> None:
    """Price a usage in credits and show which tier and cycle carries it, cheapest first."""
    fmt, saves = output.fmt, output.saves()
    baseline = output.baseline("estimate")
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    progress = fmt is OutputFormat.HUMAN
    result = estimate_plans(
        card,
        read_usage_source(card, usage, as_of=instant, progress=progress),
        as_of=instant,
        currency=resolve_currency(card, currency),
        headroom=headroom_or_default(card, headroom),
    )
    document = output.compared(estimate_document(result), baseline)
    emit(document, fmt, human="estimate", csv_rows=plan_rows, saves=saves, force=output.force)
