"""Writing into the log index: files' old contributions out, parts in, and the counted copy of every
request touched settled again, all inside the caller's transaction.

A search's `tally` is kept equal to its files' `loose` sums plus its `requests` rows with `counted = 1`,
and exactly one copy of each digest is counted: the one the scanner's rule picks (preferred, then more
tokens, then the file ranked first). Each step keeps both: a part's keyed rows go in counted (and the
tally up by them), then the digests that have another copy in the search are settled again, which flips
`counted` on the rows that lose or win and moves the tally by exactly those rows. `searches.crossed` is
the number of rows not counted (the cross-file duplicates). Set-based SQL does the bulk; Python sees
only a file's copies that meet again within it and audio seconds (exact fractions, rare).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from tokenplan_cli.readers.logs import KEPT_LINE_NUMBERS, Skips
from tokenplan_cli.readers.logs.index.filter import DigestFilter
from tokenplan_cli.readers.logs.index.plan import Member
from tokenplan_cli.readers.logs.index.reading import DIGEST, KEPT_WIDTH, Part

KEEP_SEARCHES = 16
FILE_COLUMNS = 21  # of the files table, in the order store.TABLES declares them
COUNTS = ("n", "hit", "miss", "write", "output", "reasoning")
_ADDED = ", ".join(f"{name} = {name} + excluded.{name}" for name in COUNTS)
_UPSERT_TALLY = f"ON CONFLICT (search, series, quarter) DO UPDATE SET {_ADDED}"

TEMP_TABLES = """
CREATE TEMP TABLE IF NOT EXISTS stage_loose (
    file INTEGER, series INTEGER, quarter INTEGER,
    n INTEGER, hit INTEGER, miss INTEGER, write INTEGER, output INTEGER, reasoning INTEGER, audio TEXT);
CREATE TEMP TABLE IF NOT EXISTS stage_keyed (
    digest BLOB, file INTEGER, series INTEGER, quarter INTEGER, preferred INTEGER,
    hit INTEGER, miss INTEGER, write INTEGER, output INTEGER, reasoning INTEGER, audio TEXT,
    resumed INTEGER);
