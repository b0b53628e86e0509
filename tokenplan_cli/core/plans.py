"""Every tier on every cycle against a monthly use of credits, and the plan to buy.

A cycle's use is the monthly use times the cycle's months; it burns in a straight line over the cycle's
nominal days (30 for a month, 365 for a year, from the card), which gives the day the credits run out.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import ceil
from typing import Protocol, TypeVar

from tokenplan_cli.core.money import percent
from tokenplan_cli.core.ratecard import CYCLES, Currency, RateCard
from tokenplan_cli.tuples import NamedTuple

BILLION = 10**9


class PlanFit(NamedTuple):
    """One tier on one cycle, measured against a use."""

    tier: str
    cycle: str
    quota: Fraction  # credits per cycle
    usage: Fraction  # credits the use needs per cycle
    cycle_days: int
    price: Fraction  # list price per cycle
    months: int
    fits: bool  # the use leaves at least the headroom unused
    runs_out_day: int | None  # day of the cycle the credits run out on, None if they last

    @property
    def utilization(self) -> Fraction:
        return self.usage / self.quota

    @property
    def price_per_month(self) -> Fraction:
        return self.price / self.months

    @property
    def price_per_billion_used(self) -> Fraction | None:
        """Price per billion credits actually used (a plan cannot use more than its quota)."""
        used = min(self.usage, self.quota)
        return self.price * BILLION / used if used else None


class Shortfall(NamedTuple):
    """How far the largest plan falls short of the use, keeping the headroom."""

    tier: str
    cycle: str
    credits: Fraction  # per cycle
    fraction: Fraction  # of the plan's usable quota


class Recommendation(NamedTuple):
    best: PlanFit | None  # the cheapest plan per month that fits
    best_monthly: PlanFit | None  # the cheapest monthly plan that fits (no year's commitment)
    shortfall: Shortfall | None  # set when nothing fits
    reasons: tuple[str, ...]


def compute_runs_out_day(quota: Fraction, usage: Fraction, cycle_days: int) -> int | None:
    """The day (1-based) on which a straight-line burn of `usage` over the cycle exhausts `quota`.

    >>> compute_runs_out_day(Fraction(100), Fraction(200), 30)   # twice the quota: half-way
    15
    >>> compute_runs_out_day(Fraction(100), Fraction(100), 30) is None   # lasts exactly
    True
    """
    if usage <= quota:
        return None
    return ceil(quota * cycle_days / usage)


def evaluate_plans(
    card: RateCard, monthly_credits: Fraction, currency: Currency, headroom: Fraction
) -> tuple[PlanFit, ...]:
    """Every tier × cycle of the card against `monthly_credits`, in card order, monthly first."""
    fits_below = 1 - headroom
    plans = []
    for cycle_name in CYCLES:
        cycle = card.cycles[cycle_name]
        for tier in card.tiers:
            terms = tier.on(cycle_name)
            usage = monthly_credits * cycle.months
            plans.append(
                PlanFit(
                    tier=tier.name,
                    cycle=cycle_name,
                    quota=terms.credits,
                    usage=usage,
                    cycle_days=cycle.nominal_days,
                    price=terms.prices[currency.code],
                    months=cycle.months,
                    fits=usage <= terms.credits * fits_below,
                    runs_out_day=compute_runs_out_day(terms.credits, usage, cycle.nominal_days),
                )
            )
    return tuple(plans)


class PricedPlan(Protocol):
    @property
    def cycle(self) -> str: ...
    @property
    def months(self) -> int: ...
    @property
    def price_per_month(self) -> Fraction: ...


Plan = TypeVar("Plan", bound=PricedPlan)


def cheapest(plans: Sequence[Plan]) -> tuple[Plan, Plan | None]:
    """The cheapest plan per month of a non-empty list (monthly on a tie), and the cheapest monthly one."""
    best = min(plans, key=lambda p: (p.price_per_month, p.months))
    monthly = [p for p in plans if p.cycle == "monthly"]
    return best, min(monthly, key=lambda p: p.price_per_month) if monthly else None


def recommend_plan(plans: tuple[PlanFit, ...], currency: Currency, headroom: Fraction) -> Recommendation:
    """The cheapest plan per month that fits, the cheapest monthly one, or the shortfall of the largest."""
    fitting = [p for p in plans if p.fits]
    if not fitting:
        largest = max(plans, key=lambda p: (p.quota / p.months, p.cycle == "monthly"))
        usable = largest.quota * (1 - headroom)
        short = Shortfall(
            largest.tier, largest.cycle, largest.usage - usable, (largest.usage - usable) / usable
        )
        reason = (
            f"no plan fits: {largest.tier} {largest.cycle} falls short by "
            f"{percent(short.fraction)} of its usable quota ({percent(headroom)} headroom kept)"
        )
        return Recommendation(None, None, short, (reason,))
    best, best_monthly = cheapest(fitting)
    reasons = [
        f"{best.tier} {best.cycle} is the cheapest plan that fits: "
        f"{currency.show(best.price_per_month)} a month, {percent(best.utilization)} of its quota used, "
        f"{percent(headroom)} headroom kept"
    ]
    if best.cycle != "monthly" and best_monthly is not None:
        reasons.append(
            f"without a year's commitment: {best_monthly.tier} monthly at "
            f"{currency.show(best_monthly.price_per_month)} a month"
        )
    return Recommendation(best, best_monthly, None, tuple(reasons))
