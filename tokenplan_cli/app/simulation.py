"""Simulating billing cycles (`simulate`) and checking a usage against limits (`check`): the settings,
the numpy kernel in a worker beside the main process, and the engine's call.

Values in (exact shares and ratios, whole numbers), the core's results out; the commands and
`tokenplan_cli.api` call these alike. Drawing a progress bar is the caller's: it passes a maker of one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from tokenplan_cli.core.amounts import Number, parse_ratio, parse_share
from tokenplan_cli.core.montecarlo import CycleDraws, CycleOutcome, Kernel, Progress
from tokenplan_cli.core.simulation import SimulationSettings

if TYPE_CHECKING:
    from tokenplan_cli.app.usage import UsageRequest
    from tokenplan_cli.core.check import CheckLimits, CheckResult
    from tokenplan_cli.core.ratecard import Currency, RateCard
    from tokenplan_cli.core.simulation import Simulation
    from tokenplan_cli.core.whatifs import Lever

# A progress bar is worth drawing from this many simulated cycles on (about a second of work).
PROGRESS_FROM_RUNS = 200_000

# Makes the progress bar of `work` simulated cycles (None: none is drawn).
ProgressMaker = Callable[[int], AbstractContextManager[Progress | None]]


def simulation_settings(
    card: RateCard,
    *,
    runs: int | None = None,
    seed: int | None = None,
    risk: Number | None = None,
    spread: Number | None = None,
) -> SimulationSettings:
    """The settings given, the card's defaults for those not given (`risk`: the highest acceptable
    chance of running out, 0 to 1; `spread`: the day-to-day coefficient of variation)."""
    defaults = card.defaults
    settings = SimulationSettings(
        runs=defaults.runs if runs is None else runs,
        seed=defaults.seed if seed is None else seed,
        risk=defaults.risk if risk is None else parse_share(risk, field="risk"),
        spread=Fraction(0) if spread is None else parse_ratio(spread, field="spread"),
    )
    from tokenplan_cli.core.simulation import validate_settings

    validate_settings(card, settings)
    return settings


def draws_at_random(settings: SimulationSettings, usage: UsageRequest) -> bool:
    """Whether simulating `usage` may draw at random: with a spread, or days observed in a profile or
    logs (usage from amounts without a spread is simulated once, exactly)."""
    return bool(settings.spread) or usage.profile is not None or usage.from_logs


def simulate(
    card: RateCard,
    usage: UsageRequest,
    *,
    as_of: datetime,
    now: datetime,
    currency: Currency,
    settings: SimulationSettings,
    lever: Lever,
    progress: ProgressMaker | None = None,
    log_progress: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> Simulation:
    """Every plan against simulated cycles of `usage` (and each what-if of `lever`). `meanwhile` runs
    while the kernel's worker imports numpy (the CLI imports what it will draw with)."""
    from tokenplan_cli.app.usage import read_usage, usage_label
    from tokenplan_cli.core.ratecard import CYCLES
    from tokenplan_cli.core.simulation import scenario_levers, simulate_plans

    work = settings.runs * len(CYCLES) * len(scenario_levers(lever))
    with (
        kernel_beside(draws_at_random(settings, usage), work) as kernel,
        progress(work) if progress is not None else nullcontext() as advance,
    ):
        profile = read_usage(card, usage, as_of=as_of, now=now, progress=log_progress)
        if meanwhile is not None and kernel is not None:
            meanwhile()
        return simulate_plans(
            card, profile, source=usage_label(usage, profile), as_of=as_of, currency=currency,
            settings=settings, lever=lever, progress=advance, kernel=kernel,
        )  # fmt: skip


def check(
    card: RateCard,
    usage: UsageRequest,
    *,
    tier: str,
    cycle: str,
    limits: CheckLimits,
    as_of: datetime,
    now: datetime,
    currency: Currency,
    settings: SimulationSettings,
    log_progress: bool = False,
) -> CheckResult:
    """`usage` on the plan `tier` × `cycle` against every limit set (a simulation only for `max_risk`)."""
    from tokenplan_cli.app.usage import read_usage, usage_label
    from tokenplan_cli.core.check import check_plan
    from tokenplan_cli.core.ratecard import CYCLES

    randomness = limits.max_risk is not None and draws_at_random(settings, usage)
    with kernel_beside(randomness, settings.runs * len(CYCLES)) as kernel:
        profile = read_usage(card, usage, as_of=as_of, now=now, progress=log_progress)
        return check_plan(
            card, profile, source=usage_label(usage, profile), tier=tier, cycle=cycle, limits=limits,
            as_of=as_of, currency=currency, settings=settings, kernel=kernel,
        )  # fmt: skip


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
