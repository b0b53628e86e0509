"""Options of the commands that simulate (`simulate`, `check`): runs, seed, risk, spread; progress."""

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Annotated

import typer

from tokenplan_cli.commands.usage_options import UsageRequest
from tokenplan_cli.core.amounts import parse_ratio, parse_share
from tokenplan_cli.core.montecarlo import CycleDraws, CycleOutcome, Kernel, Progress
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.simulation import SimulationSettings
from tokenplan_cli.render import OutputFormat

# A progress bar is worth drawing from this many simulated cycles on (about a second of work).
PROGRESS_FROM_RUNS = 200_000

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


def simulation_settings(
    card: RateCard, *, runs: int | None, seed: int | None, risk: str | None, spread: str | None
) -> SimulationSettings:
    """The settings from the options, the card's defaults for those not given."""
    defaults = card.defaults
    settings = SimulationSettings(
        runs=defaults.runs if runs is None else runs,
        seed=defaults.seed if seed is None else seed,
        risk=defaults.risk if risk is None else parse_share(risk, what="--risk"),
        spread=Fraction(0) if spread is None else parse_ratio(spread, what="--spread"),
    )
    from tokenplan_cli.core.simulation import validate_settings

    validate_settings(card, settings)
    return settings


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


def draws_at_random(settings: SimulationSettings, usage: UsageRequest) -> bool:
    """Whether simulating `usage` may draw at random: with a spread, or days observed in a profile or
    logs (usage from flags without a spread is simulated once, exactly)."""
    return bool(settings.spread) or usage.profile is not None or usage.from_logs


@contextmanager
def kernel_beside(randomness: bool, runs: int) -> Iterator[Kernel | None]:
    """The numpy kernel, in a worker process that imports numpy (about 80 ms) while this one reads the
    card and the usage, builds the simulation and imports what it will draw with.

    None (the kernel runs here) where no randomness is asked for, where workers cannot be forked, and
    for runs long enough to show a progress bar (which needs the kernel in this process).
    """
    from tokenplan_cli.workers import FORK_SAFE, Failure, Worker

    if not (randomness and FORK_SAFE and runs < PROGRESS_FROM_RUNS):
        yield None
        return
    worker = Worker(_simulate_cycle, prepare=_import_kernel)
    calls = 0

    def kernel(draws: CycleDraws, runs: int, seed: int, progress: Progress | None) -> CycleOutcome:
        nonlocal calls
        calls += 1
        reply = worker.call((draws, runs, seed))
        if isinstance(reply, Failure):
            raise RuntimeError(f"the simulation worker failed: {reply.error}")
        outcome: CycleOutcome = reply
        return outcome

    try:
        yield kernel
    finally:
        worker.finish(kill=not calls)  # unused (bad input, no randomness after all): do not wait for numpy


def _import_kernel() -> None:
    import tokenplan_cli.core.montecarlo_numpy  # noqa: F401 - the import is the point


def _simulate_cycle(request: tuple[CycleDraws, int, int]) -> CycleOutcome:
    from tokenplan_cli.core import montecarlo_numpy

    draws, runs, seed = request
    return montecarlo_numpy.simulate_cycle(draws, runs, seed)
