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
from typing import Any, NamedTuple

from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import BucketKey, LogTally
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.index.write import add_summary

_new_key = tuple.__new__


class Copy(NamedTuple):
    """One file's copy of a request, as the cross-file rule compares copies."""

    preferred: int
    tokens: int
    rank: int  # of its file: the lower wins between equals
    series: int
    quarter: int
    counts: tuple[int, ...]  # cache hit, cache miss, cache write, output, reasoning
    audio: Fraction

    def beats(self, other: Copy) -> bool:
        return (self.preferred, self.tokens, -self.rank) > (other.preferred, other.tokens, -other.rank)


class SearchAnswer:
    """One search's part of the answer: its tally (with the tails on top), duplicates and skips."""

    def __init__(
        self, connection: sqlite3.Connection, search: int, names: dict[int, tuple[str, str]]
    ) -> None:
        self.db = connection
        self.search = search
        self.names = names
        self.tally = LogTally()
        self.duplicates = 0
        for series, quarter, *counts, audio in connection.execute(
            "SELECT series, quarter, n, hit, miss, write, output, reasoning, audio FROM tally"
            " WHERE search = ?",
            (search,),
        ):
            self._add(series, quarter, counts, Fraction(audio) if audio else ZERO)
        (crossed,) = connection.execute("SELECT crossed FROM searches WHERE id = ?", (search,)).fetchone()
        self.duplicates = crossed

    def _key(self, series: int, quarter: int) -> BucketKey:
        tool, model = self.names[series]
        return _new_key(BucketKey, (tool, model, quarter >> 1, "offpeak" if quarter & 1 else "peak"))

    def _add(self, series: int, quarter: int, counts: Sequence[int], audio: Fraction, sign: int = 1) -> None:
        self.tally.add(self._key(series, quarter), counts, audio, sign)

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
        kept: dict[int, Copy] = {}
        winner: Copy | None = None
        for file_id, rank, preferred, *counts, series, quarter, audio, counted in self.db.execute(
            "SELECT r.file, f.rank, r.preferred, r.hit, r.miss, r.write, r.output, r.reasoning, r.series,"
            " r.quarter, r.audio, r.counted FROM requests r JOIN files f ON f.id = r.file"
            " WHERE r.search = ? AND r.digest = ?",
            (self.search, digest),
        ):
            copy = Copy(preferred, sum(counts), rank, series, quarter, tuple(counts), _audio(audio))
            kept[file_id] = copy
            if counted:
                winner = copy
        before = len(kept)
        for file_id, rank, record in tails:
            counts = tuple(record[4:9])
            copy = Copy(record[3], sum(counts), rank, record[1], record[2], counts, _audio(record[9]))
            held = kept.get(file_id)
            if held is not None:
                self.duplicates += 1  # within the file
                if (copy.preferred, copy.tokens) <= (held.preferred, held.tokens):
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
                self._add(winner.series, winner.quarter, (1, *winner.counts), winner.audio, -1)
            self._add(best.series, best.quarter, (1, *best.counts), best.audio)


def series_names(connection: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    return {
        series: (tool, model)
        for series, tool, model in connection.execute("SELECT id, tool, model FROM series")
    }


def _audio(text: str | None) -> Fraction:
    return Fraction(text) if text else ZERO
