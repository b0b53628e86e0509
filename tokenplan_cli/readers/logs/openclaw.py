"""OpenClaw: assistant messages' `usage` in its agents' session transcripts.

Current OpenClaw keeps every agent's transcripts in a SQLite store,
`agents/<agent>/agent/openclaw-agent.sqlite`, table `transcript_events` (one JSON event per row);
earlier versions wrote one JSONL file per session under `agents/<agent>/sessions/` (reset and deleted
sessions are kept there as `<id>.jsonl.reset.<time>` / `.deleted.<time>`, and `openclaw doctor` moves
imported files to `session-sqlite-import-archive/`). Both hold the same events:
`{"type": "message", "id", "message": {"role": "assistant", "model", "usage": {...}, "timestamp"}}`.

`usage` follows pi-ai: `input` without the cache, `cacheRead`, `cacheWrite`, and `output` with any
reasoning in it (newer versions name that part `reasoningTokens` or `reasoning`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    UNKNOWN_MODEL,
    BadRecord,
    count,
    dedupe_key,
    instant_from_iso,
    instant_from_ms,
    mapping,
    model_name,
)
from tokenplan_cli.readers.logs.jsonlines import line_records, parse_object
from tokenplan_cli.readers.logs.sqlite import open_store, rows

TOOL = "openclaw"
KEY_PREFIX = b"ocl"
STORE_NAME = "openclaw-agent.sqlite"
# <session>.jsonl, its reset and deleted archives, and `openclaw doctor`'s imported copies.
TRANSCRIPT_NAME = re.compile(r"\.jsonl(\.(reset|deleted)\.[^/]*|\.imported-[^/]*)?$")
MARKERS = (b'"usage"', b'"model_change"', b'"model-snapshot"')
# Assistant rows OpenClaw writes itself as transcript bookkeeping, not model output
# (openclaw/openclaw src/shared/transcript-only-openclaw-assistant.ts).
BOOKKEEPING_API = "openclaw-transcript"
BOOKKEEPING_PROVIDER = "openclaw"
BOOKKEEPING_MODELS = frozenset({"delivery-mirror", "gateway-injected"})
EVENTS = """
SELECT rowid, session_id, event_json, created_at FROM transcript_events
WHERE instr(event_json, '"usage"') > 0
   OR instr(event_json, '"model_change"') > 0
   OR instr(event_json, '"model-snapshot"') > 0
ORDER BY session_id, seq
"""
MS_SINCE_EPOCH_FLOOR = 10**11  # a `created_at` above this is in milliseconds, below it in seconds


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    state = Path(env["OPENCLAW_STATE_DIR"]) if env.get("OPENCLAW_STATE_DIR") else home / ".openclaw"
    return [state / "agents"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, _is_transcript_store, skips)


def _is_transcript_store(path: Path) -> bool:
    """Agent stores and session transcripts (live, reset, deleted, imported), not Codex's own rollouts
    in an agent's `codex-home` nor compressed archives."""
    if "codex-home" in path.parts or path.name.endswith(".zst"):
        return False
    return path.name == STORE_NAME or TRANSCRIPT_NAME.search(path.name) is not None


class _Session:
    """What carries from one event of a session to the next: the model last announced."""

    def __init__(self) -> None:
        self.model = UNKNOWN_MODEL

    def record(self, event: dict[str, Any], fallback: Any = None) -> UsageRecord | None:
        """The usage of one event; model announcements update the session and yield nothing."""
        kind = event.get("type")
        if kind == "model_change" and event.get("modelId"):
            self.model = model_name(event["modelId"])
        elif kind == "custom" and event.get("customType") == "model-snapshot":
            announced = mapping(event, "data").get("modelId")
            self.model = model_name(announced) if announced else self.model
        elif kind == "message":
            return self._message_record(event, fallback)
        return None

    def _message_record(self, event: dict[str, Any], fallback: Any) -> UsageRecord | None:
        message = mapping(event, "message")
        if message.get("role") != "assistant" or "usage" not in message or _is_bookkeeping(message):
            return None
        usage = mapping(message, "usage")
        output = count(usage, "output")
        reasoning = min(max(count(usage, "reasoningTokens"), count(usage, "reasoning")), output)
        cache_hit, cache_miss, cache_write = (
            count(usage, "cacheRead"),
            count(usage, "input"),
            count(usage, "cacheWrite"),
        )
        if not (cache_hit or cache_miss or cache_write or output):
            return None
        if message.get("model"):
            self.model = model_name(message["model"])
        own_ms = message.get("timestamp")
        timestamp = _instant(own_ms, event.get("timestamp"), fallback)
        return UsageRecord(
            timestamp=timestamp,
            tool=TOOL,
            model=self.model,
            cache_hit=cache_hit,
            cache_miss=cache_miss,
            cache_write=cache_write,
            output=output - reasoning,
            reasoning=reasoning,
            # The event's id, its own instant and its counts survive migration to SQLite and `/fork`
            # (which copies events under a new session id); the id alone is too short to be unique.
            dedupe_key=dedupe_key(KEY_PREFIX, str(event.get("id")), repr(own_ms), cache_miss, output),
        )


def _is_bookkeeping(message: dict[str, Any]) -> bool:
    return message.get("api") == BOOKKEEPING_API or (
        message.get("provider") == BOOKKEEPING_PROVIDER and message.get("model") in BOOKKEEPING_MODELS
    )


def _instant(message_ms: Any, event_iso: Any, fallback: Any) -> datetime:
    """The message's own instant (ms), else the event's (ISO), else the store's row time."""
    if message_ms is not None:
        return instant_from_ms(message_ms)
    if event_iso is not None:
        return instant_from_iso(event_iso)
    if type(fallback) is int:
        return instant_from_ms(fallback if fallback > MS_SINCE_EPOCH_FLOOR else fallback * 1000)
    raise BadRecord("no timestamp")


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    if path.name.endswith(".sqlite"):
        yield from _read_store(path, skips)
        return
    yield from line_records(path, skips, MARKERS, _Session().record)


def _read_store(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    with open_store(path, skips, ("transcript_events",), "no transcript_events table") as store:
        if store is None:
            return
        connection, _ = store
        current, session = None, _Session()
        for rowid, session_id, event_json, created_at in rows(connection, path, skips, EVENTS):
            if session_id != current:
                current, session = session_id, _Session()
            row = rowid if isinstance(rowid, int) else 0
            event = parse_object(event_json) if isinstance(event_json, bytes) else "no event data"
            try:
                if isinstance(event, str):
                    raise BadRecord(event)
                record = session.record(event, created_at)
            except BadRecord as bad:
                skips.add(path, row, bad.reason)
                continue
            if record is not None:
                yield record
