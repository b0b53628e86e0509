"""`tokenplan simulate`: every plan against many simulated billing cycles, the plan to buy at a risk."""

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
    RiskOption,
    RunsOption,
    SeedOption,
    SpreadOption,
    draws_at_random,
    kernel_beside,
    simulation_settings,
    work_progress,
)
from tokenplan_cli.commands.usage_options import (
    USAGE_OPTIONS,
    UsageRequest,
    read_usage,
    usage_label,
)
from tokenplan_cli.core.amounts import parse_share
from tokenplan_cli.core.ratecard import CYCLES
from tokenplan_cli.core.whatifs import Lever, parse_mix
from tokenplan_cli.render import OutputFormat, emit

app = command_app()


@app.command()
@option_group("usage", USAGE_OPTIONS)
@option_group("output", report_output(csv=False, compare=True))
def simulate(
    usage: UsageRequest,
    spread: SpreadOption = None,
    runs: RunsOption = None,
    seed: SeedOption = None,
    risk: RiskOption = None,
    shift_offpeak: Annotated[
        str | None,
        typer.Option("--shift-offpeak", help="What if this share of peak use moved off-peak (20%)?"),
    ] = None,
    growth: Annotated[
        str | None, typer.Option("--growth", help="What if use grew this much a month (10%)?")
    ] = None,
    mix: Annotated[
        list[str] | None,
        typer.Option(
            "--mix", help="What if this share of the other models' work moved here (mimo-v2.5=70%)?"
        ),
    ] = None,
    active_days: Annotated[
        int | None, typer.Option("--active-days", help="What if you used it this many days a month?")
    ] = None,
    currency: CurrencyOption = None,
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    output: OutputRequest = AS_GIVEN,
) -> None:
    """Simulate billing cycles day by day: each plan's risk of running out, and the cheapest safe plan."""
    fmt, saves = output.fmt, output.saves()
    baseline = output.baseline("simulate")
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    settings = simulation_settings(card, runs=runs, seed=seed, risk=risk, spread=spread)
    lever = Lever(
        shift_offpeak=None if shift_offpeak is None else parse_share(shift_offpeak, what="--shift-offpeak"),
        growth=None if growth is None else parse_share(growth, what="--growth"),
        mix=parse_mix(mix or [], card),
        active_days=active_days,
    )
    from tokenplan_cli.core.simulation import scenario_levers, simulate_plans
    from tokenplan_cli.views.simulate import simulate_document

    work = settings.runs * len(CYCLES) * len(scenario_levers(lever))
    with (
        kernel_beside(draws_at_random(settings, usage), work) as kernel,
        work_progress(fmt, work) as progress,
    ):
        profile = read_usage(card, usage, as_of=instant, progress=fmt is OutputFormat.HUMAN)
        if fmt is OutputFormat.HUMAN and kernel is not None:
            import tokenplan_cli.render.human_simulate  # noqa: F401 - Rich loads here while numpy does there
        result = simulate_plans(
            card,
            profile,
            source=usage_label(usage, profile),
            as_of=instant,
            currency=resolve_currency(card, currency),
            settings=settings,
            lever=lever,
            progress=progress,
            kernel=kernel,
        )
    document = output.compared(simulate_document(result), baseline)
    emit(document, fmt, human="simulate", saves=saves, force=output.force)
