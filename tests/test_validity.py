"""Validity: the seed's example, every month-end and leap-year case, and the last second of a plan."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.core.dates import days_in_month, iso_utc, parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.validity import ValidityWindow, compute_expiry, validity_window


def window(card: RateCard, start: str, cycle: str = "monthly") -> ValidityWindow:
    return validity_window(parse_instant(start), card.cycles[cycle], card.validity)


def test_the_faqs_example_march_28_expires_april_28_at_235959_utc(card: RateCard) -> None:
    # FAQ: "if you subscribe to a monthly plan on March 28, the plan will expire at 23:59:59 (UTC) on April 28".
    assert iso_utc(window(card, "2026-03-28").expires_at) == "2026-04-28T23:59:59Z"


@pytest.mark.parametrize(
    ("start", "cycle", "expiry_day"),
    [
        pytest.param("2026-01-31", "monthly", "2026-02-28", id="jan31-to-feb28"),
        pytest.param("2028-01-31", "monthly", "2028-02-29", id="jan31-to-feb29-leap"),
        pytest.param("2026-01-30", "monthly", "2026-02-28", id="jan30-clamped"),
        pytest.param("2026-01-29", "monthly", "2026-02-28", id="jan29-clamped"),
        pytest.param("2028-01-30", "monthly", "2028-02-29", id="jan30-leap-clamped"),
        pytest.param("2028-01-29", "monthly", "2028-02-29", id="jan29-leap-exact"),
        pytest.param("2026-01-28", "monthly", "2026-02-28", id="jan28-exact"),
        pytest.param("2100-01-31", "monthly", "2100-02-28", id="century-not-leap"),
        pytest.param("2000-01-31", "monthly", "2000-02-29", id="fourth-century-leap"),
        pytest.param("2026-02-28", "monthly", "2026-03-28", id="feb28-not-sticky"),
        pytest.param("2028-02-29", "monthly", "2028-03-29", id="feb29-monthly"),
        pytest.param("2026-03-31", "monthly", "2026-04-30", id="mar31-to-apr30"),
        pytest.param("2026-05-31", "monthly", "2026-06-30", id="may31-to-jun30"),
        pytest.param("2026-07-31", "monthly", "2026-08-31", id="jul31-to-aug31"),
        pytest.param("2026-08-31", "monthly", "2026-09-30", id="aug31-to-sep30"),
        pytest.param("2026-10-31", "monthly", "2026-11-30", id="oct31-to-nov30"),
        pytest.param("2026-12-31", "monthly", "2027-01-31", id="dec31-over-the-year"),
        pytest.param("2026-12-15", "monthly", "2027-01-15", id="december-over-the-year"),
        pytest.param("2028-02-29", "annual", "2029-02-28", id="annual-feb29-to-feb28"),
        pytest.param("2027-02-28", "annual", "2028-02-28", id="annual-into-leap-year-stays-28"),
        pytest.param("2031-02-28", "annual", "2032-02-28", id="annual-feb28-not-29"),
        pytest.param("2027-03-01", "annual", "2028-03-01", id="annual-over-feb29"),
        pytest.param("2026-03-28", "annual", "2027-03-28", id="annual-seed-day"),
        pytest.param("2026-12-31", "annual", "2027-12-31", id="annual-dec31"),
    ],
)
def test_expiry_day_is_the_same_day_next_month_or_year_clamped(
    card: RateCard, start: str, cycle: str, expiry_day: str
) -> None:
    expires_at = window(card, start, cycle).expires_at
    assert iso_utc(expires_at) == f"{expiry_day}T23:59:59Z"


@pytest.mark.parametrize("month", range(1, 13))
def test_the_last_day_of_every_month_of_2026_and_2028(card: RateCard, month: int) -> None:
    for year in (2026, 2028):
        last = monthrange(year, month)[1]
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        expected = date(next_year, next_month, min(last, monthrange(next_year, next_month)[1]))
        assert window(card, date(year, month, last).isoformat()).expiry_day == expected


@pytest.mark.parametrize(
    ("start", "expiry_day"),
    [
        pytest.param("2026-03-28T23:30:00Z", "2026-04-28", id="late-in-the-utc-day"),
        # 07:00 on March 28 in Shanghai is 23:00 UTC on March 27: the purchase day is the UTC day.
        pytest.param("2026-03-28T07:00:00+08:00", "2026-04-27", id="local-morning-is-previous-utc-day"),
        pytest.param("2026-03-27T20:00:00-05:00", "2026-04-28", id="local-evening-is-next-utc-day"),
    ],
)
def test_the_purchase_day_is_the_utc_day(card: RateCard, start: str, expiry_day: str) -> None:
    assert window(card, start).expiry_day == date.fromisoformat(expiry_day)


# The last second of a plan bought 2026-03-28: valid through 23:59:59 UTC on April 28, that second included.
LAST_SECONDS = [
    pytest.param("2026-03-27T23:59:59Z", False, 31, id="a-second-before-the-start"),
    pytest.param("2026-03-28T00:00:00Z", True, 31, id="the-start"),
    pytest.param("2026-04-26T12:00:00Z", True, 2, id="the-two-days-before-reminder-day"),
    pytest.param("2026-04-27T23:59:59Z", True, 1, id="last-second-of-the-day-before"),
    pytest.param("2026-04-28T00:00:00Z", True, 0, id="first-second-of-the-expiry-day"),
    pytest.param("2026-04-28T23:59:58Z", True, 0, id="two-seconds-before-the-end"),
    pytest.param("2026-04-28T23:59:59Z", True, 0, id="the-expiry-second-itself"),
    pytest.param("2026-04-28T23:59:59.999999Z", True, 0, id="the-last-microsecond"),
    pytest.param("2026-04-29T00:00:00Z", False, 0, id="one-second-after-the-expiry"),
    pytest.param("2026-05-01T00:00:00Z", False, 0, id="days-after"),
]


@pytest.mark.parametrize(("now", "active", "days_left"), LAST_SECONDS)
def test_the_boundaries_of_expiry_to_the_second(
    card: RateCard, now: str, active: bool, days_left: int
) -> None:
    plan = window(card, "2026-03-28")
    instant = parse_instant(now)
    assert plan.is_active(instant) is active
    assert plan.days_left(instant) == days_left


@pytest.mark.parametrize(
    ("now", "seconds_left"),
    [
        ("2026-04-28T23:59:58Z", 2),
        ("2026-04-28T23:59:59Z", 1),
        ("2026-04-29T00:00:00Z", 0),
        ("2026-04-29T00:00:01Z", 0),
    ],
)
def test_seconds_left(card: RateCard, now: str, seconds_left: int) -> None:
    assert window(card, "2026-03-28").seconds_left(parse_instant(now)) == seconds_left


def test_expiry_reminders_fall_two_days_before_and_on_the_day(card: RateCard) -> None:
    expiry = compute_expiry(card, parse_instant("2026-03-28"), "monthly", parse_instant("2026-04-26T08:00Z"))
    assert [(r.days_before, r.day.isoformat(), expiry.reminder_fired(r)) for r in expiry.reminders] == [
        (2, "2026-04-26", True),
        (0, "2026-04-28", False),
    ]


def test_a_reminder_before_the_purchase_day_is_left_out(card: RateCard) -> None:
    long_lead = card._replace(reminders=card.reminders._replace(expiry_days_before=(40, 2)))
    expiry = compute_expiry(long_lead, parse_instant("2026-03-28"), "monthly", parse_instant("2026-03-28"))
    assert [r.days_before for r in expiry.reminders] == [2]


def test_clamped_expiry_says_so(card: RateCard) -> None:
    expiry = compute_expiry(card, parse_instant("2026-01-31"), "monthly", parse_instant("2026-02-01"))
    assert "February 2026 has no day 31: the plan expires on the month's last day, 2026-02-28" in expiry.notes


def test_a_start_after_now_is_a_plan_not_started_yet(card: RateCard) -> None:
    expiry = compute_expiry(
        card, parse_instant("2026-04-01"), "monthly", parse_instant("2026-03-31T23:59:59Z")
    )
    assert expiry.window.state(expiry.now) == "not-started"
    assert expiry.window.days_until_start(expiry.now) == 1
    assert expiry.notes[-1].startswith("not started yet: the plan serves from its purchase at 2026-04-01")


def test_an_unknown_cycle_suggests_the_closest(card: RateCard) -> None:
    with pytest.raises(BadInputError, match=r"unknown cycle 'anual'; did you mean 'annual'"):
        compute_expiry(card, parse_instant("2026-04-01"), "anual", parse_instant("2026-04-01"))


starts = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2199, 12, 31), timezones=st.just(UTC)
)


@given(start=starts, cycle=st.sampled_from(["monthly", "annual"]))
def test_expiry_is_the_same_day_or_the_months_last(card: RateCard, start: datetime, cycle: str) -> None:
    plan = validity_window(start, card.cycles[cycle], card.validity)
    months = card.cycles[cycle].months
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    assert (plan.expiry_day.year, plan.expiry_day.month) == (year, month)
    assert plan.expiry_day.day == min(start.day, monthrange(year, month)[1])
    assert plan.expires_at.time() == card.validity.expires_at
    low, high = (28, 31) if cycle == "monthly" else (365, 366)
    assert low <= plan.days_total <= high


@given(start=starts, offset=st.integers(min_value=0, max_value=400 * 86400))
def test_elapsed_and_left_days_add_up_while_the_plan_serves(
    card: RateCard, start: datetime, offset: int
) -> None:
    plan = validity_window(start, card.cycles["annual"], card.validity)
    now = start + timedelta(seconds=offset)
    if plan.is_active(now):
        assert plan.days_elapsed(now) + plan.days_left(now) == plan.days_total
        assert plan.seconds_left(now) > 0
    else:
        assert plan.days_left(now) == 0 and plan.seconds_left(now) == 0


@given(year=st.integers(1, 9998), month=st.integers(1, 12))
def test_a_month_has_the_days_the_calendar_gives_it(year: int, month: int) -> None:
    assert days_in_month(year, month) == monthrange(year, month)[1]
