"""Options of the commands that simulate (`simulate`, `check`): runs, seed, risk, spread; progress."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Annotated

import typer

from tokenplan_cli.app.simulation import PROGRESS_FROM_RUNS, SimulationSettings, simulation_settings
from tokenplan_cli.core.amounts import parse_ratio, parse_share
from tokenplan_cli.core.montecarlo import Progress
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.render import OutputFormat

RunsOption = Annotated[
    int | None,
    typer.Option("--runs", help="Simulated cycles per plan (default 10,000).", show_default=False),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed", help="Random seed (default: a fixed one, so output is reproducible).", show_default=False
    ),
]
RiskOption = Annotated[
    str | None,
    typer.Option(
        "--risk", help="Highest acceptable chance of running out in a cycle (default 5%).", show_default=False
    ),
]
SpreadOption = Annotated[
    str | None,
    typer.Option(
        "--spread",
        help="Day-to-day variation of use, as a coefficient of variation (40%), for usage without days.",
        show_default=False,
    ),
]


def parsed_settings(
    card: RateCard, *, runs: int | None, seed: int | None, risk: str | None, spread: str | None
) -> SimulationSettings:
    """The settings from the options as typed, the card's defaults for those not given."""
    return simulation_settings(
        card, runs=runs, seed=seed, risk=None if risk is None else parse_share(risk, field="risk"),
        spread=None if spread is None else parse_ratio(spread, field="spread"),
    )  # fmt: skip


def progress_for(fmt: OutputFormat) -> Callable[[int], AbstractContextManager[Progress | None]]:
    """The maker of a simulation's progress bar for output in `fmt`."""
    return lambda work: work_progress(fmt, work)


@contextmanager
def work_progress(fmt: OutputFormat, work: int) -> Iterator[Progress | None]:
    """A progress bar on stderr for long simulations shown to a person on a terminal; else nothing."""
    import sys

    if fmt is not OutputFormat.HUMAN or work < PROGRESS_FROM_RUNS or not sys.stderr.isatty():
        yield None
        return
    from tokenplan_cli.render.terminal import progress_bar

    with progress_bar("simulating", work) as advance:
        yield advance
