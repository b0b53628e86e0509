"""`status` in the core: the burn rate, the run-out instant against the expiry, reminders, the usage reset,
the cheapest upgrade, histories, and the burn-down chart's layout."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.core.amounts import parse_portion
from tokenplan_cli.core.burn import DayCredits, Point, crossing, history_line, left_at, project
from tokenplan_cli.core.dates import iso_utc, parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.quotes import plan_price
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.status import PlanStatus, compute_status

B = 10**9


def status(
    card: RateCard,
    tier: str,
    start: str,
    now: str,
    cycle: str = "monthly",
    **usage: object,
) -> PlanStatus:
    money = card.currency("USD")
    typed = {  # counts or shares as a person types them, parsed as the CLI parses them
        name: parse_portion(value, field=name)
        if name in ("used", "remaining") and isinstance(value, str)
        else value
        for name, value in usage.items()
    }
    return compute_status(
        card,
        plan_price(card, tier, cycle, money),
        parse_instant(start),
        parse_instant(now),
        money,
        **typed,  # type: ignore[arg-type]
    )


def at(instant: datetime | None) -> str | None:
    return None if instant is None else iso_utc(instant)


def test_the_issues_example_standard_63_percent_used_on_day_12(card: RateCard) -> None:
    # 6.93B used in 11.5 days: 602,608,695.65 a day; the 4.07B left last 6.754 days, to Nov 19 06:05:42,
    # twelve days before the plan expires (Dec 1 23:59:59): the service stops early.
    result = status(card, "Standard", "2026-11-01", "2026-11-12T12:00Z", used="63%")
    assert result.burn_per_day == Fraction(6_930_000_000 * 2, 23)
    assert result.burn_source == "straight-line"
    assert at(result.runs_out_at) == "2026-11-19T06:05:42Z"
    assert result.stops_early is True
    assert [(r.threshold, r.fired, at(r.at)) for r in result.usage_reminders] == [
        (Fraction(1, 2), True, "2026-11-10T03:02:51Z"),  # on the straight line: 5.5B at 9.13 days
        (Fraction(9, 10), False, "2026-11-17T10:17:07Z"),
        (1, False, "2026-11-19T06:05:42Z"),
    ]
    assert result.next_reminder is not None
    assert (result.next_reminder.kind, result.next_reminder.threshold) == ("usage", Fraction(9, 10))
    # The cheapest upgrade that lasts its new month at this rate: Pro for 50 - 0.37 x 16 = 44.08.
    assert result.action is not None and result.action.lasts
    assert result.action.quote.target.label == "Pro monthly"
    assert result.action.quote.offset.amount_due == Fraction(4408, 100)
    assert result.reasons[1] == (
        "at this rate the credits run out at 2026-11-19 06:05:42 UTC, 12 days before the plan expires: "
        "the service stops early"
    )


def test_a_plan_that_lasts_has_no_run_out_and_no_action(card: RateCard) -> None:
    result = status(card, "Standard", "2026-11-01", "2026-11-16", used="1.1B")
    assert (result.runs_out_at, result.stops_early, result.action) == (None, False, None)
    assert [r.fired for r in result.usage_reminders] == [False, False, False]
    assert result.usage_reminders[0].at is None  # 50 % is not reached before the plan ends
    assert result.next_reminder is not None and result.next_reminder.kind == "expiry"
    assert (result.next_reminder.days_before, result.next_reminder.at.date()) == (2, date(2026, 11, 29))


def test_credits_that_run_out_in_the_last_second_do_not_stop_the_service_early(card: RateCard) -> None:
    # 31 days from Nov 1 00:00 to Dec 2 00:00; half used in half of them: the line meets zero at the end.
    result = status(card, "Standard", "2026-11-01", "2026-11-16T12:00Z", used="50%")
    assert at(result.runs_out_at) == "2026-12-02T00:00:00Z" == at(result.window.ends_at)
    assert result.stops_early is False


def test_used_up_credits_stop_the_service_now(card: RateCard) -> None:
    result = status(card, "Lite", "2026-11-01", "2026-11-11", remaining="0")
    assert at(result.runs_out_at) == "2026-11-11T00:00:00Z" and result.stops_early
    assert [r.fired for r in result.usage_reminders] == [True, True, True]


def test_the_highest_tier_has_no_upgrade_to_offer(card: RateCard) -> None:
    result = status(card, "Max", "2026-11-01", "2026-11-11", used="80%")
    assert result.stops_early and result.action is None
    assert "Max is the highest package: no upgrade can help" in result.reasons[-2]
    # what the provider points to instead, priced for the rest of the cycle
    assert result.reasons[-1].startswith("paying as you go from 2026-11-13 to 2026-12-02 would cost $")
    assert result.payg is not None and result.payg.upgrade_cost is None


def test_when_no_upgrade_lasts_the_largest_is_offered_with_its_run_out(card: RateCard) -> None:
    # 4.1B a day: Pro's 38B last 9.27 days, Max's 82B 20 days; a new month needs 31.
    result = status(card, "Lite", "2026-11-01", "2026-11-02", used="100%")
    assert result.action is not None and not result.action.lasts
    assert result.action.quote.target.tier.name == "Max"
    assert at(result.action.runs_out_at) == "2026-11-22T00:00:00Z"
    assert result.reasons[-2].startswith(
        "no upgrade lasts at this rate; the largest, Max monthly for $100.00"
    )
    assert result.reasons[-1].startswith("paying as you go from 2026-11-02 to 2026-12-02 would cost $")


def test_no_time_elapsed_means_no_rate_and_no_projection(card: RateCard) -> None:
    result = status(card, "Pro", "2026-11-01T10:00Z", "2026-11-01T10:00Z", used="0")
    assert (result.burn_per_day, result.runs_out_at, result.stops_early) == (None, None, False)
    assert result.reasons == (
        "0.0 % of the credits used (0); no time has passed, so there is no burn rate yet",
    )


def test_an_expired_plan_is_reported_not_projected(card: RateCard) -> None:
    result = status(card, "Lite", "2026-09-01", "2026-11-01", used="2B")
    assert not result.window.is_active(result.now)
    assert result.projected == (result.actual[-1],) and result.runs_out_at is None
    assert "the plan expired at 2026-10-01 23:59:59 UTC: its credits can no longer be used" in result.reasons


def test_a_start_after_now_is_refused(card: RateCard) -> None:
    with pytest.raises(BadInputError, match="start: 2026-11-02 00:00:00 UTC is after `now`"):
        status(card, "Lite", "2026-11-02", "2026-11-01", used="0")


def test_a_past_usage_reset_restarts_the_count(card: RateCard) -> None:
    # An annual plan bought before 2026-05-27 00:00 Beijing lived through the reset: --used counts from it.
    result = status(card, "Standard", "2026-03-01", "2026-06-01", cycle="annual", used="10%")
    assert at(result.counted_from) == "2026-05-26T16:00:00Z"
    assert result.burn_per_day == Fraction(13_200_000_000) / Fraction(16, 3)  # 5 1/3 days since the reset
    assert result.notes[0].startswith(
        "the usage reset at 2026-05-26 16:00:00 UTC set the credits used to zero"
    )


def test_a_usage_reset_ahead_restores_the_quota_in_the_projection(card: RateCard) -> None:
    result = status(card, "Standard", "2026-05-20", "2026-05-24", used="80%")  # 2.2B a day
    assert at(result.runs_out_at) == "2026-05-25T00:00:00Z" and result.stops_early
    jump = [p for p in result.projected if iso_utc(p.at) == "2026-05-26T16:00:00Z"]
    assert [p.left for p in jump] == [0, 11 * B]
    assert iso_utc(result.projected[-2].at) == "2026-05-31T16:00:00Z"  # out again, five days later
    assert result.reasons[1].endswith("the service stops until the usage reset at 2026-05-26 16:00:00 UTC")


def days(*pairs: tuple[str, float | int]) -> list[DayCredits]:
    return [DayCredits(date.fromisoformat(d), Fraction(str(c))) for d, c in pairs]


def test_a_history_rate_comes_from_the_card_window_of_recent_days(card: RateCard) -> None:
    assert card.defaults.burn_window_days == 7
    heavy = [(f"2026-11-0{d}", 2 * B) for d in (1, 2, 3)]
    light = [(f"2026-11-{d:02d}", B // 10) for d in range(4, 11)]
    result = status(card, "Pro", "2026-11-01", "2026-11-11", history=days(*heavy, *light))
    assert result.consumption.used == Fraction(6 * B + 7 * B // 10)
    # The 7 x 24 hours before Nov 11 00:00 are Nov 4-10: 0.7B over 7 days.
    assert at(result.burn_since) == "2026-11-04T00:00:00Z"
    assert result.burn_per_day == B // 10
    assert result.burn_source == "history" and result.days_counted == 10


def test_a_card_without_a_window_takes_every_day(card: RateCard) -> None:
    whole = card._replace(defaults=card.defaults._replace(burn_window_days=None))
    result = status(whole, "Pro", "2026-11-01", "2026-11-11", history=days(("2026-11-01", 5 * B)))
    assert result.burn_per_day == Fraction(5 * B, 10)


def test_history_days_outside_the_plan_are_left_out(card: RateCard) -> None:
    history = days(("2026-10-31", B), ("2026-11-01", B), ("2026-11-05", B), ("2026-11-06", B))
    result = status(card, "Pro", "2026-11-01T12:00Z", "2026-11-05T12:00Z", history=history)
    assert (result.days_counted, result.days_left_out) == (2, 2)
    assert result.consumption.used == 2 * B


def test_a_history_over_the_quota_is_refused(card: RateCard) -> None:
    with pytest.raises(
        BadInputError, match=r"history: the days from 2026-11-01 add up to 5,000,000,000 credits"
    ):
        status(card, "Lite", "2026-11-01", "2026-11-03", history=days(("2026-11-01", 5 * B)))


def test_history_and_used_exclude_each_other(card: RateCard) -> None:
    with pytest.raises(BadInputError, match="`history` gives the credits used: drop `used`"):
        status(card, "Lite", "2026-11-01", "2026-11-03", used="1B", history=[])


# -- the line -------------------------------------------------------------------------------------


def test_history_line_spreads_each_day_over_its_hours() -> None:
    since, now = parse_instant("2026-11-01T12:00Z"), parse_instant("2026-11-02T12:00Z")
    line = history_line(since, now, Fraction(10), days(("2026-11-01", 2), ("2026-11-02", 4)))
    assert [(iso_utc(p.at), p.left) for p in line] == [
        ("2026-11-01T12:00:00Z", 10),
        ("2026-11-02T00:00:00Z", 8),
        ("2026-11-02T12:00:00Z", 4),
    ]
    assert left_at(line, parse_instant("2026-11-01T18:00Z")) == 9


@given(
    left=st.fractions(min_value=0, max_value=100),
    rate=st.fractions(min_value=0, max_value=50),
    seconds=st.integers(min_value=1, max_value=40 * 86400),
)
def test_a_projection_never_goes_up_without_a_reset_and_runs_out_where_the_rate_says(
    left: Fraction, rate: Fraction, seconds: int
) -> None:
    now = parse_instant("2026-11-01")
    until = now + timedelta(seconds=seconds)
    line = project(now, left, Fraction(100), rate, until)
    assert all(q.left <= p.left and q.at >= p.at for p, q in zip(line, line[1:], strict=False))
    assert line[-1].at == until and line[-1].left >= 0
    out = crossing(line, Fraction(0))
    if rate and left and left / rate * 86400 < seconds:
        assert out is not None and out < until
    elif left and (not rate or left / rate * 86400 > seconds):
        assert out is None


def test_crossing_interpolates_between_points() -> None:
    a, b = parse_instant("2026-11-01"), parse_instant("2026-11-03")
    assert (
        iso_utc(crossing([Point(a, Fraction(10)), Point(b, Fraction(0))], Fraction(5)))
        == "2026-11-02T00:00:00Z"
    )  # type: ignore[arg-type]
    assert crossing([Point(a, Fraction(10)), Point(b, Fraction(6))], Fraction(5)) is None
