"""Aggregating logged records: the mapping, grouping in a time zone, exact off-peak per record, profiles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.offpeak import window_at
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.core.usage import Quantities, Usage, UsageLine
from tokenplan_cli.core.usagelog import (
    GROUPINGS,
    DayRange,
    LogTally,
    bucket_of,
    counts_of,
    parse_mapping,
    profile_from_tally,
    report_usage,
)

NOW = datetime(2026, 11, 23, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def tally_of(records: list[UsageRecord], card: RateCard) -> LogTally:
    tally = LogTally()
    for record in records:
        tally.add(bucket_of(record, card.offpeak), counts_of(record), record.audio_seconds)
    return tally


def record(when: str, model: str = "claude-sonnet-4-5", **counts: int) -> UsageRecord:
    return UsageRecord(datetime.fromisoformat(when).replace(tzinfo=UTC), "claude-code", model, **counts)


@pytest.mark.parametrize(
    ("rules", "model", "expected"),
    [
        pytest.param(["claude-opus-*=mimo-v2.5-pro", "claude-*=mimo-v2.5"], "claude-opus-4-1", ("mimo-v2.5-pro", False), id="first-match"),
        pytest.param(["claude-opus-*=mimo-v2.5-pro", "claude-*=mimo-v2.5"], "claude-haiku-4-5", ("mimo-v2.5", False), id="second-match"),
        pytest.param(["Claude-*=MiMo-V2.5"], "claude-haiku-4-5", ("mimo-v2.5", False), id="case-insensitive"),
        pytest.param([], "mimo-v2.5", ("mimo-v2.5", False), id="card-model"),
        pytest.param([], "gpt-5", ("mimo-v2.5-pro", True), id="assumed"),
    ],
)  # fmt: skip
def test_mapping(card: RateCard, rules: list[str], model: str, expected: tuple[str, bool]) -> None:
    assert parse_mapping(rules, card).charge(model) == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        pytest.param("claude-*", "maps: expected PATTERN=MODEL", id="no-equals"),
        pytest.param("=mimo-v2.5", "maps: expected PATTERN=MODEL", id="no-pattern"),
        pytest.param("claude-*=mimo-v25", "unknown model 'mimo-v25'; did you mean 'mimo-v2.5'", id="typo"),
    ],
)
def test_bad_mapping(card: RateCard, rule: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        parse_mapping([rule], card)


def test_a_card_without_unmapped_model_charges_its_dearest_language_model(card: RateCard) -> None:
    bare = card._replace(defaults=card.defaults._replace(unmapped_model=""))
    assert parse_mapping([], bare).charge("gpt-5") == ("mimo-v2.5-pro", True)


def test_records_straddling_the_window_edge_are_priced_each_in_its_own(card: RateCard) -> None:
    records = [
        record("2026-10-01T15:59:59.999", cache_miss=1000, output=100),  # peak
        record("2026-10-01T16:00:00", cache_miss=1000, output=100),  # off-peak
        record("2026-10-01T23:59:59", cache_hit=4000),  # off-peak
        record("2026-10-02T00:00:00", cache_hit=4000),  # peak
    ]
    report = report_usage(tally_of(records, card), card, as_of=NOW, mapping=parse_mapping([], card), by="day",
                          zone=UTC, zone_name="UTC")  # fmt: skip
    one = 1000 * 300 + 100 * 600
    assert report.total.credits.peak == one + 4000 * Fraction(5, 2)
    assert report.total.credits.offpeak == (one + 4000 * Fraction(5, 2)) * Fraction(4, 5)
    assert [row.key for row in report.rows] == ["2026-10-01", "2026-10-02"]
    assert report.assumed_models == ("claude-sonnet-4-5",)


def test_days_and_hours_are_local(card: RateCard) -> None:
    records = [record("2026-10-01T15:30", output=1), record("2026-10-01T16:30", output=2)]
    mapping = parse_mapping([], card)
    by_day = report_usage(tally_of(records, card), card, as_of=NOW, mapping=mapping, by="day", zone=SHANGHAI,
                          zone_name="Asia/Shanghai")  # fmt: skip
    assert [(row.key, row.quantities.output) for row in by_day.rows] == [("2026-10-01", 1), ("2026-10-02", 2)]
    by_hour = report_usage(tally_of(records, card), card, as_of=NOW, mapping=mapping, by="hour", zone=SHANGHAI,
                           zone_name="Asia/Shanghai")  # fmt: skip
    assert [row.key for row in by_hour.rows] == [0, 23]
    only_second = report_usage(tally_of(records, card), card, as_of=NOW, mapping=mapping, by="day", zone=SHANGHAI,
                               zone_name="Asia/Shanghai", days=DayRange(date(2026, 10, 2)))  # fmt: skip
    assert only_second.total.requests == 1 and only_second.first_day == date(2026, 10, 2)


def test_a_tally_takes_back_exactly_what_it_added(card: RateCard) -> None:
    tally = LogTally()
    one = record("2026-10-01T10:00", output=7, cache_hit=3)
    key = bucket_of(one, card.offpeak)
    tally.add(key, counts_of(one))
    tally.add(key, counts_of(one), sign=-1)
    assert tally.counts[key] == [0] * 6


def test_a_profile_holds_every_day_of_the_period(card: RateCard) -> None:
    records = [record("2026-10-01T10:00", output=10), record("2026-10-04T17:00", output=20)]
    profile = profile_from_tally(tally_of(records, card), card, as_of=NOW, mapping=parse_mapping([], card),
                                 zone=UTC, zone_name="UTC")  # fmt: skip
    assert [d.day.day for d in profile.days] == [1, 2, 3, 4] and profile.period.days == 4
    assert [d.usage.is_empty() for d in profile.days] == [False, True, True, False]
    assert (
        profile.hours_utc is not None
        and profile.hours_utc[10] == 10 * 600
        and profile.hours_utc[17] == 20 * 600
    )
    assert compute_credits(profile.usage, card, NOW).total == 10 * 600 + 20 * 600 * Fraction(4, 5)


def test_a_period_without_use_is_an_error(card: RateCard) -> None:
    with pytest.raises(BadInputError, match="no usage found"):
        profile_from_tally(
            LogTally(), card, as_of=NOW, mapping=parse_mapping([], card), zone=UTC, zone_name="UTC"
        )


instants = st.datetimes(min_value=datetime(2026, 6, 1), max_value=datetime(2026, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=UTC)
)
records_strategy = st.lists(
    st.builds(
        UsageRecord,
        timestamp=instants,
        tool=st.sampled_from(["claude-code", "csv"]),
        model=st.sampled_from(["mimo-v2.5-pro", "mimo-v2.5", "claude-opus-4-1"]),
        cache_hit=st.integers(0, 10**6),
        cache_miss=st.integers(0, 10**5),
        cache_write=st.integers(0, 10**5),
        output=st.integers(0, 10**5),
        reasoning=st.integers(0, 10**4),
        audio_seconds=st.just(Fraction(0)),
        dedupe_key=st.none(),
        preferred=st.just(True),
    ),
    max_size=30,
)


@given(
    records=records_strategy,
    by=st.sampled_from(GROUPINGS),
    zone=st.sampled_from(["UTC", "Asia/Kolkata", "America/New_York"]),
)
def test_every_grouping_adds_up_to_the_records_priced_one_by_one(
    card: RateCard, records: list[UsageRecord], by: str, zone: str
) -> None:
    """The law: credits are additive and each record's window is its own, whatever the grouping."""
    mapping = parse_mapping(["claude-*=mimo-v2.5"], card)
    report = report_usage(tally_of(records, card), card, as_of=NOW, mapping=mapping, by=by, zone=ZoneInfo(zone),
                          zone_name=zone)  # fmt: skip
    one_by_one = sum(
        (
            compute_credits(
                Usage((UsageLine(mapping.charge(r.model)[0], window_at(r.timestamp, card.offpeak),
                                 Quantities(*(Fraction(v) for v in counts_of(r)[1:]))),)),
                card, NOW,
            ).total
            for r in records
        ),
        Fraction(0),
    )  # fmt: skip
    assert report.total.credits.total == one_by_one
    assert sum((row.credits.total for row in report.rows), Fraction(0)) == one_by_one
    assert sum(row.requests for row in report.rows) == report.total.requests == len(records)


def test_unknown_grouping(card: RateCard) -> None:
    with pytest.raises(
        BadInputError, match="by: expected one of day, week, month, hour, model, tool, got 'year'"
    ):
        report_usage(
            LogTally(), card, as_of=NOW, mapping=parse_mapping([], card), by="year", zone=UTC, zone_name="UTC"
        )
