"""The Monte Carlo kernel's contract, its random stream, and the reference kernel in pure Python.

A kernel simulates `runs` billing cycles of one cycle length, day by day, in integer *units* (a fixed
fraction of a credit chosen by `core.simulation`), and counts for every quota on which day the credits ran
out and how much of the quota was used. Nothing here is a binary float.

Each day draws one 32-bit number from a counter-based stream: run `r`, day `d` read the low (even `d`) or
high (odd `d`) half of `splitmix64(key + (r * words + d // 2 + 1) * GOLDEN)`, where `key` mixes the seed and
the cycle's stream number. So a draw depends only on (seed, stream, run, day): the same seed gives the same
output whatever the chunking, the kernel (this one or `montecarlo_numpy`) or the numpy version, and two
scenarios simulated with one seed meet the same random days (their difference is the lever's, not chance's).

A draw `u` picks a day from a table by integer arithmetic: `slot = u * slots >> 32`; slots below
`idle_slots` are an idle day (table entry 0), the rest map in runs of `day_slots` to entries 1, 2, ...
"""

from __future__ import annotations

from collections.abc import Callable

from tokenplan_cli.tuples import NamedTuple

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
DRAW_BITS = 32
CHUNK_RUNS = 512  # runs simulated at a time: about 1.5 MB per array for a year, inside a CPU's cache

Progress = Callable[[int], None]  # called with the number of runs just finished


class CycleDraws(NamedTuple):
    """One cycle length to simulate, every amount already in integer units."""

    days: int
    stream: int  # separates the random streams of different cycle lengths
    month_of_day: tuple[int, ...]  # for each day, the table it draws from (growth changes it monthly)
    tables: tuple[tuple[int, ...], ...]  # per table: entry 0 an idle day, then the possible days' use
    slots: int  # slots a draw chooses among (at most 2**32)
    idle_slots: int
    day_slots: int
    quotas: tuple[int, ...]  # in units


class CycleOutcome(NamedTuple):
    runs: int
    runs_out_days: tuple[tuple[int, ...], ...]  # per quota: runs whose credits ran out on day 1, 2, ...
    used: tuple[int, ...]  # per quota: the sum over runs of min(cycle's use, quota), in units


# A kernel: simulate_cycle(draws, runs, seed, progress). `core.simulation` uses `montecarlo_numpy` unless
# the caller passes another (the same function, run in a worker process by `simulate`).
Kernel = Callable[[CycleDraws, int, int, "Progress | None"], CycleOutcome]


def mix64(z: int) -> int:
    """The SplitMix64 finaliser: a bijection of 64-bit integers that scrambles every bit.

    SplitMix64 seeded with 0 yields these two first (the published reference values):

    >>> hex(mix64(GOLDEN)), hex(mix64(2 * GOLDEN & MASK64))
    ('0xe220a8397b1dcdaf', '0x6e789e6aa1b965f4')
    """
    z = ((z ^ (z >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    return z ^ (z >> 31)


def stream_key(seed: int, stream: int) -> int:
    return mix64((mix64(seed & MASK64) + stream * GOLDEN) & MASK64)


def words_per_run(days: int) -> int:
    return (days + 1) // 2


def chunks(runs: int) -> range:
    return range(0, runs, CHUNK_RUNS)


def simulate_cycle(draws: CycleDraws, runs: int, seed: int, progress: Progress | None = None) -> CycleOutcome:
    """The reference kernel: plain Python integers, one run and one day at a time (slow, exact)."""
    key = stream_key(seed, draws.stream)
    words = words_per_run(draws.days)
    quotas = draws.quotas
    histogram = [[0] * draws.days for _ in quotas]
    used = [0] * len(quotas)
    for start in chunks(runs):
        stop = min(start + CHUNK_RUNS, runs)
        for run in range(start, stop):
            total, first_day = _one_run(draws, key, run * words, quotas)
            for i, quota in enumerate(quotas):
                if total > quota:
                    histogram[i][first_day[i]] += 1
                used[i] += min(total, quota)
        if progress is not None:
            progress(stop - start)
    return CycleOutcome(runs, tuple(tuple(h) for h in histogram), tuple(used))


def _one_run(draws: CycleDraws, key: int, counter: int, quotas: tuple[int, ...]) -> tuple[int, list[int]]:
    """The cycle's total use and, per quota, the 0-based day the running total first reached it."""
    total = 0
    first_day = [-1] * len(quotas)
    word = 0
    for day in range(draws.days):
        if day % 2 == 0:
            word = mix64((key + (counter + day // 2 + 1) * GOLDEN) & MASK64)
            draw = word & 0xFFFFFFFF
        else:
            draw = word >> DRAW_BITS
        total += draws.tables[draws.month_of_day[day]][pick(draw, draws)]
        for i, quota in enumerate(quotas):
            if first_day[i] < 0 and total >= quota:
                first_day[i] = day
    return total, first_day


def pick(draw: int, draws: CycleDraws) -> int:
    """The table entry a 32-bit draw selects."""
    slot = (draw * draws.slots) >> DRAW_BITS
    if slot < draws.idle_slots:
        return 0
    return 1 + (slot - draws.idle_slots) // draws.day_slots
