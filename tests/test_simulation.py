"""The simulation's laws (issue 5, part 6) and its model of daily use, on the core API."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.estimate import estimate_plans
from tokenplan_cli.core.profile import DayUsage, UsageProfile, profile_from_source
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.simulation import P10, P50, Simulation, SimulationSettings, simulate_plans
from tokenplan_cli.core.usage import Period, Quantities, Usage, UsageLine, usage_from_amounts
from tokenplan_cli.core.whatifs import BASELINE, Lever

ZERO = Fraction(0)
MONTH = Period()


def flag_profile(
    card: RateCard,
    model: str = "mimo-v2.5-pro",
    *,
    cache_hit: int = 0,
    cache_miss: int = 0,
    output: int = 0,
    offpeak: Fraction = ZERO,
    period: Period = MONTH,
) -> UsageProfile:
    tokens = Quantities(
        cache_hit=Fraction(cache_hit), cache_miss=Fraction(cache_miss), output=Fraction(output)
    )
    source = usage_from_amounts(
        card, model=model, tokens=tokens, audio_hours=ZERO, offpeak_share=offpeak, period=period
    )
    return profile_from_source(source)


def simulate(
    card: RateCard,
    now: datetime,
    profile: UsageProfile,
    *,
    spread: Fraction = ZERO,
    runs: int = 400,
    seed: int = 7,
    risk: Fraction = Fraction(1, 20),
    lever: Lever = BASELINE,
) -> Simulation:
    return simulate_plans(
        card,
        profile,
        source="test",
        as_of=now,
        currency=card.currency("USD"),
        settings=SimulationSettings(runs, seed, risk, spread),
        lever=lever,
    )


ZERO_SPREAD_CASES = [
    pytest.param({"model": "mimo-v2.5", "cache_miss": 82_000_000}, Period(), id="twice-lite-half-way"),
    pytest.param({"cache_hit": 50_000_000, "cache_miss": 10_000_000, "output": 2_000_000,
                  "offpeak": Fraction(3, 10)}, Period(), id="readme-example"),
    pytest.param({"cache_miss": 1_000_000}, Period("day", active_days=22), id="per-day-22-days"),
    pytest.param({"output": 7_777_777}, Period("week"), id="per-week"),
    pytest.param({"cache_miss": 333_333_333, "offpeak": Fraction(1, 3)}, Period(), id="everything-runs-out"),
]  # fmt: skip


@pytest.mark.parametrize(("flags", "period"), ZERO_SPREAD_CASES)
def test_zero_spread_agrees_exactly_with_estimate(
    card: RateCard, now: datetime, flags: dict, period: Period
) -> None:
    profile = flag_profile(card, period=period, **flags)
    assert_agrees_with_estimate(card, now, profile)


@settings(max_examples=40, deadline=None)
@given(
    cache_miss=st.integers(0, 3 * 10**9),
    output=st.integers(0, 10**9),
    offpeak=st.integers(0, 100).map(lambda p: Fraction(p, 100)),
)
def test_zero_spread_agrees_with_estimate_for_any_usage(
    card: RateCard, now: datetime, cache_miss: int, output: int, offpeak: Fraction
) -> None:
    if cache_miss or output:
        assert_agrees_with_estimate(
            card, now, flag_profile(card, cache_miss=cache_miss, output=output, offpeak=offpeak)
        )


def assert_agrees_with_estimate(card: RateCard, now: datetime, profile: UsageProfile) -> None:
    estimate = estimate_plans(
        card, profile.to_source(), as_of=now, currency=card.currency("USD"), headroom=ZERO
    )
    sim = simulate(card, now, profile, runs=10_000)
    assert sim.baseline.days.monthly_credits == estimate.credits_per_month
    for fit, risk in zip(estimate.plans, sim.baseline.plans, strict=True):
        assert (risk.tier, risk.cycle) == (fit.tier, fit.cycle)
        assert risk.p_runs_out == (0 if fit.runs_out_day is None else 1)
        assert risk.runs_out_day(P10) == risk.runs_out_day(P50) == fit.runs_out_day
        assert risk.expected_used == min(fit.usage, fit.quota)
        assert risk.expected_price_per_billion_used == fit.price_per_billion_used


def test_far_above_the_quota_always_runs_out_and_far_below_never(card: RateCard, now: datetime) -> None:
    # 10 B credits a month with a 40 % daily spread: 2.4 x Lite monthly, a tenth of Max annual's month
    sim = simulate(card, now, flag_profile(card, "mimo-v2.5", cache_miss=100_000_000), spread=Fraction(2, 5))
    by_plan = {(p.tier, p.cycle): p for p in sim.baseline.plans}
    assert by_plan["Lite", "monthly"].p_runs_out == 1
    assert by_plan["Max", "monthly"].p_runs_out == 0 and by_plan["Max", "annual"].p_runs_out == 0
    assert by_plan["Max", "annual"].runs_out_day(P10) is None


def test_a_spread_makes_a_plan_that_fits_on_average_run_out_sometimes(card: RateCard, now: datetime) -> None:
    # 9.9 B a month on Standard monthly (11 B): fits on average (90 %), but a busy month runs out
    profile = flag_profile(card, "mimo-v2.5", cache_miss=99_000_000)
    sim = simulate(card, now, profile, spread=Fraction(3, 2), runs=2000)
    standard = next(p for p in sim.baseline.plans if (p.tier, p.cycle) == ("Standard", "monthly"))
    assert 0 < standard.p_runs_out < Fraction(1, 2)
    assert standard.runs_out_day(P10) is not None and standard.runs_out_day(P50) is None


@settings(max_examples=15, deadline=None)
@given(
    cache_miss=st.integers(10**7, 5 * 10**8),
    spread=st.sampled_from([Fraction(1, 5), Fraction(1), Fraction(2)]),
    risks=st.tuples(st.integers(0, 100), st.integers(0, 100)).map(sorted),
)
def test_a_larger_risk_never_recommends_a_dearer_plan(
    card: RateCard, now: datetime, cache_miss: int, spread: Fraction, risks: list[int]
) -> None:
    from tokenplan_cli.core.simulation import recommend_by_risk

    sim = simulate(card, now, flag_profile(card, "mimo-v2.5", cache_miss=cache_miss), spread=spread, runs=200)
    low, high = (recommend_by_risk(sim.baseline.plans, Fraction(r, 100), sim.currency) for r in risks)
    if low.best is not None:
        assert high.best is not None and high.best.price_per_month <= low.best.price_per_month


def test_the_same_seed_gives_the_same_result_and_another_seed_another(card: RateCard, now: datetime) -> None:
    profile = flag_profile(card, "mimo-v2.5", cache_miss=100_000_000)
    first, again, other = (simulate(card, now, profile, spread=Fraction(1), seed=s) for s in (1, 1, 2))
    assert first == again
    assert first.baseline.plans != other.baseline.plans


@settings(max_examples=15, deadline=None)
@given(cache_miss=st.integers(10**7, 2 * 10**8), more=st.integers(0, 100), spread=st.sampled_from([1, 5, 20]))
def test_percentiles_are_monotone_in_usage(
    card: RateCard, now: datetime, cache_miss: int, more: int, spread: int
) -> None:
    def days(n: int) -> list[tuple[float, ...]]:
        sim = simulate(
            card, now, flag_profile(card, "mimo-v2.5", cache_miss=n), spread=Fraction(spread, 10), runs=200
        )
        return [(p.p_runs_out, *(_day(p.runs_out_day(q)) for q in (P10, P50))) for p in sim.baseline.plans]

    for (p_low, *day_low), (p_high, *day_high) in zip(
        days(cache_miss), days(cache_miss * (100 + more) // 100), strict=True
    ):
        assert p_high >= p_low
        assert all(high <= low for high, low in zip(day_high, day_low, strict=True))


def _day(day: int | None) -> float:
    return float("inf") if day is None else day


def observed_profile(card: RateCard, outputs: list[int], period_days: int | None = None) -> UsageProfile:
    days = tuple(
        DayUsage(
            date(2026, 10, 1 + i), Usage.of([UsageLine("mimo-v2.5", "peak", Quantities(output=Fraction(n)))])
        )
        for i, n in enumerate(outputs)
    )
    total = Usage.of(line for day in days for line in day.usage.lines)
    period = Period("days", days=Fraction(period_days or len(outputs)))
    return UsageProfile("t.toml", "t", period, "UTC", total, ZERO, None, days)


def test_observed_days_are_resampled_with_the_idle_days_of_the_span(card: RateCard, now: datetime) -> None:
    profile = observed_profile(card, [1_000_000, 3_000_000, 0], period_days=4)  # 2 days of use in 4
    model = simulate(card, now, profile).baseline.days
    assert model.kind == "observed" and model.amounts == (200_000_000, 600_000_000)
    assert (model.idle_weight, model.amount_weight, model.observed_days) == (2, 1, 4)
    assert model.monthly_credits == Fraction(800_000_000 * 30, 4) and model.active_days == 15


def test_active_days_change_how_often_a_day_is_one_of_use(card: RateCard, now: datetime) -> None:
    profile = observed_profile(card, [1_000_000, 3_000_000], period_days=4)
    model = simulate(card, now, profile, lever=Lever(active_days=10)).whatifs[0].days
    assert (model.idle_weight, model.amount_weight) == ((30 - 10) * 2, 10)
    assert model.monthly_credits == 10 * 400_000_000 and model.active_days == 10


def test_resampled_use_averages_the_observed_days(card: RateCard, now: datetime) -> None:
    profile = observed_profile(card, [500_000, 1_500_000, 4_000_000, 0, 0, 2_000_000])
    sim = simulate(card, now, profile, runs=4000)
    max_annual = sim.baseline.plans[-1]  # never runs out: its expected use is the year's mean use
    expected = sim.baseline.days.monthly_credits * 12
    assert abs(max_annual.expected_used / expected - 1) < Fraction(1, 100)


def test_growth_compounds_monthly_and_monthly_plans_face_the_twelfth_month(
    card: RateCard, now: datetime
) -> None:
    profile = flag_profile(card, "mimo-v2.5", cache_miss=10_000_000)  # 1 B credits a month
    sim = simulate(card, now, profile, lever=Lever(growth=Fraction(1, 10)))
    grown = sim.whatifs[0]
    lite = grown.plans[0]
    assert lite.month == 12 and lite.expected_used == 10**9 * Fraction(11, 10) ** 11
    assert grown.credits_per_month == 10**9 * sum(Fraction(11, 10) ** m for m in range(12)) / 12


def test_shift_offpeak_and_mix_rewrite_the_usage_exactly(card: RateCard, now: datetime) -> None:
    profile = flag_profile(card, cache_miss=10_000_000)  # 3 B credits, all peak
    lever = Lever(shift_offpeak=Fraction(1, 5), mix=("mimo-v2.5", Fraction(7, 10)))
    shifted, mixed, both = (s.days.monthly_credits for s in simulate(card, now, profile, lever=lever).whatifs)
    assert shifted == 3 * 10**9 * (Fraction(4, 5) + Fraction(1, 5) * Fraction(4, 5))
    assert mixed == 10_000_000 * (Fraction(3, 10) * 300 + Fraction(7, 10) * 100)
    by_hand = compute_credits(
        Usage.of([
            UsageLine("mimo-v2.5-pro", "peak", Quantities(cache_miss=Fraction(3 * 10**6) * Fraction(4, 5))),
            UsageLine("mimo-v2.5-pro", "offpeak", Quantities(cache_miss=Fraction(3 * 10**6) * Fraction(1, 5))),
            UsageLine("mimo-v2.5", "peak", Quantities(cache_miss=Fraction(7 * 10**6) * Fraction(4, 5))),
            UsageLine("mimo-v2.5", "offpeak", Quantities(cache_miss=Fraction(7 * 10**6) * Fraction(1, 5))),
        ]), card, now,
    ).total  # fmt: skip
    assert both == by_hand


def test_a_shift_moves_hour_weights_into_the_window(card: RateCard, now: datetime) -> None:
    from tokenplan_cli.core.whatifs import shift_offpeak

    flat = flag_profile(card, cache_miss=1)._replace(hours_utc=tuple([Fraction(1)] * 24))
    hours = shift_offpeak(flat, Fraction(1, 4), card.offpeak).hours_utc
    assert hours is not None and sum(hours) == 24
    assert hours[0] == Fraction(3, 4) and hours[16] == 1 + Fraction(16, 4) / 8


def test_the_kernel_in_a_worker_process_gives_the_same_simulation(card: RateCard, now: datetime) -> None:
    """`simulate` runs numpy's kernel in a forked worker (app/simulation.kernel_beside)."""
    from tokenplan_cli.app.simulation import kernel_beside

    profile = flag_profile(card, "mimo-v2.5", cache_miss=38_000_000)
    settings = SimulationSettings(runs=300, seed=7, risk=Fraction(1, 20), spread=Fraction(2, 5))
    common = {"source": "flags", "as_of": now, "currency": card.currency("USD"), "settings": settings}
    here = simulate_plans(card, profile, **common)
    with kernel_beside(True, 300) as kernel:
        assert kernel is not None
        beside = simulate_plans(card, profile, **common, kernel=kernel)
    assert beside == here
