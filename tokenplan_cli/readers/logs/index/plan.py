"""What a run must read: each walked file against what the index holds for its search, and the files'
ranks (their order in the walk, which breaks ties between copies of a request in two files).

A walked file is matched to an indexed one by identity (device and inode), so a renamed file keeps its
entry and a replaced one (a new inode at the same path) is a new file, its predecessor gone. Then it is
unchanged (size, mtime, ctime and companions as indexed: nothing is read), to resume (a LINES file that
changed: read on from its offset, once the worker has checked its blocks), or to read again (a WHOLE
file that changed). Nothing here reads a log file.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from array import array
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from tokenplan_cli import __version__
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.readers.digests import blake2b
from tokenplan_cli.readers.logs import LINES, WHOLE, Skips
from tokenplan_cli.readers.logs.index.filter import DigestFilter
from tokenplan_cli.readers.logs.index.store import chunked
from tokenplan_cli.readers.logs.racy import racy_at
from tokenplan_cli.readers.logs.scanner import LogFile, Search
from tokenplan_cli.tuples import NamedTuple

# Bump when code shared by every reader changes what a search's index holds (the records' fields, the
# buckets, the dedupe digests, the checksummed blocks); a reader's own changes bump its VERSION.
LOG_INDEX_FORMAT = 2
GAP = 1 << 20  # between the ranks of files found one after the other, so a new one fits between


class Stale(Exception):
    """Another process changed what a run planned against: plan again."""


class Walk(NamedTuple):
    """A walk made before its run (to compare with a kept answer's): the files, what the walk skipped,
    and when it began (ns since the epoch: what it found is no older than that)."""

    files: Sequence[LogFile]
    skips: Skips
    seen: int


class FileRow(NamedTuple):
    """A file as the index holds it."""

    id: int
    path: bytes  # a digest of the path the file was found at
    dev: int
    ino: int
    size: int
    mtime: int
    ctime: int
    seen: int  # when the walk that indexed it began (ns since the epoch)
    companions: str | None
    offset: int
    line: int
    state: str | None  # JSON
    head: bytes | None
    last: bytes | None
    rank: int
    within: int
    skips: str | None  # JSON: [count, lines, reasons]
    tail: str | None  # JSON: the cut-short last line's records and skips
    version: int


ROW_COLUMNS = ", ".join(FileRow._fields)

UNCHANGED = "unchanged"
RESUME = "resume"  # a LINES file: read on from the offset (the worker may find it rewritten)
READ = "read"  # from the start (a new file, or a WHOLE file that changed)


class Stat(NamedTuple):
    """What the index compares of a file's stat."""

    dev: int
    ino: int
    size: int
    mtime: int
    ctime: int


class Member(NamedTuple):
    """A walked file of a search, what the index holds for it and what must be done (made when it is
    needed, from `Walked`)."""

    path: str  # as walked
    tool: str
    module: str
    size: int
    stat: Stat | None  # None: it could not be stat'ed
    row: FileRow | None
    action: str
    mode: str | None  # LINES or WHOLE (None for an unchanged file: it is not read)
    companions: str | None
    digest: bytes  # `path_digest` of where it was found


ACTIONS = (UNCHANGED, RESUME, READ)
ACTION_CODES = {action: code for code, action in enumerate(ACTIONS)}
MODES = (LINES, WHOLE)
MODE_CODES = {mode: code for code, mode in enumerate(MODES)}
NO_MODE = 255  # in `Walked.modes`: an unchanged file, whose reader was not asked
UNRANKED = -(1 << 63)
_new = tuple.__new__  # a NamedTuple from its fields' tuple, without the keyword-handling __new__
DIGEST_BYTES = 16  # of `path_digest`


class Walked:
    """Every file a run walked, in walk order, a column a field: a cold build of thousands of files keeps
    for each its path and a few numbers (a `Member` a file held four times as much until the end).
    A file is its position in the walk; `member` makes its `Member` when one is needed."""

    def __init__(self, plans: Sequence[SearchPlan]) -> None:
        self.plans = plans
        self.search = array("H")  # the file's plan, by position in `plans`
        self.paths: list[str] = []
        self.stats = array("q")  # dev, ino, size, mtime, ctime a file (zeros where it was not stat'ed)
        self.unstated: set[int] = set()
        self.digests = bytearray()  # DIGEST_BYTES a file
        self.actions = bytearray()  # positions in ACTIONS
        self.modes = bytearray()  # positions in MODES
        self.rows: dict[int, FileRow] = {}  # of the files the index held
        self.companions: dict[int, str] = {}
        self.ranks = array("q")  # UNRANKED until known

    def __len__(self) -> int:
        return len(self.paths)

    def add(self, plan: int, member: Member) -> int:
        """Record a file walked for `plans[plan]`; its position."""
        index = len(self.paths)
        self.search.append(plan)
        self.paths.append(member.path)
        if member.stat is None:
            self.unstated.add(index)
            self.stats.extend((0, 0, 0, 0, 0))
        else:
            self.stats.extend(member.stat)
        self.digests += member.digest
        self.actions.append(ACTION_CODES[member.action])
        self.modes.append(NO_MODE if member.mode is None else MODE_CODES[member.mode])
        if member.row is not None:
            self.rows[index] = member.row
        if member.companions is not None:
            self.companions[index] = member.companions
        self.ranks.append(UNRANKED)
        return index

    def add_known(self, files: Sequence[LogFile], stats: array[int]) -> None:
        """Record files a run from a base walked as the base's answer found them (with their `stats`,
        five numbers a file): unchanged, their rows left unread, so no rank nor path digest is held for
        them (nothing of the run asks for them). All at once: a walk holds thousands."""
        count = len(files)
        self.search.extend(found.search for found in files)
        self.paths += (found.path for found in files)
        self.stats += stats
        self.digests += bytes(DIGEST_BYTES * count)
        self.actions += bytes([ACTION_CODES[UNCHANGED]]) * count
        self.modes += bytes([NO_MODE]) * count
        self.ranks += array("q", [UNRANKED]) * count

    def member(self, index: int) -> Member:
        search = self.plans[self.search[index]].search
        stat = self.stat(index)
        return Member(
            self.paths[index], search.tool, search.module, 0 if stat is None else stat.size, stat,
            self.rows.get(index), ACTIONS[self.actions[index]], self.mode(index),
            self.companions.get(index), self.digest(index),
        )  # fmt: skip

    def mode(self, index: int) -> str | None:
        found = self.modes[index]
        return None if found == NO_MODE else MODES[found]

    def digest(self, index: int) -> bytes:
        return bytes(self.digests[index * DIGEST_BYTES : (index + 1) * DIGEST_BYTES])

    def stat(self, index: int) -> Stat | None:
        if index in self.unstated:
            return None
        return Stat(*self.stats[index * 5 : index * 5 + 5])

    def identity(self, index: int) -> tuple[int, int] | None:
        """The file's device and inode (None: it could not be stat'ed)."""
        if index in self.unstated:
            return None
        return self.stats[index * 5], self.stats[index * 5 + 1]

    def size(self, index: int) -> int:
        return self.stats[index * 5 + 2]

    def indexed_as(self, index: int, row: FileRow) -> bool:
        """Whether `row` was indexed from the file as walked (path, size, times, companions)."""
        if index in self.unstated:
            return False
        at = index * 5
        return (row.path, row.size, row.mtime, row.ctime, row.companions) == (
            self.digest(index), *self.stats[at + 2 : at + 5],
            self.companions.get(index),
        )  # fmt: skip

    def action(self, index: int) -> str:
        return ACTIONS[self.actions[index]]

    def of_plan(self, plan: int) -> Iterator[int]:
        """The files walked for `plans[plan]`, in walk order."""
        if len(self.plans) == 1:  # (the one search of `--from TOOL`: every file)
            return iter(range(len(self.paths)))
        return (index for index, number in enumerate(self.search) if number == plan)

    def holding(self, plan: int, identities: Collection[tuple[int, int]]) -> list[int]:
        """The files walked for `plans[plan]` whose identity is one of `identities`, in walk order: a few
        among thousands, found by their inodes without an identity made for each file."""
        inodes = {ino for _, ino in identities}
        return [
            index
            for index, ino in enumerate(self.stats[1::5])
            if ino in inodes and self.search[index] == plan and self.identity(index) in identities
        ]

    def sizes(self, plan: int) -> list[int]:
        """The sizes of the files walked for `plans[plan]`, in walk order."""
        every = self.stats[2::5]
        if len(self.plans) == 1:
            return list(every)
        return [size for size, number in zip(every, self.search, strict=True) if number == plan]


def search_key(search: Search, offpeak: OffPeakWindow) -> bytes:
    """What a search's index depends on: the tool, its reader and that reader's version, the roots, the
    off-peak window (buckets hold windows), this tokenplan and the shared format."""
    reader = importlib.import_module(search.module)
    parts = [
        f"{LOG_INDEX_FORMAT}:{__version__}:{search.tool}:{search.module}:{getattr(reader, 'VERSION', 0)}",
        f"{offpeak.start_minute}-{offpeak.end_minute}",
        *(os.path.abspath(root) for root in search.roots),
    ]
    return blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SearchPlan:
    """One search's files as the index holds them, matched against the walk as it goes."""

    def __init__(
        self, search: Search, key: bytes, search_id: int | None, rows: Sequence[FileRow], generation: int = 0
    ) -> None:
        self.search = search
        self.key = key
        self.search_id = search_id
        # Writes to the search by this run alone since it planned (`generation` counts them): while so,
        # a search that held nothing has all its digests in `digests` (see `write.Writer`).
        self.generation = generation
        self.digests = DigestFilter() if not rows else None
        self.rows = {row.id: row for row in rows}
        self.by_identity = {(row.dev, row.ino): row for row in rows}
        self.walked = 0  # files classified
        self.matched: set[int] = set()
        reader = importlib.import_module(search.module)
        # A reader that does not say how its files can be read again is read whole when they change.
        self.index_mode = getattr(reader, "index_mode", _whole)
        self.companions_of = getattr(reader, "companions", None)

    def classify(self, log_file: LogFile) -> Member:
        """What to do with a walked file (each once, in walk order). An unchanged file costs a digest of
        its path and a comparison: its reader is not asked how it would be read again (a warm run does
        this for every file: the tuples are made without their keyword-handling constructors)."""
        text = log_file.path
        digest = path_digest(text)
        companions = None if self.companions_of is None else companion_stats(self.companions_of(Path(text)))
        found = log_file.stat
        stat = row = None
        self.walked += 1
        if found is not None:
            size, mtime, ctime = found.st_size, found.st_mtime_ns, found.st_ctime_ns
            stat = _new(Stat, (found.st_dev, found.st_ino, size, mtime, ctime))
            row = self.by_identity.get(stat[:2])
            if row is not None:
                if row.id in self.matched:
                    row = None  # (two files cannot share an identity: only an index from another machine)
                else:
                    self.matched.add(row.id)
                    if (
                        row.path == digest and row.size == size and row.mtime == mtime and row.ctime == ctime
                        and row.companions == companions and not racy(row)
                    ):  # fmt: skip
                        return _new(Member, (
                            text, log_file.tool, log_file.module, log_file.size, stat, row, UNCHANGED, None,
                            companions, digest,
                        ))  # fmt: skip
        mode = self.index_mode(Path(text))
        # A renamed file is read again: a reader may read a name (Codex's session, a CSV suffix).
        action = RESUME if row is not None and mode == LINES and row.path == digest else READ
        return Member(
            text, log_file.tool, log_file.module, log_file.size, stat, row, action, mode, companions, digest
        )  # fmt: skip

    def gone(self) -> list[FileRow]:
        """Indexed files the walk did not find (deleted, moved away, replaced by another inode)."""
        return [row for row in self.rows.values() if row.id not in self.matched]


def racy(row: FileRow) -> bool:
    """Whether the file was modified too close to the walk that indexed it for its stat to be trusted."""
    return racy_at(row.mtime, row.seen)


def _whole(path: Path) -> str:
    return WHOLE


def path_digest(path: os.PathLike[str] | str) -> bytes:
    return blake2b(os.fsencode(path), digest_size=16).digest()


def companion_stats(paths: Sequence[os.PathLike[str] | str]) -> str:
    """The stat of each companion file that exists, as text ("-" for one that does not)."""
    parts = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}")
    return ",".join(parts)


