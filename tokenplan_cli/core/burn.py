"""Credits against time: how a plan's credits went down so far, and where they head at a burn rate.

Both are series of `Point`s (an instant, the credits left then) joined by straight lines: the actual
line is a straight one from the start to now (only the total used is known) or, from a history, each
day's credits spread evenly over that day; the projection goes on from now at a constant rate, jumps
back to the full quota at a usage reset, and stops at the end of the plan's validity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from fractions import Fraction
from itertools import pairwise

from tokenplan_cli.core.dates import DAY, after_days, days_between, start_of_day
from tokenplan_cli.tuples import NamedTuple

ZERO = Fraction(0)


class Point(NamedTuple):
    at: datetime
    left: Fraction  # credits left at `at`


class DayCredits(NamedTuple):
    """The credits used on one UTC day (the rows of a `--history` file for that day, priced), or on the
    part of it between two changes of the card's rules (a usage reset, a forward): `begin` to `end`."""

    day: date
    credits: Fraction
    begin: datetime | None = None  # None: from 00:00 UTC
    end: datetime | None = None  # None: to 24:00 UTC

    @property
    def starts(self) -> datetime:
        return self.begin or start_of_day(self.day)

    @property
    def ends(self) -> datetime:
        return self.end or start_of_day(self.day) + DAY

    @property
    def is_part(self) -> bool:
        """Part of a day split where the rules change, not a whole day."""
        return self.begin is not None or self.end is not None


def day_parts(day: date, changes: Iterable[datetime]) -> tuple[tuple[datetime, datetime], ...]:
    """The UTC day `day` cut at each of `changes` inside it: (begin, end) pairs that cover it.

    >>> from tokenplan_cli.core.dates import parse_instant
    >>> parts = day_parts(date(2026, 5, 26), [parse_instant("2026-05-26T16:00Z")])
    >>> [(f"{b:%d %H:%M}", f"{e:%d %H:%M}") for b, e in parts]
    [('26 00:00', '26 16:00'), ('26 16:00', '27 00:00')]
    """
    begin, end = start_of_day(day), start_of_day(day) + DAY
    cuts = sorted({c for c in changes if begin < c < end})
    edges = [begin, *cuts, end]
    return tuple(pairwise(edges))


def straight_line(since: datetime, now: datetime, total: Fraction, used: Fraction) -> tuple[Point, ...]:
    """From the full quota at `since` to what is left at `now`."""
    return distinct_points((Point(since, total), Point(now, total - used)))


def history_line(
    since: datetime, now: datetime, total: Fraction, days: Iterable[DayCredits]
) -> tuple[Point, ...]:
    """The quota going down day by day; a day's credits spread over its part within [since, now]."""
    points = [Point(since, total)]
    left = total
    for day in sorted(days, key=lambda d: d.starts):
        begin = max(since, day.starts)
        end = max(begin, min(now, day.ends))
        points.append(Point(begin, left))
        left -= day.credits
        points.append(Point(end, left))
    points.append(Point(now, left))
    return distinct_points(points)


def left_at(points: Sequence[Point], instant: datetime) -> Fraction:
    """Credits left at `instant` on the line (after any jump at that very instant)."""
    before = [p for p in points if p.at <= instant]
    if not before:
        return points[0].left
    last = before[-1]
    after = next((p for p in points if p.at > instant), None)
    if after is None:
        return last.left
    share = days_between(last.at, instant) / days_between(last.at, after.at)
    return last.left + (after.left - last.left) * share


def burn_rate(points: Sequence[Point], since: datetime, now: datetime) -> Fraction | None:
    """Credits used per day between `since` and `now` on the line; None when no time has passed."""
    span = days_between(since, now)
    if span <= 0:
        return None
    return (left_at(points, since) - left_at(points, now)) / span


def project(
    now: datetime,
    left: Fraction,
    total: Fraction,
    rate: Fraction | None,
    until: datetime,
    resets: Iterable[datetime] = (),
) -> tuple[Point, ...]:
    """Credits left from `now` to `until` at `rate` a day; each reset in between restores `total`.

    >>> from tokenplan_cli.core.dates import iso_utc, parse_instant
    >>> line = project(parse_instant("2026-06-01"), Fraction(10), Fraction(20), Fraction(5),
    ...                parse_instant("2026-06-05"))
    >>> [(iso_utc(p.at), int(p.left)) for p in line]   # 10 left at 5 a day: out in two days
    [('2026-06-01T00:00:00Z', 10), ('2026-06-03T00:00:00Z', 0), ('2026-06-05T00:00:00Z', 0)]
    """
    points = [Point(now, left)]
    if rate is None:
        return tuple(points)
    at = now
    for boundary in (*sorted(r for r in resets if now < r < until), until):
        drop = rate * days_between(at, boundary)
        if 0 < left < drop:
            points.append(Point(after_days(at, left / rate), ZERO))
            left = ZERO
        else:
            left = max(left - drop, ZERO)
        points.append(Point(boundary, left))
        if boundary != until:
            left = total
            points.append(Point(boundary, left))
        at = boundary
    return distinct_points(points)


def crossing(points: Sequence[Point], level: Fraction) -> datetime | None:
    """The first instant the credits left fall to `level` on the line, or None if they do not."""
    if points[0].left <= level:
        return points[0].at
    for p, q in pairwise(points):
        if q.left <= level < p.left:
            share = (p.left - level) / (p.left - q.left)
            return after_days(p.at, share * days_between(p.at, q.at))
    return None


def distinct_points(points: Iterable[Point]) -> tuple[Point, ...]:
    """The points without consecutive repeats."""
    kept: list[Point] = []
    for point in points:
        if not kept or point != kept[-1]:
            kept.append(point)
    return tuple(kept)
