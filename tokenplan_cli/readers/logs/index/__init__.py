"""The log index: each log byte read once (docs/log-index.md has the design).

`scan_with_index` answers what `scanner.scan_files` answers, a `ScanResult` equal to a cold read's, from
a SQLite database that remembers what every file held: the walk is the cold read's, each file is
compared with what is indexed (`plan`), only what changed is read (`reading`, in the same workers),
written in batches (`write`), and the answer read out (`answer`). Whatever goes wrong with the database
raises `IndexUnavailable`, whose note the caller prints before reading cold.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

from tokenplan_cli.core.grain import Grain
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import LogTally
from tokenplan_cli.readers.logs import Skips, scanner
from tokenplan_cli.readers.logs.index.answer import SearchAnswer, series_names
from tokenplan_cli.readers.logs.index.plan import (
    RESUME,
    UNCHANGED,
    FileRow,
    Member,
    SearchPlan,
    assign_ranks,
    load_rows,
    search_key,
)
from tokenplan_cli.readers.logs.index.reading import DIGEST, Part, Start, read_part
from tokenplan_cli.readers.logs.index.store import (
    IndexUnavailable,
    connect,
    delete,
    index_path,
    is_damage,
    unavailable,
)
from tokenplan_cli.readers.logs.index.write import Writer, add_summary, register_functions, search_id
from tokenplan_cli.readers.logs.scanner import (
    Job,
    LogFile,
    ScanResult,
    Search,
    read_jobs,
    tools_read,
    walk_searches,
)

__all__ = ["IndexInfo", "IndexUnavailable", "clear_index", "index_info", "index_path", "scan_with_index"]

ATTEMPTS = 3  # runs of the whole update when another process changed the same files meanwhile
# Keyed requests and files written per transaction: the parent holds one batch while the one before is
# written; the last is written once the reading is done, so batches are small enough to end soon after.
BATCH_REQUESTS = 1 << 14
BATCH_FILES = 512


Progress = Callable[[int, int], AbstractContextManager[Callable[[int], None]]]


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


class _Stale(Exception):
    """Another process changed what this run planned against: plan again."""


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
    for _ in range(ATTEMPTS):
        connection = connect(path)
        try:
            register_functions(connection)
            threshold = scanner.POOL_FROM_BYTES if pool_from_bytes is None else pool_from_bytes
            run = _Run(connection, searches, explicit, offpeak, workers, threshold, grain)
            result = run.scan(progress)
        except _Stale:
            continue
        except sqlite3.Error as exc:
            if is_damage(exc):
                delete(path)
            raise unavailable(exc) from None
        finally:
            connection.close()
        all_skips = Skips()
        all_skips.merge(skips)
        all_skips.merge(result.skips)
        return result._replace(skips=all_skips)
    raise IndexUnavailable("the log index is busy (other tokenplans keep changing it); logs read without it")


class _Run:
    """One update of the index for a walk, and its answer."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        searches: Sequence[Search],
        explicit: bool,
        offpeak: OffPeakWindow,
        workers: int | None,
        pool_from_bytes: int,
        grain: Grain | None = None,
    ) -> None:
        self.db = connection
        self.grain = grain
        self.searches = searches
        self.explicit = explicit
        self.offpeak = offpeak
        self.on_file: Callable[[int], None] | None = None
        self.workers = workers
        self.pool_from_bytes = pool_from_bytes
        self.walk_skips = Skips()
        self.spare_skips = Skips()  # of files not indexed this time (they could not be read)
        self.members: list[tuple[SearchPlan, Member]] = []  # every walked file, in walk order
        self.walked: list[LogFile] = []
        self.walk_done = False
        self.ranks: dict[int, int] = {}  # member index -> rank
        self.wrote = False
        self.seen = time.time_ns()  # before the walk: what it finds is no older than this
        self.plans = self._plans()

    def _plans(self) -> list[SearchPlan]:
        """Each search's indexed files, read in one snapshot."""
        plans = []
        self.db.execute("BEGIN")
        try:
            for search in self.searches:
                key = search_key(search, self.offpeak)
                found = self.db.execute(
                    "SELECT id, generation FROM searches WHERE key = ?", (key,)
                ).fetchone()
                rows = load_rows(self.db, found[0]) if found else []
                search_id, generation = found if found else (None, 0)
                plans.append(SearchPlan(search, key, search_id, rows, generation))
        finally:
            self.db.execute("COMMIT")
        return plans

    def scan(self, progress: Progress | None) -> ScanResult:
        jobs: Iterable[Job] = self._jobs()
        if progress is None:
            return self._read(jobs)
        listed = list(jobs)  # the bar needs the total: every file is found first
        total = sum(job.size for job in listed)
        if not listed or total < self.pool_from_bytes:
            return self._read(listed)
        with progress(len(listed), total) as advance:
            self.on_file = advance
            return self._read(listed)

    def _read(self, jobs: Iterable[Job]) -> ScanResult:
        """Read the jobs and write what they give in batches, each written by a thread while the next is
        read (SQLite lets other threads run while it works), so that the workers are never left idle."""
        pending: list[tuple[int, Part]] = []
        requests = 0
        writing = _Batches(self._write)
        try:
            for part in read_jobs(
                jobs, read_part, workers=self.workers, pool_from_bytes=self.pool_from_bytes
            ):
                pending.append((part.index, part))
                requests += len(part.digests) // DIGEST
                if self.on_file is not None:
                    self.on_file(self.members[part.index][1].log_file.size)
                if self.walk_done and (requests >= BATCH_REQUESTS or len(pending) >= BATCH_FILES):
                    writing.put(pending)  # (the workers, when there are, were forked before: no thread then)
                    pending, requests = [], 0
            writing.join()
        finally:
            writing.join(quietly=True)
        return self._finish(pending)

    def _jobs(self) -> Iterator[Job]:
        """Walk, and hand out each file that must be read (from where the index left it)."""
        for log_file in walk_searches(self.searches, self.explicit, self.walk_skips):
            self.walked.append(log_file)
            plan = self.plans[log_file.search]
            member = plan.classify(log_file)
            index = len(self.members)
            self.members.append((plan, member))
            if member.action == UNCHANGED:
                continue
            start = None
            size = log_file.size
            if member.action == RESUME and member.row is not None:
                row = member.row
                state = json.loads(row.state) if row.state is not None else None
                start = Start(row.offset, row.line, state, row.head, row.last)
                size = max(size - row.offset, 0)
            task = (index, log_file.module, str(log_file.path), self.offpeak, member.mode, start)
            yield Job(size, task)
        self._rank_walked()
        self.walk_done = True

    def _rank_walked(self) -> None:
        """Ranks for every walked file from what the index held (new files fit between)."""
        by_plan: dict[int, list[int]] = {}
        for index, (plan, _) in enumerate(self.members):
            by_plan.setdefault(id(plan), []).append(index)
        for indices in by_plan.values():
            current = [self.members[i][1].row.rank if self.members[i][1].row else None for i in indices]
            for index, rank in zip(indices, assign_ranks(current), strict=True):
                self.ranks[index] = rank

    # -- writing --------------------------------------------------------------------------------

    def _write(self, parts: list[tuple[int, Part]]) -> None:
        """One batch of parts into the index, in one transaction (the whole run again if another
        process changed one of their files since this run planned)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._check_basis(parts)
            usable = {index for index, part in parts if self._usable(index, part)}
            by_plan: dict[int, list[tuple[int, Part]]] = {}
            for index, part in parts:
                by_plan.setdefault(id(self.members[index][0]), []).append((index, part))
            for plan_parts in by_plan.values():  # one search at a time: they share the staging tables
                self._write_search(plan_parts, usable)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.wrote = True

    def _write_search(self, parts: list[tuple[int, Part]], usable: set[int]) -> None:
        """One search's parts: old contributions out, then the parts in, then copies settled."""
        plan = self.members[parts[0][0]][0]
        writer = self._writer(plan)
        if plan.digests is not None and writer.generation() != plan.generation:
            plan.digests = None  # another process wrote: ask the database, and settle what it wrote too
            writer.touch_every_copy()
        for index, part in parts:
            row = self.members[index][1].row
            if row is not None and (part.start == 0 or index not in usable):
                writer.remove([row.id])
        fresh = []
        for index, part in parts:
            if index not in usable:
                continue
            member = self.members[index][1]
            if part.start == 0:
                fresh.append((member, part, self.ranks[index]))
            else:
                writer.extend_file(member, part)
        writer.add_files(fresh)
        writer.flush()
        plan.generation = writer.generation()

    def _usable(self, index: int, part: Part) -> bool:
        """Whether a part goes into the index; a file that could not be read does not (its skips count
        this time only, and what the index held of it is taken out)."""
        member = self.members[index][1]
        cannot = part.failed or (part.skips is not None and _cannot_read(part.skips))
        if not cannot and member.log_file.stat is not None:
            return True
        if part.digests or part.loose or part.tail:
            raise IndexUnavailable("a log file could not be read to its end; logs read without the index")
        for skips in (part.skips, part.tail_skips):
            if skips is not None:
                self.spare_skips.merge(skips)
        return False

    def _check_basis(self, parts: list[tuple[int, Part]]) -> None:
        """Raise `_Stale` unless the index still holds of the parts' files what this run planned against:
        nothing to check where no other process wrote the search since (its generation says so)."""
        for plan in {id(self.members[index][0]): self.members[index][0] for index, _ in parts}.values():
            if plan.search_id is None:
                continue  # a new search: `_writer` checks that it still is
            (generation,) = self.db.execute(
                "SELECT generation FROM searches WHERE id = ?", (plan.search_id,)
            ).fetchone()
            if generation == plan.generation:
                continue
            held = {
                (dev, ino): (file_id, version)
                for file_id, version, dev, ino in self.db.execute(
                    "SELECT id, version, dev, ino FROM files WHERE search = ?", (plan.search_id,)
                )
            }
            versions = dict(held.values())
            for index, _ in parts:
                member_plan, member = self.members[index]
                if member_plan is not plan:
                    continue
                if member.row is not None:
                    if versions.get(member.row.id) != member.row.version:
                        raise _Stale
                elif member.log_file.stat is not None:
                    stat = member.log_file.stat
                    if (stat.st_dev, stat.st_ino) in held:
                        raise _Stale

    def _writer(self, plan: SearchPlan) -> Writer:
        """The search's writer (the search made when new: unless another process made it meanwhile).
        Searches share the staging tables: flush one's writer before using another's."""
        if plan.search_id is None:
            if self.db.execute("SELECT 1 FROM searches WHERE key = ?", (plan.key,)).fetchone():
                raise _Stale
            plan.search_id = search_id(self.db, plan.key, plan.search.tool, time.time_ns())
        return Writer(self.db, plan.search_id, self.seen, plan.digests)

    # -- finishing ------------------------------------------------------------------------------

    def _finish(self, pending: list[tuple[int, Part]]) -> ScanResult:
        """The last batch, files gone, ranks that moved, and the answer, in one snapshot."""
        if pending:
            self._write(pending)
        writable = self.wrote or self._ranks_moved() or any(plan.gone() for plan in self.plans)
        self.db.execute("BEGIN IMMEDIATE" if writable else "BEGIN")
        try:
            rows: dict[int, list[FileRow]] = {}
            for plan in self.plans:
                if plan.search_id is None:
                    continue
                if not writable and self._generation(plan.search_id) == plan.generation:
                    rows[id(plan)] = list(plan.rows.values())  # nothing written since it was planned
                else:
                    rows[id(plan)] = self._settle_files(plan, writable)
            result = self._answer(rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return result

    def _ranks_moved(self) -> bool:
        return any(
            member.row is not None and member.row.rank != self.ranks[index]
            for index, (_, member) in enumerate(self.members)
        )

    def _generation(self, search: int) -> int:
        (generation,) = self.db.execute("SELECT generation FROM searches WHERE id = ?", (search,)).fetchone()
        return int(generation)

    def _settle_files(self, plan: SearchPlan, writable: bool) -> list[FileRow]:
        """The search's files as now indexed must be this run's walk (else plan again); files gone are
        taken out and moved ranks set. The files as then indexed."""
        assert plan.search_id is not None
        rows = load_rows(self.db, plan.search_id)
        by_identity = {(row.dev, row.ino): row for row in rows}
        planned = {row.id: row.version for row in plan.rows.values()}
        kept: set[int] = set()
        moved = []
        for index, (member_plan, member) in enumerate(self.members):
            stat = member.log_file.stat
            if member_plan is not plan or stat is None:
                continue
            row = by_identity.get((stat.st_dev, stat.st_ino))
            if row is None:
                if member.action == UNCHANGED:
                    raise _Stale
                continue  # not indexed this time: it could not be read
            if not member.stat_is(row):
                raise _Stale
            kept.add(row.id)
            if row.rank != self.ranks[index]:
                moved.append((row.id, self.ranks[index]))
        gone = [row for row in rows if row.id not in kept]
        if any(planned.get(row.id) != row.version for row in gone):
            raise _Stale  # a file another process indexed since this run planned
        if not (gone or moved):
            return rows
        if not writable:
            raise _Stale
        writer = self._writer(plan)
        if gone:
            writer.remove(row.id for row in gone)
        if moved:
            writer.set_ranks(moved)
        writer.flush()
        return load_rows(self.db, plan.search_id)

    def _answer(self, rows_by_plan: dict[int, list[FileRow]]) -> ScanResult:
        names = series_names(self.db)
        tally = LogTally()
        skips = Skips()
        skips.merge(self.walk_skips)
        duplicates = 0
        for plan in self.plans:
            if plan.search_id is None:
                continue
            answer = SearchAnswer(self.db, plan.search_id, names)
            rows = {(row.dev, row.ino): row for row in rows_by_plan[id(plan)]}
            tails = []
            for member in plan.members:
                stat = member.log_file.stat
                row = rows.get((stat.st_dev, stat.st_ino)) if stat is not None else None
                if row is None:
                    continue
                duplicates += row.within
                if row.skips is not None:
                    add_summary(skips, str(member.log_file.path), json.loads(row.skips))
                if row.tail is not None:
                    tails.append((row.id, row.rank, row.tail, str(member.log_file.path)))
            answer.add_tails(tails, skips)
            duplicates += answer.duplicates
            found = answer.tally(self.grain)
            if not tally.counts:
                tally = found  # (one search: no need to add)
            else:
                for key, counts in found.counts.items():
                    tally.add(key, counts, found.audio.get(key, ZERO))
        skips.merge(self.spare_skips)
        return ScanResult(
            tally=tally,
            skips=skips,
            tools=tools_read(self.walked),
            records=sum(counts[0] for counts in tally.counts.values()),
            duplicates=duplicates,
            bytes=sum(f.size for f in self.walked),
        )


class _Batches:
    """Batches written one at a time by a thread of their own; its error is raised by `join`."""

    def __init__(self, write: Callable[[list[tuple[int, Part]]], None]) -> None:
        self.write = write
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def put(self, batch: list[tuple[int, Part]]) -> None:
        """Write `batch` once the one before it is written."""
        self.join()
        self.thread = threading.Thread(target=self._run, args=(batch,), daemon=True)
        self.thread.start()

    def _run(self, batch: list[tuple[int, Part]]) -> None:
        try:
            self.write(batch)
        except BaseException as exc:  # raised again in the reading thread
            self.error = exc

    def join(self, *, quietly: bool = False) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        error, self.error = self.error, None
        if error is not None and not quietly:
            raise error


def _cannot_read(skips: Skips) -> bool:
    return any(reason.startswith("cannot read") for entry in skips.by_file() for reason in entry.reasons)
