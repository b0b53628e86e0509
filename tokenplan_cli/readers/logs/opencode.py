"""OpenCode (and the forks that keep its layout: Kilo CLI, MiMo Code): assistant messages' token counts.

OpenCode keeps each session's messages in a SQLite store (`opencode.db`, or `opencode-<channel>.db`;
table `message`, with the steps' usage in table `part`) and, before version 1.2, as one JSON file per
message under `storage/message/<session>/<message>.json` (parts under `storage/part/<message>/`). A
migrated install has both, so the same message is read twice; see docs/log-formats.md.

An assistant message's `tokens` are disjoint: `input` without the cache, `cache.read`, `cache.write`,
`output` without reasoning, `reasoning`. OpenCode overwrites them at every step of the message (while it
adds up the cost), so when the message has `step-finish` parts their sum is its usage.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import WHOLE, Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    BadRecord,
    booked,
    count,
    dedupe_key,
    instant_from_ms,
    mapping,
    model_name,
    report_bare_total,
)
from tokenplan_cli.readers.logs.jsonlines import parse_object, small_file
from tokenplan_cli.readers.logs.sqlite import open_store, rows, store_companions

TOOL = "opencode"
VERSION = 1  # of the records read from the same files and rows: bump on any change
KEY_PREFIX = b"oc"
# Data directories under $XDG_DATA_HOME of OpenCode and of the forks that keep its layout.
DATA_DIRS = ("opencode", "kilo", "mimocode")
STORE_NAME = re.compile(r"^(opencode|kilo|mimocode)[\w.-]*\.db$")
# A message file holds metadata only (text lives in parts); anything larger is not one.
MAX_JSON_BYTES = 16 << 20
# A step-finish part is a few hundred bytes; larger part files (tool output, text) are not read.
MAX_STEP_PART_BYTES = 8 << 10
STEP_FINISH = b'"step-finish"'
# In a data directory: project snapshots (git repositories), tool output, logs and binaries; and the
# legacy part files, read with their message when it has them, never walked.
PASSED_OVER = frozenset({"snapshot", "tool-output", "log", "bin", "part", ".git", "node_modules"})
SEPARATOR = b"\x1e"  # joins a message's step-finish parts in one SQL value; JSON text never holds it

MESSAGES_WITH_STEPS = f"""
SELECT m.rowid, m.data,
       (SELECT group_concat(p.data, char(30)) FROM part p
         WHERE p.message_id = m.id AND instr(p.data, '{STEP_FINISH.decode()}') > 0)
