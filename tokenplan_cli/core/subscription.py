"""The plan a user holds, remembered between runs: what they bought, the cycle it is in now, and the
console readings that calibrate what the logs show.

A held plan is a `Subscription` (tier, cycle, purchase instant, what was paid, auto-renewal). With
auto-renewal on, the provider "automatically enter[s] the next subscription cycle" at expiry: the next
cycle starts the instant the last one stops serving and is valid one calendar month (or year) from the
old expiry day, clamped to a shorter month's last day as a purchase is (docs/interpretations.md). With
auto-renewal off the plan has one cycle, and past its end it is expired.

>>> from datetime import UTC, datetime, time
>>> from tokenplan_cli.core.ratecard import CycleRule, Validity
>>> monthly, validity = CycleRule("monthly", 1, 30), Validity(time(23, 59, 59), "clamp")
>>> plan = Subscription("Standard", "monthly", datetime(2026, 1, 31, tzinfo=UTC), auto_renew=True)
>>> found = cycle_at(plan, monthly, validity, datetime(2026, 3, 15, tzinfo=UTC))
>>> found.number, found.window.start.date().isoformat(), found.window.expiry_day.isoformat()
(2, '2026-03-01', '2026-03-28')
"""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

from tokenplan_cli.core.dates import utc_text
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import count, percent
from tokenplan_cli.core.ratecard import CycleRule, Validity
from tokenplan_cli.core.validity import ValidityWindow, add_months, validity_window
from tokenplan_cli.tuples import NamedTuple


class Subscription(NamedTuple):
    """The plan held: a tier on a cycle, bought at `start` (UTC), and whether it renews by itself."""

    tier: str
    cycle: str
    start: datetime
    auto_renew: bool
    paid: Fraction | None = None  # what was paid for a cycle, when a discount made it less than the list
    paid_currency: str | None = None  # the currency `paid` is in


class Reading(NamedTuple):
    """The console's figure of credits used, at an instant: status counts it plus what the logs show
    after `at`. The console shows a share of the quota (`63%`) or a count (`6.93B`): one of the two."""

    at: datetime
    given: str  # as the user typed it, to show back
    share: Fraction | None = None  # of the quota
    credits: Fraction | None = None

    def used_of(self, quota: Fraction) -> Fraction:
        """The credits used this reading says, of a plan holding `quota`."""
        if self.share is not None:
            return self.share * quota
        assert self.credits is not None
        return self.credits


class Cycle(NamedTuple):
    """The cycle of a held plan at an instant: its validity window and its number (1 = the purchase)."""

    window: ValidityWindow
    number: int
    expired: bool  # auto-renewal off and the plan no longer serves

    @property
    def renewed(self) -> bool:
        return self.number > 1


def renewed_window(window: ValidityWindow, rule: CycleRule, validity: Validity) -> ValidityWindow:
    """The cycle after `window`: it serves from the instant `window` stops, to one month (or year) after
    its expiry day, clamped as a purchase is."""
    expiry_day = add_months(window.expiry_day, rule.months)
    return ValidityWindow(window.ends_at, datetime.combine(expiry_day, validity.expires_at, UTC), rule.name)


def cycle_at(plan: Subscription, rule: CycleRule, validity: Validity, now: datetime) -> Cycle:
    """The cycle `plan` is in at `now`: with auto-renewal, the one serving then; without, the first."""
    if now < plan.start:
        raise BadInputError(
            f"the held plan starts at {utc_text(plan.start)}, after now ({utc_text(now)}); "
            "set it again with the start you bought it"
        )
    window, number = validity_window(plan.start, rule, validity), 1
    if not plan.auto_renew:
        return Cycle(window, 1, expired=window.has_ended(now))
    while window.has_ended(now):  # a cycle a month: a few hundred steps for a plan held for decades
        window, number = renewed_window(window, rule, validity), number + 1
    return Cycle(window, number, expired=False)


def reading_in(readings: tuple[Reading, ...], since: datetime, now: datetime) -> Reading | None:
    """The latest reading taken in [`since`, `now`] (readings of earlier cycles, or before a usage
    reset, no longer say anything about the credits used)."""
    inside = [r for r in readings if since <= r.at <= now]
    return max(inside, key=lambda r: r.at) if inside else None


def check_reading(reading: Reading, quota: Fraction, since: datetime, now: datetime) -> Reading:
    """`reading` if it can be true of a cycle holding `quota` credits counted from `since`, at `now`."""
    used = reading.used_of(quota)
    if reading.at > now:
        raise BadInputError(
            f"at: {utc_text(reading.at)} is after now ({utc_text(now)}); a reading is what the console "
            "showed, so it cannot be in the future"
        )
    if reading.at < since:
        raise BadInputError(
            f"at: {utc_text(reading.at)} is before the credits of this cycle are counted from "
            f"({utc_text(since)})"
        )
    if used > quota:
        raise BadInputError(
            f"used: {reading.given} ({count(used)} credits) is more than the plan's quota of "
            f"{count(quota)} credits ({percent(used / quota)})"
        )
    return reading
