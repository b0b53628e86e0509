"""What the log-reader tests share: the fixtures, a run of one reader, the scanner's dedupe rule, and
the bad-input cases every JSON-lines reader must survive."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from tokenplan_cli.core.records import UsageRecord, normalise_model
from tokenplan_cli.readers.logs import SkippedFile, Skips

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
# Planted in every bad line: it must never come out of a reader, in a record or in a skip.
SECRET = "sk-SECRET-users-code-7f3a"


class Row(NamedTuple):
    """A record as the tests compare it: when, which model, and the five token kinds."""

    timestamp: str
    model: str
    cache_hit: int
    cache_miss: int
    cache_write: int
    output: int
    reasoning: int


def row(record: UsageRecord) -> Row:
    """A record's instant, model (normalised, as it is charged: records keep the name as logged) and
    counts."""
    return Row(
        record.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        normalise_model(record.model),
        record.cache_hit,
        record.cache_miss,
        record.cache_write,
        record.output,
        record.reasoning,
    )


def read_all(reader: ModuleType, *roots: Path) -> tuple[list[UsageRecord], Skips]:
    """Every record the reader finds under `roots`, in the order of its files, and what it skipped."""
    skips = Skips()
    records = [
        record
        for root in roots
        for path in reader.find_files(root, skips)
        for record in reader.read_file(path, skips)
    ]
    return records, skips


def dedupe(records: Iterable[UsageRecord]) -> list[UsageRecord]:
    """The scanner's rule: one record per key; a preferred copy beats one that is not, then the copy
    with more tokens, else the first (`readers.logs.scanner._rank`)."""
    from tokenplan_cli.readers.logs.scanner import _rank

    kept: dict[object, UsageRecord] = {}
    for index, record in enumerate(records):
        key = record.dedupe_key if record.dedupe_key is not None else index
        if key not in kept or _rank(record) > _rank(kept[key]):
            kept[key] = record
    return list(kept.values())


def totals(records: Iterable[UsageRecord]) -> dict[str, int]:
    kinds = ("cache_hit", "cache_miss", "cache_write", "output", "reasoning")
    listed = list(records)
    return {kind: sum(getattr(record, kind) for record in listed) for kind in kinds}


def task_file(*messages: object) -> bytes:
    """A task file of the VS Code extensions (Cline, Roo Code): its messages as one JSON array."""
    return json.dumps(list(messages)).encode()


def build_database(sql_file: Path, database: Path) -> Path:
    """A SQLite store built from a committed SQL script (binaries stay out of the repository)."""
    with closing(sqlite3.connect(database)) as connection:
        connection.executescript(sql_file.read_text(encoding="utf-8"))
        connection.commit()
    return database


def skipped(skips: Skips) -> list[tuple[str, int, tuple[str, ...]]]:
    """Skips by file name: (name, count, reasons), content-free by construction, checked here too."""
    files: tuple[SkippedFile, ...] = skips.by_file()
    for entry in files:
        assert all(SECRET not in reason for reason in entry.reasons), entry
    return [(Path(entry.path).name, entry.count, entry.reasons) for entry in files]


class BadLine(NamedTuple):
    """A line that cannot be read, the reason a reader must give, and whether it must end the file."""

    text: bytes
    reason: str
    last: bool = False


def bad_lines(good: bytes) -> dict[str, BadLine]:
    """The unreadable variants of a good line (which must hold the reader's marker and no newline)."""
    cut = good[: len(good) // 2]
    return {
        "malformed": BadLine(good[:-1] + b', "' + SECRET.encode() + b'"', "malformed JSON"),
        "not-utf8": BadLine(
            good.replace(b"}", b', "x": "\xff\xfe' + SECRET.encode() + b'"}', 1), "not UTF-8"
        ),
        "not-an-object": BadLine(b'["' + SECRET.encode() + b'", ' + good + b"]", "not a JSON object"),
        "truncated-last-line": BadLine(cut, "truncated last line", last=True),
    }


def file_with_bad_line(folder: Path, name: str, good: bytes, bad: BadLine) -> Path:
    """A file of three lines: the good line, the bad one (second), the good one again unless bad is last."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tail = b"" if bad.last else b"\n" + good + b"\n"
    path.write_bytes(good + b"\n" + bad.text + tail)
    return path


def check_bad_line(reader: ModuleType, folder: Path, name: str, good: bytes, bad: BadLine) -> None:
    """A file holding `bad` between good lines: the bad one skipped as line 2, the good ones read."""
    path = file_with_bad_line(folder, name, good, bad)
    records, skips = read_all(reader, path)
    assert len(dedupe(records)) == 1
    assert skipped(skips) == [(name, 1, (bad.reason,))]
    assert skips.by_file()[0].lines == (2,)


def check_empty_and_missing(reader: ModuleType, folder: Path) -> None:
    """An empty folder holds nothing and is no fault; a path that does not exist is reported."""
    records, skips = read_all(reader, folder)
    assert records == [] and not skips
    records, skips = read_all(reader, folder / "missing")
    assert records == []
    assert skipped(skips) == [("missing", 1, ("cannot read: No such file or directory",))]
    assert skips.by_file()[0].lines == (0,)


def check_unreadable_store(reader: ModuleType, store: Path, reason: str) -> None:
    """A store that cannot be read as one gives no record and one skip for the file as a whole."""
    skips = Skips()
    assert list(reader.read_file(store, skips)) == []
    assert skipped(skips) == [(store.name, 1, (reason,))]
    assert skips.by_file()[0].lines == (0,)


def rows_of(reader: ModuleType, path: Path) -> list[Row]:
    """The records of one file, as rows; the file must read without a skip."""
    skips = Skips()
    rows = [row(record) for record in reader.read_file(path, skips)]
    assert not skips, skips.by_file()
    return rows


def check_bad_record(reader: ModuleType, path: Path, line: bytes, reason: str) -> None:
    """A file of one line that parses but cannot be counted: no record, one skip at line 1."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(line + b"\n")
    records, skips = read_all(reader, path)
    assert records == []
    assert skipped(skips) == [(path.name, 1, (reason,))]
    assert skips.by_file()[0].lines == (1,)


def check_unreadable_file(reader: ModuleType, path: Path) -> None:
    """A log the system will not read (here a folder in its place) is reported, not raised."""
    path.mkdir(parents=True)
    skips = Skips()
    assert list(reader.read_file(path, skips)) == []
    assert skipped(skips) == [(path.name, 1, ("cannot read: Is a directory",))]
    assert skips.by_file()[0].lines == (0,)


def check_bad_document(reader: ModuleType, path: Path, data: bytes, reason: str, line: int) -> list[Row]:
    """A file that is one JSON document (a task, a session), holding `data` with one fault: that fault
    skipped once at `line` with `reason`, never the planted SECRET; the rows of what could be read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    records, skips = read_all(reader, path)
    assert all(SECRET not in repr(record) for record in records)
    assert skipped(skips) == [(path.name, 1, (reason,))]
    assert skips.by_file()[0].lines == (line,)
    return [row(record) for record in records]
