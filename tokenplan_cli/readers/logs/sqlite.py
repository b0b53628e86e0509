"""Read-only access to the SQLite stores other tools keep: never a write, never a journal left behind.

A database is opened through a `file:` URI with `mode=ro`, and with `immutable=1` as well unless the
tool is writing it right now (its `-wal` and `-shm`, or a `-journal`, lie beside it): an immutable open
takes no locks and creates no files, while a plain read-only open of a live write-ahead log sees the
rows the tool has committed but not yet checkpointed. `PRAGMA query_only` guards against a write even
so. Text comes back as bytes, so a row that is not UTF-8 is the reader's to report, not an exception
that would end the scan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.fields import cannot_read

HEADER = b"SQLite format 3\x00"
FETCH_ROWS = 512
# What a damaged store can raise: SQLite's errors, and a UnicodeDecodeError when the message of one
# quotes bytes of a corrupt schema that Python cannot decode.
FAILURES = (sqlite3.Error, UnicodeDecodeError)


def store_companions(path: Path) -> tuple[Path, ...]:
    """The files beside a store whose change changes what it holds: its write-ahead log (the rows a tool
    committed but did not yet copy into the database) and its rollback journal."""
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal"))


def _is_live(path: Path) -> bool:
    """Whether a tool has the database open for writing (or left a transaction to recover)."""
    sibling = path.with_name
    wal_in_use = sibling(path.name + "-wal").exists() and sibling(path.name + "-shm").exists()
    return wal_in_use or sibling(path.name + "-journal").exists()


def _error_reason(exc: sqlite3.Error | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "cannot read: corrupt database"
    name = getattr(exc, "sqlite_errorname", None)
    if name == "SQLITE_NOTADB":
        return "not a SQLite database"
    return f"cannot read: {name or 'SQLite error'}"


@contextmanager
def open_readonly(path: Path, skips: Skips) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to the database at `path`, or None (reported in `skips`) when there is none."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(HEADER))
    except OSError as exc:
        skips.add(path, 0, cannot_read(exc))
        yield None
        return
    if header != HEADER:
        skips.add(path, 0, "not a SQLite database")
        yield None
        return
    uri = path.resolve().as_uri() + ("?mode=ro" if _is_live(path) else "?mode=ro&immutable=1")
    try:
        connection = sqlite3.connect(uri, uri=True)
        connection.text_factory = bytes
        connection.execute("PRAGMA query_only = ON")
    except FAILURES as exc:
        skips.add(path, 0, _error_reason(exc))
        yield None
        return
    with closing(connection):
        yield connection


@contextmanager
def open_store(
    path: Path, skips: Skips, wanted: tuple[str, ...], missing: str
) -> Iterator[tuple[sqlite3.Connection, frozenset[str]] | None]:
    """A read-only connection and its tables, or None when there is none or it holds none of `wanted`
    (reported as `missing` when the schema could be read but lacks them)."""
    with open_readonly(path, skips) as connection:
        if connection is None:
            yield None
            return
        tables = table_names(connection, path, skips)
        if tables.isdisjoint(wanted):
            if tables:
                skips.add(path, 0, missing)
            yield None
            return
        yield connection, tables


def table_names(connection: sqlite3.Connection, path: Path, skips: Skips) -> frozenset[str]:
    """The tables the database holds (empty, and reported, when its schema cannot be read)."""
    schema = rows(connection, path, skips, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return frozenset(str(name, "utf-8", "replace") for (name,) in schema if isinstance(name, bytes))


def rows(connection: sqlite3.Connection, path: Path, skips: Skips, sql: str) -> Iterator[tuple[object, ...]]:
    """Stream the rows of one query; an error part-way (a corrupt page) ends it, reported in `skips`."""
    try:
        cursor = connection.execute(sql)
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch
    except FAILURES as exc:
        skips.add(path, 0, _error_reason(exc))
