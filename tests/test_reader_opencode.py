"""The OpenCode reader: both stores, a message once, its steps summed, and the stores left untouched."""

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

from tokenplan_cli.readers.logs import Skips, opencode

ROOT = FIXTURES / "opencode"
SESSION = ROOT / "storage" / "message" / "ses_65e0f3d4cffeXyZaBcDeFgHiJk"
# Message 2: one step. Message 3: two steps, straddling 16:00 UTC (the message keeps the last step's
# counts; its step-finish parts hold both). Message 4: a legacy message without parts, with cache writes.
M2 = Row("2026-03-02T15:50:00.123Z", "mimo-v2.5-pro", 14336, 1830, 0, 412, 256)
M3 = Row("2026-03-02T15:59:58.000Z", "mimo-v2.5-pro", 14336 + 16384, 2210 + 960, 1024, 305 + 188, 128)
M4 = Row("2026-03-02T16:00:05.250Z", "claude-sonnet-4-5-20250929", 20480, 12, 2210, 733, 0)
# Only in the SQLite store: message 5, and message 2 again under a new id in a forked session.
M5 = Row("2026-03-02T16:10:00.000Z", "mimo-v2.5", 8192, 4096, 0, 1200, 640)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The fixture's data folder with `opencode.db` built beside the legacy `storage/`."""
    root = tmp_path / "opencode"
    shutil.copytree(ROOT / "storage", root / "storage")
    build_database(ROOT / "opencode.sql", root / "opencode.db")
    return root


def test_legacy_message_files_sum_their_steps() -> None:
    records, skips = read_all(opencode, ROOT / "storage" / "message")
    assert not skips
    assert [row(record) for record in records] == [M2, M3, M4]
    assert [record.preferred for record in records] == [True, True, False]  # M4 has no step parts


def test_the_store_reads_messages_with_their_step_parts(data_dir: Path) -> None:
    assert rows_of(opencode, data_dir / "opencode.db") == [M2, M3, M4, M5, M2]


def test_a_message_in_both_stores_or_in_a_fork_counts_once(data_dir: Path) -> None:
    records, skips = read_all(opencode, data_dir)
    assert not skips
    assert len(records) == 5 + 3
    unique = dedupe(records)
    assert sorted(row(record) for record in unique) == sorted([M2, M3, M4, M5])
    assert totals(unique) == {
        "cache_hit": 73728,
        "cache_miss": 9108,
        "cache_write": 3234,
        "output": 2838,
        "reasoning": 1024,
    }


def test_the_stepwise_copy_wins_over_a_copy_without_steps(data_dir: Path) -> None:
    """A legacy file whose parts are gone gives the last step only; the store's summed copy wins."""
    shutil.rmtree(data_dir / "storage" / "part" / "msg_9a1f1d4e5002OpQrStUvWxYzAb")
    legacy, _ = read_all(opencode, data_dir / "storage" / "message")
    store = list(opencode.read_file(data_dir / "opencode.db", Skips()))
    (winner,) = [record for record in dedupe([*legacy, *store]) if record.timestamp.minute == 59]
    assert row(winner) == M3


def test_the_files_found_are_the_stores_then_the_message_files(data_dir: Path) -> None:
    (data_dir / "opencode-beta.db").write_bytes(b"")
    (data_dir / "opencode.db-wal").write_bytes(b"")
    (data_dir / "auth.json").write_text("{}")
    found = [path.relative_to(data_dir).as_posix() for path in opencode.find_files(data_dir, Skips())]
    assert found[:2] == ["opencode-beta.db", "opencode.db"]
    assert len(found) == 2 + 4 and all(name.startswith("storage/message/") for name in found[2:])


def test_a_data_folder_with_the_store_alone_is_not_searched_further(tmp_path: Path) -> None:
    build_database(ROOT / "opencode.sql", tmp_path / "opencode.db")
    stray = tmp_path / "snapshot" / "message" / "x"
    stray.mkdir(parents=True)
    (stray / "y.json").write_text("{}")
    assert [path.name for path in opencode.find_files(tmp_path, Skips())] == ["opencode.db"]


def test_default_roots_follow_xdg_data_home_and_cover_the_forks(tmp_path: Path) -> None:
    share = tmp_path / ".local" / "share"
    assert opencode.default_roots({}, tmp_path) == [share / "opencode", share / "kilo", share / "mimocode"]
    data = tmp_path / "data"
    assert opencode.default_roots({"XDG_DATA_HOME": str(data)}, tmp_path) == [
        data / "opencode",
        data / "kilo",
        data / "mimocode",
    ]


def test_the_newer_session_message_table_is_read(tmp_path: Path) -> None:
    store = tmp_path / "opencode-next.db"
    with closing(sqlite3.connect(store)) as connection:
        connection.execute(
            "CREATE TABLE session_message (id TEXT PRIMARY KEY, session_id TEXT, type TEXT, data TEXT)"
        )
        data = (
            '{"time":{"created":1772467201000},"model":{"id":"mimo-v2.5-pro","providerID":"xiaomi"},'
            '"tokens":{"input":100,"output":20,"reasoning":5,"cache":{"read":300,"write":0}}}'
        )
        connection.execute("INSERT INTO session_message VALUES ('m1', 's1', 'assistant', ?)", (data,))
        connection.execute("INSERT INTO session_message VALUES ('m2', 's1', 'user', ?)", (data,))
        connection.commit()
    skips = Skips()
    records = [row(record) for record in opencode.read_file(store, skips)]
    assert records == [Row("2026-03-02T16:00:01.000Z", "mimo-v2.5-pro", 300, 100, 0, 20, 5)]
    assert not skips


