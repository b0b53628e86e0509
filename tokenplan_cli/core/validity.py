"""Validity: when a plan bought at an instant expires, when the expiry reminders fall, what is left.

The card says a plan is valid for one calendar month (or year) from the day of purchase, until its
`expires_at` time (23:59:59 UTC) on the same day of the month; a day the month lacks is clamped to its
last day (`[validity] month_end = "clamp"`). Days are UTC days: the provider states expiry in UTC.

The last second is included: a plan expiring at 23:59:59 serves until 24:00:00 (`ends_at`), the
first instant it no longer does (docs/interpretations.md).

>>> from datetime import time
>>> from tokenplan_cli.core.dates import iso_utc, parse_instant
>>> from tokenplan_cli.core.ratecard import CycleRule, Validity
>>> window = validity_window(
...     parse_instant("2026-03-28"), CycleRule("monthly", 1, 30), Validity(time(23, 59, 59), "clamp")
... )
>>> iso_utc(window.expires_at), iso_utc(window.ends_at), window.days_total
('2026-04-28T23:59:59Z', '2026-04-29T00:00:00Z', 31)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from tokenplan_cli.core.dates import SECOND, days_in_month, utc_text
from tokenplan_cli.core.ratecard import CycleRule, RateCard, Validity
from tokenplan_cli.tuples import NamedTuple

MONTHS_PER_YEAR = 12  # the calendar's, not the provider's
PlanState = Literal["not-started", "active", "expired"]


class ExpiryReminder(NamedTuple):
    """A reminder sent `days_before` the expiry day, on `day` (UTC), when auto-renewal is off."""

    days_before: int
    day: date


class ValidityWindow(NamedTuple):
    """When a plan serves: from its purchase instant to the last second of its expiry day."""

    start: datetime  # the purchase instant, UTC
    expires_at: datetime  # the last second of validity, UTC (23:59:59 on the expiry day)
    cycle: str

    @property
    def ends_at(self) -> datetime:
        """The first instant the plan no longer serves (one second after `expires_at`)."""
        return self.expires_at + SECOND

    @property
    def purchase_day(self) -> date:
        return self.start.date()

    @property
    def expiry_day(self) -> date:
        return self.expires_at.date()

    @property
    def days_total(self) -> int:
        """Calendar days from the purchase day to the expiry day (31 for March 28 -> April 28)."""
        return (self.expiry_day - self.purchase_day).days

    def is_active(self, now: datetime) -> bool:
        return self.start <= now < self.ends_at

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at

    def has_started(self, now: datetime) -> bool:
        return now >= self.start

    def state(self, now: datetime) -> PlanState:
        """`not-started` before the purchase instant, `active` through the expiry second, then `expired`."""
        if not self.has_started(now):
            return "not-started"
        return "expired" if self.has_ended(now) else "active"

    def days_until_start(self, now: datetime) -> int:
        """UTC calendar days from `now`'s day to the purchase day (0 once bought)."""
        return max(0, (self.purchase_day - now.date()).days)

    def days_left(self, now: datetime) -> int:
        """UTC calendar days from `now`'s day to the expiry day: 0 on the expiry day, and once ended.

        It counts as the reminders do: the "two days before" reminder falls on the day this is 2.
        """
        if self.has_ended(now):
            return 0
        return (self.expiry_day - max(now, self.start).date()).days

    def days_elapsed(self, now: datetime) -> int:
        """UTC calendar days from the purchase day to `now`'s day (0 on the purchase day)."""
        return (min(now, self.expires_at).date() - self.purchase_day).days if now >= self.start else 0

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds until the plan stops serving (0 once it has)."""
        return max(0, (self.ends_at - max(now, self.start)) // SECOND)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the last day of a shorter month.

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2028, 1, 31), 1)
    (datetime.date(2026, 2, 28), datetime.date(2028, 2, 29))
    >>> add_months(date(2028, 2, 29), 12), add_months(date(2026, 12, 31), 1)
    (datetime.date(2029, 2, 28), datetime.date(2027, 1, 31))
    """
    index = day.month - 1 + months
    year, month = day.year + index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def validity_window(start: datetime, cycle: CycleRule, validity: Validity) -> ValidityWindow:
    """The window of a plan on `cycle` bought at `start` (aware): its purchase day is `start`'s UTC day."""
    start = start.astimezone(UTC)
    expiry_day = add_months(start.date(), cycle.months)
    return ValidityWindow(start, datetime.combine(expiry_day, validity.expires_at, UTC), cycle.name)


