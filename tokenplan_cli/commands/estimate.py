"""`tokenplan estimate`: which tier and cycle carries a usage, and at what price."""

from typing import Annotated

import typer

from tokenplan_cli.app.usage import UsageRequest
from tokenplan_cli.commands.common import (
    AsOfOption,
    CurrencyOption,
    RatesOption,
    command_app,
    load_card,
    now_utc,
    optional_share,
    resolve_as_of,
    resolve_currency,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.commands.output_options import AS_GIVEN, OutputRequest, report_output
from tokenplan_cli.commands.usage_options import USAGE_OPTIONS
from tokenplan_cli.render import OutputFormat, emit

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
    from tokenplan_cli.app.estimate import estimate as estimate_usage
    from tokenplan_cli.views.estimate import estimate_document, plan_rows

    fmt, saves = output.fmt, output.saves()
    baseline = output.baseline("estimate")
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    result = estimate_usage(
        card, usage, as_of=instant, now=now_utc(), currency=resolve_currency(card, currency),
        headroom=optional_share(headroom, "headroom"), progress=fmt is OutputFormat.HUMAN,
    )  # fmt: skip
    document = output.compared(estimate_document(result), baseline)
    emit(document, fmt, human="estimate", csv_rows=plan_rows, saves=saves, force=output.force)
