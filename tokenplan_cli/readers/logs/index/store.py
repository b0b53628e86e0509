"""The log index's database: where it lives, its schema, and every way it can fail.

One SQLite file in the user's cache folder, in WAL mode (a reader never waits for a writer) with
`synchronous=NORMAL` (a power cut may lose the last transactions, never the database's consistency).
`PRAGMA user_version` holds the schema: its number and a checksum of the tables' text
(`USER_VERSION`). An older number, or the same number with other tables (a development build's), is
dropped and rebuilt; a newer number (a newer tokenplan's) is left alone. Every failure becomes
`IndexUnavailable`, whose note says in one line why the logs are read without the index this time; a
damaged database is deleted, so the next run builds it again. See docs/log-index.md for the tables.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from tokenplan_cli.folders import user_cache_folder

SCHEMA = 6
FILE_NAME = "log-index.sqlite"
T = TypeVar("T")
# The longest a run waits for another's write to end: writes are short batches, so this is rarely met.
BUSY_SECONDS = 2.0
# A cold build inserts copies all over their table's key space, and each commit writes every page it
# changed: with pages of 16 kB rather than 4 kB, a 5 GB build's copies went in 40 % faster and its
# commits took 0.38 s rather than 0.66 s (a warm run reads no more: the files' rows are its pages).
PAGE_BYTES = 16384
# A connection's own setting (SQLite's default is FULL): in WAL mode, NORMAL syncs the log only when
# it is checkpointed, not at every commit. A killed process loses nothing: what it committed is in
# the log, written, and the operating system keeps it; only a power cut or a crash of the system may
# take the last commits back, and the database stays whole either way (SQLite's WAL guarantees), so
# the next run finds the files those commits had indexed as not indexed, and reads them again.
SYNCHRONOUS = "PRAGMA synchronous = NORMAL"
# The pages a connection keeps in memory (KiB; SQLite's default is 2,000), also a connection's own:
# once commits stopped waiting for the disk, a cold build's transactions held more and its peak went
# from 58 to 65 MB at 5 GB of logs (the limit is 60); with 512 kB and shorter transactions
# (`run.COMMIT_SECONDS`) it is 54-56 MB, and 43 MB at 1 GB (50 before), as fast within the noise. A run
# reads what it needs once, in key order: a larger cache would save it little.
CACHE = "PRAGMA cache_size = -512"
CHUNK = 500  # values a statement names at most (SQLite's limit on variables is 999 in old builds)

# The five token kinds and the audio seconds (an exact fraction as text) of a request or a sum of them.
KINDS = """hit INTEGER NOT NULL, miss INTEGER NOT NULL, write INTEGER NOT NULL,
    output INTEGER NOT NULL, reasoning INTEGER NOT NULL, audio TEXT,"""
# A file's copy of a keyed request: the columns of both copies tables (`write.COPIES`).
COPY = """
    search INTEGER NOT NULL,
    digest BLOB NOT NULL,
    file INTEGER NOT NULL,
    counted INTEGER NOT NULL,
    PRIMARY KEY (search, digest, file)