def renewed_window(window: ValidityWindow, cycle: CycleRule, validity: Validity) -> ValidityWindow:
    """The next cycle of a plan renewed automatically at its expiry: it serves from the instant the old
    one stops, to one calendar month (or year) after the old expiry day, clamped as a purchase is.

    >>> from datetime import time
    >>> from tokenplan_cli.core.dates import iso_utc, parse_instant
    >>> monthly, rules = CycleRule("monthly", 1, 30), Validity(time(23, 59, 59), "clamp")
    >>> renewed = renewed_window(validity_window(parse_instant("2026-03-28"), monthly, rules), monthly, rules)
    >>> iso_utc(renewed.start), iso_utc(renewed.expires_at)
    ('2026-04-29T00:00:00Z', '2026-05-28T23:59:59Z')
    """
    expiry_day = add_months(window.expiry_day, cycle.months)
    return ValidityWindow(window.ends_at, datetime.combine(expiry_day, validity.expires_at, UTC), cycle.name)


def expiry_reminders(window: ValidityWindow, days_before: tuple[int, ...]) -> tuple[ExpiryReminder, ...]:
    """The days the provider reminds of the expiry (auto-renewal off), earliest first.

    A reminder that would fall before the purchase day (a custom card's long lead on a short plan) is
    left out.
    """
    reminders = (
        ExpiryReminder(before, date.fromordinal(window.expiry_day.toordinal() - before))
        for before in sorted(set(days_before), reverse=True)
    )
    return tuple(r for r in reminders if r.day >= window.purchase_day)


def window_notes(window: ValidityWindow) -> tuple[str, ...]:
    """What a person may not expect of the window: the purchase day and the expiry are UTC, and clamping."""
    notes = [
        f"validity counts UTC days: bought on {window.purchase_day.isoformat()} (UTC), the plan serves "
        f"until {window.expires_at:%H:%M:%S} UTC on {window.expiry_day.isoformat()}, that second included"
    ]
    if window.expiry_day.day != window.purchase_day.day:
        notes.append(
            f"{window.expiry_day:%B %Y} has no day {window.purchase_day.day}: the plan expires on the "
            f"month's last day, {window.expiry_day.isoformat()}"
        )
    return tuple(notes)


class Expiry(NamedTuple):
    """When a plan expires, when its expiry reminders fall, and what is left of it at `now`."""

    window: ValidityWindow
    now: datetime
    reminders: tuple[ExpiryReminder, ...]
    notes: tuple[str, ...]

    def reminder_fired(self, reminder: ExpiryReminder) -> bool:
        return reminder.day <= self.now.date()


def compute_expiry(
    card: RateCard, start: datetime, cycle: str, now: datetime, window: ValidityWindow | None = None
) -> Expiry:
    """The expiry of a plan on `cycle` bought at `start`, seen at `now` (before `start` too: a purchase
    being planned has its dates, and no days left yet). `window`: a renewed cycle's validity."""
    window = window or validity_window(start, card.cycle(cycle), card.validity)
    reminders = expiry_reminders(window, card.reminders.expiry_days_before)
    note = (
        "the provider sends the expiry reminders only when auto-renewal is off; with it on, the plan renews"
    )
    notes = (*window_notes(window), note)
    if not window.has_started(now):
        notes += (
            f"not started yet: the plan serves from its purchase at {utc_text(window.start)}; until then "
            "there are no days left to count",
        )
    return Expiry(window, now, reminders, notes)
