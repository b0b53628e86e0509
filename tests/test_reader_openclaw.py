"""The OpenClaw reader: assistant usage from JSONL transcripts and the SQLite store, each event once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from readerkit import (
    FIXTURES,
    Row,
    build_database,
    check_bad_record,
    check_unreadable_store,
    dedupe,
    read_all,
    row,
    rows_of,
    skipped,
    totals,
)

from tokenplan_cli.readers.logs import Skips, openclaw

ROOT = FIXTURES / "openclaw"
SESSIONS = ROOT / "agents" / "main" / "sessions"
LIVE = SESSIONS / "7d3c1b2a-9e8f-4a7b-b6c5-d4e3f2a1b0c9.jsonl"
# The live session: two MiMo requests, a delivery mirror (bookkeeping, skipped) at 15:59:59.4, a model
# change to Claude at 16:00 UTC, one Claude request that wrote to the cache.
LIVE_ROWS = [
    Row("2026-03-02T15:30:09.512Z", "mimo-v2.5-pro", 10240, 2210, 0, 388, 0),
    Row("2026-03-02T15:59:59.100Z", "mimo-v2.5-pro", 12288, 1536, 0, 391, 512),
    Row("2026-03-02T16:00:02.250Z", "claude-sonnet-4-5-20250929", 20480, 14, 3302, 1210, 0),
]
RESET_ROW = Row("2026-03-02T09:12:40.001Z", "mimo-v2.5", 0, 3104, 0, 512, 0)
FORK_ROW = Row("2026-03-02T16:30:45.678Z", "mimo-v2.5-pro", 24576, 4410, 0, 565, 640)


@pytest.fixture
def agents(tmp_path: Path) -> Path:
    """The fixture's agents folder with the SQLite store built where current OpenClaw keeps it."""
    root = tmp_path / "agents"
    shutil.copytree(ROOT / "agents", root)
    store = root / "main" / "agent" / openclaw.STORE_NAME
    store.parent.mkdir()
    build_database(ROOT / "openclaw-agent.sql", store)
    return root


def test_assistant_usage_is_read_and_bookkeeping_left_out() -> None:
    assert rows_of(openclaw, LIVE) == LIVE_ROWS


def test_reasoning_is_split_out_of_output_and_the_cache_kept_apart() -> None:
    records = list(openclaw.read_file(LIVE, Skips()))
    assert totals(records) == {
        "cache_hit": 43008,
        "cache_miss": 3760,
        "cache_write": 3302,
        "output": 1989,
        "reasoning": 512,
    }
    assert [r.tokens for r in records] == [12838, 14727, 25006]  # each equals the event's totalTokens


def test_the_store_holds_the_migrated_session_and_a_fork(agents: Path) -> None:
    store = agents / "main" / "agent" / openclaw.STORE_NAME
    assert rows_of(openclaw, store) == [LIVE_ROWS[0], FORK_ROW, *LIVE_ROWS]


def test_every_event_counts_once_across_stores_forks_and_resets(agents: Path) -> None:
    records, skips = read_all(openclaw, agents)
    assert not skips
    assert len(records) == 3 + 1 + 5  # live JSONL, reset archive, store (fork copy included)
    assert sorted(row(record) for record in dedupe(records)) == sorted([RESET_ROW, *LIVE_ROWS, FORK_ROW])


def test_the_files_found_are_stores_and_transcripts(agents: Path) -> None:
    rollout = agents / "main" / "agent" / "codex-home" / "sessions" / "rollout-x.jsonl"
    rollout.parent.mkdir(parents=True)
    rollout.write_text("{}\n")
    (agents / "main" / "sessions" / "old.jsonl.deleted.2026-01-01T00-00-00.000Z.zst").write_bytes(b"\x28\xb5")
    (agents / "main" / "sessions" / "7d3c1b2a.jsonl.tmp").write_text("4021")
    imported = agents / "main" / "session-sqlite-import-archive" / "agent:main:x.4f.jsonl.imported-2026-03-01"
    imported.parent.mkdir()
    imported.write_text("")
    names = [path.name for path in openclaw.find_files(agents, Skips())]
    assert names == [
        openclaw.STORE_NAME,
        "agent:main:x.4f.jsonl.imported-2026-03-01",
        "2b3c4d5e-6f70-4819-a2b3-c4d5e6f7a8b9.jsonl.reset.2026-03-02T10-00-00.000Z",
        "7d3c1b2a-9e8f-4a7b-b6c5-d4e3f2a1b0c9.jsonl",
    ]


def test_default_roots_follow_the_state_dir(tmp_path: Path) -> None:
    assert openclaw.default_roots({}, tmp_path) == [tmp_path / ".openclaw" / "agents"]
    state = tmp_path / "state"
    assert openclaw.default_roots({"OPENCLAW_STATE_DIR": str(state)}, tmp_path) == [state / "agents"]


