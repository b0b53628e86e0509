"""`tokenplan simulate`: every plan against many simulated billing cycles, the plan to buy at a risk."""

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AsOfOption,
    CurrencyOption,
    JsonOption,
    RatesOption,
    command_app,
    load_card,
    output_format,
    resolve_as_of,
    resolve_currency,
)
from tokenplan_cli.commands.groups import option_group
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
    svg: Annotated[Path | None, typer.Option("--svg", help="Also save what is shown as SVG.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also save what is shown as HTML.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --svg/--html files.")] = False,
    currency: CurrencyOption = None,
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Simulate billing cycles day by day: each plan's risk of running out, and the cheapest safe plan."""
    fmt = output_format(json_output)
    saves = _saves(fmt, svg, html, force)
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
    emit(simulate_document(result), fmt, human="simulate", saves=saves, force=force)


def _saves(fmt: OutputFormat, svg: Path | None, html: Path | None, force: bool) -> dict[str, Path]:
    """The files to keep the picture in, checked before any work is done."""
    from tokenplan_cli.core.errors import BadInputError
    from tokenplan_cli.writers.files import ensure_writable

    saves = {kind: path for kind, path in (("svg", svg), ("html", html)) if path is not None}
    if saves and fmt is not OutputFormat.HUMAN:
        raise BadInputError("--svg and --html save what a person is shown; drop --json")
    targets = [ensure_writable(path, force=force) for path in saves.values()]
    if len(set(targets)) < len(targets):
        raise BadInputError("--svg and --html name the same file: give each its own")
    return saves
