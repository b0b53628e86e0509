"""The values inside log records: instants (future ones, epoch numbers), model names, bare totals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import AS_OF, Cli
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usagelog import BucketKey, LogTally, future_limit
from tokenplan_cli.readers.logs import Skips, codex

REPORT = ["usage", "report", "--as-of", AS_OF]


def export(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# A month of use: 30 days of October 2026, one request a day (1M output of mimo-v2.5: 200M credits a day).
OCTOBER = [
    {"timestamp": f"2026-10-{day:02d}T10:00:00Z", "model": "mimo-v2.5", "output": 1_000_000}
    for day in range(1, 31)
]


# -- records dated in the future ------------------------------------------------------------------


def test_buckets_after_the_limit_are_dropped_and_counted() -> None:
    tally = LogTally()
    limit = datetime(2026, 12, 1, 10, 5, tzinfo=UTC)
    slot = (limit - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(minutes=15)  # 10:00-10:15 holds the limit
    for offset, requests in ((-1, 3), (0, 2), (1, 4), (10**6, 1)):
        tally.add(BucketKey("jsonl", "m", slot + offset, "peak"), (requests, 0, 0, 0, requests, 0))
    future = tally.drop_after(limit)
    assert (future.records, future.after) == (5, limit)
    assert sorted(key.slot - slot for key in tally.counts) == [-1, 0]


def test_the_limit_is_now_plus_the_cards_allowance(card: RateCard) -> None:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert card.limits.clock_skew_minutes == 5
    assert future_limit(now, card) == datetime(2026, 12, 1, 10, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "when",
    [
        pytest.param("9998-12-31T12:00:00Z", id="year-9998"),
        pytest.param((datetime.now(UTC) + timedelta(days=1)).isoformat(), id="tomorrow"),
    ],
)
def test_a_record_dated_in_the_future_is_skipped_and_stretches_no_period(
    cli: Cli, tmp_path: Path, when: str
) -> None:
    clean = export(tmp_path / "clean.jsonl", OCTOBER)
    dated = export(
        tmp_path / "dated.jsonl", [*OCTOBER, {"timestamp": when, "model": "mimo-v2.5", "output": 5}]
    )
    report = cli.json([*REPORT, "--from", "jsonl", str(dated)])
    assert report["records"] == 30 and report["period"] == {
        "first_day": "2026-10-01",
        "last_day": "2026-10-30",
        "days": 30,
    }
    assert report["skipped"]["total"] == 1 and report["skipped"]["future"]["records"] == 1
    assert report["skipped"]["files"] == []
    # the month is a month: the same credits with the record as without it
    month = [cli.json(["estimate", "--as-of", AS_OF, "--from", "jsonl", str(f)]) for f in (clean, dated)]
    assert month[0]["credits_per_month"] == month[1]["credits_per_month"] == 6_000_000_000
    simulation = cli.json(["simulate", "--as-of", AS_OF, "--runs", "50", "--from", "jsonl", str(dated)])
    assert simulation["observed_days"] == 30
    human = cli.run([*REPORT, "--from", "jsonl", str(dated)]).stdout
    assert "1 request(s) dated after" in human and "is a clock set wrong?" in human
    message = cli.error([*REPORT, "--from", "jsonl", str(dated), "--strict"])
    assert message.startswith("--strict: 1 log record(s) dated after ")


def test_until_after_today_stops_at_today(cli: Cli, tmp_path: Path) -> None:
    logs = export(tmp_path / "a.jsonl", OCTOBER)
    before = datetime.now(UTC).date()
    doc = cli.json([*REPORT, "--from", "jsonl", str(logs), "--until", "2099-12-31"])
    assert doc["period"]["last_day"] in {str(before), str(datetime.now(UTC).date())}
    assert doc["until"] == doc["period"]["last_day"]


# -- instants as numbers --------------------------------------------------------------------------


def test_codex_reads_timestamps_in_epoch_milliseconds_and_seconds(tmp_path: Path) -> None:
    """ccusage's Codex loader reads a numeric `timestamp` (its test `loads_session_usage_with_numeric_
    timestamp`): milliseconds from 10^10 there, from 10^11 here, else seconds."""

    def token_count(timestamp: object, total: int) -> dict[str, object]:
        usage = {
            "input_tokens": total,
            "cached_input_tokens": 0,
            "output_tokens": 10,
            "total_tokens": total + 10,
        }
        return {"timestamp": timestamp, "type": "event_msg", "payload": {"type": "token_count", "info": {
            "total_token_usage": usage, "last_token_usage": usage}}}  # fmt: skip

    rollout = export(
        tmp_path / "rollout-2026-01-02T00-00-00-numeric.jsonl",
        [
            {"timestamp": "2026-01-02T00:00:00.000Z", "type": "turn_context", "payload": {"model": "gpt-5"}},
            token_count(1767312001000, 100),
            token_count(1767312002, 200),
            token_count(1767312003.5, 300),
            token_count("2026-01-02T00:00:04.000Z", 400),
        ],
    )
    skips = Skips()
    records = list(codex.read_file(rollout, skips))
    assert not skips
    assert [r.timestamp.isoformat() for r in records] == [
        "2026-01-02T00:00:01+00:00",
        "2026-01-02T00:00:02+00:00",
        "2026-01-02T00:00:03.500000+00:00",
        "2026-01-02T00:00:04+00:00",
    ]
    assert [r.cache_miss for r in records] == [100, 100, 100, 100]