FROM message m WHERE instr(m.data, '"tokens"') > 0
"""
MESSAGES_ALONE = """SELECT m.rowid, m.data, NULL FROM message m WHERE instr(m.data, '"tokens"') > 0"""
# Newer stores (the `next` channel) also keep messages in `session_message`, the role in column `type`.
SESSION_MESSAGES = """
SELECT rowid, data, NULL FROM session_message WHERE type = 'assistant' AND instr(data, '"tokens"') > 0
"""


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    data_home = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else home / ".local" / "share"
    return [data_home / name for name in DATA_DIRS]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    """The SQLite stores and legacy message files under `root`, at any depth (or `root` itself when it
    is a file): a data directory, or any folder a user names that holds some. A folder's files come
    before its subfolders, so a data directory's stores come before its message files. The folders
    that hold no usage (`PASSED_OVER`) are not walked.
    """
    return walk_files(root, _is_log_file, skips, PASSED_OVER.__contains__)


def _is_log_file(path: Path) -> bool:
    return STORE_NAME.match(path.name) is not None or _is_message_file(path)


def _is_message_file(path: Path) -> bool:
    return path.suffix == ".json" and path.parent.parent.name == "message"


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    if path.suffix == ".json":
        yield from _read_message_file(path, skips)
    else:
        yield from _read_store(path, skips)


def index_mode(path: Path) -> str:
    """Messages are rewritten in place at every step, as files and as rows: read again whole."""
    return WHOLE


def companions(path: Path) -> tuple[Path, ...]:
    """A store's write-ahead log and journal; a message file's folder of parts (a step-finish part
    added there changes the message's usage)."""
    if path.suffix == ".json":
        return (_parts_folder(path),)
    return store_companions(path)


def _parts_folder(path: Path) -> Path:
    """storage/message/<session>/<message>.json has its parts in storage/part/<message>/"""
    return path.parent.parent.parent / "part" / path.stem


def _read_message_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    data = small_file(path, MAX_JSON_BYTES, skips)
    if data is None or b'"tokens"' not in data:
        return
    info = parse_object(data)
    if isinstance(info, str):
        skips.add(path, 1, info)
        return
    try:
        record = _message_record(info, _step_parts_in(_parts_folder(path)))
    except BadRecord as bad:
        skips.add(path, 1, bad.reason)
        return
    if record is not None:
        report_bare_total(record, skips, path, 1)
        yield record


def _step_parts_in(folder: Path) -> list[dict[str, Any]]:
    """The step-finish parts of a legacy message (unreadable or foreign part files count for nothing)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
    parts = []
    for entry in entries:
        try:
            # a regular file only: opening a named pipe would block
            small = entry.name.endswith(".json") and entry.is_file()
            small = small and entry.stat().st_size <= MAX_STEP_PART_BYTES
        except OSError:
            continue
        data = small_file(Path(entry.path), MAX_STEP_PART_BYTES, None) if small else None
        if data is not None and STEP_FINISH in data:
            part = parse_object(data)
            if isinstance(part, dict) and part.get("type") == "step-finish":
                parts.append(part)
    return parts


def _read_store(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    with open_store(path, skips, ("message", "session_message"), "no message table") as store:
        if store is None:
            return
        connection, tables = store
        queries = []
        if "message" in tables:
            queries.append(MESSAGES_WITH_STEPS if "part" in tables else MESSAGES_ALONE)
        if "session_message" in tables:
            queries.append(SESSION_MESSAGES)
        for query in queries:
            for rowid, data, steps in rows(connection, path, skips, query):
                record = _row_record(path, rowid, data, steps, skips)
                if record is not None:
                    report_bare_total(record, skips, path, rowid if isinstance(rowid, int) else 0)
                    yield record


def _row_record(path: Path, rowid: object, data: object, steps: object, skips: Skips) -> UsageRecord | None:
    row = rowid if isinstance(rowid, int) else 0
    if not isinstance(data, bytes):
        skips.add(path, row, "no message data")
        return None
    info = parse_object(data)
    if isinstance(info, str):
        skips.add(path, row, info)
        return None
    parts = []
    if isinstance(steps, bytes):
        for text in steps.split(SEPARATOR):
            part = parse_object(text)
            if isinstance(part, dict) and part.get("type") == "step-finish":
                parts.append(part)
    try:
        return _message_record(info, parts)
    except BadRecord as bad:
        skips.add(path, row, bad.reason)
        return None


def _message_record(info: dict[str, Any], steps: Sequence[dict[str, Any]]) -> UsageRecord | None:
    """The usage of one assistant message; None for other roles and for messages that used nothing.

    `tokens.total` (optional in OpenCode's schema) counts only where nothing else does: booked as output.
    """
    role = info.get("role")
    if role is not None and role != "assistant":
        return None
    own = _token_counts(mapping(info, "tokens"))
    step_counts = [_token_counts(mapping(step, "tokens")) for step in steps]
    summed = [sum(kind) for kind in zip(*step_counts, strict=True)]
    counts = summed or own
    own_total = count(mapping(info, "tokens"), "total")
    total = sum(count(mapping(step, "tokens"), "total") for step in steps) if summed else own_total
    if not (any(counts) or total):
        return None
    timestamp = instant_from_ms(mapping(info, "time").get("created"))
    raw_model = info.get("modelID") or mapping(info, "model").get("id")
    cache_hit, cache_miss, cache_write, output, reasoning = counts
    record = UsageRecord(
        timestamp=timestamp,
        tool=TOOL,
        model=model_name(raw_model),
        cache_hit=cache_hit,
        cache_miss=cache_miss,
        cache_write=cache_write,
        output=output,
        reasoning=reasoning,
        # Every copy of a message, in the JSON store, the SQLite store or a forked session (which
        # copies messages under new ids), has the same creation instant, model and own counts.
        # (a message with a bare total has it in its key too: its own counts are all 0)
        dedupe_key=dedupe_key(
            KEY_PREFIX, timestamp.isoformat(), str(raw_model), *own, *(() if any(own) else (own_total,))
        ),
        preferred=bool(summed),
    )
    return booked(record, total)


def _token_counts(tokens: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """cache hit, cache miss, cache write, output, reasoning: OpenCode keeps them disjoint."""
    cache = mapping(tokens, "cache")
    return (
        count(cache, "read"),
        count(tokens, "input"),
        count(cache, "write"),
        count(tokens, "output"),
        count(tokens, "reasoning"),
    )
