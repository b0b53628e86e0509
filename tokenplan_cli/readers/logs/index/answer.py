"""Reading the answer out of the log index: a search's tally as the `LogTally` reports start from, its
files' skips, its duplicates, and on top the tails (what cut-short last lines give, never indexed).

A tail's record is counted as a cold read counts it: within its file it meets the copy the file kept
(the better one stays, the first read between equals), and across files the copy the scanner's rule
picks among the search's is the one in the tally, so the tally moves by the old winner out and the new
one in.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from tokenplan_cli.core.grain import Grain, coarsened, units
from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import SLOTS_PER_DAY, BucketKey, LogTally
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.index.copies import Copy, FileCopies
from tokenplan_cli.readers.logs.index.write import add_summary, held_copies

_new_key = tuple.__new__


# The UTC days that hold a bucket of a search (floored, as Python's `//`: SQLite's division truncates).
DAYS = (
    f"SELECT DISTINCT ((quarter >> 1) - ((quarter >> 1) % {SLOTS_PER_DAY} + {SLOTS_PER_DAY})"
    f" % {SLOTS_PER_DAY}) / {SLOTS_PER_DAY} FROM tally WHERE search = ?"
)


class SearchAnswer:
    """One search's part of the answer: its tally (with the tails on top), duplicates and skips.

    The tails are counted first, as a fine tally of what they change (`delta`); `tally(grain)` then
    reads the search's tally out of the index, its quarter hours merged as the grain allows (or is given
    it, by a run from a base: `Moves`), and adds the delta merged alike.
    """

    def __init__(
        self, connection: sqlite3.Connection, search: int, names: dict[int, tuple[str, str]]
    ) -> None:
        self.db = connection
        self.search = search
        self.names = names
        self.delta = LogTally()  # what the tails change
        self.indexed = LogTally()  # the search's tally as the index holds it, at the grain (`tally`)
        self.files: dict[int, FileCopies] = {}
        (crossed,) = connection.execute("SELECT crossed FROM searches WHERE id = ?", (search,)).fetchone()
        self.duplicates = crossed

    def tally(self, grain: Grain | None, indexed: LogTally | None = None) -> LogTally:
        """The search's tally with the tails on top, at `grain` (None: by quarter hour), from `indexed`
        when given (the index's tally at that grain, as a run from a base knows it), else from the index."""
        if indexed is None:
            indexed = self._fine() if grain is None else self._coarse(grain)
        self.indexed = indexed
        if not self.delta.counts:
            return indexed
        merged = _merged(indexed, self.delta)
        return merged if grain is None else coarsened(merged, grain)

    def _fine(self) -> LogTally:
        tally = LogTally()
        rows = self.db.execute(
            "SELECT series, quarter, n, hit, miss, write, output, reasoning, audio FROM tally"
            " WHERE search = ?",
            (self.search,),
        )
        for series, quarter, *counts, audio in rows:
            tally.add(self._key(series, quarter), counts, _audio(audio))
        return tally

    def _coarse(self, grain: Grain) -> LogTally:
        days = {day for (day,) in self.db.execute(DAYS, (self.search,))}
        if not days:
            return LogTally()
        concrete = units(grain, days)
        cells = concrete.sql("quarter >> 1")
        named = ", ".join(f"{cell} AS unit{n}" for n, cell in enumerate(cells))
        by = ", ".join(f"unit{n}" for n in range(len(cells)))
        sums = "sum(n), sum(hit), sum(miss), sum(write), sum(output), sum(reasoning)"
        tally = LogTally()
        firsts: dict[tuple[Any, ...], BucketKey] = {}
        width = len(cells)
        for series, offpeak, *row in self.db.execute(
            f"SELECT series, quarter & 1, {named}, min(quarter >> 1), {sums} FROM tally"
            f" WHERE search = ? GROUP BY series, quarter & 1, {by}",
            (self.search,),
        ):
            key = self._key(series, row[width] * 2 + offpeak)
            firsts[(series, offpeak, *row[:width])] = key
            tally.counts[key] = row[width + 1 :]
        for series, offpeak, *row in self.db.execute(
            f"SELECT series, quarter & 1, {named}, audio FROM tally WHERE search = ? AND audio IS NOT NULL",
            (self.search,),
        ):
            key = firsts[(series, offpeak, *row[:width])]
            tally.audio[key] = tally.audio.get(key, ZERO) + Fraction(row[width])
        return tally

    def _key(self, series: int, quarter: int) -> BucketKey:
        return bucket_key(self.names, series, quarter)

    def _add(self, series: int, quarter: int, counts: Sequence[int], audio: Fraction, sign: int = 1) -> None:
        self.delta.add(self._key(series, quarter), counts, audio, sign)

    def add_tails(self, tails: Iterable[tuple[int, int, str, str]], skipped: Skips) -> None:
        """Count the tails (file id, its rank, the stored tail, the file's path) on top; their skips
        into `skipped` (after the file's own)."""
        by_digest: dict[bytes, list[tuple[int, int, list[Any]]]] = {}
        for file_id, rank, text, path in tails:
            records, skips = json.loads(text)
            add_summary(skipped, path, skips)
            for record in records:
                digest = record[0]
                if digest is None:
                    self._add(record[1], record[2], (1, *record[4:9]), _audio(record[9]))
                else:
                    by_digest.setdefault(bytes.fromhex(digest), []).append((file_id, rank, record))
        for digest, copies in by_digest.items():
            self._settle_tail(digest, copies)
        return skipped

    def _settle_tail(self, digest: bytes, tails: list[tuple[int, int, list[Any]]]) -> None:
        found = held_copies(self.db, self.search, [digest], self.files).get(digest, [])
        kept = {file_id: copy for file_id, _, copy in found}
        winner = next((copy for _, counted, copy in found if counted), None)
        before = len(kept)
        for file_id, rank, record in tails:
            counts = tuple(record[4:9])
            copy = Copy(record[3], sum(counts), rank, (record[1], record[2]), counts, _audio(record[9]))
            held = kept.get(file_id)
            if held is not None:
                self.duplicates += 1  # within the file
                if not copy.better_within(held):
                    continue
            kept[file_id] = copy
        best = None
        for copy in kept.values():
            if best is None or copy.beats(best):
                best = copy
        # one copy per file is kept, and all but one of them are cross-file duplicates
        self.duplicates += len(kept) - before - (1 if before == 0 else 0)
        if best is not winner and best is not None:
            if winner is not None:
                self._add(*winner.cell, (1, *winner.counts), winner.audio, -1)
            self._add(*best.cell, (1, *best.counts), best.audio)


class Moves:
    """What a run's writes moved a search's tally by, cell by cell (told by `write.Writer.on_moves`), and
    whether one may have emptied a bucket (the index then drops it, and may merge a unit's quarter hours
    under a later first one: what the tally moved by no longer says what the index holds)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[int, int], list[int]] = {}  # (series, quarter) -> six counts
        self.audio: dict[tuple[int, int], Fraction] = {}
        self.emptied = False

    def add(self, counts: dict[tuple[int, int], list[int]], audio: dict[tuple[int, int], Fraction]) -> None:
        for cell, moved in counts.items():
            self.emptied = self.emptied or moved[0] < 0
            totals = self.counts.setdefault(cell, [0] * 6)
            for kind, value in enumerate(moved):
                totals[kind] += value
        for cell, seconds in audio.items():
            self.audio[cell] = self.audio.get(cell, ZERO) + seconds

    def moved(
        self, indexed: LogTally, names: dict[int, tuple[str, str]], grain: Grain | None
    ) -> LogTally | None:
        """`indexed` (a search's tally as the index held it, at `grain`) moved as the index's tally was:
        what reading it out of the index would give; None when a bucket may have been emptied."""
        if self.emptied:
            return None
        fine = LogTally()
        for (series, quarter), counts in self.counts.items():
            fine.add(bucket_key(names, series, quarter), counts, self.audio.get((series, quarter), ZERO))
        merged = _merged(indexed, fine)
        return merged if grain is None else coarsened(merged, grain)


def bucket_key(names: dict[int, tuple[str, str]], series: int, quarter: int) -> BucketKey:
    """The tally's bucket of a cell of the index: its series' names, and the quarter hour and window."""
    tool, model = names[series]
    return _new_key(BucketKey, (tool, model, quarter >> 1, "offpeak" if quarter & 1 else "peak"))


def _merged(first: LogTally, then: LogTally) -> LogTally:
    merged = LogTally()
    for tally in (first, then):
        for key, counts in tally.counts.items():
            merged.add(key, counts, tally.audio.get(key, ZERO))
    return merged


def series_names(connection: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    return {
        series: (tool, model)
        for series, tool, model in connection.execute("SELECT id, tool, model FROM series")
    }


def _audio(text: str | None) -> Fraction:
    return Fraction(text) if text else ZERO
