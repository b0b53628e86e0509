"""Merging a tally's quarter hours as a grain allows keeps every report exact: the units in Python and in
SQL agree, and reports, cycle counts and the future limit are the same from the merged tally."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenplan_cli.core.grain import Grain, coarsened, report_grain, units, zone_offsets
from tokenplan_cli.core.usagelog import (
    EPOCH,
    BucketKey,
    LogTally,
    ModelMap,
    Pricer,
    report_usage,
    slot_of,
    slot_start,
    tally_between,
)
from tokenplan_cli.readers.ratecard import load_rate_card

CARD = load_rate_card()
ZONES = ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Apia"]
MAPPING = ModelMap((), "mimo-v2.5-pro", frozenset(CARD.models))
# Around the V2 forward (2026-05-26T16:00Z) and the DST changes of spring and autumn 2026.
START = slot_of(datetime(2026, 3, 20, tzinfo=UTC))
SPAN = 96 * 240


def test_offsets_change_where_the_zone_does() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    march = slot_of(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # 02:00 CET becomes 03:00 CEST
    day = march // 96
    assert zone_offsets(berlin, [day - 1, day, day + 1]) == (((day - 1) * 96, 60), (march, 120))
    assert zone_offsets(UTC, [0, 10**6]) == ((0, 0),)


def test_offsets_are_right_on_the_days_asked_however_far_apart() -> None:
    """Days far apart (a record dated in the year 9998) cost two lookups each, not one per day between;
    every quarter hour of each day asked has its own offset."""
    berlin = ZoneInfo("Europe/Berlin")
    days = [
        slot_of(datetime(*date, tzinfo=UTC)) // 96 for date in ((2026, 3, 29), (2026, 7, 1), (9998, 12, 31))
    ]
    concrete = units(report_grain(berlin, 60), days)
    for day in days:
        for slot in range(day * 96, day * 96 + 96):
            local = slot_start(slot).astimezone(berlin)
            offset = local.utcoffset() // timedelta(minutes=1)  # type: ignore[operator]
            assert concrete.unit(slot)[0] == (slot * 15 + offset) // 60


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("minutes", [15, 60, 1440])
def test_the_units_in_sql_are_the_units_in_python(zone: str, minutes: int) -> None:
    grain = report_grain(ZoneInfo(zone), minutes, [START + 1000, START + 1001, START + 5000])
    concrete = units(grain, range(START // 96, (START + SPAN) // 96 + 1))
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute("CREATE TABLE t (s INTEGER)")
        connection.executemany("INSERT INTO t VALUES (?)", ((s,) for s in range(START, START + SPAN, 7)))
        cells = ", ".join(concrete.sql("s"))
        found = connection.execute(f"SELECT s, {cells} FROM t ORDER BY s").fetchall()
    assert [tuple(row[1:]) for row in found] == [concrete.unit(row[0]) for row in found]


BUCKETS = st.lists(
    st.tuples(
        st.sampled_from(["claude-code", "codex"]),
        st.sampled_from(["mimo-v2.5-pro", "mimo-v2.5", "mimo-v2-pro", "claude-x"]),
        st.integers(START, START + SPAN),
        st.integers(1, 3),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=60,
)


def tally_of(buckets: list[tuple[str, str, int, int, int]]) -> LogTally:
    from tokenplan_cli.core.usagelog import bucketer_for

    bucketer = bucketer_for(CARD.offpeak)
    tally = LogTally()
    for tool, model, slot, requests, tokens in buckets:
        window = "offpeak" if bucketer.offpeak_by_minute[(slot % 96) * 15] else "peak"
        tally.add(BucketKey(tool, model, slot, window), (requests, tokens, tokens // 3, 0, tokens // 7, 0))
    return tally


@settings(max_examples=40)
@given(
    buckets=BUCKETS,
    zone=st.sampled_from(ZONES),
    by=st.sampled_from(["day", "week", "month", "model", "tool", "hour"]),
)
def test_a_report_from_the_merged_tally_is_the_report(
    buckets: list[tuple[str, str, int, int, int]], zone: str, by: str
) -> None:
    tally, tz = tally_of(buckets), ZoneInfo(zone)
    grain = report_grain(tz, 60 if by == "hour" else 1440, Pricer(CARD, None).change_slots)
    merged = coarsened(tally, grain)
    assert len(merged.counts) <= len(tally.counts)
    for as_of in (None, datetime(2026, 11, 23, tzinfo=UTC)):
        fine = report_usage(tally, CARD, as_of=as_of, mapping=MAPPING, by=by, zone=tz, zone_name=zone)
        coarse = report_usage(merged, CARD, as_of=as_of, mapping=MAPPING, by=by, zone=tz, zone_name=zone)
        assert coarse == fine


@settings(max_examples=40)
@given(
    buckets=BUCKETS,
    zone=st.sampled_from(ZONES),
    since=st.integers(START, START + SPAN),
    hours=st.integers(0, 2000),
)
def test_a_cycle_counted_from_a_cut_and_the_future_limit_are_exact(
    buckets: list[tuple[str, str, int, int, int]], zone: str, since: int, hours: int
) -> None:
    tally = tally_of(buckets)
    begin = EPOCH + timedelta(minutes=15 * since + 7)
    now = begin + timedelta(hours=hours)
    limit = now + timedelta(minutes=5)  # as read_logs cuts: where the cycle starts, now, the future limit
    grain = report_grain(ZoneInfo(zone), 1440, [slot_of(begin), slot_of(now) + 1, slot_of(limit) + 1])
    merged = coarsened(tally, grain)
    utc = {"zone": UTC, "zone_name": "UTC", "as_of": None, "mapping": MAPPING, "by": "day"}
    counted = [report_usage(tally_between(t, begin, now)[0], CARD, **utc) for t in (tally, merged)]
    assert counted[0] == counted[1]
    fine, coarse = LogTally(), LogTally()
    for source, target in ((tally, fine), (merged, coarse)):
        for key, counts in source.counts.items():
            target.add(key, counts)
    assert fine.drop_after(limit) == coarse.drop_after(limit)
    assert coarsened(fine, grain).counts == coarsened(coarse, grain).counts  # the same buckets dropped


def test_a_grain_is_a_value() -> None:
    assert isinstance(report_grain(UTC, 1440), Grain) and report_grain(UTC, 1440).grids == ((UTC, 1440),)
