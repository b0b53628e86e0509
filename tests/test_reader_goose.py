"""The Goose reader: one request per usage-ledger row, and what a session's totals hold beyond its ledger."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from readerkit import (
    FIXTURES,
    SECRET,
    Row,
    build_database,
    check_unreadable_store,
    dedupe,
    read_all,
    row,
    rows_of,
    skipped,
    totals,
)

from tokenplan_cli.readers.logs import goose

SCRIPTS = FIXTURES / "goose"

# Ledger rows: the first session's early usage carried forward (the session's model: the row names
# none), then one row a call; a sub-agent's call and a row holding a total alone (booked as output).
LEDGER_ROWS = [
    Row("2026-03-02T14:00:00.000Z", "mimo-v2.5-pro", 40000, 50000 - 40000, 0, 1200, 0),
    Row("2026-03-02T15:41:00.000Z", "mimo-v2.5-pro", 24576, 30000 - 24576 - 2048, 2048, 800, 0),
    Row("2026-03-02T16:00:05.000Z", "mimo-v2.5-pro", 30000, 32000 - 30000, 0, 300, 0),
    Row("2026-03-02T15:48:20.000Z", "mimo-v2.5", 0, 8000, 0, 500, 0),
    Row("2026-03-02T15:50:00.000Z", "mimo-v2.5", 0, 0, 0, 4096, 0),
    Row("2026-03-02T16:46:40.000Z", "mimo-v2.5", 0, 1000, 0, 50, 0),
]
# Sessions' totals beyond their ledger rows, at their last update: all of a session from before the
# ledger, and the part of another whose totals ran ahead of its ledger.
ALL_TOKENS = 114300 + 12596 + 9700 + 1580  # each session's running total
REMAINDER_ROWS = [
    Row("2026-02-20T18:30:00.000Z", "claude-sonnet-4-5", 6000, 9000 - 6000 - 1000, 1000, 700, 0),
    Row("2026-03-02T17:00:00.000Z", "mimo-v2.5", 0, 1500 - 1000, 0, 80 - 50, 0),
]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "goose" / "sessions"
    folder.mkdir(parents=True)
    return build_database(SCRIPTS / "sessions.sql", folder / "sessions.db")


def test_each_ledger_row_and_each_sessions_remainder(store: Path) -> None:
    assert rows_of(goose, store) == [*LEDGER_ROWS, *REMAINDER_ROWS]


def test_the_sessions_totals_are_exactly_what_goose_reports(store: Path) -> None:
    """Goose's own total of a session is the larger of its running totals and its ledger rows' sum."""
    records, _ = read_all(goose, store)
    assert sum(record.tokens for record in records) == ALL_TOKENS


def test_an_early_store_without_ledger_or_cache_counts(tmp_path: Path) -> None:
    store = build_database(SCRIPTS / "sessions_v6.sql", tmp_path / "sessions.db")
    assert rows_of(goose, store) == [Row("2025-11-01T09:15:30.000Z", "gpt-4o", 0, 4000, 0, 300, 0)]


def test_a_copy_of_the_store_counts_once(store: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup" / "sessions.db"
    backup.parent.mkdir()
    shutil.copy(store, backup)
    records, _ = read_all(goose, store.parent, backup)
    kept = dedupe(records)
    assert len(records) == 16 and sorted(row(r) for r in kept) == sorted([*LEDGER_ROWS, *REMAINDER_ROWS])
    assert totals(kept)["output"] == 1200 + 800 + 300 + 500 + 4096 + 50 + 700 + 30


def _change(store: Path, sql: str) -> None:
    with closing(sqlite3.connect(store)) as connection:
        connection.execute(sql)
        connection.commit()


@pytest.mark.parametrize(
    ("sql", "reason", "line"),
    [
        pytest.param(
            f"UPDATE usage_ledger SET input_tokens = '{SECRET}' WHERE id = 2", "bad token count", 2, id="c"
        ),
        pytest.param(
            "UPDATE usage_ledger SET output_tokens = 2.5 WHERE id = 3", "bad token count", 3, id="frac"
        ),
        pytest.param(
            f"UPDATE usage_ledger SET created_timestamp = '{SECRET}' WHERE id = 1", "no timestamp", 1, id="t"
        ),
    ],
)
def test_a_ledger_row_that_cannot_be_read_is_skipped_and_its_session_total_still_counts(
    store: Path, sql: str, reason: str, line: int
) -> None:
    """The row is reported; its tokens stay in its session's running totals, booked as the remainder."""
    _change(store, sql)
    records, skips = read_all(goose, store)
    assert skipped(skips) == [("sessions.db", 1, (reason,))]
    assert skips.by_file()[0].lines == (line,)
    assert len(records) == len(LEDGER_ROWS) + len(REMAINDER_ROWS)  # one row fewer, one remainder more
    assert sum(record.tokens for record in records) == ALL_TOKENS


def test_a_session_that_cannot_be_read_is_skipped_with_its_rowid(store: Path) -> None:
    _change(store, f"UPDATE sessions SET updated_at = '{SECRET}' WHERE id = '20260220_3'")
    records, skips = read_all(goose, store)
    assert skipped(skips) == [("sessions.db", 1, ("bad timestamp",))]
    assert skips.by_file()[0].lines == (3,)
    assert sum(record.tokens for record in records) == ALL_TOKENS - 9700


def test_a_file_that_is_not_a_store_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    path.write_text(SECRET)
    check_unreadable_store(goose, path, "not a SQLite database")


def test_a_store_of_another_kind_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE other (x)")
    check_unreadable_store(goose, path, "no sessions table")


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        pytest.param("linux", {}, "{home}/.local/share/goose/sessions", id="linux"),
        pytest.param("darwin", {"XDG_DATA_HOME": "/data"}, "/data/goose/sessions", id="macos-xdg"),
        pytest.param("win32", {"APPDATA": "/w"}, "/w/Block/goose/data/sessions", id="windows"),
        pytest.param("linux", {"GOOSE_PATH_ROOT": "/g"}, "/g/data/sessions", id="path-root"),
        pytest.param(
            "linux", {"GOOSE_PATH_ROOT": "rel"}, "{home}/.local/share/goose/sessions", id="relative-root"
        ),
    ],
)
def test_default_roots(platform: str, env: dict[str, str], expected: str, tmp_path: Path) -> None:
    assert goose.data_folders(env, tmp_path, platform)[0] == Path(expected.format(home=tmp_path))


def test_on_macos_the_older_application_support_folder_too(tmp_path: Path) -> None:
    older = tmp_path / "Library" / "Application Support" / "Block" / "goose" / "sessions"
    assert goose.data_folders({}, tmp_path, "darwin") == [tmp_path / ".local/share/goose/sessions", older]
