"""Parsing the dates and instants people type (`2026-06-30`, `2026-06-30T08:00+08:00`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

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


def iso_utc(instant: datetime) -> str:
    """`2026-06-29T16:00:00Z`: how instants appear in JSON."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
