"""Work a call does once its answer is out (`afterwards.py`): it waits only where the call accepts it,
the caller is let go first, and nothing it raises reaches the call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tokenplan_cli import afterwards


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    yield
    afterwards.accept(False)
    afterwards.hand_over = None
    afterwards.finish(None)


def test_work_is_done_at_once_where_the_call_does_not_accept_waiting() -> None:
    done: list[str] = []
    afterwards.later(lambda: done.append("now"))
    assert done == ["now"]


def test_accepted_work_waits_for_the_answer_and_the_caller_is_let_go_first() -> None:
    events: list[object] = []
    afterwards.hand_over = events.append
    afterwards.accept(True)
    afterwards.later(lambda: events.append("keep"))
    afterwards.later(lambda: events.append("close"))
    afterwards.accept(False)
    assert events == []
    afterwards.finish(1)
    assert events == [1, "keep", "close"]
    afterwards.finish(0)  # nothing waits: no second hand-over
    assert events == [1, "keep", "close"]


def test_with_nothing_waiting_the_caller_is_not_let_go_early() -> None:
    told: list[int] = []
    afterwards.hand_over = told.append
    afterwards.finish(0)
    assert told == []


def test_a_call_not_answered_yet_only_does_the_work() -> None:
    events: list[object] = []
    afterwards.hand_over = events.append
    afterwards.accept(True)
    afterwards.later(lambda: events.append("close"))
    afterwards.finish(None)
    assert events == ["close"]


def test_what_the_work_raises_reaches_no_one_and_the_rest_is_done() -> None:
    done: list[str] = []

    def broken() -> None:
        raise OSError("disk full")

    afterwards.accept(True)
    afterwards.later(broken)
    afterwards.later(lambda: done.append("close"))
    afterwards.finish(0)
    assert done == ["close"]