def load_rows(connection: sqlite3.Connection, search_id: int) -> list[FileRow]:
    query = f"SELECT {ROW_COLUMNS} FROM files WHERE search = ?"
    return [_new(FileRow, row) for row in connection.execute(query, (search_id,))]


def rows_by_id(connection: sqlite3.Connection, search_id: int, ids: Sequence[int]) -> list[FileRow]:
    """The search's rows of these ids (those it holds)."""
    rows = []
    for chunk, marks in chunked(ids):
        query = f"SELECT {ROW_COLUMNS} FROM files WHERE search = ? AND id IN ({marks})"
        rows += [_new(FileRow, row) for row in connection.execute(query, (search_id, *chunk))]
    return rows


def each_row(connection: sqlite3.Connection, search_id: int) -> Iterator[FileRow]:
    """The search's files one at a time (`load_rows` holds them all)."""
    query = f"SELECT {ROW_COLUMNS} FROM files WHERE search = ?"
    return (_new(FileRow, row) for row in connection.execute(query, (search_id,)))


def assign_ranks(current: Sequence[int | None]) -> list[int]:
    """Ranks for files in walk order: strictly increasing, keeping as many of the `current` ones (None:
    a file without one) as a longest increasing run allows. The others take ranks between their kept
    neighbours; when there is no room, every file is numbered afresh.

    >>> assign_ranks([None, None])
    [1048576, 2097152]
    >>> assign_ranks([10, None, 30, 20])  # 30 is out of order (a renamed file): it moves
    [10, 13, 16, 20]
    >>> assign_ranks([7, 9, 12])  # every file where it was
    [7, 9, 12]
    >>> assign_ranks([5, 6, None, 7])  # no room between 6 and 7: all afresh
    [1048576, 2097152, 3145728, 4194304]
    """
    if None not in current and all(a < b for a, b in zip(current, current[1:], strict=False)):  # type: ignore[operator]
        return list(current)  # type: ignore[arg-type]  # (a warm walk: every file where it was)
    kept = _longest_increasing(current)
    ranks: list[int | None] = [current[i] if i in kept else None for i in range(len(current))]
    start = 0
    while start < len(ranks):
        if ranks[start] is not None:
            start += 1
            continue
        end = start
        while end < len(ranks) and ranks[end] is None:
            end += 1
        low = ranks[start - 1] if start > 0 else None
        high = ranks[end] if end < len(ranks) else None
        filled = _between(low, high, end - start)
        if filled is None:
            return [(position + 1) * GAP for position in range(len(current))]
        ranks[start:end] = filled
        start = end
    return [rank for rank in ranks if rank is not None]


