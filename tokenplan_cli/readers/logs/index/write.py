"""Writing into the log index: files' old contributions out, parts in, and the counted copy of every
request touched settled again, all inside the caller's transaction.

A search's `tally` is kept equal to its files' `loose` sums plus the copies marked counted (`COPIES`),
and exactly one copy of each digest is counted: the one the scanner's rule picks (preferred, then more
tokens, then the file ranked first). Each step keeps both: a new copy goes in counted (the tally up by
it), then the digests that may have another copy in the search are settled again, which flips `counted`
on the copies that lose or win and moves the tally by exactly those. `searches.crossed` is the number of
copies not counted (the cross-file duplicates). A copy's counts are in its file's blobs (`copies.py`);
they are read only for the digests settled. The tally's moves are summed here and written once a flush.

A search's copies are in two tables of one layout (`COPIES`). A digest is random, so copies inserted
into a large table land on most of its pages: 10 MB appended at 1 GB of logs wrote 126 of its 127 pages
(2 MB) into the log at every commit, and copied them back at the checkpoint. A cold build fills
`copies`, in large sorted batches, where that cannot be helped; every later run adds to `fresh_copies`,
a few pages, which is moved into `copies` once it holds `FRESH_ROWS`. A copy is in one of them, never
both, so every read and every change looks in the two (a cold build's settling in `copies` alone, which
holds all of its copies: `_tables`).
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any

from tokenplan_cli.readers.logs import KEPT_LINE_NUMBERS, Skips
from tokenplan_cli.readers.logs.index.copies import DIGEST, WIDTH, Copy, FileCopies, audio_blob, load
from tokenplan_cli.readers.logs.index.filter import DigestFilter
from tokenplan_cli.readers.logs.index.plan import Member
from tokenplan_cli.readers.logs.index.reading import Part
from tokenplan_cli.readers.logs.index.store import CHUNK, chunked

KEEP_SEARCHES = 16
FILE_COLUMNS = 24  # of the files table, in the order store.TABLES declares them
COUNTS = ("n", "hit", "miss", "write", "output", "reasoning")
_ADDED = ", ".join(f"{name} = {name} + excluded.{name}" for name in COUNTS)
_UPSERT_TALLY = f"ON CONFLICT (search, series, quarter) DO UPDATE SET {_ADDED}"
_UPSERT_LOOSE = f"ON CONFLICT (file, series, quarter) DO UPDATE SET {_ADDED}"
# (the function only where there is audio to add: a call into Python a row costs more than the row)
_ADD_AUDIO = (
    "audio = CASE WHEN excluded.audio IS NULL THEN audio ELSE fraction_add(audio, excluded.audio) END"
)
FILE_BLOBS = "digests, kept, buckets, kept_audio, rank"
COPIES = ("copies", "fresh_copies")  # the large table a cold build fills, and the one later runs add to
FRESH_ROWS = 8192  # copies in `fresh_copies` (of a search) that are moved into `copies` at a flush
SETTLED = 1000  # digests settled with one reading of their files' blobs
ZERO = Fraction(0)

TEMP_TABLES = """
CREATE TEMP TABLE IF NOT EXISTS probe (digest BLOB, file INTEGER, position INTEGER);
CREATE TEMP TABLE IF NOT EXISTS gone (id INTEGER PRIMARY KEY)
"""

Cell = tuple[int, int]  # (series, quarter): a bucket of the tally


class Writer:
    """The index's writes for one search, inside a transaction the caller holds; `flush` ends a batch."""

    def __init__(
        self, connection: sqlite3.Connection, search: int, seen: int, seen_digests: DigestFilter | None = None
    ) -> None:
        self.db = connection
        self.search = search
        self.seen = seen  # when this run's walk began
        # Every digest of the search, while this run has written all it holds (a cold build): the copies
        # that may meet another are found in it, without asking the database of each.
        self.seen_digests = seen_digests
        self.series: dict[tuple[str, str], int] = {}
        self.delta: dict[Cell, list[int]] = {}  # what the tally moves by: six counts a cell
        self.delta_audio: dict[Cell, Fraction] = {}
        self.crossed = 0
        self.touched: set[bytes] = set()  # digests to settle
        self.unsure: list[tuple[bytes, int]] = []  # new copies (digest, file) to look for elsewhere
        self.files: dict[int, FileCopies] = {}  # files whose copies were read this batch
        # New copies (of new files, and those appended to files indexed), inserted together when the
        # copies are next read or at the flush: a batch's copies meet pages all over their table, and
        # the fewer the insertions, the fewer pages written.
        self.pending_digests = bytearray()
        self.pending_files = array("q")
        self.added_fresh = False  # whether copies went into `fresh_copies` since the last flush
        # Told what the tally moves by at each flush (`run.Moves`: a run from a base answers with them).
        self.on_moves: Callable[[dict[Cell, list[int]], dict[Cell, Fraction]], None] | None = None
        for statement in TEMP_TABLES.split(";"):
            connection.execute(statement)

    # -- files out ------------------------------------------------------------------------------

    def remove(self, file_ids: Iterable[int]) -> None:
        """Take files' contributions out exactly and forget them."""
        ids = list(dict.fromkeys(file_ids))
        if not ids:
            return
        self._insert_pending()
        db, search = self.db, self.search
        db.execute("DELETE FROM gone")
        db.executemany("INSERT INTO gone VALUES (?)", ((i,) for i in ids))
        for series, quarter, *counts, audio in db.execute(
            "SELECT series, quarter, n, hit, miss, write, output, reasoning, audio FROM loose"
            " WHERE file IN (SELECT id FROM gone)"
        ).fetchall():
            self._move((series, quarter), counts, _audio(audio), -1)
        for file_id in ids:
            self.files.pop(file_id, None)
        held = self._file_copies(ids)
        self._probe(
            (
                (digest, file_id, at)
                for file_id in ids
                for at, digest in enumerate(held[file_id].each_digest())
            )
        )
        for digest, file_id, at, counted in db.execute(
            *in_both(
                "SELECT p.digest, p.file, p.position, c.counted FROM probe p JOIN {table} c"
                " ON c.search = ? AND c.digest = p.digest AND c.file = p.file",
                (search,),
            )
        ).fetchall():
            if counted:
                self._count(held[file_id].copy(at), -1)
            else:
                self.crossed -= 1
            self.touched.add(digest)
        for table in COPIES:
            db.execute(
                f"DELETE FROM {table} WHERE search = ?"
                " AND (digest, file) IN (SELECT digest, file FROM probe)",
                (search,),
            )
        db.execute("DELETE FROM loose WHERE file IN (SELECT id FROM gone)")
        db.execute("DELETE FROM files WHERE id IN (SELECT id FROM gone)")
        for file_id in ids:
            self.files.pop(file_id, None)

    # -- parts in -------------------------------------------------------------------------------

    def add_files(self, parts: Sequence[tuple[Member, Part, int]]) -> None:
        """New files rows for parts read from the start (member, part, rank): their copies straight in
        (no copy of theirs can be in the index), the tally moved by the sums the workers made, and only
        the digests that may meet another copy settled (`seen_digests`, else those the database holds
        for another file). One statement a table for all of them: a cold build writes thousands."""
        if not parts:
            return
        (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM files").fetchone()
        files, loose = [], []
        for file_id, (member, part, rank) in enumerate(parts, last + 1):
            cells = self._cells(part)
            files.append(self._file_row(file_id, member, part, rank, cells))
            loose += [
                (file_id, *cells[b], *counts, _fraction_text(part.loose_audio.get(b)))
                for b, counts in part.loose.items()
            ]
            self._move_by(cells, part.loose, part.loose_audio)
            self._move_by(cells, part.keyed_sums, part.keyed_sums_audio)
            digests = part.digests
            self.pending_digests += digests
            self.pending_files.extend([file_id] * (len(digests) // DIGEST))
            if self.seen_digests is not None:
                self.touched.update(
                    digests[at * DIGEST : (at + 1) * DIGEST] for at in self.seen_digests.met(digests, DIGEST)
                )
            else:
                self.unsure += [(digests[at : at + DIGEST], file_id) for at in range(0, len(digests), DIGEST)]
        self.db.executemany(f"INSERT INTO files VALUES ({', '.join('?' * FILE_COLUMNS)})", files)
        self.db.executemany("INSERT INTO loose VALUES (?,?,?,?,?,?,?,?,?,?)", loose)

    def _insert_pending(self) -> None:
        """The new copies in, counted, in one statement: into `copies` for a cold build, else into
        `fresh_copies` (see the module's docstring)."""
        if not self.pending_files:
            return
        table = COPIES[0] if self.seen_digests is not None else COPIES[1]  # (see `_tables`)
        insert_copies(self.db, self.search, bytes(self.pending_digests), self.pending_files, table)
        self.pending_digests, self.pending_files = bytearray(), array("q")
        self.added_fresh = self.added_fresh or table == COPIES[1]

    def _move_fresh(self) -> None:
        """`fresh_copies` into `copies` once it holds `FRESH_ROWS` of the search's copies (in key order:
        the large table's pages are met once each)."""
        if not self.added_fresh:
            return
        self.added_fresh = False
        db, search, (large, fresh) = self.db, self.search, COPIES
        held = db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {fresh} WHERE search = ? LIMIT ?)", (search, FRESH_ROWS)
        ).fetchone()[0]
        if held < FRESH_ROWS:
            return
        db.execute(
            f"INSERT INTO {large} SELECT * FROM {fresh} WHERE search = ? ORDER BY digest, file", (search,)
        )
        db.execute(f"DELETE FROM {fresh} WHERE search = ?", (search,))

    def _file_row(
        self, file_id: int, member: Member, part: Part, rank: int, cells: list[Cell]
    ) -> tuple[Any, ...]:
        stat = member.stat
        assert stat is not None
        buckets = array("q", (value for cell in cells for value in cell)).tobytes()
        return (
            file_id, self.search, member.digest, *stat, self.seen, member.companions, part.end[0],
            part.end[1], _json(part.end[2]),
            part.head, part.last, rank, part.within, _skips_json(part.skips), self._tail_json(part), 1,
            part.digests, part.kept.tobytes(), buckets, audio_blob(part.keyed_audio),
        )  # fmt: skip

    def extend_file(self, member: Member, part: Part) -> None:
        """A file read on from its offset: its new end, and the part's requests, each met with the copy
        of it the file already kept (the better one stays, the first read between equals)."""
        stat, row = member.stat, member.row
        assert stat is not None and row is not None
        file_id, search = row.id, self.search
        held = self._file_copies([file_id])[file_id]
        cells = self._cells(part)
        self.db.executemany(
            f"INSERT INTO loose VALUES (?,?,?,?,?,?,?,?,?,?) {_UPSERT_LOOSE}, {_ADD_AUDIO}",
            (
                (file_id, *cells[b], *counts, _fraction_text(part.loose_audio.get(b)))
                for b, counts in part.loose.items()
            ),
        )
        self._move_by(cells, part.loose, part.loose_audio)
        # Every copy of the part counted, as most are new to the file (summed by the worker, bucket by
        # bucket); those the file held already are taken back out below, one by one.
        self._move_by(cells, part.keyed_sums, part.keyed_sums_audio)
        within = 0
        fields = iter(part.kept)
        for n, (bucket, preferred, *counts) in enumerate(zip(*[fields] * WIDTH, strict=True)):
            digest = part.digests[n * DIGEST : (n + 1) * DIGEST]
            cell = cells[bucket]
            audio = part.keyed_audio.get(n, ZERO)
            kept = (held.bucket_of(cell), preferred, *counts)
            position = held.position(digest)
            if position is None:
                held.append(digest, kept, audio)
                self.pending_digests += digest
                self.pending_files.append(file_id)
                if self.seen_digests is not None:
                    if any(True for _ in self.seen_digests.met(digest, DIGEST)):
                        self.touched.add(digest)
                else:
                    self.unsure.append((digest, file_id))
                continue
            within += 1  # met again within the file
            copy = Copy(preferred, sum(counts), held.rank, cell, tuple(counts), audio)
            self._count(copy, -1)  # (not new: counted above)
            if not copy.better_within(held.copy(position)):
                continue
            (counted,) = self.db.execute(
                *in_both(
                    "SELECT counted FROM {table} WHERE search = ? AND digest = ? AND file = ?",
                    (search, digest, file_id),
                )
            ).fetchone()
            if counted:
                self._count(held.copy(position), -1)
                for table in COPIES:
                    self.db.execute(
                        f"UPDATE {table} SET counted = 0 WHERE search = ? AND digest = ? AND file = ?",
                        (search, digest, file_id),
                    )
                self.crossed += 1
            held.replace(position, kept, audio)
            self.touched.add(digest)
        skips = merged_skips(json.loads(row.skips) if row.skips else None, _skips_list(part.skips))
        self.db.execute(
            "UPDATE files SET size = ?, mtime = ?, ctime = ?, seen = ?, companions = ?, offset = ?,"
            " line = ?, state = ?, head = ?, last = ?, within = within + ?, skips = ?, tail = ?,"
            " version = version + 1, digests = ?, kept = ?, buckets = ?, kept_audio = ? WHERE id = ?",
            (
                stat.size, stat.mtime, stat.ctime, self.seen, member.companions, part.end[0],
                part.end[1], _json(part.end[2]), part.head, part.last, part.within + within, _json(skips),
                self._tail_json(part), *held.blobs(), file_id,
            ),
        )  # fmt: skip

    def set_ranks(self, ranks: Sequence[tuple[int, int]]) -> None:
        """New ranks (file id, rank) of files already indexed; their copies are settled again."""
        self.db.executemany("UPDATE files SET rank = ? WHERE id = ?", ((rank, i) for i, rank in ranks))
        for file_id, _ in ranks:
            self.files.pop(file_id, None)
        for held in self._file_copies([file_id for file_id, _ in ranks]).values():
            self.touched.update(held.each_digest())

    def touch_every_copy(self) -> None:
        """Settle, at the next flush, every digest the search holds more than one copy of."""
        self._insert_pending()
        union, params = in_both("SELECT digest FROM {table} WHERE search = ?", (self.search,))
        self.touched.update(
            digest
            for (digest,) in self.db.execute(
                f"SELECT digest FROM ({union}) GROUP BY digest HAVING count(*) > 1", params
            )
        )

    # -- settling -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Settle every digest touched since the last flush, and move the tally as it must."""
        self._insert_pending()
        db, search = self.db, self.search
        if self.unsure:
            self._probe((digest, file_id, 0) for digest, file_id in self.unsure)
            self.touched.update(
                digest
                for (digest,) in db.execute(
                    "SELECT p.digest FROM probe p WHERE "
                    + " OR ".join(
                        f"EXISTS (SELECT 1 FROM {table} c WHERE c.search = ?"
                        " AND c.digest = p.digest AND c.file != p.file)"
                        for table in COPIES
                    ),
                    (search,) * len(COPIES),
                )
            )
            self.unsure = []
        self.settle()
        self._move_fresh()
        if self.on_moves is not None:
            self.on_moves(self.delta, self.delta_audio)
        db.executemany(
            f"INSERT INTO tally VALUES (?,?,?,?,?,?,?,?,?,?) {_UPSERT_TALLY}, {_ADD_AUDIO}",
            (
                (search, *cell, *counts, _fraction_text(self.delta_audio.get(cell)))
                for cell, counts in self.delta.items()
            ),
        )
        if any(counts[0] < 0 for counts in self.delta.values()):  # (only then can a bucket empty)
            db.execute("DELETE FROM tally WHERE search = ? AND n = 0", (search,))
        db.execute(
            "UPDATE searches SET crossed = crossed + ?, generation = generation + 1 WHERE id = ?",
            (self.crossed, search),
        )
        self.delta, self.delta_audio, self.crossed = {}, {}, 0
        self.files = {}

    def settle(self) -> None:
        """For every touched digest, count the copy the scanner's rule picks and no other."""
        if not self.touched:
            return
        touched, self.touched = list(self.touched), set()
        flips = []
        for start in range(0, len(touched), SETTLED):
            self._settle(touched[start : start + SETTLED], flips)
        for table in self._tables():
            self.db.executemany(
                f"UPDATE {table} SET counted = ? WHERE search = ? AND digest = ? AND file = ?", flips
            )

    def _tables(self) -> tuple[str, ...]:
        """The tables that may hold the search's copies: during a cold build, `copies` alone (its search
        held nothing when the transaction began, and no other process writes while it is held)."""
        return COPIES[:1] if self.seen_digests is not None else COPIES

    def _settle(self, digests: list[bytes], flips: list[tuple[int, int, bytes, int]]) -> None:
        """Settle some digests (their files' copies read for them alone: a transaction's digests touch
        files by the thousand, whose blobs need not all be held at once)."""
        self.files = {}
        found = held_copies(self.db, self.search, digests, self.files, contested=True)
        for digest, copies in found.items():
            best = None
            for _, _, copy in copies:
                if best is None or copy.beats(best):
                    best = copy
            for file_id, counted, copy in copies:
                if (copy is best) != bool(counted):
                    flips.append((0 if counted else 1, self.search, digest, file_id))
                    self._count(copy, -1 if counted else 1)
                    self.crossed += 1 if counted else -1

    def generation(self) -> int:
        """How many writes the search has had (by any process)."""
        found = self.db.execute("SELECT generation FROM searches WHERE id = ?", (self.search,)).fetchone()
        return int(found[0])

    # -- the tally ------------------------------------------------------------------------------

    def _count(self, copy: Copy, sign: int) -> None:
        self._move(copy.cell, (1, *copy.counts), copy.audio, sign)

    def _move_by(self, cells: list[Cell], sums: dict[int, list[int]], audio: dict[int, Fraction]) -> None:
        """Add a part's sums by bucket (spelt out: a cold build adds thousands of them)."""
        delta = self.delta
        for bucket, counts in sums.items():
            cell = cells[bucket]
            totals = delta.get(cell)
            if totals is None:
                delta[cell] = list(counts)
            else:
                totals[0] += counts[0]
                totals[1] += counts[1]
                totals[2] += counts[2]
                totals[3] += counts[3]
                totals[4] += counts[4]
                totals[5] += counts[5]
        for bucket, seconds in audio.items():
            self._move(cells[bucket], (0, 0, 0, 0, 0, 0), seconds)

    def _move(self, cell: Cell, counts: Sequence[int], audio: Fraction, sign: int = 1) -> None:
        totals = self.delta.get(cell)
        if totals is None:
            totals = self.delta[cell] = [0] * 6
        for kind, value in enumerate(counts):
            totals[kind] += sign * value
        if audio:
            self.delta_audio[cell] = self.delta_audio.get(cell, Fraction(0)) + sign * audio

    # -- helpers --------------------------------------------------------------------------------

    def _probe(self, rows: Iterable[tuple[bytes, int, int]]) -> None:
        self.db.execute("DELETE FROM probe")
        self.db.executemany("INSERT INTO probe VALUES (?, ?, ?)", rows)

    def _file_copies(self, ids: Sequence[int]) -> dict[int, FileCopies]:
        return file_copies(self.db, ids, self.files)

    def _cells(self, part: Part) -> list[Cell]:
        """The (series, quarter) of each bucket of a part's table."""
        known = self.series
        return [
            (known.get((tool, model)) or self._series(tool, model), slot * 2 + (window == "offpeak"))
            for tool, model, slot, window in part.buckets
        ]

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
        cells = self._cells(part)
        records = [
            [
                None if r.digest is None else r.digest.hex(),
                *cells[r.bucket],
                int(r.preferred),
                *r.counts,
                _fraction_text(r.audio),
            ]
            for r in part.tail
        ]
        return json.dumps([records, _skips_list(part.tail_skips)])


def file_copies(
    db: sqlite3.Connection, ids: Sequence[int], cache: dict[int, FileCopies]
) -> dict[int, FileCopies]:
    """The copies each file holds (from `cache` where it has them, which keeps those read)."""
    missing = [file_id for file_id in dict.fromkeys(ids) if file_id not in cache]
    for chunk, marks in chunked(missing):
        for file_id, *blobs in db.execute(f"SELECT id, {FILE_BLOBS} FROM files WHERE id IN ({marks})", chunk):
            cache[file_id] = load(blobs)
    return {file_id: cache[file_id] for file_id in ids}


def insert_copies(
    db: sqlite3.Connection,
    search: int,
    digests: bytes,
    files: array,  # type: ignore[type-arg]
    table: str,
) -> None:
    """Counted copies of `digests` (DIGEST bytes each) held by `files` (a file id each) into `table`: one
    statement that splits the digests itself where SQLite has `json_each`, without a row of Python
    objects each."""
    global _JSON_EACH
    if _JSON_EACH is None:
        try:
            db.execute("SELECT count(*) FROM json_each('[1]')").fetchone()
            _JSON_EACH = True
        except sqlite3.OperationalError:  # (built without JSON: SQLite before 3.38, or left out)
            _JSON_EACH = False
    if _JSON_EACH:
        db.execute(
            f"INSERT INTO {table} SELECT ?, substr(?, key * {DIGEST} + 1, {DIGEST}), value, 1"
            " FROM json_each(?) ORDER BY 2",  # (in the table's order: its pages are met in turn)
            (search, digests, json.dumps(files.tolist())),
        )
        return
    db.executemany(
        f"INSERT INTO {table} VALUES (?,?,?,1)",
        sorted((search, digests[n * DIGEST : (n + 1) * DIGEST], file_id) for n, file_id in enumerate(files)),
    )


_JSON_EACH: bool | None = None  # whether SQLite has `json_each` (its library is the process's)


def held_copies(
    db: sqlite3.Connection,
    search: int,
    digests: Iterable[bytes],
    cache: dict[int, FileCopies],
    *,
    contested: bool = False,
) -> dict[bytes, list[tuple[int, int, Copy]]]:
    """Every copy the search holds of each digest: (file, counted, the copy). With `contested`, only of
    the digests whose counted copy may be the wrong one: a lone copy counted is right, and most digests
    a cold build settles are lone (the Bloom filter was wrong), so their files' blobs are not read."""
    found: dict[bytes, list[tuple[int, int]]] = {}
    listed = list(digests)
    for chunk, marks in chunked(listed, CHUNK // len(COPIES)):  # (`in_both` names each once a table)
        for digest, file_id, counted in db.execute(
            *in_both(
                f"SELECT digest, file, counted FROM {{table}} WHERE search = ? AND digest IN ({marks})",
                (search, *chunk),
            )
        ):
            found.setdefault(digest, []).append((file_id, counted))
    if contested:
        found = {digest: copies for digest, copies in found.items() if len(copies) > 1 or not copies[0][1]}
    held = file_copies(db, [file_id for copies in found.values() for file_id, _ in copies], cache)
    result: dict[bytes, list[tuple[int, int, Copy]]] = {}
    for digest, copies in found.items():
        result[digest] = []
        for file_id, counted in copies:
            position = held[file_id].position(digest)
            assert position is not None, "a copy the file does not hold"
            result[digest].append((file_id, counted, held[file_id].copy(position)))
    return result


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
    for table in COPIES:
        connection.execute(f"DELETE FROM {table} WHERE search = ?", (search,))
    connection.execute("DELETE FROM tally WHERE search = ?", (search,))
    connection.execute("DELETE FROM files WHERE search = ?", (search,))
    connection.execute("DELETE FROM searches WHERE id = ?", (search,))


def in_both(query: str, params: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """`query` (naming its table `{table}`) over each of `COPIES`, its rows one after the other (a copy
    is in one table or the other), and the parameters for it."""
    return " UNION ALL ".join(query.format(table=table) for table in COPIES), params * len(COPIES)


def register_functions(connection: sqlite3.Connection) -> None:
    connection.create_function("fraction_add", 2, fraction_add, deterministic=True)


def fraction_add(a: str | None, b: str | None) -> str | None:
    """Exact audio seconds: `a + b` of two fractions written as text (None: nothing)."""
    if a is None or b is None:
        return a if b is None else b
    return _fraction_text(Fraction(a) + Fraction(b))


def _fraction_text(value: Fraction | None) -> str | None:
    return None if not value else str(value)


def _audio(text: str | None) -> Fraction:
    return Fraction(text) if text else Fraction(0)


def _quarter(slot: int, window: str) -> int:
    """A bucket's quarter hour and window in one integer."""
    return slot * 2 + (window == "offpeak")


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
