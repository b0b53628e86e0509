"""The log index's plan: ranks that keep the walk's order with as few moves as can be, which stats are
too fresh to be trusted, and the Bloom filter a cold build plans with."""

from __future__ import annotations

import tracemalloc

from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.readers.logs.index.filter import DigestFilter
from tokenplan_cli.readers.logs.index.plan import FileRow, assign_ranks, racy

RANKS = st.lists(st.one_of(st.none(), st.integers(-(10**9), 10**9)), max_size=40)


@given(current=RANKS)
def test_ranks_follow_the_walk_and_keep_what_they_can(current: list[int | None]) -> None:
    ranks = assign_ranks(current)
    assert len(ranks) == len(current)
    assert all(a < b for a, b in zip(ranks, ranks[1:], strict=False))
    kept = sum(1 for old, new in zip(current, ranks, strict=True) if old == new)
    increasing = [value for value in current if value is not None]
    longest = _longest(increasing)
    assert kept == longest or kept == 0  # all kept that can be, unless every file was numbered afresh


def test_a_new_file_between_two_takes_a_rank_between_theirs() -> None:
    assert assign_ranks([100, None, 200]) == [100, 150, 200]
    assert assign_ranks([100, None, None, 200])[1:3] == [133, 166]


def _longest(values: list[int]) -> int:
    best: list[int] = []  # best[k]: the least last value of an increasing run of k + 1
    from bisect import bisect_left

    for value in values:
        at = bisect_left(best, value)
        best[at : at + 1] = [value]
    return len(best)


def row(mtime: int, seen: int) -> FileRow:
    return FileRow(1, b"", 0, 0, 10, mtime, mtime, seen, None, 10, 1, None, None, None, 0, 0, None, None, 1)


def test_a_stat_taken_within_a_tick_of_a_write_is_not_trusted() -> None:
    second = 1_000_000_000
    walk = 1_800_000_000 * second
    assert racy(row(walk - 50_000_000 + 123, walk))  # nanosecond times: within 100 ms
    assert not racy(row(walk - 200_000_000 + 123, walk))
    assert racy(row(walk - second, walk))  # whole seconds: a coarse file system, within 2 s
    assert not racy(row(walk - 3 * second, walk))
    assert racy(row(walk + 5 * second + 1, walk))  # a time ahead of this clock: never trusted


def test_a_digest_filter_takes_its_memory_at_its_first_digest() -> None:
    """A run plans a filter for every search that holds nothing (most of a report's searches): they cost
    nothing until a digest comes, and then say what they said before."""
    tracemalloc.start()
    try:
        filters = [DigestFilter() for _ in range(16)]
        assert tracemalloc.get_traced_memory()[0] < DigestFilter.SIZE
    finally:
        tracemalloc.stop()
    first, second = bytes(range(16)), bytes(range(1, 17))
    assert list(filters[0].met(first + second, 16)) == []
    assert list(filters[0].met(second + bytes(16) + first, 16)) == [0, 2]