def _between(low: int | None, high: int | None, count: int) -> list[int | None] | None:
    """`count` increasing integers strictly between `low` and `high` (None: unbounded), or None."""
    if low is None and high is None:
        return [(k + 1) * GAP for k in range(count)]
    if high is None:
        assert low is not None
        return [low + (k + 1) * GAP for k in range(count)]
    if low is None:
        return [high - (count - k) * GAP for k in range(count)]
    room = high - low
    if room <= count:
        return None
    return [low + room * (k + 1) // (count + 1) for k in range(count)]


def _longest_increasing(values: Sequence[int | None]) -> set[int]:
    """Positions of a longest strictly increasing subsequence of the values that are not None."""
    from bisect import bisect_left

    tails: list[int] = []  # tails[k]: the smallest last value of an increasing run of length k + 1
    tail_at: list[int] = []  # the position of that value
    previous: dict[int, int] = {}
    for position, value in enumerate(values):
        if value is None:
            continue
        k = bisect_left(tails, value)
        if k > 0:
            previous[position] = tail_at[k - 1]
        if k == len(tails):
            tails.append(value)
            tail_at.append(position)
        else:
            tails[k] = value
            tail_at[k] = position
    kept: set[int] = set()
    position: Any = tail_at[-1] if tail_at else None
    while position is not None:
        kept.add(position)
        position = previous.get(position)
    return kept
