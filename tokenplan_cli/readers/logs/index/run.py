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
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager

from tokenplan_cli.core.grain import Grain
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import LogTally
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.index.answer import Moves, SearchAnswer, series_names
from tokenplan_cli.readers.logs.index.answers import Base, Kept, walked_columns
from tokenplan_cli.readers.logs.index.plan import (
    GAP,
    RESUME,
    UNCHANGED,
    UNRANKED,
    FileRow,
    Member,
    SearchPlan,
    Stale,
    Walk,
    Walked,
    assign_ranks,
    each_row,
    load_rows,
    rows_by_id,
    search_key,
)
from tokenplan_cli.readers.logs.index.reading import DIGEST, Part, PartTask, Start, read_part
from tokenplan_cli.readers.logs.index.store import IndexUnavailable
from tokenplan_cli.readers.logs.index.write import Writer, add_summary, search_id
from tokenplan_cli.readers.logs.racy import racy_at
from tokenplan_cli.readers.logs.scanner import (
    Job,
    LogFile,
    ScanResult,
    Search,
    read_jobs,
    tools_in_order,
    walk_searches,
)

# Keyed requests and files written per transaction: the parent holds one batch while the one before is
# written; the last is written once the reading is done, so batches are small enough to end soon after.
BATCH_REQUESTS = 1 << 12
BATCH_FILES = 512
# How long the batches' transaction may stay open: another process waits up to that for the index.
COMMIT_SECONDS = 0.25  # (with `store.CACHE`, what keeps a cold build's peak memory flat: 0.5 s held more)
SWITCH_SECONDS = 0.0005  # how long a thread may hold the interpreter while another waits, while writing

