"""`status` from the tools' logs: a held plan (or --tier/--start) and the logs of its cycle give the same
credits as `usage report --since` over the same window, for every reader; and its bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
# (tool, fixture folder, a purchase day before its records, an instant after them)
READERS = [
    pytest.param("claude-code", "claude", "2026-10-01", "2026-10-03T00:00Z", id="claude-code"),
    pytest.param("codex", "codex", "2026-03-01", "2026-03-04T00:00Z", id="codex"),
    pytest.param("gemini", "gemini", "2026-03-01", "2026-03-03T00:00Z", id="gemini"),
    pytest.param("opencode", "opencode", "2026-03-01", "2026-03-03T00:00Z", id="opencode"),
    pytest.param("openclaw", "openclaw", "2026-03-01", "2026-03-03T00:00Z", id="openclaw"),
    pytest.param("jsonl", "generic/exports.jsonl", "2026-09-30", "2026-10-03T00:00Z", id="jsonl"),
    pytest.param("csv", "generic/gateway.csv", "2026-09-30", "2026-10-03T00:00Z", id="csv"),
]


def report_credits(cli: Cli, tool: str, folder: str, since: str, now: str) -> object:
    report = cli.json(["usage", "report", "--from", tool, str(FIXTURES / folder), "--since", since])
    return report["totals"]["credits"], report["records"]


@pytest.mark.parametrize(("tool", "folder", "start", "now"), READERS)
def test_a_held_plan_and_its_logs_give_the_credits_of_usage_report(
    cli: Cli, config_file: Path, tool: str, folder: str, start: str, now: str
) -> None:
    cli.json(["plan", "set", "Max", "--start", start, "--now", now])
    doc = cli.json(["status", "--from", tool, str(FIXTURES / folder), "--now", now])
    credits, records = report_credits(cli, tool, folder, start, now)
    assert doc["source"] == "logs" and doc["plan_source"] == "config"
    assert doc["credits_used"] == credits and doc["logs"]["credits"] == credits
    assert doc["logs"]["records"] == records and records > 0
    assert sum(day["credits"] for day in doc["logs"]["by_day"]) == credits
    assert sum(model["credits"] for model in doc["logs"]["by_model"]) == credits
    assert doc["logs"]["tools"][0]["tool"] == tool


def test_the_cycle_counts_from_its_start_not_before(cli: Cli, config_file: Path) -> None:
    now = "2026-10-03T00:00Z"
    cli.json(["plan", "set", "Lite", "--start", "2026-10-02", "--now", now])
    doc = cli.json(["status", "--from", "claude-code", str(FIXTURES / "claude"), "--now", now])
    credits, _ = report_credits(cli, "claude-code", "claude", "2026-10-02", now)
    assert doc["credits_used"] == credits
    assert [day["day"] for day in doc["logs"]["by_day"]] == ["2026-10-02"]
    assert doc["logs"]["since"] == "2026-10-02T00:00:00Z"


def test_flags_give_the_plan_when_none_is_held(cli: Cli) -> None:
    doc = cli.json(
        ["status", "--tier", "Lite", "--start", "2026-10-01", "--from", "claude-code", str(FIXTURES / "claude"),
         "--now", "2026-10-03"]
    )  # fmt: skip
    assert doc["source"] == "logs" and doc["plan_source"] == "flags" and doc["cycle_number"] is None
    assert doc["credits_used"] == report_credits(cli, "claude-code", "claude", "2026-10-01", "2026-10-03")[0]


def test_no_logs_found_is_no_use(cli: Cli, config_file: Path) -> None:
    cli.json(["plan", "set", "Lite", "--start", "2026-10-01", "--now", "2026-10-03"])
    doc = cli.json(["status", "--now", "2026-10-03"])  # the session's empty home
    assert doc["credits_used"] == 0 and doc["logs"]["tools"] == [] and doc["logs"]["records"] == 0


@pytest.mark.parametrize(
    ("args", "fault"),
    [
        pytest.param(["status"], "no plan is held", id="no-plan"),
        pytest.param(["status", "--tier", "Lite"], "give both --tier and --start", id="tier-alone"),
        pytest.param(["status", "--tier", "Lite", "--start", "2026-10-01", "--used", "1B", "--from", "codex"],
                     "drop --from", id="used-and-from"),
        pytest.param(["status", "--tier", "Lite", "--start", "2026-10-01", "--from", "vim"], "unknown log source",
                     id="unknown-tool"),
    ],
)  # fmt: skip
def test_bad_input(cli: Cli, config_file: Path, args: list[str], fault: str) -> None:
    assert fault in cli.error(args)


def test_a_cycle_flag_with_a_held_plan_is_refused(cli: Cli, config_file: Path) -> None:
    cli.json(["plan", "set", "Lite", "--start", "2026-10-01", "--now", "2026-10-03"])
    assert "--cycle goes with --tier" in cli.error(["status", "--cycle", "annual", "--now", "2026-10-03"])


# -- a console reading --------------------------------------------------------------------------------

CLAUDE = ["--from", "claude-code", str(FIXTURES / "claude")]


def test_a_reading_plus_what_the_logs_show_after_it(cli: Cli, config_file: Path) -> None:
    now = "2026-10-03T00:00Z"
    cli.json(["plan", "set", "Lite", "--start", "2026-09-20", "--now", now])
    cli.json(["plan", "calibrate", "--used", "25%", "--at", "2026-10-02T00:00Z", "--now", now])
    doc = cli.json(["status", *CLAUDE, "--now", now])
    after, _ = report_credits(cli, "claude-code", "claude", "2026-10-02", now)
    assert doc["source"] == "calibration+logs"
    assert doc["calibration"] == {"at": "2026-10-02T00:00:00Z", "given": "25%", "credits_used": 1_025_000_000}
    assert doc["credits_used"] == 1_025_000_000 + after
    assert doc["logs"]["since"] == "2026-10-02T00:00:00Z"
    assert doc["burn_source"] == "logs"


def test_a_reading_inside_a_quarter_hour_counts_the_logs_from_that_quarter_hour(
    cli: Cli, config_file: Path
) -> None:
    now = "2026-10-03T00:00Z"
    cli.json(["plan", "set", "Lite", "--start", "2026-09-20", "--now", now])
    cli.json(["plan", "calibrate", "--used", "1B", "--at", "2026-10-01T16:07Z", "--now", now])
    doc = cli.json(["status", *CLAUDE, "--now", now])
    assert doc["logs"]["since"] == "2026-10-01T16:00:00Z"  # the tally keeps quarter hours


def test_a_reading_of_an_earlier_cycle_no_longer_counts(cli: Cli, config_file: Path) -> None:
    cli.json(["plan", "set", "Lite", "--start", "2026-08-30", "--now", "2026-09-10"])
    cli.json(["plan", "calibrate", "--used", "90%", "--at", "2026-09-10", "--now", "2026-09-10"])
    doc = cli.json(["status", *CLAUDE, "--now", "2026-10-03T00:00Z"])  # cycle 2 started 2026-10-01
    assert doc["cycle_number"] == 2 and doc["source"] == "logs" and doc["calibration"] is None
    assert doc["start"] == "2026-10-01T00:00:00Z" and doc["expires_at"] == "2026-10-30T23:59:59Z"
    assert (
        doc["credits_used"]
        == report_credits(cli, "claude-code", "claude", "2026-10-01", "2026-10-03T00:00Z")[0]
    )


def test_logs_beyond_the_quota_count_as_all_of_it(cli: Cli, config_file: Path) -> None:
    now = "2026-10-03T00:00Z"
    cli.json(["plan", "set", "Lite", "--start", "2026-09-20", "--now", now])
    cli.json(["plan", "calibrate", "--used", "4.0999B", "--at", "2026-10-01", "--now", now])
    doc = cli.json(["status", *CLAUDE, "--now", now])
    assert doc["credits_used"] == 4_100_000_000 and doc["credits_left"] == 0
    assert any("more than the 4,100,000,000" in note for note in doc["notes"])


# -- pricing each request by the rules of its own instant --------------------------------------------

# mimo-v2-pro before its forward to mimo-v2.5-pro (2026-05-26T16:00Z) at the V2 legacy rates of the card
# (cache miss 700, output 2100), after it at mimo-v2.5-pro's (cache miss 300) and, at 16:30 UTC, off-peak.
V2_LINES = (
    '{"timestamp":"2026-05-26T10:00:00Z","model":"mimo-v2-pro","usage":{"input_tokens":1000,"output_tokens":0}}\n'
    '{"timestamp":"2026-05-26T15:59:59Z","model":"mimo-v2-pro","usage":{"input_tokens":0,"output_tokens":1}}\n'
    '{"timestamp":"2026-05-26T16:30:00Z","model":"mimo-v2-pro","usage":{"input_tokens":1000,"output_tokens":0}}\n'
)
BEFORE, LAST_SECOND_BEFORE, AFTER = 1000 * 700, 1 * 2100, 1000 * 300 * 4 // 5


def test_usage_report_prices_each_request_by_the_rules_of_its_instant(cli: Cli, tmp_path: Path) -> None:
    logs = tmp_path / "v2.jsonl"
    logs.write_text(V2_LINES)
    doc = cli.json(["usage", "report", "--from", "jsonl", str(logs), "--by", "hour"])
    assert doc["pricing"] == "each-request" and doc["as_of"] is None
    assert [(row["hour"], row["credits"]) for row in doc["rows"]] == [
        (10, BEFORE),
        (15, LAST_SECOND_BEFORE),
        (16, AFTER),
    ]
    assert doc["totals"]["credits"] == BEFORE + LAST_SECOND_BEFORE + AFTER
    assert any("legacy rates" in note for note in doc["notes"]) and any(
        "forwarded" in n for n in doc["notes"]
    )


def test_as_of_prices_every_request_under_the_rules_of_that_instant(cli: Cli, tmp_path: Path) -> None:
    logs = tmp_path / "v2.jsonl"
    logs.write_text(V2_LINES)
    doc = cli.json(["usage", "report", "--from", "jsonl", str(logs), "--as-of", "2026-11-23"])
    assert doc["pricing"] == "as-of" and doc["as_of"] == "2026-11-23T00:00:00Z"
    assert doc["totals"]["credits"] == 1000 * 300 + 1 * 600 + AFTER
    before = cli.json(["usage", "report", "--from", "jsonl", str(logs), "--as-of", "2026-05-01"])
    assert before["totals"]["credits"] == BEFORE + LAST_SECOND_BEFORE + 1000 * 700 * 4 // 5


def test_status_prices_the_logs_across_the_v2_forward(cli: Cli, config_file: Path, tmp_path: Path) -> None:
    logs = tmp_path / "v2.jsonl"
    logs.write_text(V2_LINES)
    now = "2026-05-27T00:00Z"
    cli.json(["plan", "set", "Lite", "--start", "2026-05-20", "--now", now])
    doc = cli.json(["status", "--from", "jsonl", str(logs), "--now", now])
    # the 2026-05-27 reset is at 2026-05-26T16:00Z, with the forward: only what came after it counts
    assert doc["counted_from"] == "2026-05-26T16:00:00Z"
    assert doc["credits_used"] == AFTER
    early = cli.json(["status", "--from", "jsonl", str(logs), "--now", "2026-05-26T15:59:59Z"])
    assert early["credits_used"] == BEFORE + LAST_SECOND_BEFORE


@pytest.mark.parametrize(("renew", "kind"), [("on", None), ("off", "expiry")])
def test_expiry_reminders_come_next_only_with_auto_renewal_off(
    cli: Cli, config_file: Path, renew: str, kind: str | None
) -> None:
    now = "2026-10-29T12:00Z"  # two days before the expiry of a plan bought 2026-09-30: a reminder day
    cli.json(["plan", "set", "Lite", "--start", "2026-09-30", "--auto-renew", renew, "--now", now])
    doc = cli.json(["status", *CLAUDE, "--now", now])
    found = doc["next_reminder"]
    assert (found and found["kind"]) == kind
