"""Parsing the dates and instants people type (`2026-06-30`, `2026-06-30T08:00+08:00`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from fractions import Fraction

from tokenplan_cli.core.errors import BadInputError


def parse_instant(text: str, *, what: str = "date") -> datetime:
    """An aware UTC datetime. A bare date means 00:00 UTC that day; a time without offset is UTC.

    >>> parse_instant("2026-06-30")
    datetime.datetime(2026, 6, 30, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_instant("2026-06-30T08:00+08:00")
    datetime.datetime(2026, 6, 30, 0, 0, tzinfo=datetime.timezone.utc)
    """
    cleaned = text.strip()
    try:
        if len(cleaned) == 10:
            return datetime.combine(date.fromisoformat(cleaned), time(), UTC)
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        detail = str(exc)
        reason = "expected YYYY-MM-DD or an ISO 8601 date-time" if "isoformat" in detail else detail
        raise BadInputError(f"{what}: {text!r} is not a valid date ({reason})") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def utc_text(instant: datetime) -> str:
    """`2026-04-28 23:59:59 UTC`: how instants of a plan's life appear in reasons and notes."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_utc(instant: datetime) -> str:
    """`2026-06-29T16:00:00Z`: how instants appear in JSON."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Durations are exact: a `timedelta` is whole microseconds, so a count of days is a `Fraction` of them.
MICROSECOND = timedelta(microseconds=1)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


def days_between(start: datetime, end: datetime) -> Fraction:
    """The exact number of days from `start` to `end` (negative when `end` is earlier).

    >>> days_between(parse_instant("2026-06-01"), parse_instant("2026-06-02T12:00Z"))
    Fraction(3, 2)
    """
    return Fraction((end - start) // MICROSECOND, DAY // MICROSECOND)


def after_days(start: datetime, days: Fraction) -> datetime:
    """The instant `days` (exact, may be fractional) after `start`, to the second below.

    >>> iso_utc(after_days(parse_instant("2026-06-01"), Fraction(1, 3)))
    '2026-06-01T08:00:00Z'
    """
    seconds = days * (DAY // SECOND)
    return start + SECOND * (seconds.numerator // seconds.denominator)


def start_of_day(day: date) -> datetime:
    """00:00 UTC on `day`."""
    return datetime.combine(day, time(), UTC)


def iso_local(instant: datetime, zone: tzinfo) -> str:
    """`2026-04-29T07:59:59+08:00`: an instant in a person's zone, ISO 8601 with its offset.

    >>> from datetime import timedelta, timezone
    >>> iso_local(parse_instant("2026-04-28T23:59:59Z"), timezone(timedelta(hours=8)))
    '2026-04-29T07:59:59+08:00'
    """
    return instant.astimezone(zone).isoformat(timespec="seconds")
