"""The held plan's cycles (auto-renewal chained from each expiry, month-end clamping) and readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.core.dates import iso_utc, parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.subscription import Reading, Subscription, check_reading, cycle_at, reading_in


def at(text: str) -> datetime:
    return parse_instant(text)


def held(start: str, cycle: str = "monthly", auto_renew: bool = True) -> Subscription:
    return Subscription("Standard", cycle, at(start), auto_renew)


@pytest.mark.parametrize(
    ("start", "cycle", "now", "number", "cycle_start", "expires_at"),
    [
        pytest.param("2026-03-28", "monthly", "2026-04-28T23:59:59Z", 1, "2026-03-28T00:00:00Z",
                     "2026-04-28T23:59:59Z", id="the-last-second-of-the-first-cycle"),
        pytest.param("2026-03-28", "monthly", "2026-04-29T00:00:00Z", 2, "2026-04-29T00:00:00Z",
                     "2026-05-28T23:59:59Z", id="the-first-instant-of-the-second"),
        pytest.param("2026-01-31T10:00Z", "monthly", "2026-03-01", 2, "2026-03-01T00:00:00Z",
                     "2026-03-28T23:59:59Z", id="february-clamped-then-chained-from-the-28th"),
        pytest.param("2026-01-31", "monthly", "2026-02-28T12:00Z", 1, "2026-01-31T00:00:00Z",
                     "2026-02-28T23:59:59Z", id="clamped-to-february-28"),
        pytest.param("2026-03-31", "monthly", "2026-05-15", 2, "2026-05-01T00:00:00Z",
                     "2026-05-30T23:59:59Z", id="april-clamped-to-30-then-may-30"),
        pytest.param("2028-01-31", "monthly", "2028-02-29T12:00Z", 1, "2028-01-31T00:00:00Z",
                     "2028-02-29T23:59:59Z", id="leap-february"),
        pytest.param("2026-03-28", "monthly", "2027-03-28T12:00Z", 12, "2027-03-01T00:00:00Z",
                     "2027-03-28T23:59:59Z", id="a-year-on"),
        pytest.param("2028-02-29", "annual", "2029-03-01", 2, "2029-03-01T00:00:00Z",
                     "2030-02-28T23:59:59Z", id="annual-from-a-leap-day"),
        pytest.param("2028-02-29", "annual", "2031-03-01T12:00Z", 4, "2031-03-01T00:00:00Z",
                     "2032-02-28T23:59:59Z", id="annual-stays-on-the-28th"),
    ],
)  # fmt: skip
def test_auto_renewal_rolls_into_the_cycle_serving_now(
    card: RateCard, start: str, cycle: str, now: str, number: int, cycle_start: str, expires_at: str
) -> None:
    found = cycle_at(held(start, cycle), card.cycle(cycle), card.validity, at(now))
    assert (found.number, iso_utc(found.window.start), iso_utc(found.window.expires_at)) == (
        number,
        cycle_start,
        expires_at,
    )
    assert not found.expired and found.window.is_active(at(now))


def test_consecutive_cycles_meet_without_a_gap_or_an_overlap(card: RateCard) -> None:
    plan = held("2026-01-31T18:30Z")
    now = at("2026-01-31T18:30Z")
    previous = cycle_at(plan, card.cycle("monthly"), card.validity, now)
    for _ in range(30):
        following = cycle_at(plan, card.cycle("monthly"), card.validity, previous.window.ends_at)
        assert following.number == previous.number + 1
        assert following.window.start == previous.window.ends_at
        previous = following


def test_without_auto_renewal_the_plan_expires(card: RateCard) -> None:
    plan = held("2026-03-28", auto_renew=False)
    found = cycle_at(plan, card.cycle("monthly"), card.validity, at("2026-05-10"))
    assert found.number == 1 and found.expired
    assert iso_utc(found.window.expires_at) == "2026-04-28T23:59:59Z"


def test_a_plan_cannot_be_held_before_it_was_bought(card: RateCard) -> None:
    with pytest.raises(BadInputError, match="after now"):
        cycle_at(held("2026-03-28"), card.cycle("monthly"), card.validity, at("2026-03-27"))


QUOTA = Fraction(11 * 10**9)


def test_the_latest_reading_of_the_period_counts() -> None:
    readings = (
        Reading(at("2026-10-30"), "90%", share=Fraction(9, 10)),  # an earlier cycle
        Reading(at("2026-11-05"), "20%", share=Fraction(1, 5)),
        Reading(at("2026-11-08"), "3B", credits=Fraction(3 * 10**9)),
        Reading(at("2026-11-20"), "70%", share=Fraction(7, 10)),  # after now
    )
    found = reading_in(readings, at("2026-11-01"), at("2026-11-10"))
    assert found is not None and found.given == "3B" and found.used_of(QUOTA) == 3 * 10**9
    assert reading_in(readings, at("2026-11-09"), at("2026-11-10")) is None


@pytest.mark.parametrize(
    ("reading", "fault"),
    [
        pytest.param(Reading(at("2026-11-11"), "10%", share=Fraction(1, 10)), "after now", id="future"),
        pytest.param(Reading(at("2026-10-31"), "10%", share=Fraction(1, 10)), "before", id="before-cycle"),
        pytest.param(Reading(at("2026-11-05"), "12B", credits=Fraction(12 * 10**9)), "more than the plan",
                     id="above-quota"),
    ],
)  # fmt: skip
def test_a_reading_that_cannot_be_true_is_refused(reading: Reading, fault: str) -> None:
    with pytest.raises(BadInputError, match=fault):
        check_reading(reading, QUOTA, at("2026-11-01"), at("2026-11-10"))


def test_a_reading_of_the_whole_quota_is_accepted() -> None:
    reading = Reading(datetime(2026, 11, 5, tzinfo=UTC), "100%", share=Fraction(1))
    assert check_reading(reading, QUOTA, at("2026-11-01"), at("2026-11-10")) == reading


INSTANTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@given(start=INSTANTS, later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3 * 366)),
       cycle=st.sampled_from(["monthly", "annual"]))  # fmt: skip
def test_the_cycle_found_serves_now_and_numbers_grow_with_time(
    card: RateCard, start: datetime, later: timedelta, cycle: str
) -> None:
    plan = Subscription("Lite", cycle, start, auto_renew=True)
    rule = card.cycle(cycle)
    now = start + later
    found = cycle_at(plan, rule, card.validity, now)
    assert found.window.is_active(now) and not found.expired
    assert cycle_at(plan, rule, card.validity, found.window.start) == found  # its first instant is its own
    before = cycle_at(plan, rule, card.validity, max(start, now - timedelta(days=1)))
    assert before.number <= found.number