"""
TABLES = f"""
CREATE TABLE searches (
    id INTEGER PRIMARY KEY,
    key BLOB NOT NULL UNIQUE,
    tool TEXT NOT NULL,
    used INTEGER NOT NULL,
    crossed INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    search INTEGER NOT NULL,
    path BLOB NOT NULL,
    dev INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    ctime INTEGER NOT NULL,
    seen INTEGER NOT NULL,
    companions TEXT,
    offset INTEGER NOT NULL,
    line INTEGER NOT NULL,
    state TEXT,
    head BLOB,
    last BLOB,
    rank INTEGER NOT NULL,
    within INTEGER NOT NULL,
    skips TEXT,
    tail TEXT,
    version INTEGER NOT NULL,
    digests BLOB NOT NULL,
    kept BLOB NOT NULL,
    buckets BLOB NOT NULL,
    kept_audio TEXT
);
-- (with `within`: its sum a search is read from this index, not from the rows and their blobs)
CREATE INDEX files_by_search ON files (search, within);
-- the few files an answer reads skips or a tail of, found without reading every row
CREATE INDEX files_noted ON files (search) WHERE skips IS NOT NULL OR tail IS NOT NULL;
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    tool TEXT NOT NULL,
    model TEXT NOT NULL,
    UNIQUE (tool, model)
);
CREATE TABLE loose (
    file INTEGER NOT NULL,
    series INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    n INTEGER NOT NULL, {KINDS}
    PRIMARY KEY (file, series, quarter)
) WITHOUT ROWID;
CREATE TABLE copies ({COPY}) WITHOUT ROWID;
CREATE TABLE fresh_copies ({COPY}) WITHOUT ROWID;
CREATE TABLE tally (
    search INTEGER NOT NULL,
    series INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    n INTEGER NOT NULL, {KINDS}
    PRIMARY KEY (search, series, quarter)
) WITHOUT ROWID;
CREATE TABLE answers (
    key BLOB PRIMARY KEY,
    walk BLOB NOT NULL,
    generations TEXT NOT NULL,
    made INTEGER NOT NULL,
    answer BLOB NOT NULL,
    names BLOB NOT NULL,
    stats BLOB NOT NULL,
    ids BLOB NOT NULL,
    base BLOB NOT NULL
);
"""
# The schema's number in the high byte of `user_version`, a checksum of `TABLES` below it: a database
# made by code with the same number but other tables is rebuilt rather than failing every run.
SCHEMA_SHIFT = 24
USER_VERSION = SCHEMA << SCHEMA_SHIFT | zlib.crc32(TABLES.encode()) & ((1 << SCHEMA_SHIFT) - 1)
UNWRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL")


def chunked(values: Sequence[T], size: int = CHUNK) -> Iterator[tuple[Sequence[T], str]]:
    """`values` `size` at a time, each with the placeholders a statement names them by (`?,?,…`)."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


class IndexUnavailable(Exception):
    """The index cannot serve this run; `note` is the one line saying why (the logs are read cold)."""

    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


def index_path(env: Mapping[str, str] = os.environ) -> Path:
    return user_cache_folder(env) / FILE_NAME


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the index at `path`, created or rebuilt as need be (a damaged one is replaced)."""
    try:
        return _connect(path)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise unavailable(exc) from None
    delete(path)  # damaged: start again, once
    try:
        return _connect(path)
    except sqlite3.DatabaseError as exc:
        raise unavailable(exc) from None


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexUnavailable(f"the log index's folder cannot be made ({exc.strerror})") from None
    connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    try:
        connection.execute(SYNCHRONOUS)
        connection.execute(CACHE)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == USER_VERSION:
            return connection
        if version >> SCHEMA_SHIFT > SCHEMA:
            raise IndexUnavailable("the log index was written by a newer tokenplan; logs read without it")
        _create(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _create(connection: sqlite3.Connection) -> None:
    """The schema, in place of whatever older one the file holds (under the write lock)."""
    connection.execute(f"PRAGMA page_size = {PAGE_BYTES}")  # (a new file's: kept by an older one)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        # another run may have built it meanwhile
        if connection.execute("PRAGMA user_version").fetchone()[0] != USER_VERSION:
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall():
                connection.execute(f'DROP TABLE "{name}"')
            for statement in TABLES.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {USER_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def delete(path: Path) -> None:
    """Remove the database and its write-ahead log (what is left is only ever rebuilt)."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        try:
            (path.parent / name).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # the next open reports what is wrong


def is_damage(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def unavailable(exc: sqlite3.Error) -> IndexUnavailable:
    """The note for an error of SQLite's: damaged, busy (another run holds it), or cannot be written."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if is_damage(exc):
        why = "was damaged (it will be rebuilt)"
    elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        why = "is busy (another tokenplan is writing it)"
    elif name.startswith(UNWRITABLE):
        why = "cannot be written"
    else:
        why = f"failed ({name or 'SQLite error'})"
    return IndexUnavailable(f"the log index {why}; logs read without it")
