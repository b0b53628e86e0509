"""The values inside log records: instants."""

from __future__ import annotations

import json
from pathlib import Path

from tokenplan_cli.readers.logs import Skips, codex


def export(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


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
