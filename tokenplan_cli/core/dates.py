"""Parsing the dates and instants people type (`2026-06-30`, `2026-06-30T08:00+08:00`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from fractions import Fraction

from tokenplan_cli.core.errors import BadInputError

# The instants tokenplan plans in. Python's calendar holds years 1 to 9999; an instant near either end
# could be neither shown in a zone 14 hours away nor carry a plan's expiry, its reminders and a renewal
# chained after it (two years and a day further at most: a card's cycle is at most 12 months) without
# leaving it. Every instant read from a flag or a file is held to this span, before any arithmetic.
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9997, 12, 31, 23, 59, 59, tzinfo=UTC)
CALENDAR = f"years {EARLIEST.year:04d}-{LATEST.year}, the span tokenplan plans in"


def parse_instant(text: str, *, what: str = "date", field: str | None = None) -> datetime:
    """An aware UTC datetime. A bare date means 00:00 UTC that day; a time without offset is UTC.

    >>> parse_instant("2026-06-30")
    datetime.datetime(2026, 6, 30, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_instant("2026-06-30T08:00+08:00")
    datetime.datetime(2026, 6, 30, 0, 0, tzinfo=datetime.timezone.utc)
    >>> try:
    ...     parse_instant("9999-12-30", field="start")
    ... except BadInputError as exc:
    ...     print(exc)
    start: '9999-12-30' is outside years 0002-9997, the span tokenplan plans in
    """
    cleaned = text.strip()
    try:
        if len(cleaned) == 10:
            parsed = datetime.combine(date.fromisoformat(cleaned), time(), UTC)
        else:
            parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        detail = str(exc)
        reason = "expected YYYY-MM-DD or an ISO 8601 date-time" if "isoformat" in detail else detail
        raise BadInputError(f"{text!r} is not a valid date ({reason})", field=field, label=what) from None
    return instant_value(parsed, what=what, field=field, shown=repr(text))


def instant_value(
    value: datetime | date, *, what: str = "date", field: str | None = None, shown: str | None = None
) -> datetime:
    """An instant given as a value (the API's `now=`, `start=`) in UTC: a date is 00:00 UTC that day, a
    datetime without a zone is UTC, and it must lie in the span tokenplan plans in.

    >>> instant_value(date(2026, 6, 30))
    datetime.datetime(2026, 6, 30, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, datetime):
        parsed = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(), UTC)
    else:
        raise BadInputError(
            f"expected a date or a datetime, got {type(value).__name__} {value!r}", field=field, label=what
        )
    utc = in_utc(parsed)
    if utc is None:
        raise BadInputError(
            f"{shown or repr(value.isoformat())} is outside {CALENDAR}", field=field, label=what
        )
    return utc


def in_utc(instant: datetime) -> datetime | None:
    """An aware `instant` in UTC if it lies between EARLIEST and LATEST there, else None.

    (0001-01-01T00:00+14:00 is in year 0 in UTC: Python cannot even hold it.)
    """
    try:
        utc = instant.astimezone(UTC)
    except OverflowError:
        return None
    return utc if EARLIEST <= utc <= LATEST else None


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


def days_in_month(year: int, month: int) -> int:
    """How many days the month has (`calendar.monthrange(year, month)[1]`, without importing `calendar`,
    which imports `locale`: 2 ms of every command's start).

    >>> days_in_month(2024, 2), days_in_month(2026, 2), days_in_month(2026, 12)
    (29, 28, 31)
    """
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (following - date(year, month, 1)).days


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
