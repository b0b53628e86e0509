"""The values inside log records: instants (future ones, epoch numbers), model names and what they are
charged as, bare totals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import AS_OF, Cli
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.records import normalise_model
from tokenplan_cli.core.usagelog import BucketKey, LogTally, future_limit, parse_mapping
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


# -- model names from gateways ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logged", "normalised"),
    [
        pytest.param("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001", id="bedrock-region"),
        pytest.param("anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929", id="bedrock"),
        pytest.param("global.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1-20250805", id="bedrock-global"),
        pytest.param("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514", id="bedrock-arn"),
        pytest.param("global.anthropic.claude-sonnet-5-5", "claude-sonnet-5-5", id="bedrock-undated"),
        pytest.param("anthropic.claude-v2:1", "claude-v2:1", id="bedrock-undated-version-kept"),
        pytest.param("claude-sonnet-4-5@20250929", "claude-sonnet-4-5-20250929", id="vertex"),
        pytest.param("vertex_ai/claude-opus-4-1@20250805", "claude-opus-4-1-20250805", id="vertex-prefixed"),
        pytest.param("mimo-v2.5-pro@latest", "mimo-v2.5-pro", id="other-at-tag-dropped"),
        pytest.param("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5", id="anthropic-prefix-dotted"),
        pytest.param("openrouter/anthropic/claude-3.5-sonnet", "claude-3-5-sonnet", id="openrouter"),
        pytest.param("claude-sonnet-4.5", "claude-sonnet-4-5", id="copilot-dotted"),
        pytest.param("Xiaomi/MiMo-V2.5-Pro[1m]", "mimo-v2.5-pro", id="mimo-kept-dotted"),
        pytest.param("openrouter/google/gemini-2.5-pro", "gemini-2.5-pro", id="other-vendors-keep-dots"),
        pytest.param("gpt-4.1", "gpt-4.1", id="gpt"),
        pytest.param("[1m]", "unknown", id="nothing-left"),
    ],
)  # fmt: skip
def test_gateway_names_are_normalised(logged: str, normalised: str) -> None:
    assert normalise_model(logged) == normalised


@pytest.mark.parametrize(
    ("rule", "logged", "matches"),
    [
        pytest.param("claude-sonnet-4-5*=mimo-v2.5", "openrouter/anthropic/claude-sonnet-4.5", True, id="dotted-name"),
        pytest.param("claude-sonnet-4.5*=mimo-v2.5", "anthropic.claude-sonnet-4-5-20250929-v1:0", True, id="dotted-pattern"),
        pytest.param("gemini-2-5*=mimo-v2.5", "gemini-2.5-pro", True, id="either-way-for-any-vendor"),
        pytest.param("claude-sonnet-4-5*=mimo-v2.5", "claude-sonnet-4-6", False, id="another-version"),
    ],
)  # fmt: skip
def test_map_patterns_see_a_version_dot_as_a_hyphen(
    card: RateCard, rule: str, logged: str, matches: bool
) -> None:
    assert parse_mapping([rule], card).charge(logged) == (
        ("mimo-v2.5", False) if matches else ("mimo-v2.5-pro", True)
    )


def test_the_logged_names_stand_beside_the_normalised_one(cli: Cli, tmp_path: Path) -> None:
    logs = export(
        tmp_path / "gateway.jsonl",
        [
            {"timestamp": "2026-10-01T10:00:00Z", "model": name, "cache_miss": 1000, "output": 500}
            for name in ("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5@20251001", "claude-haiku-4-5-20251001")
        ],
    )  # fmt: skip
    doc = cli.json([*REPORT, "--from", "jsonl", str(logs)])
    (model,) = doc["models"]
    assert (model["model"], model["requests"], model["charged_as"], model["assumed"]) == (
        "claude-haiku-4-5-20251001", 3, "mimo-v2.5-pro", True
    )  # fmt: skip
    assert model["logged_as"] == [
        "claude-haiku-4-5-20251001", "claude-haiku-4-5@20251001", "jp.anthropic.claude-haiku-4-5-20251001-v1:0"
    ]  # fmt: skip
    assert doc["notes"][0] == (
        "claude-haiku-4-5-20251001 (logged as claude-haiku-4-5@20251001, jp.anthropic.claude-haiku-4-5-20251001-v1:0):"
        " no --map rule names it; charged as mimo-v2.5-pro (assumed)"
    )  # fmt: skip
    human = cli.run([*REPORT, "--from", "jsonl", str(logs)], env={"COLUMNS": "200"}).stdout
    assert "logged as" in human and "jp.anthropic.claude-haiku-4-5-20251001-v1:0" in human
    by_model = cli.json([*REPORT, "--from", "jsonl", str(logs), "--by", "model"])
    assert [(row["model"], row["requests"]) for row in by_model["rows"]] == [("claude-haiku-4-5-20251001", 3)]


# -- charged_as: the card model whose rates priced the use, in every command -------------------------

V2_AFTER_FORWARD = [
    {"timestamp": f"2026-10-{day:02d}T10:00:00Z", "model": "mimo-v2-pro", "cache_miss": 1000, "output": 500}
    for day in (1, 2)
]


def test_charged_as_means_the_same_in_every_command(cli: Cli, tmp_path: Path) -> None:
    logs = str(export(tmp_path / "v2.jsonl", V2_AFTER_FORWARD))
    successor = "mimo-v2.5-pro"  # mimo-v2-pro is forwarded to it, and discontinued since
    report = cli.json([*REPORT, "--from", "jsonl", logs])
    assert [(m["model"], m["charged_as"]) for m in report["models"]] == [("mimo-v2-pro", successor)]
    estimate = cli.json(["estimate", "--as-of", AS_OF, "--from", "jsonl", logs])
    assert [(m["model"], m["charged_as"]) for m in estimate["models"]] == [("mimo-v2-pro", successor)]
    simulation = cli.json(["simulate", "--as-of", AS_OF, "--runs", "50", "--from", "jsonl", logs])
    assert (
        f"mimo-v2-pro was discontinued at 2026-06-29 16:00 UTC; charged as its successor {successor}"
        in (simulation["notes"])
    )
    profile = tmp_path / "usage.toml"
    cli.run(["usage", "profile", "--as-of", AS_OF, "--from", "jsonl", logs, "-o", str(profile)])
    from_profile = cli.json(["estimate", "--as-of", AS_OF, "--profile", str(profile)])
    assert [(m["model"], m["charged_as"]) for m in from_profile["models"]] == [("mimo-v2-pro", successor)]
    human = cli.run([*REPORT, "--from", "jsonl", logs]).stdout
    assert f"| mimo-v2-pro | {successor}" in human


def test_a_model_priced_either_side_of_its_forward_has_a_row_for_each(cli: Cli, tmp_path: Path) -> None:
    """Without --as-of each request is priced by the rules of its own instant: before 2026-05-26 16:00 UTC
    mimo-v2-pro at its own (legacy) rates, after it as mimo-v2.5-pro."""
    before = {"timestamp": "2026-05-01T10:00:00Z", "model": "mimo-v2-pro", "cache_miss": 1000, "output": 500}
    logs = str(export(tmp_path / "v2.jsonl", [before, *V2_AFTER_FORWARD]))
    doc = cli.json(["usage", "report", "--from", "jsonl", logs])
    assert [(m["model"], m["charged_as"], m["requests"], m["credits"]) for m in doc["models"]] == [
        ("mimo-v2-pro", "mimo-v2-pro", 1, 700 * 1000 + 2100 * 500),
        ("mimo-v2-pro", "mimo-v2.5-pro", 2, 2 * (300 * 1000 + 600 * 500)),
    ]


# -- a record that holds only a total ------------------------------------------------------------------


def bare_total_cases(tmp_path: Path) -> list[tuple[object, Path, int]]:
    """(reader, a file whose line or row `line` holds only a total of 700 tokens, that line)."""
    from tokenplan_cli.readers.logs import gemini, generic, openclaw, opencode

    good = {"timestamp": "2026-10-01T10:00:00Z", "model": "mimo-v2.5", "output": 5}
    message = tmp_path / "opencode" / "storage" / "message" / "ses_1" / "msg_1.json"
    message.parent.mkdir(parents=True)
    message.write_text(json.dumps({"id": "msg_1", "role": "assistant", "modelID": "mimo-v2.5",
        "time": {"created": 1790000000000}, "tokens": {"total": 700, "input": 0, "output": 0,
        "reasoning": 0, "cache": {"read": 0, "write": 0}}}))  # fmt: skip
    chat = tmp_path / "chats" / "session-1.jsonl"
    chat.parent.mkdir()
    chat.write_text(json.dumps({"sessionId": "s"}) + "\n" + json.dumps({"id": "g1", "type": "gemini",
        "timestamp": "2026-10-01T10:00:00Z", "model": "gemini-2.5-pro", "tokens": {"total": 700}}) + "\n")  # fmt: skip
    transcript = tmp_path / "s.jsonl"
    transcript.write_text(json.dumps({"type": "message", "id": "e1", "timestamp": "2026-10-01T10:00:00Z",
        "message": {"role": "assistant", "model": "mimo-v2.5", "usage": {"totalTokens": 700}}}) + "\n")  # fmt: skip
    csv = tmp_path / "a.csv"
    csv.write_text("timestamp,model,output,total_tokens\n2026-10-01T10:00:00Z,mimo-v2.5,,700\n")
    return [
        (generic, export(tmp_path / "a.jsonl", [good, {**good, "output": None, "total_tokens": 700}]), 2),
        (
            generic,
            export(tmp_path / "b.jsonl", [{**good, "output": None, "usage": {"total_tokens": 700}}]),
            1,
        ),
        (generic, csv, 2),
        (openclaw, transcript, 1),
        (opencode, message, 1),
        (gemini, chat, 2),
    ]


def test_a_bare_total_is_booked_as_output_and_its_line_reported(tmp_path: Path) -> None:
    for reader, path, line in bare_total_cases(tmp_path):
        skips = Skips()
        records = list(reader.read_file(path, skips))  # type: ignore[attr-defined]
        booked = [r for r in records if r.output == 700]
        assert len(booked) == 1 and booked[0].tokens == 700, (reader, records)
        assert not skips and skips.bare_totals == 1, reader
        assert [(f.path, f.lines) for f in skips.bare_totals_by_file()] == [(str(path), (line,))]


def test_a_bare_total_is_counted_in_every_summary(cli: Cli, tmp_path: Path) -> None:
    good = {"timestamp": "2026-10-01T10:00:00Z", "model": "mimo-v2.5", "output": 10}
    logs = str(export(tmp_path / "a.jsonl", [good, {**good, "output": None, "total_tokens": 700}]))
    doc = cli.json([*REPORT, "--from", "jsonl", logs])
    assert doc["records"] == 2 and doc["totals"]["output"] == 710 and doc["totals"]["credits"] == 710 * 200
    assert doc["bare_totals"] == {"lines": 1, "files": [{"path": logs, "count": 1, "lines": [2]}]}
    note = (
        "1 log line(s) held only a total token count, no split into input, cache and output: booked as "
        "output, the dearest kind"
    )
    assert note in doc["notes"] and doc["skipped"]["total"] == 0
    human = cli.run([*REPORT, "--from", "jsonl", logs], env={"COLUMNS": "200"}).stdout
    assert (
        "booked as output, for want of a split of the total (1 in all):" in human
        and f"{logs}: line 2" in human
    )
    assert note in cli.json(["estimate", "--as-of", AS_OF, "--from", "jsonl", logs])["notes"]
    profile = tmp_path / "usage.toml"
    written = cli.json(["usage", "profile", "--as-of", AS_OF, "--from", "jsonl", logs, "-o", str(profile)])
    assert written["bare_total_lines"] == 1
    assert note in cli.json(["estimate", "--as-of", AS_OF, "--profile", str(profile)])["notes"]
