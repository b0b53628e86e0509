"""`simulate`: every tier and cycle against many simulated billing cycles, and the plan to buy at a risk.

A cycle is simulated day by day (`core.daily` says what a day costs): a monthly cycle is the card's
nominal month (30 days), an annual one a single pool for its 365 days. A cycle carries its months' use
over its days, as `estimate` assumes, so an annual day is 12 × 30 / 365 of a monthly one on average.
With `--growth`, use grows each 30 days (compounding); a monthly plan is then judged on the 12th month
ahead, the busiest of the year an annual plan covers.

The kernel (`core.montecarlo`, vectorised in `core.montecarlo_numpy`) counts in integer units of a credit:
the least common denominator of every day's credits when that fits 64 bits (the counts are then exact),
else hundredths rounded down. A model whose every day is alike has one outcome, computed once in exact
Python integers, so a usage without days or spread gives `estimate`'s answers exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction

from tokenplan_cli.core import montecarlo
from tokenplan_cli.core.daily import PPM, DayModel, day_model
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import CREDIT_DECIMALS, percent
from tokenplan_cli.core.payg import PaygComparison, compare_payg
from tokenplan_cli.core.plans import (
    BILLION,
    Recommendation,
    cheapest,
    evaluate_plans,
    recommend_plan,
)
from tokenplan_cli.core.profile import UsageProfile
from tokenplan_cli.core.ratecard import CYCLES, Currency, OffPeakWindow, RateCard
from tokenplan_cli.core.whatifs import BASELINE, Lever, apply_lever
from tokenplan_cli.tuples import NamedTuple

INT64_MAX = 2**63 - 1
MAX_SEED = 2**64 - 1
P10, P50 = Fraction(1, 10), Fraction(1, 2)


class SimulationSettings(NamedTuple):
    runs: int
    seed: int
    risk: Fraction  # the highest acceptable probability of running out within a cycle
    spread: Fraction  # coefficient of variation of daily use, for a usage without observed days


class PlanRisk(NamedTuple):
    """One tier on one cycle, measured against the simulated cycles."""

    tier: str
    cycle: str
    quota: Fraction
    price: Fraction
    months: int
    cycle_days: int
    month: int  # the month of the year ahead the figures describe (1; 12 for a monthly plan under growth)
    runs: int
    runs_out_days: tuple[int, ...]  # runs whose credits ran out on day 1, 2, … of the cycle
    expected_used: Fraction  # mean over runs of min(cycle's use, quota)

    @property
    def runs_out(self) -> int:
        return sum(self.runs_out_days)

    @property
    def p_runs_out(self) -> Fraction:
        return Fraction(self.runs_out, self.runs)

    @property
    def expected_unused(self) -> Fraction:
        return self.quota - self.expected_used

    @property
    def price_per_month(self) -> Fraction:
        return self.price / self.months

    @property
    def expected_price_per_billion_used(self) -> Fraction | None:
        """The price over the credits used on average (None when nothing is used)."""
        return self.price * BILLION / self.expected_used if self.expected_used else None

    def runs_out_day(self, share: Fraction) -> int | None:
        """The first day by which the credits have run out in at least `share` of the runs (None: later).

        >>> one = Fraction(1)
        >>> plan = PlanRisk("Lite", "monthly", one, one, 1, 30, 1, 10, (0, 1, 0, 4), one)
        >>> [plan.runs_out_day(Fraction(share, 10)) for share in (1, 5, 6)]
        [2, 4, None]
        """
        needed, seen = share * self.runs, 0
        for day, count in enumerate(self.runs_out_days, start=1):
            seen += count
            if seen and seen >= needed:
                return day
        return None


class RiskRecommendation(NamedTuple):
    best: PlanRisk | None  # the cheapest plan per month whose risk stays within the limit
    best_monthly: PlanRisk | None  # the same among monthly plans
    safest: PlanRisk | None  # when no plan is within the limit: the one least likely to run out
    reasons: tuple[str, ...]


class Scenario(NamedTuple):
    """The plans under one what-if (or the baseline)."""

    lever: Lever
    days: DayModel
    credits_per_month: Fraction  # expected, averaged over the year ahead (growth raises it)
    hours_utc: tuple[Fraction, ...] | None
    plans: tuple[PlanRisk, ...]
    recommendation: RiskRecommendation


class Simulation(NamedTuple):
    as_of: datetime
    source: str
    currency: Currency
    settings: SimulationSettings
    baseline: Scenario
    whatifs: tuple[Scenario, ...]
    by_average: Recommendation  # what `estimate` recommends for the same mean use
    headroom: Fraction
    offpeak: OffPeakWindow
    notes: tuple[str, ...]
    payg: PaygComparison | None = None  # the mean use on pay-as-you-go (None: the card has no prices)


def validate_settings(card: RateCard, settings: SimulationSettings) -> None:
    limit = card.limits.max_runs
    if not 1 <= settings.runs <= limit:
        raise BadInputError(f"expected 1 to {limit:,} simulated cycles, got {settings.runs:,}", field="runs")
    if not 0 <= settings.seed <= MAX_SEED:
        raise BadInputError(f"expected a whole number from 0 to 2**64 - 1, got {settings.seed}", field="seed")
    if not 0 <= settings.risk <= 1:
        raise BadInputError(f"{percent(settings.risk)} is outside 0–100 %", field="risk")


def scenario_levers(lever: Lever) -> tuple[Lever, ...]:
    """The scenarios a simulation runs: the baseline, each lever alone, then all together."""
    return (BASELINE, *lever.singles())


def simulate_plans(
    card: RateCard,
    profile: UsageProfile,
    *,
    source: str,
    as_of: datetime,
    currency: Currency,
    settings: SimulationSettings,
    lever: Lever = BASELINE,
    headroom: Fraction | None = None,
    progress: montecarlo.Progress | None = None,
    kernel: montecarlo.Kernel | None = None,
) -> Simulation:
    """Simulate `profile` on every plan of `card`, as measured and under each lever of `lever`."""
    validate_settings(card, settings)
    scenarios = [
        simulate_scenario(
            card,
            profile,
            each,
            as_of=as_of,
            currency=currency,
            settings=settings,
            progress=progress,
            kernel=kernel,
        )  # fmt: skip
        for each in scenario_levers(lever)
    ]
    baseline = scenarios[0]
    headroom = card.defaults.headroom if headroom is None else headroom
    plans = evaluate_plans(card, baseline.days.monthly_credits, currency, headroom)
    return Simulation(
        as_of=as_of,
        source=source,
        currency=currency,
        settings=settings,
        baseline=baseline,
        whatifs=tuple(scenarios[1:]),
        by_average=recommend_plan(plans, currency, headroom),
        headroom=headroom,
        offpeak=card.offpeak,
        notes=profile.notes + baseline.days.monthly.notes() + _model_notes(baseline.days, lever, card),
        payg=compare_payg(baseline.days.monthly, baseline.plans, card, currency),
    )


def simulate_scenario(
    card: RateCard,
    profile: UsageProfile,
    lever: Lever,
    *,
    as_of: datetime,
    currency: Currency,
    settings: SimulationSettings,
    progress: montecarlo.Progress | None = None,
    kernel: montecarlo.Kernel | None = None,
) -> Scenario:
    """Every tier × cycle of `card` under one what-if, monthly plans first (as in `estimate`)."""
    rewritten = apply_lever(profile, lever, card)
    days = day_model(rewritten, card, as_of, spread=settings.spread, active_days=lever.active_days)
    growth = lever.growth or Fraction(0)
    plans: list[PlanRisk] = []
    for cycle in CYCLES:
        plans += _simulate_cycle(card, days, cycle, growth, currency, settings, progress, kernel)
    months = card.cycles["annual"].months
    average_month = days.monthly_credits * sum((1 + growth) ** m for m in range(months)) / months
    recommendation = recommend_by_risk(plans, settings.risk, currency)
    return Scenario(lever, days, average_month, rewritten.hours_utc, tuple(plans), recommendation)


def _simulate_cycle(
    card: RateCard,
    days: DayModel,
    cycle_name: str,
    growth: Fraction,
    currency: Currency,
    settings: SimulationSettings,
    progress: montecarlo.Progress | None,
    kernel: montecarlo.Kernel | None,
) -> list[PlanRisk]:
    cycle = card.cycles[cycle_name]
    terms = [tier.on(cycle_name) for tier in card.tiers]
    months = _months_of_days(cycle.nominal_days, cycle.months, days.month_days, card, growth)
    scale = Fraction(cycle.months * days.month_days, cycle.nominal_days)
    factors = [scale * (1 + growth) ** month for month in range(max(months) + 1)]
    quotas = [t.credits for t in terms]
    exact = days.is_deterministic
    unit = _unit(days, factors, quotas, cycle.nominal_days, exact=exact)
    draws = montecarlo.CycleDraws(
        days=cycle.nominal_days,
        stream=CYCLES.index(cycle_name),
        month_of_day=months,
        tables=tuple(_table(days, factor, unit, quotas, clip=not exact) for factor in factors),
        slots=days.slots,
        idle_slots=days.idle_weight,
        day_slots=days.amount_weight,
        quotas=tuple(math.ceil(q * unit) for q in quotas),
    )
    outcome = _run(draws, settings, exact, progress, kernel)
    return [
        PlanRisk(
            tier=tier.name,
            cycle=cycle_name,
            quota=quota,
            price=t.prices[currency.code],
            months=cycle.months,
            cycle_days=cycle.nominal_days,
            month=months[0] + 1,
            runs=outcome.runs,
            runs_out_days=outcome.runs_out_days[i],
            expected_used=Fraction(outcome.used[i], outcome.runs * unit),
        )
        for i, (tier, t, quota) in enumerate(zip(card.tiers, terms, quotas, strict=True))
    ]


def _months_of_days(
    cycle_days: int, cycle_months: int, month_days: int, card: RateCard, growth: Fraction
) -> tuple[int, ...]:
    """For each day of the cycle, the month of the year ahead it falls in (0-based), growth's exponent."""
    if not growth:
        return (0,) * cycle_days
    if cycle_months == 1:  # a monthly plan is judged on the last month of the year ahead
        return (card.cycles["annual"].months - 1,) * cycle_days
    return tuple(day // month_days for day in range(cycle_days))


def _unit(
    days: DayModel, factors: list[Fraction], quotas: list[Fraction], cycle_days: int, *, exact: bool
) -> int:
    """Units per credit: the common denominator of all amounts if it fits (always, in exact mode).

    In int64 a cycle's running total is at most `cycle_days` × (the largest quota + 1 unit), since table
    entries are clipped there; beyond it every plan has run out anyway.
    """
    values = [a * f for a in days.amounts for f in factors] + quotas
    common = math.lcm(*(v.denominator for v in values))
    if exact:
        return common
    fits = (INT64_MAX // cycle_days - 1) // math.ceil(max(quotas))
    if days.noise == (PPM,) and common <= fits:
        return common
    hundredths = 10**CREDIT_DECIMALS
    for unit in (hundredths, 1):
        if unit <= fits:
            return unit
    raise BadInputError("a quota on this card is too large to simulate in 64-bit units")


def _table(
    days: DayModel, factor: Fraction, unit: int, quotas: list[Fraction], *, clip: bool
) -> tuple[int, ...]:
    """Entry 0 an idle day, then each possible day's use in units (rounded down, at most the clip)."""
    ceiling = math.ceil(max(quotas) * unit) + 1 if clip else None
    if days.noise == (PPM,):
        entries = [math.floor(a * factor * unit) for a in days.amounts]
    else:
        base = math.floor(days.amounts[0] * factor * unit)
        entries = [base * p // PPM for p in days.noise]
    if ceiling is not None:
        entries = [min(e, ceiling) for e in entries]
    return (0, *entries)


def _run(
    draws: montecarlo.CycleDraws,
    settings: SimulationSettings,
    exact: bool,
    progress: montecarlo.Progress | None,
    kernel: montecarlo.Kernel | None,
) -> montecarlo.CycleOutcome:
    """Run the kernel (numpy's unless another is given); a model with one outcome runs once, exactly,
    and stands for every run."""
    if exact:
        once = montecarlo.simulate_cycle(draws, 1, settings.seed)
        if progress is not None:
            progress(settings.runs)
        runs = settings.runs
        return montecarlo.CycleOutcome(
            runs,
            tuple(tuple(n * runs for n in h) for h in once.runs_out_days),
            tuple(u * runs for u in once.used),
        )
    if kernel is None:
        from tokenplan_cli.core import montecarlo_numpy  # numpy only here: nothing else pays its import

        kernel = montecarlo_numpy.simulate_cycle
    return kernel(draws, settings.runs, settings.seed, progress)


def recommend_by_risk(plans: Sequence[PlanRisk], risk: Fraction, currency: Currency) -> RiskRecommendation:
    """The cheapest plan per month whose credits run out in at most `risk` of the simulated cycles."""
    within = [p for p in plans if p.p_runs_out <= risk]
    if not within:
        safest = min(plans, key=lambda p: (p.p_runs_out, p.price_per_month))
        reason = (
            f"no plan keeps the risk of running out at or below {percent(risk)}: the lowest is "
            f"{safest.tier} {safest.cycle}, out in {percent(safest.p_runs_out)} of simulated cycles"
        )
        return RiskRecommendation(None, None, safest, (reason,))
    best, best_monthly = cheapest(within)
    reasons = [
        f"{best.tier} {best.cycle} is the cheapest plan whose credits run out in at most {percent(risk)} of "
        f"cycles: {currency.show(best.price_per_month)} a month, out in {percent(best.p_runs_out)} of "
        f"{best.runs:,} simulated cycles"
    ]
    if best.cycle != "monthly" and best_monthly is not None:
        reasons.append(
            f"without a year's commitment: {best_monthly.tier} monthly at "
            f"{currency.show(best_monthly.price_per_month)} a month, out in "
            f"{percent(best_monthly.p_runs_out)} of cycles"
        )
    return RiskRecommendation(best, best_monthly, None, tuple(reasons))


def _model_notes(days: DayModel, lever: Lever, card: RateCard) -> tuple[str, ...]:
    notes = []
    if days.kind == "observed":
        notes.append(
            f"days are resampled from {days.observed_days} observed calendar days, "
            f"{len(days.amounts)} of them with use"
        )
    elif days.is_deterministic:
        notes.append("no day-to-day spread: every simulated cycle is the same (add --spread, or days)")
    if lever.growth:
        month = card.cycles["annual"].months
        notes.append(f"with growth, monthly plans are measured on month {month} of the year ahead")
    return tuple(notes)
