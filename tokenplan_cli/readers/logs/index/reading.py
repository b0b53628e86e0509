"""The worker's side of the log index: read one file from where the index left it, into a compact `Part`.

A file in LINES mode that grew is read on from the offset after its last complete line, with the
reader's state there, once the first block and the last block before that offset are checked to be
what was indexed (else it was rewritten, and is read from the start). Everything else is read from the
start. The records are those a cold read makes (`scanner.FileRequests`: requests without a key summed
by bucket, one copy of each keyed request); what the last line, cut short, gives is kept apart (the
tail: counted this time, not indexed).
"""

from __future__ import annotations

import importlib
import os
from array import array
from fractions import Fraction
from pathlib import Path
from typing import Any

from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.digests import blake2b
from tokenplan_cli.readers.logs import LINES, Skips
from tokenplan_cli.readers.logs.resume import Resume
from tokenplan_cli.readers.logs.scanner import DIGEST, FileRequests, add_counts
from tokenplan_cli.tuples import NamedTuple

# Bytes of the first block and of the last block before the offset, checksummed: a file rewritten
# differs there (a line's ids and time are in its last bytes). Each file of a cold build is checksummed,
# and BLAKE2b of two 4 kB blocks was 26 M instructions at 100 MB, an eighth of what indexing added.
BLOCK = 1024
KEPT_WIDTH = 7  # integers per keyed request in `Part.kept`: bucket, preferred, five counts


class Start(NamedTuple):
    """Where the index left a LINES file: read on from here if its blocks still have these checksums."""

    offset: int
    line: int
    state: Any
    head: bytes | None
    last: bytes | None


# index in the run, reader module, path, off-peak window, index mode, where to start (None: at 0)
PartTask = tuple[int, str, str, OffPeakWindow, str, Start | None]


class TailRecord(NamedTuple):
    """A request the cut-short last line gave: counted on top of the index, never written into it."""

    digest: bytes | None
    bucket: int
    preferred: bool
    counts: tuple[int, int, int, int, int]  # cache hit, cache miss, cache write, output, reasoning
    audio: Fraction


class Part(NamedTuple):
    """What one reading of a file found, ready to be written into the index."""

    index: int
    start: int  # the offset read from: 0 means the file's old contribution is replaced
    buckets: list[tuple[str, str, int, str]]  # the part's bucket table (`BucketKey`s as plain tuples)
    loose: dict[int, list[int]]  # bucket -> six counts of the requests without a dedupe key
    loose_audio: dict[int, Fraction]
    digests: bytes  # DIGEST bytes per keyed request kept, in first-seen order
    kept: array  # type: ignore[type-arg]  # KEPT_WIDTH integers per keyed request
    keyed_audio: dict[int, Fraction]  # position among the keyed requests -> audio seconds
    keyed_sums: dict[int, list[int]]  # bucket -> six counts of the keyed requests kept
    keyed_sums_audio: dict[int, Fraction]
    within: int  # copies dropped within the part
    skips: Skips | None
    end: tuple[int, int, Any]  # offset after the last complete line, line count, the reader's state
    head: bytes | None
    last: bytes | None
    tail: tuple[TailRecord, ...]
    tail_skips: Skips | None
    failed: bool  # the file could not be read to its end: not to be indexed


def read_part(task: PartTask) -> Part:
    index, module_name, path, offpeak, mode, start = task
    reader = importlib.import_module(module_name)
    skips = Skips()
    requests = FileRequests(offpeak)
    add = requests.add
    tail: list[UsageRecord] = []
    resume: Resume | None = None
    started = 0
    if mode != LINES:
        for record in reader.read_file(Path(path), skips):
            add(record)
        end: tuple[int, int, Any] = (0, 0, None)
    else:
        resume, started = _resume_from(path, start)
        for record in reader.read_file(Path(path), skips, resume):
            if resume.tail:
                tail.append(record)
            else:
                add(record)
        end = (resume.offset, resume.line, resume.state)
        if not resume.resumable:  # the next reading starts at the beginning (and replaces this one)
            end = (0, 0, None)
    kept = array("q")
    keyed_audio: dict[int, Fraction] = {}
    keyed_sums: dict[int, list[int]] = {}
    keyed_sums_audio: dict[int, Fraction] = {}
    for position, record in enumerate(requests.best.values()):
        bucket = requests.bucket(record)
        kept.extend(_kept_fields(bucket, record))
        add_counts(keyed_sums, keyed_sums_audio, bucket, record)
        if record.audio_seconds:
            keyed_audio[position] = record.audio_seconds
    tail_records = tuple(_tail_record(requests, record) for record in tail)
    head, last = _checksums(path, end[0]) if mode == LINES else (None, None)
    failed = resume is not None and resume.failed
    return Part(
        index,
        started,
        requests.buckets(),
        requests.sums,
        requests.audio,
        requests.digests(),
        kept,
        keyed_audio,
        keyed_sums,
        keyed_sums_audio,
        requests.duplicates,
        skips if skips.any() else None,
        end,
        head,
        last,
        tail_records,
        resume.tail_skips if resume is not None and resume.tail_skips.any() else None,
        failed,
    )


def _resume_from(path: str, start: Start | None) -> tuple[Resume, int]:
    """A `Resume` at `start` when the file still holds what was indexed there, else at the beginning;
    and the offset it starts at."""
    if start is None or start.offset == 0:
        return Resume(), 0
    head, last = _checksums(path, start.offset)
    if head is None or (head, last) != (start.head, start.last):
        return Resume(), 0
    return Resume(start.offset, start.line, start.state), start.offset


def _checksums(path: str, offset: int) -> tuple[bytes | None, bytes | None]:
    """BLAKE2b of the first block and of the last block before `offset` (None when the file is shorter)."""
    if offset == 0:
        return None, None
    try:
        with open(path, "rb", buffering=0) as handle:
            first = os.pread(handle.fileno(), min(BLOCK, offset), 0)
            before = os.pread(handle.fileno(), min(BLOCK, offset), max(0, offset - BLOCK))
    except OSError:
        return None, None
    if len(first) < min(BLOCK, offset) or len(before) < min(BLOCK, offset):
        return None, None
    head = _digest(first)
    return head, head if offset <= BLOCK else _digest(before)  # (the same block in a short file)


def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=DIGEST).digest()


def _kept_fields(bucket: int, record: UsageRecord) -> tuple[int, ...]:
    _, _, _, hit, miss, write, output, reasoning, _, _, preferred = record
    return (bucket, preferred, hit, miss, write, output, reasoning)


def _tail_record(requests: FileRequests, record: UsageRecord) -> TailRecord:
    key = record.dedupe_key
    return TailRecord(
        None if key is None else _digest(key),
        requests.bucket(record),
        record.preferred,
        (record.cache_hit, record.cache_miss, record.cache_write, record.output, record.reasoning),
        record.audio_seconds,
    )
