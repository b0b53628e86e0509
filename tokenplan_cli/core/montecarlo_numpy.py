"""The Monte Carlo kernel on numpy: the reference kernel (`core.montecarlo`) vectorised over runs.

Same draws, same integer arithmetic, same results (tests/test_montecarlo.py compares them); about a hundred
times faster (bench/simulate.py). Amounts are int64 units; `core.simulation` picks the unit so that a
cycle's running total cannot overflow (every table entry is at most the largest quota plus one unit).
This module is the only one that imports numpy, and only a simulation with randomness imports it.
"""

from __future__ import annotations

import os
from typing import Any

# The kernel uses no linear algebra: one BLAS thread is enough, and starting fewer makes the import faster.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

from tokenplan_cli.core.montecarlo import (  # noqa: E402
    CHUNK_RUNS,
    DRAW_BITS,
    GOLDEN,
    MIX1,
    MIX2,
    CycleDraws,
    CycleOutcome,
    Progress,
    chunks,
    stream_key,
    words_per_run,
)

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def simulate_cycle(draws: CycleDraws, runs: int, seed: int, progress: Progress | None = None) -> CycleOutcome:
    """`core.montecarlo.simulate_cycle`, a chunk of runs at a time."""
    key = np.uint64(stream_key(seed, draws.stream))
    words = words_per_run(draws.days)
    table = np.array([entry for t in draws.tables for entry in t], dtype=np.int64)
    offsets = np.array([len(draws.tables[0]) * m for m in draws.month_of_day], dtype=np.int64)
    quotas = draws.quotas
    histogram = [np.zeros(draws.days + 1, dtype=np.int64) for _ in quotas]
    used = [0] * len(quotas)
    for start in chunks(runs):
        count = min(CHUNK_RUNS, runs - start)
        days = _amounts(draws, _draws(key, start, count, words)[:, : draws.days], table, offsets)
        running = np.cumsum(days, axis=1)
        total = running[:, -1]
        for i, quota in enumerate(quotas):
            out = total > quota
            if out.any():
                first = np.argmax(running[out] >= quota, axis=1)  # the first day at or over the quota
                histogram[i] += np.bincount(first, minlength=draws.days + 1)
            used[i] += int(np.minimum(total, quota).sum())
        if progress is not None:
            progress(count)
    return CycleOutcome(runs, tuple(tuple(int(n) for n in h[: draws.days]) for h in histogram), tuple(used))


def _draws(key: np.uint64, start: int, count: int, words: int) -> npt.NDArray[np.uint32]:
    """32-bit draws of runs `start`..`start+count`, two per 64-bit word, low half first."""
    counters = np.arange(start * words + 1, (start + count) * words + 1, dtype=np.uint64)
    z: U64 = counters * np.uint64(GOLDEN) + key
    z ^= z >> np.uint64(30)
    z *= np.uint64(MIX1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(MIX2)
    z ^= z >> np.uint64(31)
    return z.astype("<u8", copy=False).view("<u4").reshape(count, 2 * words)


def _amounts(draws: CycleDraws, drawn: npt.NDArray[np.uint32], table: I64, offsets: I64) -> I64:
    """Each day's use in units: the table entry its draw picks (see `core.montecarlo.pick`)."""
    if draws.slots == 1:
        slot: npt.NDArray[Any] = np.zeros(drawn.shape, dtype=np.int64)
    elif draws.slots & (draws.slots - 1) == 0:  # a power of two: the multiply-shift is a shift
        slot = drawn >> np.uint32(DRAW_BITS - draws.slots.bit_length() + 1)
    else:
        slot = (drawn.astype(np.uint64) * np.uint64(draws.slots)) >> np.uint64(DRAW_BITS)
    if len(draws.tables) == 1 and not draws.idle_slots and draws.day_slots == 1:
        result: I64 = table[1:][slot]  # the common case: the slot is the entry, less the idle one
        return result
    slot = slot.astype(np.int64)
    if draws.idle_slots:
        entry = np.where(slot < draws.idle_slots, 0, 1 + (slot - draws.idle_slots) // draws.day_slots)
    else:
        entry = 1 + slot // draws.day_slots
    if len(draws.tables) > 1:
        entry = entry + offsets
    result = table[entry]
    return result
