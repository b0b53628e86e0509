"""The Monte Carlo kernels: numpy and pure Python draw the same days and count the same outcomes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.core import montecarlo, montecarlo_numpy
from tokenplan_cli.core.montecarlo import CHUNK_RUNS, CycleDraws, pick


@st.composite
def cycle_draws(draw: st.DrawFn) -> CycleDraws:
    days = draw(st.sampled_from([1, 2, 3, 30, 31, 365]))
    tables = draw(st.integers(1, 3))
    values = draw(st.integers(1, 40))
    idle = draw(st.sampled_from([0, 0, 3, 50]))
    day_slots = draw(st.sampled_from([1, 1, 2, 7]))
    entries = st.lists(st.integers(0, 10**6), min_size=values, max_size=values)
    return CycleDraws(
        days=days,
        stream=draw(st.integers(0, 3)),
        month_of_day=tuple(min(d // 30, tables - 1) for d in range(days)),
        tables=tuple((0, *draw(entries)) for _ in range(tables)),
        slots=idle + values * day_slots,
        idle_slots=idle,
        day_slots=day_slots,
        quotas=tuple(sorted(draw(st.lists(st.integers(0, 10**6 * days // 2), min_size=1, max_size=4)))),
    )


@given(cycle_draws(), st.integers(1, CHUNK_RUNS + 40), st.integers(0, 2**64 - 1))
def test_numpy_kernel_equals_the_reference_kernel(draws: CycleDraws, runs: int, seed: int) -> None:
    assert montecarlo_numpy.simulate_cycle(draws, runs, seed) == montecarlo.simulate_cycle(draws, runs, seed)


@pytest.mark.parametrize("slots", [1, 2, 4096, 4097, 31])
def test_power_of_two_shortcut_matches_the_multiply_shift(slots: int) -> None:
    draws = CycleDraws(30, 0, (0,) * 30, ((0, *range(1, slots + 1)),), slots, 0, 1, (10**9,))
    assert montecarlo_numpy.simulate_cycle(draws, 700, 5) == montecarlo.simulate_cycle(draws, 700, 5)


def test_every_slot_is_reached_equally_often_by_evenly_spread_draws() -> None:
    draws = CycleDraws(1, 0, (0,), ((0, 1, 2, 3),), slots=10, idle_slots=4, day_slots=2, quotas=(0,))
    picks = [pick(u << 28, draws) for u in range(16)]
    # 10 slots: 4 idle (entry 0), then entries 1, 2, 3 with 2 slots each
    assert [picks.count(e) for e in range(4)] == [7, 3, 3, 3]


def test_the_outcome_counts_runs_out_days_and_used_credits() -> None:
    # every day uses 10 units: a quota of 25 is reached on day 3, one of 1000 lasts
    draws = CycleDraws(5, 0, (0,) * 5, ((0, 10),), 1, 0, 1, (25, 1000))
    outcome = montecarlo.simulate_cycle(draws, 4, 0)
    assert outcome.runs_out_days == ((0, 0, 4, 0, 0), (0, 0, 0, 0, 0))
    assert outcome.used == (4 * 25, 4 * 50)


def test_a_quota_met_exactly_lasts() -> None:
    draws = CycleDraws(5, 0, (0,) * 5, ((0, 10),), 1, 0, 1, (50, 40))
    assert montecarlo.simulate_cycle(draws, 1, 0).runs_out_days == ((0, 0, 0, 0, 0), (0, 0, 0, 1, 0))