CREATE TEMP TABLE IF NOT EXISTS touched (digest BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS fresh (digest BLOB, file INTEGER);
CREATE TEMP TABLE IF NOT EXISTS gone (id INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS gone_rows (digest BLOB, file INTEGER);
CREATE TEMP TABLE IF NOT EXISTS moved (id INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS flips (digest BLOB, file INTEGER, counted INTEGER)
"""


class Writer:
    """The index's writes for one search, inside a transaction the caller holds."""

    def __init__(
        self, connection: sqlite3.Connection, search: int, seen: int, seen_digests: DigestFilter | None = None
    ) -> None:
        self.db = connection
        self.search = search
        self.seen = seen  # when this run's walk began
        # Every digest of the search, when this run has written all it holds (a cold build): the copies
        # that may meet another are found in it, without asking the database of each.
        self.seen_digests = seen_digests
        self.series: dict[tuple[str, str], int] = {}
        self.sums: dict[tuple[int, int], list[int]] = {}  # (series, quarter) -> six counts to add
        self.sums_audio: dict[tuple[int, int], Fraction] = {}
        for statement in TEMP_TABLES.split(";"):
            connection.execute(statement)

    # -- files out ------------------------------------------------------------------------------

    def remove(self, file_ids: Iterable[int]) -> None:
        """Take files' contributions out exactly and forget them."""
        db, search = self.db, self.search
        db.execute("DELETE FROM gone")
        db.executemany("INSERT OR IGNORE INTO gone VALUES (?)", ((i,) for i in file_ids))
        self._rows_of_files("gone")
        loose = "FROM loose WHERE file IN (SELECT id FROM gone)"
        self._tally_from(f"SELECT series, quarter, {_negated_sums()} {loose} GROUP BY series, quarter")
        self._audio_from(f"SELECT series, quarter, audio, -1 {loose} AND audio IS NOT NULL")
        rows = "FROM requests r JOIN gone_rows g ON r.search = ? AND r.digest = g.digest AND r.file = g.file"
        counted = f"{rows} WHERE r.counted = 1"
        self._tally_from(
            f"SELECT r.series, r.quarter, {_negated_sums('-count(*)', 'r.')} {counted}"
            " GROUP BY r.series, r.quarter",
            (search,),
        )
        self._audio_from(
            f"SELECT r.series, r.quarter, r.audio, -1 {counted} AND r.audio IS NOT NULL", (search,)
        )
        db.execute(
            f"UPDATE searches SET crossed = crossed - (SELECT count(*) {rows} WHERE r.counted = 0)"
            " WHERE id = ?",
            (search, search),
        )
        db.execute("INSERT OR IGNORE INTO touched SELECT digest FROM gone_rows")
        db.execute(
            "DELETE FROM requests WHERE search = ?"
            " AND (digest, file) IN (SELECT digest, file FROM gone_rows)",
            (search,),
        )
        db.execute("DELETE FROM loose WHERE file IN (SELECT id FROM gone)")
        db.execute("DELETE FROM files WHERE id IN (SELECT id FROM gone)")

    def _rows_of_files(self, table: str) -> None:
        """`gone_rows`: (digest, file) of every request row of the files listed in `table`."""
        self.db.execute("DELETE FROM gone_rows")
        for file_id, digests in self.db.execute(
            f"SELECT id, digests FROM files WHERE id IN (SELECT id FROM {table})"
        ).fetchall():
            self.db.executemany(
                "INSERT INTO gone_rows VALUES (?, ?)",
                ((digests[at : at + DIGEST], file_id) for at in range(0, len(digests), DIGEST)),
            )

    # -- parts in -------------------------------------------------------------------------------

    def add_files(self, parts: Sequence[tuple[Member, Part, int]]) -> None:
        """New files rows for parts read from the start (member, part, rank), their rows straight in (no
        copy of theirs can be in the index), the tally moved by the sums the workers made, and only the
        digests that may meet another copy settled (`seen_digests`, else those the database holds for
        another file). One statement a table for all of them: a cold build writes thousands of files."""
        if not parts:
            return
        (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM files").fetchone()
        files, loose, requests, met, fresh = [], [], [], [], []
        for file_id, (member, part, rank) in enumerate(parts, last + 1):
            files.append(self._file_row(file_id, member, part, rank))
            digests = self._rows_of(file_id, part, loose, requests)
            if self.seen_digests is not None:
                met += [(digests[at],) for at in self.seen_digests.met(part.digests, DIGEST)]
            else:
                fresh += [(digest, file_id) for digest in digests]
        self.db.executemany(f"INSERT INTO files VALUES ({', '.join('?' * FILE_COLUMNS)})", files)
        self.db.executemany("INSERT INTO loose VALUES (?,?,?,?,?,?,?,?,?,?)", loose)
        self.db.executemany("INSERT INTO requests VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)", requests)
        self.db.executemany("INSERT OR IGNORE INTO touched VALUES (?)", met)
        self.db.executemany("INSERT INTO fresh VALUES (?, ?)", fresh)

    def _file_row(self, file_id: int, member: Member, part: Part, rank: int) -> tuple[Any, ...]:
        stat = member.log_file.stat
        assert stat is not None
        return (
            file_id, self.search, member.path, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns,
            stat.st_ctime_ns, self.seen, member.companions, part.end[0], part.end[1], _json(part.end[2]),
            part.head, part.last, rank, part.within, _skips_json(part.skips), self._tail_json(part), 1,
            part.digests,
        )  # fmt: skip

    def _rows_of(self, file_id: int, part: Part, loose: list[Any], requests: list[Any]) -> list[bytes]:
        """A fresh part's `loose` and `requests` rows, and its sums for the tally; its digests."""
        series, quarters = self._buckets(part)
        loose += [
            (file_id, series[b], quarters[b], *counts, _fraction_text(part.loose_audio.get(b)))
            for b, counts in part.loose.items()
        ]
        for sums, audio in ((part.loose, part.loose_audio), (part.keyed_sums, part.keyed_sums_audio)):
            for b, counts in sums.items():
                self._add_sums((series[b], quarters[b]), counts, audio.get(b))
        digests = [part.digests[at : at + DIGEST] for at in range(0, len(part.digests), DIGEST)]
        fields = iter(part.kept)
        kept = zip(
            fields, fields, fields, fields, fields, fields, fields, strict=True
        )  # KEPT_WIDTH at a time
        audio = part.keyed_audio
        search = self.search
        requests += [
            (search, digest, file_id, series[bucket], quarters[bucket], preferred, hit, miss, write, output,
             reasoning, _fraction_text(audio.get(n)) if audio else None)
            for n, (digest, (bucket, preferred, hit, miss, write, output, reasoning)) in enumerate(
                zip(digests, kept, strict=True)
            )
        ]  # fmt: skip
        return digests

    def _buckets(self, part: Part) -> tuple[list[int], list[int]]:
        """The series and quarter of each bucket of a part's table."""
        series = [self._series(tool, model) for tool, model, _, _ in part.buckets]
        quarters = [_quarter(slot, window) for _, _, slot, window in part.buckets]
        return series, quarters

    def _add_sums(self, cell: tuple[int, int], counts: Sequence[int], audio: Fraction | None) -> None:
        totals = self.sums.get(cell)
        if totals is None:
            self.sums[cell] = list(counts)
        else:
            for kind, value in enumerate(counts):
                totals[kind] += value
        if audio:
            self.sums_audio[cell] = self.sums_audio.get(cell, Fraction(0)) + audio

    def extend_file(self, member: Member, part: Part) -> None:
        """A files row read on from its offset: its new end, and the part's requests."""
        stat, companions, row = member.log_file.stat, member.companions, member.row
        assert stat is not None and row is not None
        file_id, old_skips = row.id, row.skips
        skips = merged_skips(json.loads(old_skips) if old_skips else None, _skips_list(part.skips))
        self.db.execute(
            "UPDATE files SET size = ?, mtime = ?, ctime = ?, seen = ?, companions = ?, offset = ?,"
            " line = ?, state = ?, head = ?, last = ?, within = within + ?, skips = ?, tail = ?,"
            " version = version + 1 WHERE id = ?",
            (
                stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, self.seen, companions, part.end[0],
                part.end[1],
                _json(part.end[2]), part.head, part.last, part.within, _json(skips),
                self._tail_json(part), file_id,
            ),
        )  # fmt: skip
        self._stage(file_id, part, resumed=True)

    def set_ranks(self, ranks: Sequence[tuple[int, int]]) -> None:
        """New ranks (file id, rank) of files already indexed; their copies are settled again."""
        self.db.executemany("UPDATE files SET rank = ? WHERE id = ?", ((rank, i) for i, rank in ranks))
        self.db.execute("DELETE FROM moved")
        self.db.executemany("INSERT OR IGNORE INTO moved VALUES (?)", ((i,) for i, _ in ranks))
        self._rows_of_files("moved")
        self.db.execute("INSERT OR IGNORE INTO touched SELECT digest FROM gone_rows")

    def _stage(self, file_id: int, part: Part, *, resumed: bool) -> None:
        series, quarters = self._buckets(part)
        self.db.executemany(
            "INSERT INTO stage_loose VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                (file_id, series[b], quarters[b], *counts, _fraction_text(part.loose_audio.get(b)))
                for b, counts in part.loose.items()
            ),
        )
        kept, digests = part.kept, part.digests
        self.db.executemany(
            "INSERT INTO stage_keyed VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    digests[n * DIGEST : (n + 1) * DIGEST], file_id, series[kept[at]], quarters[kept[at]],
                    *kept[at + 1 : at + KEPT_WIDTH], _fraction_text(part.keyed_audio.get(n)), resumed,
                )
                for n, at in enumerate(range(0, len(kept), KEPT_WIDTH))
            ),
        )  # fmt: skip

    def flush(self) -> None:
        """Move what was staged into the index and settle every digest touched since the last flush."""
        db, search = self.db, self.search
        db.execute(
            "INSERT INTO loose SELECT file, series, quarter, n, hit, miss, write, output, reasoning, audio"
            f" FROM stage_loose WHERE true ON CONFLICT (file, series, quarter) DO UPDATE SET {_ADDED},"
            " audio = fraction_add(audio, excluded.audio)"
        )
        self._tally_from(f"SELECT series, quarter, {_sums()} FROM stage_loose GROUP BY series, quarter")
        self._audio_from("SELECT series, quarter, audio, 1 FROM stage_loose WHERE audio IS NOT NULL")
        self._settle_within_files()
        self._note_new_digests()
        db.execute(
            "INSERT INTO requests SELECT ?, digest, file, series, quarter, preferred, hit, miss, write,"
            " output, reasoning, audio, 1 FROM stage_keyed",
            (search,),
        )
        if self.sums:
            db.executemany(
                f"INSERT INTO tally VALUES (?,?,?,?,?,?,?,?,?,?) {_UPSERT_TALLY},"
                " audio = fraction_add(audio, excluded.audio)",
                (
                    (search, *cell, *counts, _fraction_text(self.sums_audio.get(cell)))
                    for cell, counts in self.sums.items()
                ),
            )
            self.sums, self.sums_audio = {}, {}
        db.execute(
            "INSERT OR IGNORE INTO touched SELECT f.digest FROM fresh f WHERE EXISTS (SELECT 1 FROM"
            " requests r WHERE r.search = ? AND r.digest = f.digest AND r.file != f.file)",
            (search,),
        )
        db.execute("DELETE FROM fresh")
        keyed_sums = "count(*), sum(hit), sum(miss), sum(write), sum(output), sum(reasoning)"
        self._tally_from(f"SELECT series, quarter, {keyed_sums} FROM stage_keyed GROUP BY series, quarter")
        self._audio_from("SELECT series, quarter, audio, 1 FROM stage_keyed WHERE audio IS NOT NULL")
        db.execute(
            "INSERT OR IGNORE INTO touched SELECT k.digest FROM stage_keyed k WHERE EXISTS (SELECT 1 FROM"
            " requests r WHERE r.search = ? AND r.digest = k.digest AND r.file != k.file)",
            (search,),
        )
        db.execute("DELETE FROM stage_loose")
        db.execute("DELETE FROM stage_keyed")
        self.settle()
        db.execute("UPDATE searches SET generation = generation + 1 WHERE id = ?", (search,))

    def generation(self) -> int:
        """How many writes the search has had (by any process)."""
        found = self.db.execute("SELECT generation FROM searches WHERE id = ?", (self.search,)).fetchone()
        return int(found[0])

    def touch_every_copy(self) -> None:
        """Settle, at the next flush, every digest the search holds more than one copy of."""
        self.db.execute(
            "INSERT OR IGNORE INTO touched SELECT digest FROM requests WHERE search = ?"
            " GROUP BY digest HAVING count(*) > 1",
            (self.search,),
        )

    def _note_new_digests(self) -> None:
        """Add to each resumed file's list of digests those of its rows about to go in."""
        added: dict[int, list[bytes]] = {}
        for file_id, digest in self.db.execute("SELECT file, digest FROM stage_keyed WHERE resumed"):
            added.setdefault(file_id, []).append(digest)
        for file_id, digests in added.items():  # (SQL's || would make the bytes text)
            (held,) = self.db.execute("SELECT digests FROM files WHERE id = ?", (file_id,)).fetchone()
            self.db.execute("UPDATE files SET digests = ? WHERE id = ?", (held + b"".join(digests), file_id))

    def _settle_within_files(self) -> None:
        """A resumed file's copies of requests it already held: the scanner's rule keeps the better one
        (the first read between equals); the other is dropped, as a duplicate within the file."""
        db, search = self.db, self.search
        meetings = db.execute(
            "SELECT k.rowid, k.digest, k.file, k.series, k.quarter, k.preferred, k.hit, k.miss, k.write,"
            " k.output, k.reasoning, k.audio, r.preferred, r.hit + r.miss + r.write + r.output +"
            " r.reasoning, r.counted, r.series, r.quarter, r.hit, r.miss, r.write, r.output, r.reasoning,"
            " r.audio FROM stage_keyed k JOIN requests r ON r.search = ? AND r.digest = k.digest AND"
            " r.file = k.file WHERE k.resumed",
            (search,),
        ).fetchall()
        within: dict[int, int] = {}
        for row in meetings:
            stage_row, digest, file_id = row[0], row[1], row[2]
            new_counts = row[6:11]
            within[file_id] = within.get(file_id, 0) + 1
            if (row[5], sum(new_counts)) > (row[12], row[13]):  # the new copy is better
                if row[14]:
                    old = row[15:23]
                    self._tally_add(old[0], old[1], (-1, *(-v for v in old[2:7])), _negated(old[7]))
                    db.execute("UPDATE searches SET crossed = crossed + 1 WHERE id = ?", (search,))
                db.execute(
                    "UPDATE requests SET series = ?, quarter = ?, preferred = ?, hit = ?, miss = ?,"
                    " write = ?, output = ?, reasoning = ?, audio = ?, counted = 0"
                    " WHERE search = ? AND digest = ? AND file = ?",
                    (*row[3:12], search, digest, file_id),
                )
                db.execute("INSERT OR IGNORE INTO touched VALUES (?)", (digest,))
            db.execute("DELETE FROM stage_keyed WHERE rowid = ?", (stage_row,))
        db.executemany(
            "UPDATE files SET within = within + ? WHERE id = ?", ((n, f) for f, n in within.items())
        )

    def settle(self) -> None:
        """For every touched digest, count the copy the scanner's rule picks and no other."""
        db, search = self.db, self.search
        db.execute("DELETE FROM flips")
        db.execute(
            "INSERT INTO flips SELECT digest, file, counted FROM (SELECT r.digest, r.file, r.counted,"
            " row_number() OVER (PARTITION BY r.digest ORDER BY r.preferred DESC,"
            " r.hit + r.miss + r.write + r.output + r.reasoning DESC, f.rank) AS place"
            " FROM touched t JOIN requests r ON r.search = ? AND r.digest = t.digest"
            " JOIN files f ON f.id = r.file) WHERE (place = 1) != (counted = 1)",
            (search,),
        )
        flipped = "FROM flips l JOIN requests r ON r.search = ? AND r.digest = l.digest AND r.file = l.file"
        sign = "(1 - 2 * l.counted)"
        sums = ", ".join([f"sum({sign})", *(f"sum({sign} * r.{name})" for name in COUNTS[1:])])
        self._tally_from(
            f"SELECT r.series, r.quarter, {sums} {flipped} WHERE true GROUP BY r.series, r.quarter",
            (search,),
        )
        self._audio_from(
            f"SELECT r.series, r.quarter, r.audio, {sign} {flipped} WHERE r.audio IS NOT NULL", (search,)
        )
        db.execute(
            "UPDATE requests SET counted = 1 - counted WHERE search = ? AND (digest, file) IN"
            " (SELECT digest, file FROM flips)",
            (search,),
        )
        db.execute(
            "UPDATE searches SET crossed = crossed + (SELECT coalesce(sum(2 * counted - 1), 0) FROM flips)"
            " WHERE id = ?",
            (search,),
        )
        db.execute("DELETE FROM touched")
        db.execute("DELETE FROM tally WHERE search = ? AND n = 0", (search,))

    # -- the tally ------------------------------------------------------------------------------

    def _tally_from(self, select: str, parameters: Sequence[Any] = ()) -> None:
        """Add the rows of `select` (series, quarter, six counts) to the search's tally."""
        self.db.execute(
            f"INSERT INTO tally (search, series, quarter, {', '.join(COUNTS)})"
            f" SELECT {self.search}, * FROM ({select}) WHERE true {_UPSERT_TALLY}",
            parameters,
        )

    def _audio_from(self, select: str, parameters: Sequence[Any] = ()) -> None:
        """Add the audio seconds of `select`'s rows (series, quarter, audio, sign) to the tally's."""
        moved: dict[tuple[int, int], Fraction] = {}
        for series, quarter, audio, sign in self.db.execute(select, parameters):
            moved[(series, quarter)] = moved.get((series, quarter), Fraction(0)) + sign * Fraction(audio)
        for (series, quarter), seconds in moved.items():
            self._tally_add(series, quarter, (0, 0, 0, 0, 0, 0), seconds)

    def _tally_add(self, series: int, quarter: int, counts: Sequence[int], audio: Fraction | None) -> None:
        self.db.execute(
            f"INSERT INTO tally VALUES (?,?,?,?,?,?,?,?,?,?) {_UPSERT_TALLY},"
            " audio = fraction_add(audio, excluded.audio)",
            (self.search, series, quarter, *counts, _fraction_text(audio)),
        )

    def _series(self, tool: str, model: str) -> int:
        found = self.series.get((tool, model))
        if found is None:
            self.db.execute("INSERT OR IGNORE INTO series (tool, model) VALUES (?, ?)", (tool, model))
            (found,) = self.db.execute(
                "SELECT id FROM series WHERE tool = ? AND model = ?", (tool, model)
            ).fetchone()
            self.series[(tool, model)] = found
        return found

    def _tail_json(self, part: Part) -> str | None:
        """The cut-short last line's records (by series and quarter) and skips, or None."""
        if not part.tail and part.tail_skips is None:
            return None
        records = [
            [
                None if r.digest is None else r.digest.hex(),
                self._series(*part.buckets[r.bucket][:2]),
                _quarter(*part.buckets[r.bucket][2:]),
                int(r.preferred),
                *r.counts,
                _fraction_text(r.audio),
            ]
            for r in part.tail
        ]
        return json.dumps([records, _skips_list(part.tail_skips)])


def search_id(connection: sqlite3.Connection, key: bytes, tool: str, used: int) -> int:
    """The id of the search with `key` (made, and the least recently used beyond KEEP_SEARCHES
    forgotten, when new); its last use set to `used`."""
    found = connection.execute("SELECT id FROM searches WHERE key = ?", (key,)).fetchone()
    if found is not None:
        connection.execute("UPDATE searches SET used = ? WHERE id = ?", (used, found[0]))
        return int(found[0])
    cursor = connection.execute("INSERT INTO searches (key, tool, used) VALUES (?, ?, ?)", (key, tool, used))
    for (old,) in connection.execute(
        "SELECT id FROM searches ORDER BY used DESC LIMIT -1 OFFSET ?", (KEEP_SEARCHES,)
    ).fetchall():
        forget_search(connection, old)
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def forget_search(connection: sqlite3.Connection, search: int) -> None:
    connection.execute("DELETE FROM loose WHERE file IN (SELECT id FROM files WHERE search = ?)", (search,))
    connection.execute("DELETE FROM requests WHERE search = ?", (search,))
    connection.execute("DELETE FROM tally WHERE search = ?", (search,))
    connection.execute("DELETE FROM files WHERE search = ?", (search,))
    connection.execute("DELETE FROM searches WHERE id = ?", (search,))


def register_functions(connection: sqlite3.Connection) -> None:
    connection.create_function("fraction_add", 2, fraction_add, deterministic=True)


def fraction_add(a: str | None, b: str | None) -> str | None:
    """Exact audio seconds: `a + b` of two fractions written as text (None: nothing)."""
    if a is None or b is None:
        return a if b is None else b
    return _fraction_text(Fraction(a) + Fraction(b))


def _fraction_text(value: Fraction | None) -> str | None:
    return None if not value else str(value)


def _negated(text: str | None) -> Fraction | None:
    return None if text is None else -Fraction(text)


def _quarter(slot: int, window: str) -> int:
    """A bucket's quarter hour and window in one integer."""
    return slot * 2 + (window == "offpeak")


def _sums() -> str:
    return ", ".join(f"sum({name})" for name in COUNTS)


def _negated_sums(requests: str = "-sum(n)", table: str = "") -> str:
    """The six counts summed and negated (`requests`: how the first is, for rows that are requests)."""
    return ", ".join([requests, *(f"-sum({table}{name})" for name in COUNTS[1:])])


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _skips_list(skips: Skips | None) -> list[Any] | None:
    """A file's skips and lines booked from a bare total, as [count, lines, reasons, bare totals, their
    lines] (a reader reports them under the file's own path), or None when there are none."""
    if skips is None or not skips.any():
        return None
    summary = [0, [], [], 0, []]
    for entry in skips.by_file():
        summary = merged_skips(summary, [entry.count, list(entry.lines), list(entry.reasons), 0, []])
    for entry in skips.bare_totals_by_file():
        summary = merged_skips(summary, [0, [], [], entry.count, list(entry.lines)])
    return summary


def merged_skips(first: list[Any] | None, then: list[Any] | None) -> list[Any] | None:
    """Two summaries of one file (`_skips_list`), `then` read after `first` (as `Skips.merge`)."""
    if first is None or then is None:
        return first if then is None else then
    return [
        first[0] + then[0],
        [*first[1], *then[1]][:KEPT_LINE_NUMBERS],
        [*first[2], *(reason for reason in then[2] if reason not in first[2])],
        first[3] + then[3],
        [*first[4], *then[4]][:KEPT_LINE_NUMBERS],
    ]


def add_summary(skips: Skips, path: str, summary: Sequence[Any] | None) -> None:
    """Fold a stored summary (`_skips_list`) into `skips`, under the path the file was found at."""
    if summary is None:
        return
    count, lines, reasons, bare, bare_lines = summary
    if count:
        skips.merge_file(path, count, lines, reasons)
    if bare:
        skips.merge_bare_totals(path, bare, bare_lines)


def _skips_json(skips: Skips | None) -> str | None:
    return _json(_skips_list(skips))
