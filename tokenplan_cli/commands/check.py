"""`tokenplan check`: exit 1 when a usage breaks a limit set for a plan (a CI gate)."""

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
from tokenplan_cli.commands.simulation_options import RunsOption, SeedOption, SpreadOption, parsed_settings
from tokenplan_cli.commands.usage_options import USAGE_OPTIONS
from tokenplan_cli.core.errors import ExitCode
from tokenplan_cli.render import OutputFormat, emit

app = command_app()


@app.command()
@option_group("usage", USAGE_OPTIONS)
@option_group("output", report_output(csv=False))
def check(
    *,
    tier: Annotated[str, typer.Option("--tier", help="The plan's tier: {tiers}.")],
    cycle: Annotated[str, typer.Option("--cycle", help="Billing cycle: {cycles}.")] = "monthly",
    max_utilization: Annotated[
        str | None,
        typer.Option(
            "--max-utilization", help="Fail above this share of the quota used (90%).", show_default=False
        ),
    ] = None,
    max_risk: Annotated[
        str | None,
        typer.Option(
            "--max-risk", help="Fail above this chance of running out in a cycle (5%).", show_default=False
        ),
    ] = None,
    usage: UsageRequest,
    spread: SpreadOption = None,
    runs: RunsOption = None,
    seed: SeedOption = None,
    currency: CurrencyOption = None,
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    output: OutputRequest = AS_GIVEN,
) -> int:
    """Check a usage against limits for one plan: exit 0 within them, 1 when one is broken, 2 on bad input."""
    from tokenplan_cli.app.simulation import check as check_usage
    from tokenplan_cli.core.check import CheckLimits
    from tokenplan_cli.views.check import check_document

    fmt, saves = output.fmt, output.saves()
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    limits = CheckLimits(
        max_utilization=optional_share(max_utilization, "max_utilization"),
        max_risk=optional_share(max_risk, "max_risk"),
    )
    settings = parsed_settings(card, runs=runs, seed=seed, risk=None, spread=spread)
    result = check_usage(
        card, usage, tier=tier, cycle=cycle, limits=limits, as_of=instant, now=now_utc(),
        currency=resolve_currency(card, currency), settings=settings, log_progress=fmt is OutputFormat.HUMAN,
    )  # fmt: skip
    emit(check_document(result), fmt, human="check", saves=saves, force=output.force)
    return ExitCode.OK if result.ok else ExitCode.CHECK_FAILED
