"""The log index: each log byte read once (docs/log-index.md has the design).

`scan_with_index` answers what `scanner.scan_files` answers, a `ScanResult` equal to a cold read's, from
a SQLite database that remembers what every file held: the walk is the cold read's, each file is
compared with what is indexed (`plan`), only what changed is read (`reading`, in the same workers),
written in batches (`write`), and the answer read out (`answer`); or, when the walk finds every file as
the last run found it, that run's answer is given (`answers`). Whatever goes wrong with the database
raises `IndexUnavailable`, whose note the caller prints before reading cold.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tokenplan_cli import afterwards
from tokenplan_cli.core.grain import Grain
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.readers.logs import Skips, scanner
from tokenplan_cli.readers.logs.index.answers import (
    AnswerRow,
    answer_key,
    answer_row,
    keep_answer,
    kept_answer,
    kept_base,
    walk_columns,
)
from tokenplan_cli.readers.logs.index.plan import Stale, Walk, search_key
from tokenplan_cli.readers.logs.index.store import (
    IndexUnavailable,
    connect,
    delete,
    index_path,
    is_damage,
    unavailable,
)
from tokenplan_cli.readers.logs.scanner import ScanResult, Search
from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:
    from tokenplan_cli.readers.logs.index.run import Progress

__all__ = ["IndexInfo", "IndexUnavailable", "clear_index", "index_info", "index_path", "scan_with_index"]

ATTEMPTS = 3  # runs of the whole update when another process changed the same files meanwhile


class SearchInfo(NamedTuple):
    """What the index holds of one search (a tool's roots; they are stored as a digest only)."""

    tool: str
    files: int
    bytes: int  # of its files, as last indexed
    requests: int  # counted, each once
    used_ns: int  # the last run that read it (ns since the epoch)


class IndexInfo(NamedTuple):
    path: Path
    size: int  # bytes on disk: the database and its write-ahead log
    searches: tuple[SearchInfo, ...]  # most recently used first
    note: str | None  # why the index cannot be read, when it cannot


def index_info(env: Mapping[str, str] = os.environ) -> IndexInfo:
    """What is indexed, without reading any log (nor making an index where there is none)."""
    path = index_path(env)
    size = sum(_size(path.with_name(path.name + suffix)) for suffix in ("", "-wal", "-shm"))
    if not path.exists():
        return IndexInfo(path, size, (), None)
    try:
        connection = connect(path)
    except IndexUnavailable as exc:
        return IndexInfo(path, size, (), exc.note)
    try:
        rows = connection.execute(
            "SELECT s.tool, (SELECT count(*) FROM files f WHERE f.search = s.id),"
            " (SELECT coalesce(sum(f.size), 0) FROM files f WHERE f.search = s.id),"
            " (SELECT coalesce(sum(t.n), 0) FROM tally t WHERE t.search = s.id), s.used"
            " FROM searches s ORDER BY s.used DESC"
        ).fetchall()
    except sqlite3.Error as exc:
        return IndexInfo(path, size, (), unavailable(exc).note)
    finally:
        connection.close()
    return IndexInfo(path, size, tuple(SearchInfo(*row) for row in rows), None)


def clear_index(env: Mapping[str, str] = os.environ) -> None:
    """Delete the index (the next run that reads logs builds it again)."""
    delete(index_path(env))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def scan_with_index(
    searches: Sequence[Search],
    explicit: bool,
    offpeak: OffPeakWindow,
    skips: Skips,
    *,
    env: Mapping[str, str] = os.environ,
    progress: Progress | None = None,
    grain: Grain | None = None,
    workers: int | None = None,
    pool_from_bytes: int | None = None,
) -> ScanResult:
    """The scan of `searches` (as `walk_searches` walks them), from the index, brought up to date.

    `skips` holds what was met before (it is not changed); the result's skips add the walk's and the
    files'. `progress(files, bytes)`, when given, makes the bar that the files read advance (once there
    is enough to read). With `grain`, the tally's quarter hours are merged as it allows (`core.grain`):
    a report by day reads a few hundred buckets, not thousands. Raises `IndexUnavailable` when the
    index cannot serve.
    """
    path = index_path(env)
    threshold = scanner.POOL_FROM_BYTES if pool_from_bytes is None else pool_from_bytes
    for _ in range(ATTEMPTS):
        connection = connect(path)
        try:
            result, row, wrote = _scan(
                connection, searches, explicit, offpeak, grain, progress, workers, threshold
            )
        except Stale:
            connection.close()
            continue
        except BaseException as exc:
            connection.close()
            if not isinstance(exc, sqlite3.Error):
                raise
            if is_damage(exc):
                delete(path)
            raise unavailable(exc) from None
        if row is None and not wrote:
            connection.close()  # (nothing to checkpoint)
        else:
            afterwards.later(partial(_ready_for_next, connection, row))  # (once the answer is out)
        all_skips = Skips()
        all_skips.merge(skips)
        all_skips.merge(result.skips)
        return result._replace(skips=all_skips)
    raise IndexUnavailable("the log index is busy (other tokenplans keep changing it); logs read without it")


def _ready_for_next(db: sqlite3.Connection, row: AnswerRow | None) -> None:
    """The run's answer kept for the next run, and the connection closed (which checkpoints what the
    run wrote): work for the next call, not this one's."""
    try:
        if row is not None:
            keep_answer(db, row)
    finally:
        db.close()


def _scan(
    db: sqlite3.Connection,
    searches: Sequence[Search],
    explicit: bool,
    offpeak: OffPeakWindow,
    grain: Grain | None,
    progress: Progress | None,
    workers: int | None,
    threshold: int,
) -> tuple[ScanResult, AnswerRow | None, bool]:
    """The answer kept for this walk (`answers`), else one update of the index (`Run`, from the base
    kept with that answer when the walk found the same files); the row that keeps its answer (as a base
    only when a file it walked is racy; None: nothing to keep); whether the index was written. Where no
    answer is kept for what is asked (a cold build), the run walks as it reads."""
    keys = [search_key(search, offpeak) for search in searches]
    key = answer_key(keys, grain)
    walk, base = None, None
    if _answerable(searches) and db.execute("SELECT 1 FROM answers WHERE key = ?", (key,)).fetchone():
        walk_skips, seen = Skips(), time.time_ns()
        files = list(scanner.walk_searches(searches, explicit, walk_skips))
        walk = Walk(files, walk_skips, seen)
        columns = walk_columns(files) if not walk_skips.any() else None
        if columns is not None:
            kept = kept_answer(db, key, keys, columns.digest(), [found.path for found in files], grain)
            if kept is not None:
                return kept, None, False
            base = kept_base(db, key, keys, columns, grain)
    # (what updates the index is imported only when the answer is not kept: a warm run's imports count)
    from tokenplan_cli.readers.logs.index.run import Run
    from tokenplan_cli.readers.logs.index.write import register_functions

    register_functions(db)
    run = Run(db, searches, explicit, offpeak, workers, threshold, grain, walk, base)
    result = run.scan(progress)
    kept_for_next = run.kept(result)
    row = None if kept_for_next is None else answer_row(key, keys, run.final, kept_for_next, grain)
    return result, row, not run.unchanged


def _answerable(searches: Sequence[Search]) -> bool:
    """Whether the searches' answers may be kept: none has files with companions (`answers`)."""
    readers = (importlib.import_module(search.module) for search in searches)
    return all(getattr(reader, "companions", None) is None for reader in readers)
