"""Bad input found by fuzzing the CLI (issue 10): each case is one line on stderr and exit 2.

Before these fixes each one hung for minutes (a number built digit by digit from a huge exponent),
blocked forever (a FIFO), or ended in an internal error with exit 3.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import AS_OF, Cli

ESTIMATE = ["estimate", "--as-of", AS_OF, "-m", "mimo-v2.5-pro", "--output", "10M"]
SIMULATE = ["simulate", "--as-of", AS_OF, "-m", "mimo-v2.5-pro", "--output", "10M", "--runs", "20"]
CHECK = ["check", "--as-of", AS_OF, "--tier", "Pro", "-m", "mimo-v2.5-pro", "--output", "10M"]
STATUS = ["status", "--tier", "Pro", "--start", "2026-11-01", "--now", "2026-11-10"]
UPGRADE = ["upgrade-quote", "--from", "Lite", "--to", "Pro", "--now", "2026-11-10"]
RENEWAL = ["renewal-quote", "--from", "Lite", "--now", "2026-11-10"]

HUGE = "1e999999999"
TINY = "1e-999999999"

HUGE_EXPONENTS = [
    pytest.param([*ESTIMATE, "--offpeak", f"{HUGE}%"], f"--offpeak: '{HUGE}%' is absurdly large or small", id="offpeak"),
    pytest.param([*ESTIMATE, "--headroom", TINY], f"--headroom: '{TINY}' is absurdly large or small", id="headroom"),
    pytest.param([*SIMULATE, "--spread", f"{HUGE}%"], f"--spread: '{HUGE}%' is absurdly large or small", id="spread-percent"),
    pytest.param([*SIMULATE, "--spread", TINY], f"--spread: '{TINY}' is absurdly large or small", id="spread"),
    pytest.param([*SIMULATE, "--mix", f"mimo-v2.5={HUGE}%"], f"--mix: '{HUGE}%' is absurdly large or small", id="mix"),
    pytest.param([*SIMULATE, "--risk", TINY], f"--risk: '{TINY}' is absurdly large or small", id="risk"),
    pytest.param([*SIMULATE, "--growth", TINY], f"--growth: '{TINY}' is absurdly large or small", id="growth"),
    pytest.param([*SIMULATE, "--shift-offpeak", TINY], f"--shift-offpeak: '{TINY}' is absurdly large or small", id="shift-offpeak"),
    pytest.param([*CHECK, "--max-utilization", f"{HUGE}%"], f"--max-utilization: '{HUGE}%' is absurdly large", id="max-utilization"),
    pytest.param([*CHECK, "--max-risk", TINY], f"--max-risk: '{TINY}' is absurdly large or small", id="max-risk"),
    pytest.param([*UPGRADE, "--used", "1B", "--paid", HUGE], f"--paid: '{HUGE}' is absurdly large or small", id="paid-huge"),
    pytest.param([*UPGRADE, "--used", "1B", "--paid", TINY], f"--paid: '{TINY}' is absurdly large or small", id="paid-tiny"),
    pytest.param([*STATUS, "--used", f"{TINY}%"], f"--used: '{TINY}%' is absurdly large or small", id="used-percent"),
    pytest.param([*STATUS, "--used", "10%", "--paid", TINY], f"--paid: '{TINY}' is absurdly large or small", id="status-paid"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), HUGE_EXPONENTS)
def test_huge_exponents_are_refused_at_once(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error(args)


OUTSIDE = "is outside years 0002-9997, the span tokenplan plans in"
CALENDAR_EDGES = [
    pytest.param(["quote", "Standard", "--start", "0001-01-01T00:00+14:00"], f"--start: '0001-01-01T00:00+14:00' {OUTSIDE}", id="quote-start-in-year-0"),
    pytest.param(["quote", "Standard", "--start", "9999-12-30"], f"--start: '9999-12-30' {OUTSIDE}", id="quote-expiry-in-year-10000"),
    pytest.param(["rates", "--as-of", "9999-12-31T23:59:59-12:00"], f"--as-of: '9999-12-31T23:59:59-12:00' {OUTSIDE}", id="rates-as-of-in-year-10000"),
    pytest.param(["estimate", "-m", "mimo-v2.5", "--output", "1M", "--as-of", "0001-01-01T00:00+14:00"], f"--as-of: '0001-01-01T00:00+14:00' {OUTSIDE}", id="estimate-as-of"),
    pytest.param(["expiry", "--start", "9999-12-01", "--now", "9999-12-30"], f"--start: '9999-12-01' {OUTSIDE}", id="expiry-start"),
    pytest.param(["status", "--tier", "Pro", "--start", "9999-12-20", "--used", "10%", "--now", "9997-12-30"], f"--start: '9999-12-20' {OUTSIDE}", id="status-start"),
    pytest.param([*UPGRADE[:-1], "9999-12-31T23:59:59-12:00", "--used", "1B"], f"--now: '9999-12-31T23:59:59-12:00' {OUTSIDE}", id="upgrade-now"),
    pytest.param([*RENEWAL[:-1], "9999-12-30", "--used", "1B"], f"--now: '9999-12-30' {OUTSIDE}", id="renewal-now"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), CALENDAR_EDGES)
def test_instants_at_the_calendars_edges_are_refused(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error(args)


def test_the_last_instant_of_the_span_still_plans_a_renewal_in_a_far_zone(cli: Cli) -> None:
    # An annual plan renewed at the last instant, shown 14 hours east of UTC: still inside the calendar.
    last = "9997-12-31T23:59:59Z"
    quote = cli.json(["quote", "Pro", "--cycle", "annual", "--start", last, "--tz", "Pacific/Kiritimati"])
    assert quote["local"]["expires_at"] == "9999-01-01T13:59:59+14:00"
    renewal = [*RENEWAL[:-1], last, "--used", "1B", "--cycle", "annual", "--tz", "Pacific/Kiritimati"]
    assert cli.json(renewal)["expires_at"] == "9998-12-31T23:59:59Z"


BAD_ZONES = [
    pytest.param("America", "unknown time zone 'America': America is a region; name one of its zones, e.g. America/Adak", id="a-folder"),
    pytest.param("Etc", "unknown time zone 'Etc': Etc is a region; name one of its zones, e.g. Etc/GMT", id="another-folder"),
    pytest.param("A" * 300, "unknown time zone 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'… (300 characters)", id="too-long"),
    pytest.param("Asia/" * 60, "(300 characters)", id="too-long-with-folders"),
    pytest.param("Asia/Shanghi", "did you mean 'Asia/Shanghai'", id="a-typo"),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "message"), BAD_ZONES)
def test_zone_names_that_are_no_zone(cli: Cli, zone: str, message: str) -> None:
    assert message in cli.error(["quote", "Standard", "--start", "2026-11-01", "--tz", zone])
    assert message in cli.error(["expiry", "--start", "2026-11-01", "--now", "2026-11-02", "--tz", zone])


@pytest.fixture
def fifo(tmp_path: Path) -> str:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize(
    ("args", "what"),
    [
        pytest.param(["rates", "--rates"], "rate card", id="rates"),
        pytest.param(["rates", "validate"], "rate card", id="validate"),
        pytest.param(["estimate", "--profile"], "usage profile", id="profile"),
        pytest.param(
            ["status", "--tier", "Pro", "--start", "2026-11-01", "--history"], "history", id="history"
        ),
    ],
)
def test_a_fifo_is_refused_not_waited_on(cli: Cli, fifo: str, args: list[str], what: str) -> None:
    message = cli.error([*args, fifo])
    assert (
        message
        == f"{fifo}: not a regular file (a FIFO, device or socket); save the {what} to a file and name that"
    )
