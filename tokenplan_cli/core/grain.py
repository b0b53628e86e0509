"""How coarsely a tally may keep time and stay exact for what is asked of it.

A `LogTally` keeps quarter hours, the finest time any report needs. A report by day needs far fewer
buckets: every quarter hour of a local day, of one rule epoch, is priced and grouped alike. A `Grain`
says which quarter hours may be merged: those in the same unit of `minutes` of local time in a zone (60:
hours, 1440: days), on the same side of every cut (a rule change, the first and last quarter hours a
status counts, the future limit). A merged bucket keeps the first quarter hour it holds as its `slot`,
so whatever is derived from a slot (its local day or hour, its epoch, whether it lies before a cut) is
that of every quarter hour in it. The log index merges in SQL (`unit_sql`), the same way `coarsened`
merges in Python; `tests/test_grain.py` holds them, and the reports made from them, equal.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, timedelta, tzinfo
from typing import Any

from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import SLOTS_PER_DAY, BucketKey, LogTally, slot_start
from tokenplan_cli.tuples import NamedTuple

QUARTER_MINUTES = 15
DAY_MINUTES = 24 * 60


class Grain(NamedTuple):
    """Quarter hours merged when they fall in the same unit of every grid (a zone and the minutes of
    local time of its units: a multiple of 15 that divides a day), never across one of the quarter hours
    in `cuts` (each begins a unit). Two grids keep a local day apart from a UTC one."""

    grids: tuple[tuple[tzinfo, int], ...]
    cuts: tuple[int, ...] = ()


class Units(NamedTuple):
    """A grain made concrete over a range of quarter hours: each grid's zone offsets there, and the cuts."""

    grids: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]  # (minutes, (first quarter hour, offset))
    cuts: tuple[int, ...]

    def unit(self, slot: int) -> tuple[int, ...]:
        """The unit of a quarter hour: its unit of local time in each grid, and how many cuts lie at or
        before it."""
        cells = []
        for minutes, offsets in self.grids:
            index = max(bisect_right(offsets, (slot, 1 << 62)) - 1, 0)
            cells.append((slot * QUARTER_MINUTES + offsets[index][1]) // minutes)
        return (*cells, bisect_right(self.cuts, slot))

    def sql(self, slot: str) -> list[str]:
        """`unit` as SQL expressions of the integer expression `slot` (local minutes must be positive:
        SQLite's division truncates, Python's floors)."""
        cells = []
        for minutes, offsets in self.grids:
            if len(offsets) == 1:
                offset = str(offsets[0][1])
            else:
                cases = " ".join(f"WHEN {slot} < {start} THEN {before}" for (start, _), (_, before) in
                                 zip(offsets[1:], offsets, strict=False))  # fmt: skip
                offset = f"(CASE {cases} ELSE {offsets[-1][1]} END)"
            cells.append(f"(({slot}) * {QUARTER_MINUTES} + {offset}) / {minutes}")
        cuts = " + ".join(f"(({slot}) >= {cut})" for cut in self.cuts) or "0"
        return [*cells, cuts]


def units(grain: Grain, days: Iterable[int]) -> Units:
    """The grain over the quarter hours of `days` (UTC days since the epoch: those that hold a bucket)."""
    present = sorted(set(days))
    grids = tuple((minutes, zone_offsets(zone, present)) for zone, minutes in grain.grids)
    return Units(grids, grain.cuts)


def days_of(slots: Iterable[int]) -> set[int]:
    """The UTC days (since the epoch) of quarter hours."""
    return {slot // SLOTS_PER_DAY for slot in slots}


def zone_offsets(zone: tzinfo, days: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """(quarter hour, UTC offset in minutes) at each change of the zone's offset, right for every quarter
    hour of `days` (sorted UTC days since the epoch), the first entry holding the first day's start:
    each quarter hour has the offset of its start.

    The offset is looked up at each day's first and last quarter hour, the quarter hour of a change
    within a day found by bisection (a change and its undoing within one day would be missed: no zone
    has one); a change between two days is placed at the later day's start, no quarter hour between
    them being asked about. So the work grows with the days that hold data, not with the span between
    the first and the last (one record dated in the year 9998 made it three million lookups).
    """

    def offset(slot: int) -> int:
        found = slot_start(slot).astimezone(zone).utcoffset()
        return (found or timedelta()) // timedelta(minutes=1)

    if not days:
        return ((0, 0),)
    if zone is UTC:
        return ((days[0] * SLOTS_PER_DAY, 0),)
    changes: list[tuple[int, int]] = []
    for day in days:
        start, end = day * SLOTS_PER_DAY, (day + 1) * SLOTS_PER_DAY - 1
        if not changes or offset(start) != changes[-1][1]:
            changes.append((start, offset(start)))
        if offset(end) != changes[-1][1]:
            while end - start > 1:  # offset(start) is the last known; offset(end) differs
                middle = (start + end) // 2
                if offset(middle) == changes[-1][1]:
                    start = middle
                else:
                    end = middle
            changes.append((end, offset(end)))
    return tuple(changes)


def coarsened(tally: LogTally, grain: Grain) -> LogTally:
    """The tally with the quarter hours of each unit of `grain` merged (a bucket at the first of them)."""
    if not tally.counts:
        return LogTally()
    unit = units(grain, days_of(key.slot for key in tally.counts)).unit
    cells = [(key.tool, key.model, key.window, unit(key.slot)) for key in tally.counts]  # (once a key)
    first_of: dict[tuple[Any, ...], int] = {}
    for key, cell in zip(tally.counts, cells, strict=True):
        first = first_of.get(cell)
        if first is None or key.slot < first:
            first_of[cell] = key.slot
    merged = LogTally()
    for (key, counts), cell in zip(tally.counts.items(), cells, strict=True):
        target = tuple.__new__(BucketKey, (key.tool, key.model, first_of[cell], key.window))
        merged.add(target, counts, tally.audio.get(key, ZERO))
    return merged


def report_grain(zone: tzinfo, minutes: int, cuts: Sequence[int] = ()) -> Grain:
    """Units of `minutes` of local time in `zone` that are also within one UTC day (a held plan's
    cycle counts by UTC day), cut at `cuts`."""
    grids = (
        ((zone, minutes),)
        if zone is UTC and minutes == DAY_MINUTES
        else ((zone, minutes), (UTC, DAY_MINUTES))
    )
    return Grain(grids, tuple(sorted(set(cuts))))
