"""Answers kept: a warm run whose walk finds every file as the last run found it gives that run's answer.

A run that leaves the index holding every walked file's row of its walk, none of them racy (a run that
found every file unchanged, or one that wrote whose files were not modified just before its walk),
leaves its answer, the `ScanResult`, in the `answers` table, under the key of what it was asked
(`answer_key`: the searches' keys and the grain) with a digest of its walk (`WalkColumns.digest`: each
file's path, device, inode, size, mtime and ctime, in walk order) and the searches' generations (each write to
a search moves its generation). The next run with that key walks as always; when the walk's digest and
every generation are those kept, the index holds what it held for that walk, and the run the answer
came from would be run again to the same end: the kept answer is returned, without loading the files'
rows, comparing them or reading the tally (a warm report of 1 GB of logs spent more than half of its
time there).

What makes the answer equal to the run's is exactly what the run would compare: a file changed in any
way the run sees changes its stat, and so the digest; one the run would read again for being modified
too close to its indexing walk ("racy") keeps the answer from being given (`Run.kept`). Kept
answers are few (`KEPT`); a walk that met a file it could not stat, or anything it could not read, a
search whose files have companions (SQLite stores: their write-ahead logs), and a grain whose zone
offsets changed (`units` are kept and compared), are answered the long way.

An answer is also the base of the next run that finds some files changed (`Base`): kept with it are
each walked file's stat and row id, which of them were racy, and each search's tally as the index held
it at the grain (without the cut-short last lines, which are counted afresh each time). A run whose walk
finds the same files in the same order, with no other write to the searches since, loads and compares
the rows of the files whose stat moved (and of those that were racy) alone, and when its writes only
added to the tally (no bucket emptied), answers from those tallies with what it added, not from the
tally read again: a status line after each message of a session spent most of its time on the files
that had not changed. An answer kept from a walk that met racy files is such a base only (its `walk`
is empty: no walk's digest is).

Like the rest of the index, an answer holds no path and no message text: skips are kept by the file's
position in the walk, and given their paths from the walk that uses them.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import zlib
from array import array
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from tokenplan_cli.core.grain import Grain, days_of, units
from tokenplan_cli.core.usagelog import BucketKey, LogTally
from tokenplan_cli.readers.digests import blake2b
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.scanner import LogFile, ScanResult, ToolFiles
from tokenplan_cli.tuples import NamedTuple

ANSWER_FORMAT = 2  # bump when what an answer holds, or how it is written, changes
STAT_WIDTH = 5  # numbers a file in a walk's stats: device, inode, size, mtime, ctime
KEPT = 16  # answers kept, the most recently made: a status line, a watch and a few reports each have one
_new = tuple.__new__


def answer_key(search_keys: Sequence[bytes], grain: Grain | None) -> bytes:
    """What an answer answers: the searches (their keys, in order) at a grain (None: quarter hours)."""
    if grain is None:
        shape = "quarters"
    else:
        grids = ";".join(f"{zone}/{minutes}" for zone, minutes in grain.grids)
        shape = f"{grids}|{','.join(map(str, grain.cuts))}"
    text = f"{ANSWER_FORMAT}|{shape}".encode("utf-8", "surrogatepass")
    return blake2b(b"\x1f".join([text, *search_keys]), digest_size=16).digest()


class WalkColumns(NamedTuple):
    """A walk as answers compare it: a digest of each file's search and path, in walk order (`names`),
    and their stats (`stats`: `STAT_WIDTH` numbers a file)."""

    names: bytes
    stats: array[int]

    def digest(self) -> bytes:
        """A digest of the walk (a kept answer is given for a walk with the same one)."""
        digest = blake2b(self.names, digest_size=16)
        digest.update(self.stats.tobytes())
        return digest.digest()


def walk_columns(files: Sequence[LogFile]) -> WalkColumns | None:
    """The walk's columns; None when a file could not be stat'ed."""
    names: list[str] = []
    stats = array("q")
    for found in files:
        stat = found.stat
        if stat is None:
            return None
        names.append(f"{found.search}\x1f{found.path}")
        stats.extend((stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return WalkColumns(_names_digest(names), stats)


def walked_columns(searches: Iterable[int], paths: Iterable[str], stats: array[int]) -> WalkColumns:
    """`walk_columns` of a walk held a column a field (`plan.Walked`: five numbers a file in `stats`)."""
    names = [f"{search}\x1f{path}" for search, path in zip(searches, paths, strict=True)]
    return WalkColumns(_names_digest(names), stats)


def _names_digest(names: list[str]) -> bytes:
    return blake2b("\x00".join(names).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def generations(db: sqlite3.Connection, search_keys: Sequence[bytes]) -> list[list[int]] | None:
    """Each search's id and generation, in order; None when one is not in the index."""
    found = []
    for key in search_keys:
        row = db.execute("SELECT id, generation FROM searches WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        found.append([int(row[0]), int(row[1])])
    return found


class Base(NamedTuple):
    """What a run starts from when a kept answer's walk found the same files (`kept_base`)."""

    changed: list[int]  # the walk's positions of the files whose stat moved, or which were racy
    ids: array[int]  # each walked file's row id, by position
    indexed: list[LogTally]  # each search's tally as the index held it, at the answer's grain
    walk: WalkColumns  # the walk it was found for
    generations: list[list[int]]  # each search's id and write count the base holds for


class Kept(NamedTuple):
    """What a run leaves for the next (`keep_answer`)."""

    result: ScanResult
    walk: WalkColumns
    paths: Sequence[str]
    racy: list[int]  # positions of the files modified too near the walk: the next run reads them on
    indexed: list[LogTally]  # each search's tally as the index holds it, at the grain (`Base.indexed`)
    ids: array[int]  # each walked file's row id, by position


def kept_answer(
    db: sqlite3.Connection,
    key: bytes,
    search_keys: Sequence[bytes],
    digest: bytes,
    paths: Sequence[str],
    grain: Grain | None,
) -> ScanResult | None:
    """The answer kept for `key`, if it was left by a walk with this `digest` and the searches have not
    been written since (read in one snapshot); else None. `paths` are the walk's, in walk order."""
    db.execute("BEGIN")
    try:
        row = db.execute("SELECT walk, generations, answer FROM answers WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] != digest or json.loads(row[1]) != generations(db, search_keys):
            return None
    finally:
        db.execute("COMMIT")
    try:
        document = json.loads(zlib.decompress(row[2]))
        result = _result(document, paths)
        if grain is not None and document["units"] != _units(grain, _days([result.tally])):
            return None  # the zone's rules moved an offset over these days
    except Exception:  # noqa: BLE001 - a damaged answer is only a shortcut missed
        return None
    return result


def kept_base(
    db: sqlite3.Connection, key: bytes, search_keys: Sequence[bytes], walk: WalkColumns, grain: Grain | None
) -> Base | None:
    """The base kept for `key`, when its walk found the files `walk` finds, in the same order, and the
    searches have not been written since (read in one snapshot); else None."""
    db.execute("BEGIN")
    try:
        row = db.execute(
            "SELECT generations, names, stats, ids, base FROM answers WHERE key = ?", (key,)
        ).fetchone()
        if row is None or row[1] != walk.names:
            return None
        held: list[list[int]] = json.loads(row[0])
        if held != generations(db, search_keys):
            return None
    finally:
        db.execute("COMMIT")
    try:
        document = json.loads(zlib.decompress(row[4]))
        indexed = [_tally(buckets) for buckets in document["indexed"]]
        if grain is not None and document["units"] != _units(grain, _days(indexed)):
            return None  # the zone's rules moved an offset over these days
        ids = array("q", row[3])
        changed = _changed(row[2], walk.stats.tobytes(), set(document["racy"]))
    except Exception:  # noqa: BLE001 - a damaged base is only a shortcut missed
        return None
    if len(ids) * STAT_WIDTH != len(walk.stats) or not changed:
        return None
    return Base(changed, ids, indexed, walk, held)


def _changed(before: bytes, now: bytes, racy: set[int]) -> list[int]:
    """The positions whose stat differs between two walks' stats (as bytes), and the `racy` ones."""
    width = STAT_WIDTH * 8
    if len(before) != len(now):
        raise ValueError("walks of different lengths")
    if before == now:
        return sorted(racy)
    return [
        position
        for position, at in enumerate(range(0, len(now), width))
        if position in racy or before[at : at + width] != now[at : at + width]
    ]


class AnswerRow(NamedTuple):
    """A kept answer as the `answers` table holds it, made while the answer is as the run left it (what
    the caller does with the answer afterwards, such as dropping records of the future, is not kept)."""

    key: bytes
    search_keys: Sequence[bytes]  # of the searches it answers, in order
    walk: bytes
    read_at: list[list[int]]  # each search's id and generation as the run read its answer
    answer: bytes
    names: bytes
    stats: bytes
    ids: bytes
    base: bytes


def answer_row(
    key: bytes, search_keys: Sequence[bytes], read_at: list[list[int]], kept: Kept, grain: Grain | None
) -> AnswerRow | None:
    """The row that keeps `kept` for `key` (None: it cannot be kept). An answer whose walk met racy
    files is kept as a base only."""
    document = _document(kept.result, kept.paths)
    if document is None:
        return None
    days, indexed_days = _days([kept.result.tally]), _days(kept.indexed)
    try:
        document["units"] = None if grain is None else _units(grain, days)
        blob = zlib.compress(_json_bytes(document), 1)
        if grain is None or indexed_days == days:  # (the same days as the answer's, most often)
            indexed_units = document["units"]
        else:
            indexed_units = _units(grain, indexed_days)
        base = {
            "indexed": [_buckets(tally) for tally in kept.indexed],
            "units": indexed_units,
            "racy": kept.racy,
        }
        base_blob = zlib.compress(_json_bytes(base), 1)
    except (TypeError, ValueError):  # (a value JSON cannot hold: nothing is kept)
        return None
    walk = b"" if kept.racy else kept.walk.digest()
    return AnswerRow(
        key,
        search_keys,
        walk,
        read_at,
        blob,
        kept.walk.names,
        kept.walk.stats.tobytes(),
        kept.ids.tobytes(),
        base_blob,
    )


def keep_answer(db: sqlite3.Connection, row: AnswerRow) -> None:
    """Keep `row`, unless a search was written since the run read its answer (then the next run answers
    the long way). Never raises for the database's sake: an answer not kept costs only time."""
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            # (the index the run left: its rows' ids hold)
            if generations(db, row.search_keys) == row.read_at:
                db.execute(
                    "INSERT OR REPLACE INTO answers"
                    " (key, walk, generations, made, answer, names, stats, ids, base)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        row.key, row.walk, json.dumps(row.read_at), time.time_ns(), row.answer, row.names,
                        row.stats, row.ids, row.base,
                    ),
                )  # fmt: skip
                db.execute(
                    "DELETE FROM answers WHERE key NOT IN"
                    " (SELECT key FROM answers ORDER BY made DESC LIMIT ?)",
                    (KEPT,),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return  # busy, read-only, full: the next run answers the long way


def _json_bytes(value: Any) -> bytes:
    """`value` as compact JSON: by msgspec where a run imported it to read a file (a tenth of the time
    `json.dumps` takes over a tally's buckets), else by `json` (importing msgspec costs more)."""
    if "msgspec.json" in sys.modules:
        return sys.modules["msgspec.json"].encode(value)  # type: ignore[no-any-return]
    return json.dumps(value, separators=(",", ":")).encode()


def _days(tallies: Iterable[LogTally]) -> set[int]:
    return {day for tally in tallies for day in days_of(key.slot for key in tally.counts)}


def _units(grain: Grain, days: set[int]) -> Any:
    """The grain made concrete over these days, as JSON holds it (lists)."""
    return json.loads(json.dumps(units(grain, days)))


def _document(result: ScanResult, paths: Sequence[str]) -> dict[str, Any] | None:
    """The answer as JSON, its skips by position in the walk (None: a skip of a file not walked)."""
    position = {path: number for number, path in enumerate(paths)}
    skips = result.skips
    try:
        skipped = [[position[s.path], s.count, list(s.lines), list(s.reasons)] for s in skips.by_file()]
        bare = [[position[s.path], s.count, list(s.lines)] for s in skips.bare_totals_by_file()]
    except KeyError:
        return None
    return {
        "buckets": _buckets(result.tally),
        "skipped": skipped,
        "bare": bare,
        "tools": [list(tool) for tool in result.tools],
        "records": result.records,
        "duplicates": result.duplicates,
        "bytes": result.bytes,
    }


def _buckets(tally: LogTally) -> list[list[Any]]:
    return [
        [key.tool, key.model, key.slot, key.window, counts, _text(tally.audio.get(key))]
        for key, counts in tally.counts.items()
    ]


def _tally(buckets: list[list[Any]]) -> LogTally:
    tally = LogTally()
    for tool, model, slot, window, counts, audio in buckets:
        key = _new(BucketKey, (tool, model, slot, window))
        tally.counts[key] = counts
        if audio is not None:
            tally.audio[key] = Fraction(audio)
    return tally


def _result(document: dict[str, Any], paths: Sequence[str]) -> ScanResult:
    tally = _tally(document["buckets"])
    skips = Skips()
    for number, count, lines, reasons in document["skipped"]:
        skips.merge_file(paths[number], count, lines, reasons)
    for number, count, lines in document["bare"]:
        skips.merge_bare_totals(paths[number], count, lines)
    return ScanResult(
        tally=tally,
        skips=skips,
        tools=tuple(_new(ToolFiles, tuple(tool)) for tool in document["tools"]),
        records=document["records"],
        duplicates=document["duplicates"],
        bytes=document["bytes"],
    )


def _text(audio: Fraction | None) -> str | None:
    return None if audio is None else str(audio)
