"""Goose: its SQLite session store, `sessions/sessions.db` in its data folder.

The data folder is `$GOOSE_PATH_ROOT/data` where that is set (an absolute path), else the one the
`etcetera` crate's app strategy gives (block/goose `crates/goose/src/config/paths.rs`): XDG's
`${XDG_DATA_HOME:-~/.local/share}/goose` on Linux and macOS, `%APPDATA%\\Block\\goose\\data` on Windows;
on macOS also `~/Library/Application Support/Block/goose`, which `paths.rs` names as older installs'.

Current versions write a row to `usage_ledger` for every model call (`session_manager.rs`:
`record_usage_metrics`, `insert_usage_ledger_row`): `session_id`, `created_timestamp` (epoch seconds),
`model`, `input_tokens`, `output_tokens`, `total_tokens`, `cache_read_tokens`, `cache_write_tokens`,
`cost`. Each session row also keeps running totals (`accumulated_input_tokens`, …); older versions
kept only those. Goose's own total of a session is the larger of the two; where the totals run ahead
of the ledger (usage from before the ledger existed) Goose books the difference as one
`carried_forward` ledger row the next time the session is used. This reader counts every ledger row,
and for each session whatever its totals still hold beyond the ledger rows counted, as one record at
the session's last update: the tokens are exact, their instant is the best the store keeps. (A ledger
row that cannot be read is reported, and its tokens, still in the totals, are in that remainder.)

Goose counts input with the cache in it (the total is input plus output): `cache_read_tokens` is the
cache hit, `cache_write_tokens` the cache write, and the rest of `input_tokens` the cache miss. A row
that holds only a total is booked as output.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import WHOLE, Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    BadRecord,
    dedupe_key,
    instant_from_iso,
    instant_from_ms,
    lookup,
    model_name,
    split_input,
    whole_count,
)
from tokenplan_cli.readers.logs.jsonlines import parse_object
from tokenplan_cli.readers.logs.sqlite import open_store, rows, store_companions

TOOL = "goose"
VERSION = 2  # of the records read from the same rows: bump on any change
MAX_DIGITS = 19  # an instant in text with more digits is out of range (and slow to convert)
KEY_PREFIX = b"gs"
STORE_NAME = "sessions.db"
COUNTS = ("input_tokens", "output_tokens", "total_tokens", "cache_read_tokens", "cache_write_tokens")
ACCUMULATED = tuple(f"accumulated_{name}" for name in COUNTS)
MS_SINCE_EPOCH_FLOOR = 10**11  # an epoch count above this is in milliseconds, below it in seconds


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return data_folders(env, home, sys.platform)


def data_folders(env: Mapping[str, str], home: Path, platform: str) -> list[Path]:
    """Where Goose keeps `sessions/` on `platform` (an absolute `$GOOSE_PATH_ROOT` wins everywhere)."""
    root = env.get("GOOSE_PATH_ROOT", "")
    if root and Path(root).is_absolute():
        return [Path(root) / "data" / "sessions"]
    if platform == "win32":
        appdata = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
        return [appdata / "Block" / "goose" / "data" / "sessions"]
    data_home = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else home / ".local" / "share"
    folders = [data_home / "goose" / "sessions"]
    if platform == "darwin":  # the folder paths.rs names as where older installs keep their data
        folders.append(home / "Library" / "Application Support" / "Block" / "goose" / "sessions")
    return folders


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, lambda path: path.name == STORE_NAME, skips)


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    with open_store(path, skips, ("sessions", "usage_ledger"), "no sessions table") as store:
        if store is None:
            return
        connection, tables = store
        sessions, ledger = (
            _columns(connection, path, skips, table) if table in tables else frozenset()
            for table in ("sessions", "usage_ledger")
        )
        booked: dict[str, list[int]] = {}  # session -> the counts of its ledger rows counted here
        if ledger:
            yield from _ledger_records(connection, path, skips, ledger, sessions, booked)
        if sessions:
            yield from _session_remainders(connection, path, skips, sessions, booked)


def index_mode(path: Path) -> str:
    """A SQLite store whose rows change in place: read again whole when it changes."""
    return WHOLE


def companions(path: Path) -> tuple[Path, ...]:
    return store_companions(path)


def _columns(connection: sqlite3.Connection, path: Path, skips: Skips, table: str) -> frozenset[str]:
    info = rows(connection, path, skips, f"PRAGMA table_info({table})")
    return frozenset(str(row[1], "utf-8", "replace") for row in info if isinstance(row[1], bytes))


def _pick(columns: frozenset[str], table: str, *names: str) -> str:
    """The SQL for these columns of `table`, NULL for those its schema version lacks."""
    return ", ".join(f"{table}.{name}" if name in columns else "NULL" for name in names)


def _ledger_records(
    connection: sqlite3.Connection,
    path: Path,
    skips: Skips,
    ledger: frozenset[str],
    sessions: frozenset[str],
    booked: dict[str, list[int]],
) -> Iterator[UsageRecord]:
    join = "LEFT JOIN sessions s ON s.id = u.session_id" if "model_config_json" in sessions else ""
    config = "s.model_config_json" if join else "NULL"
    query = f"""
        SELECT u.rowid, {_pick(ledger, "u", "session_id", "created_timestamp", "model")}, {config},
               {_pick(ledger, "u", *COUNTS)}
        FROM usage_ledger u {join} ORDER BY u.rowid
    """
    for rowid, session, created, model, config_json, *raw in rows(connection, path, skips, query):
        try:
            counts = [whole_count(value) for value in raw]
            record = _record(_epoch_instant(created), model or _configured_model(config_json), counts)
        except BadRecord as bad:
            skips.add(path, rowid if isinstance(rowid, int) else 0, bad.reason)
            continue
        done = booked.setdefault(_text(session), [0] * len(COUNTS))
        done[:] = [before + now for before, now in zip(done, counts, strict=True)]
        if record is not None:
            yield record._replace(dedupe_key=dedupe_key(KEY_PREFIX, _text(session), "ledger", str(rowid)))


def _session_remainders(
    connection: sqlite3.Connection,
    path: Path,
    skips: Skips,
    sessions: frozenset[str],
    booked: dict[str, list[int]],
) -> Iterator[UsageRecord]:
    """Per session, what its running totals hold beyond the ledger rows counted (all of it before the
    ledger; a ledger row that could not be read is thus still counted, in its session's remainder)."""
    query = f"""
        SELECT s.rowid, {_pick(sessions, "s", "id", "updated_at", "created_at", "model_config_json")},
               {_pick(sessions, "s", *ACCUMULATED)}
        FROM sessions s ORDER BY s.rowid
    """
    for rowid, session, updated, created, config_json, *totals in rows(connection, path, skips, query):
        done = booked.get(_text(session), [0] * len(COUNTS))
        try:
            remainder = [
                max(whole_count(total) - before, 0) for total, before in zip(totals, done, strict=True)
            ]
            if not any(remainder):
                continue
            record = _record(_stored_instant(updated, created), _configured_model(config_json), remainder)
        except BadRecord as bad:
            skips.add(path, rowid if isinstance(rowid, int) else 0, bad.reason)
            continue
        if record is not None:
            yield record._replace(dedupe_key=dedupe_key(KEY_PREFIX, _text(session), "session"))


def _record(when: datetime, model: Any, counts: list[int]) -> UsageRecord | None:
    """One usage in Goose's counts: input (cache included), output, total, cache read, cache write."""
    whole_input, output, total, reads, writes = counts
    if not (whole_input or output or reads or writes):
        if not total:
            return None
        output = total  # a total alone: booked as output, the dearest kind
    hit, miss, write = split_input(whole_input, reads, writes)
    return UsageRecord(
        timestamp=when,
        tool=TOOL,
        model=model_name(model),
        cache_hit=hit,
        cache_miss=miss,
        cache_write=write,
        output=output,
    )


def _epoch_instant(value: Any) -> datetime:
    if isinstance(value, bytes) and value.isdigit() and len(value) <= MAX_DIGITS:
        value = int(value)
    if type(value) is not int:
        raise BadRecord("no timestamp")
    return instant_from_ms(value if value > MS_SINCE_EPOCH_FLOOR else value * 1000)


def _stored_instant(updated: Any, created: Any) -> datetime:
    """A session's `updated_at` (else `created_at`): SQLite's `YYYY-MM-DD HH:MM:SS` in UTC, or RFC 3339."""
    for value in (updated, created):
        if isinstance(value, bytes):
            return instant_from_iso(value.decode("utf-8", "replace"))
        if type(value) is int:
            return _epoch_instant(value)
    raise BadRecord("no timestamp")


def _configured_model(config_json: Any) -> Any:
    """The `model_name` of a session's `model_config_json` (None where there is none to read)."""
    if not isinstance(config_json, bytes):
        return None
    config = parse_object(config_json)
    return lookup(config, "model_name") if isinstance(config, dict) else None


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