Progress = Callable[[int, int], AbstractContextManager[Callable[[int], None]]]


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
        walk: Walk | None = None,
        base: Base | None = None,
    ) -> None:
        self.db = connection
        self.grain = grain
        self.searches = searches
        self.explicit = explicit
        self.offpeak = offpeak
        self.on_file: Callable[[int], None] | None = None
        self.workers = workers
        self.pool_from_bytes = pool_from_bytes
        # The walk's files and skips when it was walked before (for a kept answer), else walked here.
        self.walk = walk
        self.walk_skips = walk.skips if walk is not None else Skips()
        self.spare_skips = Skips()  # of files not indexed this time (they could not be read)
        self.walk_done = False
        self.wrote = False
        self.unchanged = False  # whether the run found every file as indexed, and wrote nothing
        self.final: list[list[int]] = []  # each search's id and generation as its answer was read
        # Whether another process wrote a search since this run planned (seen by a batch's check), and
        # the rows this run took out: what `_settle_known` needs to settle without reading every row.
        self.foreign = False
        self.removed: set[int] = set()
        self.began: float | None = None  # when the transaction the batches are written in began
        # Each search's writer in that transaction: what they write is settled once, as it commits.
        self.writers: dict[int, Writer] = {}
        # Before the walk: what it finds is no older than this (the rows written keep it, see `racy`).
        self.seen = walk.seen if walk is not None else time.time_ns()
        # From a base (`answers.Base`, with the walk it was found for): the files it names as changed are
        # planned and read, the others are as the base's answer found them (`_start_from`).
        self.base = base if walk is not None else None
        self.members: dict[int, Member] = {}  # the changed files' plans, by walk position
        self.first_new_id = 0  # rows this run writes have ids from here (`_ids`)
        self.plans = self._plans()
        self.walked = Walked(self.plans)  # every walked file, in walk order
        if self.base is not None and not self._start_from(self.base):
            self.base, self.members = None, {}
            self.plans = self._plans()
            self.walked = Walked(self.plans)
        # What each search's tally moved by (a run from a base answers with it), and the index's tally
        # at the grain as the answer read it (the next run's base).
        self.moves = [Moves() for _ in self.plans]
        self.indexed = [LogTally() for _ in self.plans]

    def _plans(self) -> list[SearchPlan]:
        """Each search's indexed files, read in one snapshot."""
        plans: list[SearchPlan] = []
        self.db.execute("BEGIN")
        try:
            (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM files").fetchone()
            self.first_new_id = last + 1
            for search in self.searches:
                key = search_key(search, self.offpeak)
                found = self.db.execute(
                    "SELECT id, generation FROM searches WHERE key = ?", (key,)
                ).fetchone()
                if not found:
                    rows = []
                elif self.base is None:
                    rows = load_rows(self.db, found[0])
                elif list(found) != self.base.generations[len(plans)]:
                    raise Stale  # (written since the base was read: the run again, without it)
                else:
                    ids = self.base.ids
                    rows = rows_by_id(self.db, found[0], [ids[position] for position in self.base.changed])
                search_id, generation = found if found else (None, 0)
                plans.append(SearchPlan(search, key, search_id, rows, generation))
        finally:
            self.db.execute("COMMIT")
        return plans

    def _start_from(self, base: Base) -> bool:
        """Plan the files the base names as changed; False where one is not the file the base's row
        describes, read on or again at the same path (a file replaced, or found elsewhere): the run then
        plans every file."""
        assert self.walk is not None
        files = self.walk.files
        for position in base.changed:
            log_file = files[position]
            member = self.plans[log_file.search].classify(log_file)
            row = member.row
            if row is None or row.id != base.ids[position] or row.path != member.digest:
                return False
            self.members[position] = member
        return True

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
                jobs,
                read_part,
                workers=self.workers,
                pool_from_bytes=self.pool_from_bytes,
                request=self._request,
            ):
                pending.append((part.index, part))
                requests += len(part.digests) // DIGEST
                if self.on_file is not None:
                    self.on_file(self.walked.size(part.index))
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
        if self.base is not None:
            yield from self._jobs_from_base()
            return
        files: Iterable[LogFile]
        if self.walk is not None:
            files = self.walk.files
        else:
            files = walk_searches(self.searches, self.explicit, self.walk_skips)
        for log_file in files:
            plan = self.plans[log_file.search]
            member = plan.classify(log_file)
            index = self.walked.add(log_file.search, member)
            if not plan.rows:  # nothing indexed to keep the order of: its rank is known now
                self.walked.ranks[index] = plan.walked * GAP
            if member.action != UNCHANGED:
                yield _job(index, member)  # (its request is made as it is handed out: `_request`)
        self._rank_walked()
        self.walk_done = True

    def _jobs_from_base(self) -> Iterator[Job]:
        """`_jobs` from a base: the files planned at the start are read (their ranks held), the others
        are walked as unchanged, their rows left unread."""
        assert self.walk is not None and self.base is not None
        walked, files, stats = self.walked, self.walk.files, self.base.walk.stats
        known = 0  # the first file not yet walked
        for position in sorted(self.members):
            walked.add_known(files[known:position], stats[known * 5 : position * 5])
            known = position + 1
            member, log_file = self.members[position], files[position]
            index = walked.add(log_file.search, member)
            row = member.row
            assert row is not None  # (`_start_from` planned files with their rows)
            walked.ranks[index] = row.rank
            if member.action != UNCHANGED:
                yield _job(index, member)
        walked.add_known(files[known:], stats[known * 5 :])
        self.walk_done = True

    def _request(self, index: int) -> PartTask:
        """What a worker is sent to read a walked file (`reading.read_part`)."""
        walked = self.walked
        plan = self.plans[walked.search[index]]
        start, row = None, walked.rows.get(index)
        if walked.action(index) == RESUME and row is not None:
            state = json.loads(row.state) if row.state is not None else None
            start = Start(row.offset, row.line, state, row.head, row.last)
        mode = walked.mode(index)
        assert mode is not None  # (a file to read was classified with its mode)
        return (index, plan.search.module, walked.paths[index], self.offpeak, mode, start)

    def _ranked(self, parts: list[tuple[int, Part]]) -> bool:
        """Whether every part's file has its rank: a search that held files ranks them once all are
        walked, a new search as they are found (a cold build writes while it walks)."""
        return self.walk_done or all(self.walked.ranks[index] != UNRANKED for index, _ in parts)

    def _rank_walked(self) -> None:
        """Ranks for every walked file from what the index held (new files fit between)."""
        walked = self.walked
        for number in range(len(self.plans)):
            indices = list(walked.of_plan(number))
            current = [row.rank if (row := walked.rows.get(i)) else None for i in indices]
            for index, rank in zip(indices, assign_ranks(current), strict=True):
                walked.ranks[index] = rank

    # -- writing --------------------------------------------------------------------------------

    def _write(self, parts: list[tuple[int, Part]]) -> None:
        """One batch of parts into the index (the whole run again if another process changed one of
        their files since this run planned), in the transaction open: one is begun where none is, and
        committed once it is `COMMIT_SECONDS` old (a commit writes every page the transaction changed,
        and a batch's copies change pages all over their table: fewer commits, fewer pages written).
        Each such commit is checkpointed at once, while the workers still read: what the log holds when
        the connection closes (SQLite checkpoints it then, and syncs) is the last commits' alone, so
        the end of a cold build waits for less (at 1 GB, 10 ms to close rather than 35-40)."""
        if self.began is None:
            self.db.execute("BEGIN IMMEDIATE")
            self.began = time.monotonic()
        try:
            self._check_basis(parts)
            usable = {index for index, part in parts if self._usable(index, part)}
            by_plan: dict[int, list[tuple[int, Part]]] = {}
            for index, part in parts:
                by_plan.setdefault(self.walked.search[index], []).append((index, part))
            for number, plan_parts in by_plan.items():
                self._write_search(number, plan_parts, usable)
            self.wrote = True
            if time.monotonic() - self.began >= COMMIT_SECONDS:
                self._commit()
                self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # (waits for no reader, blocks none)
        except BaseException:
            self._rollback()
            raise

    def _commit(self) -> None:
        """Settle what the transaction's writers wrote (the tally moved once, the copies met in one
        pass), and commit."""
        if self.began is None:
            return
        for number, writer in self.writers.items():
            writer.flush()
            self.plans[number].generation = writer.generation()
        self.writers = {}
        self.began = None
        self.db.execute("COMMIT")

    def _rollback(self) -> None:
        self.writers = {}
        self.began = None
        if self.db.in_transaction:  # (not when the commit itself failed)
            self.db.execute("ROLLBACK")

    def _write_search(self, number: int, parts: list[tuple[int, Part]], usable: set[int]) -> None:
        """One search's parts: old contributions out, then the parts in (their copies settled as the
        transaction commits)."""
        walked = self.walked
        writer = self._open_writer(number)
        for index, part in parts:
            row = walked.rows.get(index)
            if row is not None and (part.start == 0 or index not in usable):
                writer.remove([row.id])
                self.removed.add(row.id)
        fresh = []
        for index, part in parts:
            if index not in usable:
                continue
            member = walked.member(index)
            if part.start == 0:
                fresh.append((member, part, walked.ranks[index]))
            else:
                writer.extend_file(member, part)
        writer.add_files(fresh)

    def _open_writer(self, number: int) -> Writer:
        """The search's writer for the transaction open (made at its first batch). When another process
        wrote the search since this run last did, a cold build's Bloom filter no longer holds every
        digest: the database is asked instead, and what the other process wrote is settled too."""
        writer = self.writers.get(number)
        if writer is not None:
            return writer
        plan = self.plans[number]
        others = (
            plan.digests is not None
            and plan.search_id is not None
            and self._generation(plan.search_id) != plan.generation
        )
        if others:
            plan.digests = None
        writer = self.writers[number] = self._writer(plan)
        if others:
            writer.touch_every_copy()
        return writer

    def _usable(self, index: int, part: Part) -> bool:
        """Whether a part goes into the index; a file that could not be read does not (its skips count
        this time only, and what the index held of it is taken out)."""
        cannot = part.failed or (part.skips is not None and _cannot_read(part.skips))
        if not cannot and index not in self.walked.unstated:
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
        walked = self.walked
        for number in {walked.search[index] for index, _ in parts}:
            plan = self.plans[number]
            if plan.search_id is None:
                continue  # a new search: `_writer` checks that it still is
            (generation,) = self.db.execute(
                "SELECT generation FROM searches WHERE id = ?", (plan.search_id,)
            ).fetchone()
            if generation == plan.generation:
                continue
            self.foreign = True
            held = {
                (dev, ino): (file_id, version)
                for file_id, version, dev, ino in self.db.execute(
                    "SELECT id, version, dev, ino FROM files WHERE search = ?", (plan.search_id,)
                )
            }
            versions = dict(held.values())
            for index, _ in parts:
                if walked.search[index] != number:
                    continue
                row = walked.rows.get(index)
                if row is not None:
                    if versions.get(row.id) != row.version:
                        raise Stale
                elif walked.identity(index) in held:
                    raise Stale

    def _writer(self, plan: SearchPlan) -> Writer:
        """The search's writer (the search made when new: unless another process made it meanwhile).
        Searches share the staging tables: flush one's writer before using another's."""
        if plan.search_id is None:
            if self.db.execute("SELECT 1 FROM searches WHERE key = ?", (plan.key,)).fetchone():
                raise Stale
            plan.search_id = search_id(self.db, plan.key, plan.search.tool, time.time_ns())
        writer = Writer(self.db, plan.search_id, self.seen, plan.digests)
        if self.base is not None:  # (only a run from a base answers with its moves: a cold build's are
            writer.on_moves = self.moves[self.plans.index(plan)].add  # every bucket, at every commit)
        return writer

    # -- finishing ------------------------------------------------------------------------------

    def _finish(self, pending: list[tuple[int, Part]]) -> ScanResult:
        """The last batch, files gone, ranks that moved, and the answer, in one snapshot."""
        if pending:
            self._write(pending)
        try:
            self._commit()
        except BaseException:
            self._rollback()
            raise
        writable = self.wrote or self._ranks_moved() or any(plan.gone() for plan in self.plans)
        self.unchanged = not writable
        self.db.execute("BEGIN IMMEDIATE" if writable else "BEGIN")
        try:
            noted: dict[int, Noted] = {}
            for number, plan in enumerate(self.plans):
                if plan.search_id is None:
                    continue
                sole = not self.foreign and self._generation(plan.search_id) == plan.generation
                if self.base is not None and not sole:
                    raise Stale  # (another process wrote: the run again, from every file's row)
                if not writable and sole and self.base is None:
                    noted[number] = _noted(plan.rows.values())  # nothing written since it was planned
                else:
                    if sole:
                        self._settle_known(number)
                    else:
                        self._settle_files(number, writable)
                    noted[number] = _noted_in(self.db, plan.search_id)
            result = self._answer(noted)
            self.final = [
                [plan.search_id, self._generation(plan.search_id)]
                for plan in self.plans
                if plan.search_id is not None
            ]
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return result

    def _ranks_moved(self) -> bool:
        ranks = self.walked.ranks
        return any(row.rank != ranks[index] for index, row in self.walked.rows.items())

    def _generation(self, search: int) -> int:
        (generation,) = self.db.execute("SELECT generation FROM searches WHERE id = ?", (search,)).fetchone()
        return int(generation)

    def _settle_files(self, number: int, writable: bool) -> None:
        """The search's files as now indexed must be this run's walk (else plan again); files gone are
        taken out and moved ranks set. Each indexed file is met once, not kept: a cold build holds
        thousands."""
        plan, walked = self.plans[number], self.walked
        assert plan.search_id is not None
        at: dict[tuple[int, int], int] = {}  # identity -> walked file
        for index in walked.of_plan(number):
            identity = walked.identity(index)
            if identity is not None:
                at[identity] = index
        gone, moved = [], []
        for row in each_row(self.db, plan.search_id):
            index = at.pop((row.dev, row.ino), None)
            if index is None:
                if plan.rows.get(row.id, (None,))[-1] != row.version:
                    raise Stale  # a file another process indexed since this run planned
                gone.append(row.id)
                continue
            if not walked.indexed_as(index, row):
                raise Stale
            if row.rank != walked.ranks[index]:
                moved.append((row.id, walked.ranks[index]))
        if any(walked.action(index) == UNCHANGED for index in at.values()):
            raise Stale  # (the others were not indexed this time: they could not be read)
        self._settled(number, gone, moved, writable)

    def _settle_known(self, number: int) -> None:
        """`_settle_files` where this run alone wrote the search since it planned: the index's files are
        the plan's, changed by this run's writes, so the files gone and the ranks moved are known without
        reading every row (a cold build's 12 thousand at 5 GB)."""
        walked = self.walked
        gone = [row.id for row in self.plans[number].gone()]
        moved = []
        for index, row in walked.rows.items():
            rank = walked.ranks[index]
            if walked.search[index] == number and row.id not in self.removed and row.rank != rank:
                moved.append((row.id, rank))
        self._settled(number, gone, moved, writable=True)

    def _settled(self, number: int, gone: list[int], moved: list[tuple[int, int]], writable: bool) -> None:
        """Take the files gone out and set the ranks that moved (in the transaction open)."""
        if not (gone or moved):
            return
        if not writable:
            raise Stale
        plan = self.plans[number]
        writer = self._writer(plan)
        if gone:
            writer.remove(gone)
        if moved:
            writer.set_ranks(moved)
        writer.flush()

    def _answer(self, noted_by_plan: dict[int, Noted]) -> ScanResult:
        names = series_names(self.db)
        tally = LogTally()
        skips = Skips()
        skips.merge(self.walk_skips)
        duplicates = 0
        walked = self.walked
        for number, plan in enumerate(self.plans):
            if plan.search_id is None:
                continue
            answer = SearchAnswer(self.db, plan.search_id, names)
            within, noted = noted_by_plan[number]
            duplicates += within
            tails = []
            for index in walked.holding(number, noted.keys()) if noted else ():  # in walk order
                file_id, rank, file_skips, tail = noted[walked.identity(index)]  # type: ignore[index]
                if file_skips is not None:
                    add_summary(skips, walked.paths[index], json.loads(file_skips))
                if tail is not None:
                    tails.append((file_id, rank, tail, walked.paths[index]))
            answer.add_tails(tails, skips)
            duplicates += answer.duplicates
            found = answer.tally(self.grain, self._indexed_from_base(number, names))
            self.indexed[number] = answer.indexed
            if len(self.plans) == 1:
                tally = found  # (one search: no need to add)
            else:
                for key, counts in found.counts.items():
                    tally.add(key, counts, found.audio.get(key, ZERO))
        skips.merge(self.spare_skips)
        return ScanResult(
            tally=tally,
            skips=skips,
            tools=tools_in_order(self._tools()),
            records=sum(counts[0] for counts in tally.counts.values()),
            duplicates=duplicates,
            bytes=sum(self.walked.stats[2::5]),
        )

    def _indexed_from_base(self, number: int, names: dict[int, tuple[str, str]]) -> LogTally | None:
        """The search's tally as the index now holds it, at the grain: the base's moved as this run moved
        the index's (None: read it out of the index)."""
        if self.base is None:
            return None
        return self.moves[number].moved(self.base.indexed[number], names, self.grain)

    def kept(self, result: ScanResult) -> Kept | None:
        """What this run leaves for the next (`answers.keep_answer`), or None: an answer is kept when every
        file was stat'ed and indexed as walked, and the walk met nothing it could not read, for searches
        without companions; the files modified so soon before the walk that the next run reads them again
        (racy) are named (the answer is then a base only). A run that found every file unchanged had none
        racy (it would have read it); one that wrote checks each file's stat."""
        walked = self.walked
        if (
            walked.unstated
            or self.walk_skips.any()
            or self.spare_skips.any()
            or any(plan.companions_of is not None for plan in self.plans)
        ):
            return None
        mtimes = walked.stats[3::5]
        racy = [] if self.unchanged else [i for i, mtime in enumerate(mtimes) if racy_at(mtime, self.seen)]
        ids = self._ids()
        if ids is None:
            return None
        if self.base is not None:
            columns = self.base.walk  # (the walk this run walked, in its order)
        else:
            columns = walked_columns(walked.search, walked.paths, walked.stats)
        return Kept(result, columns, walked.paths, racy, self.indexed, ids)

    def _ids(self) -> array[int] | None:
        """Each walked file's row id, by position: a file this run wrote anew has a row of an id it
        gave (from `first_new_id`), another the row it was planned with, or the base's (None: a file has
        no row)."""
        walked, stats = self.walked, self.walked.stats
        made = {}
        for plan in self.plans:
            if plan.search_id is not None:
                for file_id, dev, ino in self.db.execute(
                    "SELECT id, dev, ino FROM files WHERE search = ? AND id >= ?",
                    (plan.search_id, self.first_new_id),
                ):
                    made[dev, ino] = file_id
        if self.base is not None:  # (the base's, but where this run planned the file)
            ids = array("q", self.base.ids)
            indices: Iterable[int] = walked.rows
        else:
            ids = array("q", bytes(8 * len(walked)))
            indices = range(len(walked))
        for index in indices:
            row = walked.rows.get(index)
            found = made.get((stats[index * 5], stats[index * 5 + 1]), row.id if row is not None else None)
            if found is None:
                return None
            ids[index] = found
        return ids

    def _tools(self) -> dict[str, tuple[int, int]]:
        """Files and bytes walked by tool."""
        tools: dict[str, tuple[int, int]] = {}
        for number, plan in enumerate(self.plans):
            sizes = self.walked.sizes(number)
            if not sizes:
                continue
            files, size = tools.get(plan.search.tool, (0, 0))
            tools[plan.search.tool] = (files + len(sizes), size + sum(sizes))
        return tools


