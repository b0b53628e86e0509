"""The model of daily use: what one simulated day of a usage profile costs, in exact credits.

Every day is priced by the credit engine (`compute_credits`), so its model mix and its peak/off-peak split
(from the profile's hours, share or exact off-peak parts) set its credits exactly. Two kinds of profile:

- **observed** (`[[days]]`): a simulated day is one of the observed calendar days, each equally likely;
  calendar days of the observed span without use are idle (0 credits). With `--active-days N` a day is one
  of use with probability N / 30, and then one of the observed days with use.
- **mean** (no days): every day carries the month's use (priced as `estimate` prices it) / 30, times a
  random factor when `--spread` is given: a lognormal with mean 1 and that coefficient of variation, drawn
  from `NOISE_LEVELS` equally likely factors in parts per million. `--active-days N` scales the month's use
  to N days of use, as `estimate --per day --days N` does.
"""

from __future__ import annotations

import math
from datetime import datetime
from fractions import Fraction
from functools import lru_cache

from tokenplan_cli.core.credits import CreditBreakdown, compute_credits
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import percent
from tokenplan_cli.core.profile import UsageProfile
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import Usage
from tokenplan_cli.tuples import NamedTuple

PPM = 10**6
NOISE_LEVELS = 4096  # equally likely factors of the spread: the tail is cut at 1 in 2 * NOISE_LEVELS
NO_NOISE = (PPM,)


class DayModel(NamedTuple):
    """The distribution of one day's credits, before a cycle's scale and growth."""

    kind: str  # "observed" or "mean"
    amounts: tuple[Fraction, ...]  # credits of each possible day of use
    idle_weight: int  # relative weight of an idle day (0 credits)
    amount_weight: int  # relative weight of each amount
    noise: tuple[int, ...]  # factors in ppm, equally likely, mean exactly 1 (NO_NOISE: none)
    monthly: CreditBreakdown  # the expected use of a month, by model and window
    month_days: int
    active_days: Fraction  # expected days of use a month
    observed_days: int | None  # calendar days of the observed span (observed profiles)

    @property
    def slots(self) -> int:
        """Equally likely slots of a draw: the idle ones, then each amount × each factor of the noise."""
        return self.idle_weight + len(self.amounts) * len(self.noise) * self.amount_weight

    @property
    def is_deterministic(self) -> bool:
        """Every day is the same: the simulation has one outcome."""
        return self.idle_weight == 0 and len(set(self.amounts)) == 1 and self.noise == NO_NOISE

    @property
    def monthly_credits(self) -> Fraction:
        return self.monthly.total


def day_model(
    profile: UsageProfile,
    card: RateCard,
    as_of: datetime,
    *,
    spread: Fraction,
    active_days: int | None = None,
) -> DayModel:
    """The daily model of `profile` (see the module docstring); `active_days` is the what-if lever."""
    month_days = card.cycles["monthly"].nominal_days
    if active_days is not None and not 1 <= active_days <= month_days:
        raise BadInputError(
            f"expected 1 to {month_days} days a month, got {active_days}", field="active_days"
        )
    if spread < 0:
        raise BadInputError(f"{percent(spread)} is below zero", field="spread")
    if spread > card.limits.max_spread:
        raise BadInputError(
            f"{percent(spread)} is more than the limit of {percent(card.limits.max_spread)}", field="spread"
        )
    if profile.days:
        if spread:
            raise BadInputError(
                f"{profile.source}: the observed days give the day-to-day variation; "
                "`spread` is for usage without [[days]]",
                mentions=("spread",),
            )
        return _observed(profile, card, as_of, month_days, active_days)
    return _mean(profile, card, as_of, month_days, spread, active_days)


