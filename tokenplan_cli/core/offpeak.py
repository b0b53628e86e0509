"""The off-peak window against time: which instant falls in it, and what share of a day's use does.

The window is defined in UTC by the card. A usage profile describes use by local hour of day, so a
local hour maps to a UTC span that may straddle the window's edge (e.g. UTC+05:30); the overlap is
counted by the minute, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.usage import Window
from tokenplan_cli.tuples import NamedTuple

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR
HOURS_PER_DAY = 24


def window_at(instant: datetime, window: OffPeakWindow) -> Window:
    """Whether a request at `instant` (aware) was charged at the peak or the off-peak rate."""
    utc = instant.astimezone(UTC)
    return "offpeak" if window.contains_minute(utc.hour * 60 + utc.minute) else "peak"


def offpeak_minutes(start: int, end: int, window: OffPeakWindow) -> int:
    """Minutes of the UTC span [start, end) (minutes of day, may wrap) that fall in the window."""
    total = 0
    for lo, hi in _unwrap(start, end):
        for w_lo, w_hi in window.minutes():
            total += max(0, min(hi, w_hi) - max(lo, w_lo))
    return total


def hour_in_window(hour: int, window: OffPeakWindow) -> Fraction:
    """The share of the UTC hour `hour` that falls in the window (1 for each hour of 16:00–24:00)."""
    start = hour * MINUTES_PER_HOUR
    return Fraction(offpeak_minutes(start, start + MINUTES_PER_HOUR, window), MINUTES_PER_HOUR)


def _unwrap(start: int, end: int) -> tuple[tuple[int, int], ...]:
    start %= MINUTES_PER_DAY
    end %= MINUTES_PER_DAY
    if end == 0:
        end = MINUTES_PER_DAY
    if start < end:
        return ((start, end),)
    return ((start, MINUTES_PER_DAY), (0, end))


def local_hours_to_utc(weights: Sequence[Fraction], utc_offset_minutes: int) -> tuple[Fraction, ...]:
    """24 weights by local hour, redistributed onto the 24 UTC hours (split by the minute)."""
    utc = [Fraction(0)] * HOURS_PER_DAY
    for hour, weight in enumerate(weights):
        start = hour * 60 - utc_offset_minutes
        first, into = (start // 60) % HOURS_PER_DAY, start % 60
        utc[first] += weight * Fraction(60 - into, 60)
        utc[(first + 1) % HOURS_PER_DAY] += weight * Fraction(into, 60)
    return tuple(utc)


def offpeak_share_of_hours(
    weights: Sequence[Fraction], utc_offset_minutes: int, window: OffPeakWindow
) -> Fraction:
    """The share of use that falls off-peak, for use spread over local hours by `weights`.

    >>> from tokenplan_cli.core.ratecard import OffPeakWindow
    >>> night = OffPeakWindow(16 * 60, 24 * 60, Fraction(4, 5))
    >>> offpeak_share_of_hours([1] * 24, 0, night)          # evenly spread: 8 of 24 hours
    Fraction(1, 3)
    >>> shanghai_nights = [1] * 8 + [0] * 16                # 00-08 in UTC+8 is 16-24 UTC
    >>> offpeak_share_of_hours(shanghai_nights, 480, night)
    Fraction(1, 1)
    """
    total = sum(weights, Fraction(0))
    if total == 0:
        return Fraction(0)
    inside = Fraction(0)
    for hour, weight in enumerate(weights):
        start = hour * 60 - utc_offset_minutes
        inside += weight * Fraction(offpeak_minutes(start, start + 60, window), 60)
    return inside / total


class OffPeakNow(NamedTuple):
    """Whether the off-peak window is on at an instant, and when that next changes (None: never, for a
    window of the whole day or of none of it)."""

    on: bool
    changes_at: datetime | None
    coefficient: Fraction


def offpeak_now(instant: datetime, window: OffPeakWindow) -> OffPeakNow:
    """The window at `instant` and the next minute it turns on or off.

    >>> from tokenplan_cli.core.dates import iso_utc, parse_instant
    >>> now = offpeak_now(parse_instant("2026-11-12T13:46:10Z"), OffPeakWindow(960, 1440, Fraction(4, 5)))
    >>> now.on, iso_utc(now.changes_at)
    (False, '2026-11-12T16:00:00Z')
    """
    utc = instant.astimezone(UTC)
    minute = utc.hour * MINUTES_PER_HOUR + utc.minute
    on = window.contains_minute(minute)
    start_of_minute = utc.replace(second=0, microsecond=0)
    for ahead in range(1, MINUTES_PER_DAY + 1):
        if window.contains_minute((minute + ahead) % MINUTES_PER_DAY) != on:
            return OffPeakNow(on, start_of_minute + timedelta(minutes=ahead), window.coefficient)
    return OffPeakNow(on, None, window.coefficient)