def _job(index: int, member: Member) -> Job:
    """The job of reading a walked file: its bytes left to read (from the offset, when read on)."""
    row = member.row
    left = member.size - row.offset if member.action == RESUME and row is not None else member.size
    return Job(max(left, 0), index)


# Of a search's indexed files: the copies met again within them, and by identity those with skips or a
# tail (file id, rank, skips, tail) for the answer.
Noted = tuple[int, dict[tuple[int, int], tuple[int, int, str | None, str | None]]]


def _noted(rows: Iterable[FileRow]) -> Noted:
    within, noted = 0, {}
    for row in rows:
        within += row.within
        if row.skips is not None or row.tail is not None:
            noted[row.dev, row.ino] = (row.id, row.rank, row.skips, row.tail)
    return within, noted


def _noted_in(db: sqlite3.Connection, search: int) -> Noted:
    (within,) = db.execute(
        "SELECT coalesce(sum(within), 0) FROM files WHERE search = ?", (search,)
    ).fetchone()
    noted = {
        (dev, ino): (file_id, rank, skips, tail)
        for dev, ino, file_id, rank, skips, tail in db.execute(
            "SELECT dev, ino, id, rank, skips, tail FROM files"
            " WHERE search = ? AND (skips IS NOT NULL OR tail IS NOT NULL)",
            (search,),
        )
    }
    return int(within), noted


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
