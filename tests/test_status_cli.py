"""`expiry` and `status` through the CLI: the documents, --check, --history, the burn-down chart in a pipe,
on a colour terminal and under NO_COLOR, and every bad input."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from conftest import Cli
from tokenplan_cli.render.burndown import ASCII, UNICODE, chart_rows, plain

EMPTY_HISTORY = str(Path(__file__).parent / "fixtures" / "history" / "empty.csv")

# The example: a Standard plan bought on Nov 1, 63 % used at noon on day 12.
EXAMPLE = [
    "status",
    "--tier",
    "Standard",
    "--start",
    "2026-11-01",
    "--used",
    "63%",
    "--now",
    "2026-11-12T12:00Z",
]


def test_expiry_document(cli: Cli) -> None:
    doc = cli.json(["expiry", "--start", "2026-03-28", "--now", "2026-04-26T12:00Z", "--tz", "Asia/Shanghai"])
    assert doc == {
        "schema_version": 1,
        "command": "expiry",
        "cycle": "monthly",
        "start": "2026-03-28T00:00:00Z",
        "expires_at": "2026-04-28T23:59:59Z",
        "now": "2026-04-26T12:00:00Z",
        "state": "active",
        "active": True,
        "days_total": 31,
        "days_until_start": None,
        "days_elapsed": 29,
        "days_left": 2,
        "seconds_left": 216_000,
        "reminders": [
            {"days_before": 2, "date": "2026-04-26", "fired": True},
            {"days_before": 0, "date": "2026-04-28", "fired": False},
        ],
        "local": {
            "timezone": "Asia/Shanghai",
            "start": "2026-03-28T08:00:00+08:00",
            "expires_at": "2026-04-29T07:59:59+08:00",
            "now": "2026-04-26T20:00:00+08:00",
        },
        "notes": [
            "validity counts UTC days: bought on 2026-03-28 (UTC), the plan serves until 23:59:59 UTC on "
            "2026-04-28, that second included",
            "the provider sends the expiry reminders only when auto-renewal is off; with it on, the plan renews",
        ],
    }


@pytest.mark.parametrize(
    ("now", "active", "days_left", "seconds_left"),
    [
        pytest.param("2026-04-28T23:59:58Z", True, 0, 2, id="two-seconds-before"),
        pytest.param("2026-04-28T23:59:59Z", True, 0, 1, id="the-expiry-second"),
        pytest.param("2026-04-29T00:00:00Z", False, 0, 0, id="a-second-after"),
        pytest.param("2026-04-29T07:59:59+08:00", True, 0, 1, id="the-expiry-second-in-shanghai"),
    ],
)
def test_expiry_boundaries_through_the_cli(
    cli: Cli, now: str, active: bool, days_left: int, seconds_left: int
) -> None:
    doc = cli.json(["expiry", "--start", "2026-03-28", "--now", now])
    assert (doc["active"], doc["days_left"], doc["seconds_left"]) == (active, days_left, seconds_left)


def test_expiry_annual_from_a_leap_day(cli: Cli) -> None:
    doc = cli.json(["expiry", "--start", "2028-02-29", "--cycle", "annual", "--now", "2028-03-01"])
    assert (doc["expires_at"], doc["days_total"], doc["local"]["timezone"]) == (
        "2029-02-28T23:59:59Z",
        365,
        "UTC",
    )
    assert (
        doc["notes"][1] == "February 2029 has no day 29: the plan expires on the month's last day, 2029-02-28"
    )


def test_status_document(cli: Cli) -> None:
    doc = cli.json(EXAMPLE)
    assert {k: doc[k] for k in ("used_fraction", "runs_out_at", "expires_at", "stops_early", "next_reminder")} == {
        "used_fraction": Decimal("0.63"),
        "runs_out_at": "2026-11-19T06:05:42Z",
        "expires_at": "2026-12-01T23:59:59Z",
        "stops_early": True,
        "next_reminder": {"kind": "usage", "date": "2026-11-17", "at": "2026-11-17T10:17:07Z", "threshold": Decimal("0.9"), "days_before": None},
    }  # fmt: skip
    assert (doc["days_elapsed"], doc["days_left"], doc["days_total"]) == (11, 19, 30)
    assert (doc["credits_used"], doc["credits_left"], doc["burn_per_day"]) == (
        6_930_000_000,
        4_070_000_000,
        Decimal("602608695.65"),
    )
    assert doc["reminders"][0] == {"threshold": Decimal("0.5"), "fired": True, "at": "2026-11-10T03:02:51Z"}
    assert doc["action"] == {
        "action": "upgrade",
        "tier": "Pro",
        "cycle": "monthly",
        "price_difference": "44.08",
        "amount_due": "44.08",
        "compensation_credits": 0,
        "currency": "USD",
        "credits": 38_000_000_000,
        "expires_at": "2026-12-12T23:59:59Z",
        "lasts": True,
        "runs_out_at": None,
    }
    assert doc["burn_down"]["projected"] == [
        {"at": "2026-11-12T12:00:00Z", "day": Decimal("11.5"), "credits_left": 4_070_000_000},
        {"at": "2026-11-19T06:05:42Z", "day": Decimal("18.25"), "credits_left": 0},
        {"at": "2026-12-02T00:00:00Z", "day": 31, "credits_left": 0},
    ]
    assert doc["history"] is None


def test_status_check_exits_1_when_the_service_stops_early(cli: Cli) -> None:
    assert cli.json([*EXAMPLE, "--check"], code=1)["stops_early"] is True
    lasting = [
        "status",
        "--tier",
        "Pro",
        "--start",
        "2026-11-01",
        "--used",
        "6.93B",
        "--now",
        "2026-11-12T12:00Z",
    ]
    assert cli.json([*lasting, "--check"])["stops_early"] is False


def test_status_from_a_history(cli: Cli, write: Callable[[str, str], Path]) -> None:
    path = write("history.csv", "date,credits\n2026-10-30,9B\n2026-11-01,1B\n2026-11-02,1B\n2026-11-03,1B\n")
    doc = cli.json(
        [
            "status",
            "--tier",
            "Standard",
            "--start",
            "2026-11-01",
            "--history",
            str(path),
            "--now",
            "2026-11-04",
        ]
    )
    assert (doc["burn_source"], doc["credits_used"], doc["burn_per_day"]) == (
        "history",
        3_000_000_000,
        1_000_000_000,
    )
    assert doc["history"] == {"source": str(path), "days": 3, "days_left_out": 1}
    assert doc["runs_out_at"] == "2026-11-12T00:00:00Z" and doc["stops_early"] is True


def test_status_human_output_in_a_pipe_is_plain_ascii_within_80_columns(cli: Cli) -> None:
    out = cli.run(EXAMPLE, env={"COLUMNS": "80"}).stdout
    assert "\x1b[" not in out and "●" not in out
    chart = out[out.index("   11B |") : out.index("# used")]
    assert all(len(line) <= 80 for line in chart.splitlines())
    assert "cheapest action: upgrade now to Pro monthly for $44.08" in out


# The example at 80 columns, as a pipe shows it: pinned, so a change to the layout is a choice.
PINNED = """\
   11B |####                    :                                       |
       |   #####                :                                       |
       |       #####            :                                       |
       |           #####        :                                       |
  5.5B |---------------######---:---------------------------------------| 50 %
       |                    #####                                       |
       |                        #....                                   |
       |                        :   .....                               |
       |------------------------:-------.....---------------------------| 90 %
     0 |                        :           ..X.......................... 100 %
       +-----------------------------------------------------------------
        2026-11-01            today                            2026-12-01"""


def test_the_burn_down_chart_pinned_at_80_columns(cli: Cli) -> None:
    assert plain(chart_rows(cli.json(EXAMPLE), 80, ASCII)) == PINNED


def test_the_chart_never_grows_past_80_columns(cli: Cli) -> None:
    doc = cli.json(EXAMPLE)
    assert max(len(line) for line in plain(chart_rows(doc, 200, UNICODE)).splitlines()) <= 80
    assert max(len(line) for line in plain(chart_rows(doc, 40, ASCII)).splitlines()) <= 40


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("no_color", "glyph", "escapes"),
    [pytest.param(False, "●", True, id="colour-terminal"), pytest.param(True, "#", False, id="no-color")],
)
def test_the_chart_draws_unicode_on_a_colour_terminal_and_ascii_under_no_color(
    cli: Cli, no_color: bool, glyph: str, escapes: bool
) -> None:
    from tokenplan_cli.render.human_status import blocks
    from tokenplan_cli.render.terminal import show, surface

    console = Console(
        file=FakeTerminal(), force_terminal=True, color_system="truecolor", no_color=no_color, width=80
    )
    show(blocks(cli.json(EXAMPLE), surface(console)), console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert glyph in out and ("\x1b[36" in out or "\x1b[1;36" in out) is escapes


def test_expiry_and_status_human_outputs_show_both_zones(cli: Cli) -> None:
    out = cli.run(
        ["expiry", "--start", "2026-03-28", "--now", "2026-04-28T20:00Z", "--tz", "Asia/Shanghai"]
    ).stdout
    assert "| expires                | 2026-04-28 23:59:59 UTC            |" in out
    assert "|                        | 2026-04-29 07:59:59 Asia/Shanghai  |" in out
    assert "0 (the last day: it expires today)" in out


BAD_INPUT = [
    pytest.param(["expiry", "--start", "2026-02-29", "--now", "2026-03-31"], "--start: '2026-02-29' is not a valid date (day is out of range for month)", id="expiry-day-that-does-not-exist"),
    pytest.param(["expiry", "--now", "2026-03-31"], "missing option '--start'", id="expiry-no-start"),
    pytest.param(["expiry", "--start", "2026-03-01", "--cycle", "anual"], "unknown cycle 'anual'; did you mean 'annual'?", id="expiry-bad-cycle"),
    pytest.param(["expiry", "--start", "2026-03-01", "--now", "2026-03-02", "--tz", "Europe/Pari"], "unknown time zone 'Europe/Pari'; did you mean 'Europe/Paris'", id="expiry-bad-zone"),
    pytest.param(["status", "--tier", "Standard", "--start", "2026-11-13", "--used", "1B", "--now", "2026-11-12"], "is after --now", id="status-start-after-now"),
    pytest.param(["status", "--tier", "Standard", "--start", "2026-11-31", "--used", "1B"], "--start: '2026-11-31' is not a valid date", id="status-day-that-does-not-exist"),
    pytest.param(["status", "--tier", "Standrd", "--start", "2026-11-01", "--used", "1B", "--now", "2026-11-12"], "unknown tier 'Standrd'; did you mean 'Standard'?", id="status-unknown-tier"),
    pytest.param(["status", "--start", "2026-11-01", "--used", "1B"], "give both --tier and --start", id="status-no-tier"),
    pytest.param(["status", "--tier", "Lite", "--start", "2026-11-01", "--used", "-2B", "--now", "2026-11-12"], "--used: -2B is negative", id="status-negative"),
    pytest.param(["status", "--tier", "Lite", "--start", "2026-11-01", "--used", "4.2B", "--now", "2026-11-12"], "--used: 4,200,000,000 is more than the plan's 4,100,000,000 credits", id="status-over-quota"),
    pytest.param(["status", "--tier", "Lite", "--start", "2026-11-01", "--used", "1B", "--remaining", "1B", "--now", "2026-11-12"], "--used 1,000,000,000 and --remaining 1,000,000,000 disagree", id="status-disagree"),
    pytest.param(["status", "--tier", "Lite", "--start", "2026-11-01", "--used", "1B", "--history", EMPTY_HISTORY, "--now", "2026-11-12"], "no rows", id="status-empty-history"),
    pytest.param(["status", "--tier", "Lite", "--start", "2026-11-01", "--history", "/dev/null", "--now", "2026-11-12"], "/dev/null: not a regular file", id="status-device-history"),
    pytest.param(["status", "--tier", "Lite", "--start", "2026-11-01", "--history", "/nonexistent/h.csv", "--now", "2026-11-12"], "/nonexistent/h.csv: no such history file", id="status-missing-history"),
    pytest.param(["status", "--tier", "Lite", "--start", "2026-11-01", "--used", "1B", "--now", "2026-11-12", "--paid", "9"], "--paid: 9 is more than the list price", id="status-paid-too-much"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error(args)


def test_history_and_used_together_are_refused(cli: Cli, write: Callable[[str, str], Path]) -> None:
    path = write("h.csv", "date,credits\n2026-11-01,1B\n")
    args = [
        "status",
        "--tier",
        "Lite",
        "--start",
        "2026-11-01",
        "--used",
        "1B",
        "--history",
        str(path),
        "--now",
        "2026-11-12",
    ]
    assert cli.error(args) == "--history gives the credits used: drop --used and --remaining"


def test_a_bad_history_line_is_one_line(cli: Cli, write: Callable[[str, str], Path]) -> None:
    path = write("h.csv", "date,credits\n2026-11-01,1B\n2026-11-02,-1B\n")
    args = [
        "status",
        "--tier",
        "Lite",
        "--start",
        "2026-11-01",
        "--history",
        str(path),
        "--now",
        "2026-11-12",
    ]
    assert cli.error(args) == f"{path}: line 3: credits: -1B is negative"
