"""Answers kept: a warm run whose walk finds every file as the last run found it gives that run's answer.

A run that leaves the index holding every walked file's row of its walk, none of them racy (a run that
found every file unchanged, or one that wrote whose files were not modified just before its walk),
leaves its answer, the `ScanResult`, in the `answers` table, under the key of what it was asked
(`answer_key`: the searches' keys and the grain) with a digest of its walk (`walk_digest`: each file's
path, device, inode, size, mtime and ctime, in walk order) and the searches' generations (each write to
a search moves its generation). The next run with that key walks as always; when the walk's digest and
every generation are those kept, the index holds what it held for that walk, and the run the answer
came from would be run again to the same end: the kept answer is returned, without loading the files'
rows, comparing them or reading the tally (a warm report of 1 GB of logs spent more than half of its
time there).

What makes the answer equal to the run's is exactly what the run would compare: a file changed in any
way the run sees changes its stat, and so the digest; one the run would read again for being modified
too close to its indexing walk ("racy") keeps any answer from being left (`Run.answer_keepable`). Kept
answers are few (`KEPT`); a walk that met a file it could not stat, or anything it could not read, a
search whose files have companions (SQLite stores: their write-ahead logs), and a grain whose zone
offsets changed (`units` are kept and compared), are answered the long way.

Like the rest of the index, an answer holds no path and no message text: skips are kept by the file's
position in the walk, and given their paths from the walk that uses them.
"""

from __future__ import annotations

import json
import sqlite3
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

ANSWER_FORMAT = 1  # bump when what an answer holds, or how it is written, changes
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


def walk_digest(files: Sequence[LogFile]) -> bytes | None:
    """A digest of a walk: each file's search, path and stat (device, inode, size, mtime and ctime), in
    walk order; None when a file could not be stat'ed."""
    names: list[str] = []
    stats = array("q")
    for found in files:
        stat = found.stat
        if stat is None:
            return None
        names.append(f"{found.search}\x1f{found.path}")
        stats.extend((stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return _digest(names, stats)


def walked_digest(searches: Iterable[int], paths: Iterable[str], stats: array[int]) -> bytes:
    """`walk_digest` of a walk held a column a field (`plan.Walked`: five numbers a file in `stats`)."""
    return _digest([f"{search}\x1f{path}" for search, path in zip(searches, paths, strict=True)], stats)


def _digest(names: list[str], stats: array[int]) -> bytes:
    digest = blake2b(digest_size=16)
    digest.update("\x00".join(names).encode("utf-8", "surrogatepass"))
    digest.update(stats.tobytes())
    return digest.digest()


def generations(db: sqlite3.Connection, search_keys: Sequence[bytes]) -> list[list[int]] | None:
    """Each search's id and generation, in order; None when one is not in the index."""
    found = []
    for key in search_keys:
        row = db.execute("SELECT id, generation FROM searches WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        found.append([int(row[0]), int(row[1])])
    return found


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
        if grain is not None and document["units"] != _units(grain, result.tally):
            return None  # the zone's rules moved an offset over these days
    except Exception:  # noqa: BLE001 - a damaged answer is only a shortcut missed
        return None
    return result


def keep_answer(
    db: sqlite3.Connection,
    key: bytes,
    search_keys: Sequence[bytes],
    read_at: list[list[int]],
    digest: bytes,
    paths: Sequence[str],
    result: ScanResult,
    grain: Grain | None,
) -> None:
    """Keep `result` for `key` and the walk `digest`, unless a search was written since the run read its
    answer at `read_at` (each search's id and generation): then the next run answers the long way.
    Never raises for the database's sake: an answer not kept costs only time."""
    document = _document(result, paths)
    if document is None:
        return
    try:
        document["units"] = _units(grain, result.tally) if grain is not None else None
        blob = zlib.compress(json.dumps(document, separators=(",", ":")).encode(), 1)
    except (TypeError, ValueError):  # (a value JSON cannot hold: nothing is kept)
        return
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            if generations(db, search_keys) == read_at:
                db.execute(
                    "INSERT OR REPLACE INTO answers (key, walk, generations, made, answer)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (key, digest, json.dumps(read_at), time.time_ns(), blob),
                )
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


def _units(grain: Grain, tally: LogTally) -> Any:
    """The grain made concrete over the answer's days, as JSON holds it (lists)."""
    concrete = units(grain, days_of(key.slot for key in tally.counts))
    return json.loads(json.dumps(concrete))


def _document(result: ScanResult, paths: Sequence[str]) -> dict[str, Any] | None:
    """The answer as JSON, its skips by position in the walk (None: a skip of a file not walked)."""
    position = {path: number for number, path in enumerate(paths)}
    skips = result.skips
    try:
        skipped = [[position[s.path], s.count, list(s.lines), list(s.reasons)] for s in skips.by_file()]
        bare = [[position[s.path], s.count, list(s.lines)] for s in skips.bare_totals_by_file()]
    except KeyError:
        return None
    tally = result.tally
    buckets = [
        [key.tool, key.model, key.slot, key.window, counts, _text(tally.audio.get(key))]
        for key, counts in tally.counts.items()
    ]
    return {
        "buckets": buckets,
        "skipped": skipped,
        "bare": bare,
        "tools": [list(tool) for tool in result.tools],
        "records": result.records,
        "duplicates": result.duplicates,
        "bytes": result.bytes,
    }


def _result(document: dict[str, Any], paths: Sequence[str]) -> ScanResult:
    tally = LogTally()
    for tool, model, slot, window, counts, audio in document["buckets"]:
        key = _new(BucketKey, (tool, model, slot, window))
        tally.counts[key] = counts
        if audio is not None:
            tally.audio[key] = Fraction(audio)
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
