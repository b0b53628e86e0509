"""The plan rules' edge cases of issue 10 through the CLI: the 2026-05-27 usage reset only for plans valid
then, expired plans, reminders that would fall after the end, a purchase planned ahead, money that adds
up, compensation credits, contradictory discounts, audio on a TTS model, history days split where the
rules change, and quotes that know when the held plan ends."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

Write = Callable[[str, str], Path]


def status(cli: Cli, tier: str, start: str, now: str, *extra: str) -> Any:
    return cli.json(["status", "--tier", tier, "--start", start, "--now", now, *extra])


# -- the usage reset, and expired plans ------------------------------------------------------------


def test_a_plan_expired_before_the_reset_is_not_reset_and_says_what_to_do(cli: Cli) -> None:
    # Lite bought 2026-04-20 expired 2026-05-20 23:59:59, a week before the reset (2026-05-26 16:00 UTC).
    doc = status(cli, "Lite", "2026-04-20", "2026-05-27", "--used", "50%")
    assert doc["counted_from"] == "2026-04-20T00:00:00Z" == doc["burn_since"]
    assert (doc["state"], doc["active"], doc["action"], doc["stops_early"]) == ("expired", False, None, False)
    instants = [p["at"] for p in doc["burn_down"]["actual"]]
    assert instants == ["2026-04-20T00:00:00Z", "2026-05-21T00:00:00Z"]  # forwards in time, to the end
    assert doc["burn_per_day"] == Decimal("66129032.26")  # 2.05B over the 31 days it served
    assert doc["reasons"][1:] == [
        "the plan expired at 2026-05-20 23:59:59 UTC: its credits can no longer be used",
        "after a plan expires the provider sells any tier again ('tokenplan quote TIER'); an expired plan "
        "cannot be upgraded",
    ]
    assert not any("usage reset" in note for note in doc["notes"])


def test_a_plan_valid_at_the_reset_counts_from_it_even_once_expired(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-05-01", "2026-06-05", "--used", "10%")
    assert (doc["counted_from"], doc["state"]) == ("2026-05-26T16:00:00Z", "expired")
    assert [p["at"] for p in doc["burn_down"]["actual"]] == ["2026-05-26T16:00:00Z", "2026-06-02T00:00:00Z"]


def test_an_expired_plan_is_never_offered_an_upgrade(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-09-01", "2026-11-01", "--used", "100%", "--check")
    assert (doc["action"], doc["next_reminder"]) == (None, None)
    assert not any("upgrade now" in reason for reason in doc["reasons"])


@pytest.mark.parametrize(
    ("now", "used"),
    [
        pytest.param("2026-05-26T16:00:00Z", "50%", id="at-the-reset"),
        pytest.param("2026-05-27T00:00:00+08:00", "1B", id="at-the-reset-in-beijing"),
        pytest.param("2026-05-01T00:00:00Z", "1B", id="at-the-purchase"),
    ],
)
def test_credits_used_in_no_time_are_refused(cli: Cli, now: str, used: str) -> None:
    message = cli.error(["status", "--tier", "Lite", "--start", "2026-05-01", "--used", used, "--now", now])
    assert message.startswith("--used: at the ")
    assert "nothing" in message and "give a --now after" in message


def test_nothing_used_at_the_reset_instant_is_a_status(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-05-01", "2026-05-26T16:00:00Z", "--used", "0")
    assert (doc["counted_from"], doc["credits_used"], doc["burn_per_day"]) == (
        "2026-05-26T16:00:00Z",
        0,
        None,
    )


# -- usage reminders never fall after the plan ends ------------------------------------------------


def test_a_threshold_reached_only_as_the_plan_ended_was_never_sent(cli: Cli) -> None:
    # Half used on a straight line that ends when the plan stops serving: 50 % is met at 2026-05-21 00:00,
    # one second after the expiry; no reminder goes out for a plan that has ended.
    doc = status(cli, "Lite", "2026-04-20", "2026-05-27", "--used", "50%")
    assert doc["reminders"][0] == {"threshold": Decimal("0.5"), "fired": False, "at": None}
    out = cli.run(
        ["status", "--tier", "Lite", "--start", "2026-04-20", "--used", "50%", "--now", "2026-05-27"]
    )
    assert "sent 2026-05-21" not in out.stdout


def test_a_threshold_reached_before_the_end_was_sent_then(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-04-20", "2026-05-27", "--used", "60%")
    assert doc["reminders"][0] == {"threshold": Decimal("0.5"), "fired": True, "at": "2026-05-15T20:00:00Z"}


def test_a_reminder_the_projection_meets_at_the_end_is_not_due(cli: Cli) -> None:
    # Half used in half of the 31 days: the projection meets 100 % exactly when the plan stops serving.
    doc = status(cli, "Standard", "2026-11-01", "2026-11-16T12:00Z", "--used", "50%")
    assert doc["stops_early"] is False
    assert doc["reminders"][2] == {"threshold": 1, "fired": False, "at": None}
    assert doc["reminders"][1]["at"] == "2026-11-28T21:36:00Z"  # 90 %, at 27.9 days, is still due


# -- expiry of a purchase planned ahead -------------------------------------------------------------


def test_expiry_of_a_plan_not_started_yet(cli: Cli) -> None:
    doc = cli.json(["expiry", "--start", "2026-12-01", "--now", "2026-11-23T10:00Z"])
    assert (doc["state"], doc["active"], doc["expires_at"]) == ("not-started", False, "2027-01-01T23:59:59Z")
    assert (doc["days_until_start"], doc["days_total"]) == (8, 31)
    assert (doc["days_elapsed"], doc["days_left"], doc["seconds_left"]) == (None, None, None)
    assert doc["reminders"] == [
        {"days_before": 2, "date": "2026-12-30", "fired": False},
        {"days_before": 0, "date": "2027-01-01", "fired": False},
    ]
    out = cli.run(["expiry", "--start", "2026-12-01", "--now", "2026-11-23T10:00Z"]).stdout
    assert "| days left              | not started yet (bought in 8 days)" in out
    assert "A monthly plan to be bought 2026-12-01" in out


def test_expiry_states_through_a_plans_life(cli: Cli) -> None:
    def state(now: str) -> tuple[str, int | None]:
        doc = cli.json(["expiry", "--start", "2026-12-01T10:00Z", "--now", now])
        return doc["state"], doc["days_left"]

    assert state("2026-12-01T09:59:59Z") == ("not-started", None)
    assert state("2026-12-01T10:00:00Z") == ("active", 31)
    assert state("2027-01-02T00:00:00Z") == ("expired", 0)


def test_status_still_refuses_a_plan_not_bought_yet(cli: Cli) -> None:
    message = cli.error(
        ["status", "--tier", "Lite", "--start", "2026-12-01", "--used", "0", "--now", "2026-11-23"]
    )
    assert "is after --now" in message and "tokenplan expiry --start DATE" in message
