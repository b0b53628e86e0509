"""`tokenplan simulate`: every plan against many simulated billing cycles, the plan to buy at a risk."""

from fractions import Fraction
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
from tokenplan_cli.commands.simulation_options import (
    RiskOption,
    RunsOption,
    SeedOption,
    SpreadOption,
    parsed_settings,
    progress_for,
)
from tokenplan_cli.commands.usage_options import USAGE_OPTIONS
from tokenplan_cli.core.amounts import parse_share
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.whatifs import Lever, mix_value
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
    from tokenplan_cli.app.simulation import simulate as simulate_usage
    from tokenplan_cli.views.simulate import simulate_document

    fmt, saves = output.fmt, output.saves()
    baseline = output.baseline("simulate")
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    settings = parsed_settings(card, runs=runs, seed=seed, risk=risk, spread=spread)
    lever = Lever(
        shift_offpeak=optional_share(shift_offpeak, "shift_offpeak"),
        growth=optional_share(growth, "growth"),
        mix=parse_mix(mix or [], card),
        active_days=active_days,
    )
    human = fmt is OutputFormat.HUMAN
    result = simulate_usage(
        card, usage, as_of=instant, now=now_utc(), currency=resolve_currency(card, currency),
        settings=settings, lever=lever, progress=progress_for(fmt), log_progress=human,
        meanwhile=_import_renderer if human else None,
    )  # fmt: skip
    document = output.compared(simulate_document(result), baseline)
    emit(document, fmt, human="simulate", saves=saves, force=output.force)


def _import_renderer() -> None:
    """Rich loads here while numpy does in the kernel's worker."""
    import tokenplan_cli.render.human_simulate  # noqa: F401 - the import is the point


def parse_mix(texts: list[str], card: RateCard) -> tuple[str, Fraction] | None:
    """`--mix MODEL=SHARE` (given at most once) as (the model's card name, share): the what-if the API
    takes as `mix=(model, share)`."""
    if not texts:
        return None
    if len(texts) > 1:
        raise BadInputError(
            f"conflicting what-ifs: `mix` is given {len(texts)} times ({', '.join(texts)}); "
            "move work to one model at a time",
            mentions=("mix",),
        )
    name, equals, share = texts[0].partition("=")
    if not equals or not name.strip():
        raise BadInputError(f"expected MODEL=SHARE (e.g. mimo-v2.5=70%), got {texts[0]!r}", field="mix")
    return mix_value(card, name.strip(), parse_share(share, field="mix"))
