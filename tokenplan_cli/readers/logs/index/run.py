"""One update of the log index for a walk, and its answer (the steps of docs/log-index.md).

`Run.scan` walks, compares each file with what the index holds (`plan`), has the files that changed read
by the workers (`reading`), writes the parts in batches by a thread of their own (`write`), settles the
files gone and the ranks moved, and reads the answer out (`answer`). When another process changed what
the run planned against, it raises `Stale`, and the caller runs it again.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager

from tokenplan_cli.core.grain import Grain
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import LogTally
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.index.answer import SearchAnswer, series_names
from tokenplan_cli.readers.logs.index.plan import (
    GAP,
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
from tokenplan_cli.readers.logs.index.store import IndexUnavailable
from tokenplan_cli.readers.logs.index.write import Writer, add_summary, search_id
from tokenplan_cli.readers.logs.scanner import (
    Job,
    ScanResult,
    Search,
    read_jobs,
    tools_read,
    walk_searches,
)

# Keyed requests and files written per transaction: the parent holds one batch while the one before is
# written; the last is written once the reading is done, so batches are small enough to end soon after.
BATCH_REQUESTS = 1 << 13
BATCH_FILES = 512
SWITCH_SECONDS = 0.0005  # how long a thread may hold the interpreter while another waits, while writing

Progress = Callable[[int, int], AbstractContextManager[Callable[[int], None]]]


class Stale(Exception):
    """Another process changed what this run planned against: plan again."""


class Run:
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
        switching = sys.getswitchinterval()
        # The writing thread would keep this one, which feeds the workers, waiting for the interpreter
        # for up to 5 ms at a time: the workers would wait too.
        sys.setswitchinterval(SWITCH_SECONDS)
        try:
            for part in read_jobs(
                jobs, read_part, workers=self.workers, pool_from_bytes=self.pool_from_bytes
            ):
                pending.append((part.index, part))
                requests += len(part.digests) // DIGEST
                if self.on_file is not None:
                    self.on_file(self.members[part.index][1].size)
                if (requests >= BATCH_REQUESTS or len(pending) >= BATCH_FILES) and self._ranked(pending):
                    writing.put(pending)  # (the workers, when there are, were forked before: no thread then)
                    pending, requests = [], 0
            writing.join()
        finally:
            writing.join(quietly=True)
            sys.setswitchinterval(switching)
        return self._finish(pending)

    def _jobs(self) -> Iterator[Job]:
        """Walk, and hand out each file that must be read (from where the index left it)."""
        for log_file in walk_searches(self.searches, self.explicit, self.walk_skips):
            plan = self.plans[log_file.search]
            member = plan.classify(log_file)
            index = len(self.members)
            self.members.append((plan, member))
            if not plan.rows:  # nothing indexed to keep the order of: its rank is known now
                self.ranks[index] = len(plan.members) * GAP
            if member.action == UNCHANGED:
                continue
            start = None
            size = member.size
            if member.action == RESUME and member.row is not None:
                row = member.row
                state = json.loads(row.state) if row.state is not None else None
                start = Start(row.offset, row.line, state, row.head, row.last)
                size = max(size - row.offset, 0)
            task = (index, member.module, member.path, self.offpeak, member.mode, start)
            yield Job(size, task)
        self._rank_walked()
        self.walk_done = True

    def _ranked(self, parts: list[tuple[int, Part]]) -> bool:
        """Whether every part's file has its rank: a search that held files ranks them once all are
        walked, a new search as they are found (a cold build writes while it walks)."""
        return self.walk_done or all(index in self.ranks for index, _ in parts)

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
        if not cannot and member.stat is not None:
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
                        raise Stale
                elif member.stat is not None:
                    if (member.stat.dev, member.stat.ino) in held:
                        raise Stale

    def _writer(self, plan: SearchPlan) -> Writer:
        """The search's writer (the search made when new: unless another process made it meanwhile).
        Searches share the staging tables: flush one's writer before using another's."""
        if plan.search_id is None:
            if self.db.execute("SELECT 1 FROM searches WHERE key = ?", (plan.key,)).fetchone():
                raise Stale
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
            stat = member.stat
            if member_plan is not plan or stat is None:
                continue
            row = by_identity.get((stat.dev, stat.ino))
            if row is None:
                if member.action == UNCHANGED:
                    raise Stale
                continue  # not indexed this time: it could not be read
            if not member.stat_is(row):
                raise Stale
            kept.add(row.id)
            if row.rank != self.ranks[index]:
                moved.append((row.id, self.ranks[index]))
        gone = [row for row in rows if row.id not in kept]
        if any(planned.get(row.id) != row.version for row in gone):
            raise Stale  # a file another process indexed since this run planned
        if not (gone or moved):
            return rows
        if not writable:
            raise Stale
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
                stat = member.stat
                row = rows.get((stat.dev, stat.ino)) if stat is not None else None
                if row is None:
                    continue
                duplicates += row.within
                if row.skips is not None:
                    add_summary(skips, member.path, json.loads(row.skips))
                if row.tail is not None:
                    tails.append((row.id, row.rank, row.tail, member.path))
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
            tools=tools_read(member for _, member in self.members),
            records=sum(counts[0] for counts in tally.counts.values()),
            duplicates=duplicates,
            bytes=sum(member.size for _, member in self.members),
        )


class _Batches:
    """Batches written in turn by a thread of their own, while the reading goes on: up to `QUEUED` wait
    (the reading waits beyond that). The thread's error is raised by `join`, which waits for all."""

    QUEUED = 1

    def __init__(self, write: Callable[[list[tuple[int, Part]]], None]) -> None:
        self.write = write
        self.queue: queue.Queue[list[tuple[int, Part]] | None] = queue.Queue(self.QUEUED)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def put(self, batch: list[tuple[int, Part]]) -> None:
        if self.error is not None:
            self.join()
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()
        self.queue.put(batch)

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is None:  # after an error, the rest are only taken off the queue
                try:
                    self.write(batch)
                except BaseException as exc:  # raised again in the reading thread
                    self.error = exc

    def join(self, *, quietly: bool = False) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        error, self.error = self.error, None
        if error is not None and not quietly:
            raise error


def _cannot_read(skips: Skips) -> bool:
    return any(reason.startswith("cannot read") for entry in skips.by_file() for reason in entry.reasons)