def _observed(
    profile: UsageProfile, card: RateCard, as_of: datetime, month_days: int, active_days: int | None
) -> DayModel:
    dates = [day.day for day in profile.days]
    if len(set(dates)) != len(dates):
        repeated = next(d for d in dates if dates.count(d) > 1)
        raise BadInputError(f"{profile.source}: day {repeated} is listed twice in [[days]]")
    span = _observed_span(profile)
    priced = [(day.usage, compute_credits(day.usage, card, as_of).total) for day in profile.days]
    used = [(usage, credits) for usage, credits in priced if credits]
    if not used:
        raise BadInputError(f"{profile.source}: every day in [[days]] is empty: there is no use to simulate")
    if active_days is None:
        idle_weight, amount_weight = span - len(used), 1
    else:
        idle_weight, amount_weight = (month_days - active_days) * len(used), active_days
    slots = idle_weight + len(used) * amount_weight
    every_day = Usage.of(line for usage, _ in used for line in usage.lines)
    return DayModel(
        kind="observed",
        amounts=tuple(credits for _, credits in used),
        idle_weight=idle_weight,
        amount_weight=amount_weight,
        noise=NO_NOISE,
        monthly=compute_credits(every_day.scaled(Fraction(month_days * amount_weight, slots)), card, as_of),
        month_days=month_days,
        active_days=Fraction(month_days * len(used) * amount_weight, slots),
        observed_days=span,
    )


def _observed_span(profile: UsageProfile) -> int:
    """Calendar days the observation covers: `period_days` when whole, else first to last listed day."""
    dates = sorted(day.day for day in profile.days)
    listed = (dates[-1] - dates[0]).days + 1
    days = profile.period.days
    if profile.period.per == "days" and days is not None and days.denominator == 1:
        if days < len(dates):
            raise BadInputError(
                f"{profile.source}: period_days is {days} but [[days]] lists {len(dates)} days"
            )
        return int(days)
    return listed


def _mean(
    profile: UsageProfile,
    card: RateCard,
    as_of: datetime,
    month_days: int,
    spread: Fraction,
    active_days: int | None,
) -> DayModel:
    period = profile.period
    base_days = period.active_days or month_days if period.per == "day" else month_days
    scale = period.to_month(month_days) * Fraction(active_days or base_days, base_days)
    monthly = compute_credits(profile.usage.scaled(scale), card, as_of)
    return DayModel(
        kind="mean",
        amounts=(monthly.total / month_days,),
        idle_weight=0,
        amount_weight=1,
        noise=lognormal_factors(spread) if spread else NO_NOISE,
        monthly=monthly,
        month_days=month_days,
        active_days=Fraction(active_days or base_days),
        observed_days=None,
    )


@lru_cache(maxsize=8)
def lognormal_factors(spread: Fraction) -> tuple[int, ...]:
    """`NOISE_LEVELS` equally likely daily factors, in ppm, of a lognormal with mean 1 and CV `spread`.

    The factors are the lognormal's quantiles at the middle of each of `NOISE_LEVELS` equal slices of
    probability, computed in binary floating point (they are random draws, not amounts) and rounded at once
    to whole ppm; then scaled so that their mean is exactly one million ppm: the simulation's expected use
    is the profile's exactly.

    >>> factors = lognormal_factors(Fraction(2, 5))
    >>> sum(factors) == NOISE_LEVELS * PPM, factors == tuple(sorted(factors))
    (True, True)
    """
    from statistics import NormalDist  # only a simulation with spread needs it

    sigma2 = math.log1p((spread.numerator / spread.denominator) ** 2)
    sigma, mu = math.sqrt(sigma2), -sigma2 / 2
    normal = NormalDist()
    raw = [
        round(math.exp(mu + sigma * normal.inv_cdf((2 * i + 1) / (2 * NOISE_LEVELS))) * PPM)
        for i in range(NOISE_LEVELS)
    ]
    target, total = NOISE_LEVELS * PPM, sum(raw)
    factors = [value * target // total for value in raw]
    factors[-1] += target - sum(factors)
    return tuple(factors)