GOOD_LINE = (
    b'{"type":"message","id":"0c1d2e3f","timestamp":"2026-03-02T15:30:09.512Z","message":{"role":"assistant",'
    b'"model":"mimo-v2.5-pro","usage":{"input":2210,"output":388,"cacheRead":10240,"cacheWrite":0},'
    b'"timestamp":1772465409512}}'
)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(
            GOOD_LINE.replace(b',"timestamp":1772465409512', b"").replace(
                b'"timestamp":"2026-03-02T15:30:09.512Z",', b""
            ),
            "no timestamp",
            id="no-timestamp",
        ),
        pytest.param(GOOD_LINE.replace(b"1772465409512", b'"soon"'), "no timestamp", id="timestamp-as-text"),
        pytest.param(GOOD_LINE.replace(b"2210", b"true"), "bad token count", id="count-as-boolean"),
        pytest.param(
            GOOD_LINE.replace(b'"usage":{', b'"usage":[{').replace(b"0}", b"0}]", 1),
            "bad usage field",
            id="usage-not-object",
        ),
    ],
)
def test_an_event_without_what_it_needs_is_skipped(line: bytes, reason: str, tmp_path: Path) -> None:
    check_bad_record(openclaw, tmp_path / "s.jsonl", line, reason)


def test_a_bad_row_in_the_store_is_skipped_by_its_row_id(agents: Path) -> None:
    import sqlite3
    from contextlib import closing

    store = agents / "main" / "agent" / openclaw.STORE_NAME
    with closing(sqlite3.connect(store)) as connection:
        connection.execute(
            "INSERT INTO transcript_events VALUES ('s2', 1, ?, 1772469000)",
            ('{"type":"message","message":{"role":"assistant","usage":{"input":5, "' + "sk-SECRET" + '"',),
        )
        not_utf8 = b'{"type":"message","message":{"usage":{"input":5}},"x":"\xff"}'
        connection.execute(
            f"INSERT INTO transcript_events VALUES ('s2', 2, CAST(X'{not_utf8.hex()}' AS TEXT), 1)"
        )
        connection.commit()
        bad_rows = [
            rowid
            for (rowid,) in connection.execute("SELECT rowid FROM transcript_events WHERE session_id = 's2'")
        ]
    skips = Skips()
    assert len(list(openclaw.read_file(store, skips))) == 5
    assert skipped(skips) == [(openclaw.STORE_NAME, 2, ("malformed JSON", "not UTF-8"))]
    assert skips.by_file()[0].lines == tuple(bad_rows)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"not a database at all, just text " * 10, "not a SQLite database", id="text"),
        pytest.param(b"", "not a SQLite database", id="empty"),
        pytest.param(b"SQLite format 3\x00" + b"\x00" * 84, "not a SQLite database", id="header-only"),
    ],
)
def test_a_store_that_is_not_a_database_is_reported(content: bytes, reason: str, tmp_path: Path) -> None:
    store = tmp_path / openclaw.STORE_NAME
    store.write_bytes(content)
    check_unreadable_store(openclaw, store, reason)


def test_a_store_without_the_transcript_table_is_reported(tmp_path: Path) -> None:
    store = tmp_path / openclaw.STORE_NAME
    build_database(ROOT / "openclaw-agent.sql", store)
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(store)) as connection:
        connection.execute("DROP TABLE transcript_events")
        connection.commit()
    check_unreadable_store(openclaw, store, "no transcript_events table")


# Current OpenClaw stores an event of 1 kB or more zstd-compressed: `event_json` NULL, the frame in
# `event_zstd`, its decoded length in `event_utf8_bytes` (the schema as other readers' tests copy it from
# OpenClaw's DDL, e.g. tokscale's openclaw.rs `create_compressed_agent_db`).
COMPRESSED_SCHEMA = """
CREATE TABLE transcript_events (session_id TEXT NOT NULL, seq INTEGER NOT NULL, event_json TEXT,
  created_at INTEGER NOT NULL, event_zstd BLOB, event_utf8_bytes INTEGER, navigation_json TEXT,
  PRIMARY KEY (session_id, seq)) STRICT;
"""


def compressed_store(path: Path, corrupt: bytes | None = None) -> Path:
    """The fixture's events in the current schema, every assistant event compressed."""
    import sqlite3
    from contextlib import closing

    try:
        from compression import zstd  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        from backports import zstd  # type: ignore[import-not-found, no-redef, unused-ignore]

    plain = build_database(ROOT / "openclaw-agent.sql", path.with_name("plain.sqlite"))
    with closing(sqlite3.connect(plain)) as source, closing(sqlite3.connect(path)) as target:
        target.executescript(COMPRESSED_SCHEMA)
        for session, seq, event, created in source.execute(
            "SELECT session_id, seq, event_json, created_at FROM transcript_events ORDER BY session_id, seq"
        ):
            data = event.encode()
            if b'"assistant"' in data:
                frame = corrupt if corrupt is not None else zstd.compress(data)
                row = (session, seq, None, created, frame, len(data))
            else:
                row = (session, seq, event, created, None, None)
            target.execute("INSERT INTO transcript_events VALUES (?, ?, ?, ?, ?, ?, NULL)", row)
        target.commit()
    plain.unlink()
    return path


def test_compressed_events_are_read_like_plain_ones(tmp_path: Path) -> None:
    """They used to be passed over unread: the `instr(event_json, …)` filter never matches a NULL."""
    store = compressed_store(tmp_path / openclaw.STORE_NAME)
    assert rows_of(openclaw, store) == [LIVE_ROWS[0], FORK_ROW, *LIVE_ROWS]


def test_a_compressed_event_that_cannot_be_decoded_is_skipped_by_its_row_id(tmp_path: Path) -> None:
    store = compressed_store(tmp_path / openclaw.STORE_NAME, corrupt=b"\x28\xb5\x2f\xfd not zstd")
    skips = Skips()
    assert list(openclaw.read_file(store, skips)) == []
    (found,) = skips.by_file()
    assert (found.count, found.reasons) == (6, ("bad compressed event",))
