"""OpenClaw: assistant messages' `usage` in its agents' session transcripts.

Current OpenClaw keeps every agent's transcripts in a SQLite store,
`agents/<agent>/agent/openclaw-agent.sqlite`, table `transcript_events` (one JSON event per row, an event
of 1 kB or more zstd-compressed in `event_zstd`);
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
from tokenplan_cli.readers.logs import LINES, WHOLE, Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    UNKNOWN_MODEL,
    BadRecord,
    booked,
    count,
    dedupe_key,
    instant,
    instant_from_iso,
    instant_from_ms,
    mapping,
    model_name,
    report_bare_total,
)
from tokenplan_cli.readers.logs.jsonlines import line_records, parse_object
from tokenplan_cli.readers.logs.resume import Resume
from tokenplan_cli.readers.logs.sqlite import open_store, rows, store_companions

TOOL = "openclaw"
VERSION = 1  # of the records read from the same lines or rows: bump on any change
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
WANTED = """(instr(event_json, '"usage"') > 0
   OR instr(event_json, '"model_change"') > 0
   OR instr(event_json, '"model-snapshot"') > 0)"""
EVENTS = f"""
SELECT rowid, session_id, event_json, created_at, NULL, NULL FROM transcript_events
WHERE {WANTED} ORDER BY session_id, seq
"""
# Current stores keep an event of 1 kB or more zstd-compressed: `event_json` NULL, the frame in
# `event_zstd` and its decoded length in `event_utf8_bytes`. Those rows are decoded, then tested.
EVENTS_AND_COMPRESSED = f"""
SELECT rowid, session_id, event_json, created_at, event_zstd, event_utf8_bytes FROM transcript_events
WHERE {WANTED} OR (event_json IS NULL AND event_zstd IS NOT NULL) ORDER BY session_id, seq
"""
# OpenClaw's schema bounds a compressed event (`event_utf8_bytes BETWEEN 1 AND 4194304`); a frame that
# claims or yields more is not one of its events, and is not decoded past this.
MAX_EVENT_BYTES = 4 << 20


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

    def checkpoint(self) -> str:
        """The model last announced: all a transcript carries from line to line."""
        return self.model

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
        total = count(usage, "totalTokens")  # alone, with no split, it is booked as output
        if not (cache_hit or cache_miss or cache_write or output or total):
            return None
        if message.get("model"):
            self.model = model_name(message["model"])
        own_ms = message.get("timestamp")
        timestamp = _instant(own_ms, event.get("timestamp"), fallback)
        record = UsageRecord(
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
        return booked(record, total)


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
    if type(fallback) is int:  # Unix seconds, or milliseconds
        return instant(fallback)
    raise BadRecord("no timestamp")


def read_file(path: Path, skips: Skips, resume: Resume | None = None) -> Iterator[UsageRecord]:
    if path.name.endswith(".sqlite"):
        yield from _read_store(path, skips)
        return
    session = _Session()
    if resume is not None and resume.state is not None:
        session.model = resume.state
    yield from line_records(path, skips, MARKERS, session.record, resume=resume, carry=session)


def index_mode(path: Path) -> str:
    """Transcripts only grow (a reset or deletion renames the file); the store's rows may change."""
    return WHOLE if path.name.endswith(".sqlite") else LINES


def companions(path: Path) -> tuple[Path, ...]:
    return store_companions(path) if path.name.endswith(".sqlite") else ()


def _read_store(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    with open_store(path, skips, ("transcript_events",), "no transcript_events table") as store:
        if store is None:
            return
        connection, _ = store
        query = EVENTS_AND_COMPRESSED if _has_compressed_events(connection) else EVENTS
        current, session = None, _Session()
        for rowid, session_id, event_json, created_at, frame, size in rows(connection, path, skips, query):
            if session_id != current:
                current, session = session_id, _Session()
            row = rowid if isinstance(rowid, int) else 0
            data = event_json if isinstance(event_json, bytes) else _decompressed(frame, size)
            if isinstance(data, bytes) and frame is not None and not any(mark in data for mark in MARKERS):
                continue  # a compressed event of another kind (tested here, not in SQL)
            event = parse_object(data) if isinstance(data, bytes) else data
            try:
                if isinstance(event, str):
                    raise BadRecord(event)
                record = session.record(event, created_at)
            except BadRecord as bad:
                skips.add(path, row, bad.reason)
                continue
            if record is not None:
                report_bare_total(record, skips, path, row)
                yield record


def _has_compressed_events(connection: Any) -> bool:
    columns = connection.execute("SELECT name FROM pragma_table_info('transcript_events')").fetchall()
    return any(name in (b"event_zstd", "event_zstd") for (name,) in columns)


def _decompressed(frame: Any, size: Any) -> bytes | str:
    """The event a compressed row holds, or the reason it cannot be read."""
    if not isinstance(frame, bytes):
        return "no event data"
    zstd = zstd_module()
    if zstd is None:
        return "compressed event (no zstd module)"
    limit = size if type(size) is int and 0 < size <= MAX_EVENT_BYTES else MAX_EVENT_BYTES
    decompressor = zstd.ZstdDecompressor()
    try:
        data: bytes = decompressor.decompress(frame, max_length=limit)
    except zstd.ZstdError:
        return "bad compressed event"
    if not decompressor.eof or (type(size) is int and len(data) != size):
        return "bad compressed event"
    return data


def zstd_module() -> Any:
    """The standard library's `compression.zstd` (Python 3.14), else its backport; None without either."""
    try:
        from compression import zstd  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        try:
            from backports import zstd  # type: ignore[import-not-found, no-redef, unused-ignore]
        except ImportError:
            return None
    return zstd