def _insert_bad_rows(store: Path) -> list[int]:
    rows = [
        '{"role":"assistant","tokens":{"input":1, "' + SECRET,  # malformed
        '{"role":"assistant","time":{},"tokens":{"input":5}}',  # no timestamp
        '{"role":"assistant","time":{"created":1772467201000},"tokens":{"input":"5"}}',  # count as text
    ]
    with closing(sqlite3.connect(store)) as connection:
        ids = []
        for number, data in enumerate(rows):
            cursor = connection.execute(
                "INSERT INTO message VALUES (?, 's', 0, 0, ?)", (f"bad{number}", data)
            )
            ids.append(cursor.lastrowid)
        not_utf8 = b'{"role":"assistant","tokens":{"input":5},"x":"\xff"}'
        cursor = connection.execute(
            f"INSERT INTO message VALUES ('bad9', 's', 0, 0, CAST(X'{not_utf8.hex()}' AS TEXT))"
        )
        ids.append(cursor.lastrowid)
        connection.commit()
    return ids


def test_bad_rows_in_the_store_are_skipped_by_row_id(data_dir: Path) -> None:
    store = data_dir / "opencode.db"
    bad_ids = _insert_bad_rows(store)
    skips = Skips()
    assert len(list(opencode.read_file(store, skips))) == 5
    assert skipped(skips) == [
        ("opencode.db", 4, ("malformed JSON", "no timestamp", "bad token count", "not UTF-8"))
    ]
    assert skips.by_file()[0].lines == tuple(bad_ids)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(
            b'{"role": "assistant", "tokens": {"input": 3, "' + SECRET.encode(),
            "malformed JSON",
            id="malformed",
        ),
        pytest.param(
            b'{"role":"assistant","tokens":{"input":3},"time":{"created":1},"x":"\xff"}',
            "not UTF-8",
            id="not-utf8",
        ),
        pytest.param(b'{"role":"assistant","tokens":{"input":3}}', "no timestamp", id="no-timestamp"),
        pytest.param(b'["tokens"]', "not a JSON object", id="not-an-object"),
    ],
)
def test_a_bad_message_file_is_skipped(content: bytes, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "storage" / "message" / "ses_x" / "msg_x.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    records, skips = read_all(opencode, tmp_path / "storage" / "message")
    assert records == []
    assert skipped(skips) == [("msg_x.json", 1, (reason,))]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"PRAGMA journal_mode=WAL; -- " + SECRET.encode(), "not a SQLite database", id="text"),
        pytest.param(b"", "not a SQLite database", id="empty"),
    ],
)
def test_a_store_that_is_not_a_database_is_reported(content: bytes, reason: str, tmp_path: Path) -> None:
    store = tmp_path / "opencode.db"
    store.write_bytes(content)
    check_unreadable_store(opencode, store, reason)


def test_a_store_without_the_message_table_is_reported(tmp_path: Path) -> None:
    store = tmp_path / "opencode.db"
    with closing(sqlite3.connect(store)) as connection:
        connection.execute("CREATE TABLE project (id TEXT PRIMARY KEY)")
    check_unreadable_store(opencode, store, "no message table")


def test_reading_a_store_leaves_no_file_behind(data_dir: Path) -> None:
    before = sorted(path.name for path in data_dir.iterdir())
    assert len(list(opencode.read_file(data_dir / "opencode.db", Skips()))) == 5
    assert sorted(path.name for path in data_dir.iterdir()) == before


def test_a_store_being_written_is_read_with_its_log_and_left_as_it_was(tmp_path: Path) -> None:
    """OpenCode runs in WAL mode: rows it committed but has not checkpointed live in `-wal`."""
    store = tmp_path / "opencode.db"
    build_database(ROOT / "opencode.sql", store)
    with closing(sqlite3.connect(store)) as writer:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("DELETE FROM message WHERE id = 'msg_9a3c4d5e6005FoRkCoPyOfMsG2'")
        writer.commit()
        listing = sorted(path.name for path in tmp_path.iterdir())
        assert listing == ["opencode.db", "opencode.db-shm", "opencode.db-wal"]
        records = list(opencode.read_file(store, Skips()))
        assert len(records) == 4  # the deletion, still only in the write-ahead log, is seen
        assert sorted(path.name for path in tmp_path.iterdir()) == listing
        assert writer.execute("SELECT count(*) FROM message").fetchone() == (6,)


def test_a_folder_named_on_the_command_line_is_searched_for_stores_at_any_depth(tmp_path: Path) -> None:
    """A backup of a machine's data folder, named whole: its store and its message files are found
    however deep, and its snapshots are not walked (the reader used to find the message files only)."""
    data = tmp_path / "backups" / "2026-06" / "laptop" / ".local" / "share" / "opencode"
    shutil.copytree(ROOT / "storage", data / "storage")
    build_database(ROOT / "opencode.sql", data / "opencode.db")
    stray = data / "snapshot" / "message" / "x"
    stray.mkdir(parents=True)
    (stray / "y.json").write_text("{}")
    found = [path.relative_to(data).as_posix() for path in opencode.find_files(tmp_path / "backups", Skips())]
    assert found[0] == "opencode.db"
    assert len(found) == 1 + 4 and all(name.startswith("storage/message/") for name in found[1:])
    records, skips = read_all(opencode, tmp_path / "backups")
    assert not skips
    assert sorted(row(record) for record in dedupe(records)) == sorted([M2, M3, M4, M5])
