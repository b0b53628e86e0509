"""`tokenplan check`: exit 1 when a usage breaks a limit set for a plan (a CI gate)."""

from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AsOfOption,
    CurrencyOption,
    RatesOption,
    command_app,
    load_card,
    resolve_as_of,
    resolve_currency,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.commands.output_options import AS_GIVEN, OutputRequest, report_output
from tokenplan_cli.commands.simulation_options import (
    RunsOption,
    SeedOption,
    SpreadOption,
    draws_at_random,
    kernel_beside,
    simulation_settings,
)
from tokenplan_cli.commands.usage_options import (
    USAGE_OPTIONS,
    UsageRequest,
    read_usage,
    usage_label,
)
from tokenplan_cli.core.amounts import parse_share
from tokenplan_cli.core.errors import ExitCode
from tokenplan_cli.core.ratecard import CYCLES
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
    from tokenplan_cli.core.check import CheckLimits, check_plan
    from tokenplan_cli.views.check import check_document

    fmt, saves = output.fmt, output.saves()
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    limits = CheckLimits(
        max_utilization=None
        if max_utilization is None
        else parse_share(max_utilization, what="--max-utilization"),
        max_risk=None if max_risk is None else parse_share(max_risk, what="--max-risk"),
    )
    settings = simulation_settings(card, runs=runs, seed=seed, risk=None, spread=spread)
    randomness = limits.max_risk is not None and draws_at_random(settings, usage)
    with kernel_beside(randomness, settings.runs * len(CYCLES)) as kernel:
        profile = read_usage(card, usage, as_of=instant, progress=fmt is OutputFormat.HUMAN)
        result = check_plan(
            card,
            profile,
            source=usage_label(usage, profile),
            tier=tier,
            cycle=cycle,
            limits=limits,
            as_of=instant,
            currency=resolve_currency(card, currency),
            settings=settings,
            kernel=kernel,
        )
    emit(check_document(result), fmt, human="check", saves=saves, force=output.force)
    return ExitCode.OK if result.ok else ExitCode.CHECK_FAILED
