"""Finding the tools' log files and reading them all: a process pool over files, one global dedupe.

Workers (one per core) each read whole files with their tool's reader and send back a compact result:
the file's records without a dedupe key already summed by bucket, and its keyed records packed as
bytes (a 16-byte digest of the key, the bucket, the counts). Consecutive copies of one request (a
streamed response) are merged in the worker. The parent keeps, for every key it has seen, a slot of
eight integers (the bucket and counts of the copy it kept) so that a better copy found later in another
file replaces it exactly; everything else is summed into a `LogTally` as it arrives, so memory grows
with the number of distinct requests, never with the bytes read.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from tokenplan_cli.core.errors import BadInputError, UnknownNameError
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.core.usagelog import BucketKey, LogTally, bucketer_for, counts_of
from tokenplan_cli.readers.logs import LOG_READERS, Skips

# Below this many bytes in all, files are read in this process: starting workers would cost more.
POOL_FROM_BYTES = 16 * 1024 * 1024
# A keyed record as a worker sends it: digest, bucket (index in the file's table), preferred, 5 counts.
PACKED = struct.Struct("<16sIB5q")
SLOT_WIDTH = 7  # the parent's slot per key: bucket id, preferred, 5 counts


class LogFile(NamedTuple):
    tool: str  # the --from name it was found for
    module: str  # the reader module
    path: Path
    size: int


class ToolFiles(NamedTuple):
    tool: str
    files: int
    bytes: int


class ScanResult(NamedTuple):
    tally: LogTally
    skips: Skips
    tools: tuple[ToolFiles, ...]  # the tools whose files were read, in LOG_READERS order
    records: int  # requests kept, after dedupe
    duplicates: int  # copies dropped
    bytes: int


# -- finding files -------------------------------------------------------------------------------


def tool_names(requested: Iterable[str]) -> tuple[str, ...]:
    """`--from` values (each may hold several, comma-separated) checked against the readers."""
    names: list[str] = []
    for value in requested:
        for name in (part.strip().lower() for part in value.split(",")):
            if name and name not in LOG_READERS:
                raise UnknownNameError("log source", name, LOG_READERS)
            if name and name not in names:
                names.append(name)
    return tuple(names)


def find_log_files(
    tools: Sequence[str], paths: Sequence[Path], env: Mapping[str, str], home: Path, skips: Skips
) -> list[LogFile]:
    """The files to read: those under `paths` for the one tool named, else under each tool's default roots.

    With no tool named, every tool is looked for where it keeps its logs on this machine. A path the
    user named that does not exist, or holds no log file, is reported in `skips`.
    """
    if paths and len(tools) != 1:
        raise BadInputError(
            "paths belong to one log source: name it with --from (e.g. --from claude-code PATH)"
        )
    chosen = tools or tuple(LOG_READERS)
    files: list[LogFile] = []
    seen: set[Path] = set()
    for tool in chosen:
        module_name = LOG_READERS[tool]
        reader = importlib.import_module(module_name)
        explicit = bool(paths)
        roots = list(paths) if explicit else reader.default_roots(env, home)
        if not roots and tool in ("csv", "jsonl") and tools:
            raise BadInputError(f"--from {tool} reads the files you name: add a PATH")
        for root in roots:
            found, skipped = 0, skips.total
            if not root.exists():
                if explicit:
                    skips.add(root, 0, "no such file or directory")
                continue
            for path in reader.find_files(root, skips):
                found += 1
                resolved = path.resolve()
                if resolved not in seen:
                    seen.add(resolved)
                    files.append(LogFile(tool, module_name, path, _size(path)))
            if explicit and not found and skips.total == skipped and root.is_dir():
                skips.add(root, 0, "no log files found")
    return files


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# -- reading one file (in a worker) --------------------------------------------------------------


class FileResult(NamedTuple):
    index: int
    buckets: list[BucketKey]  # the file's bucket table
    plain: dict[int, list[int]]  # bucket -> counts of records without a dedupe key
    plain_audio: dict[int, Fraction]
    keyed: bytes  # PACKED records
    keyed_audio: dict[int, Fraction]  # position in `keyed` -> audio seconds, where not zero
    skips: Skips
    merged: int  # consecutive copies merged here


def _better(candidate: UsageRecord, kept: UsageRecord) -> bool:
    """Whether a copy of a request should replace the one kept: preferred first, then more tokens."""
    return (candidate.preferred, candidate.tokens) > (kept.preferred, kept.tokens)


def read_one(task: tuple[int, str, str, OffPeakWindow]) -> FileResult:
    """Read one file into a compact `FileResult` (runs in a worker process)."""
    index, module_name, path, offpeak = task
    reader = importlib.import_module(module_name)
    skips = Skips()
    table: dict[BucketKey, int] = {}
    plain: dict[int, list[int]] = {}
    plain_audio: dict[int, Fraction] = {}
    keyed = bytearray()
    keyed_audio: dict[int, Fraction] = {}
    merged = 0
    bucketer = bucketer_for(offpeak)

    def bucket(record: UsageRecord) -> int:
        key = bucketer.bucket(record)
        found = table.get(key)
        if found is None:
            found = table[key] = len(table)
        return found

    def emit(digest: bytes, record: UsageRecord) -> None:
        if record.audio_seconds:
            keyed_audio[len(keyed) // PACKED.size] = record.audio_seconds
        keyed.extend(PACKED.pack(digest, bucket(record), record.preferred, *counts_of(record)[1:]))

    pending: tuple[bytes, UsageRecord] | None = None
    for record in reader.read_file(Path(path), skips):
        if record.dedupe_key is None:
            slot = bucket(record)
            totals = plain.setdefault(slot, [0] * 6)
            for position, value in enumerate(counts_of(record)):
                totals[position] += value
            if record.audio_seconds:
                plain_audio[slot] = plain_audio.get(slot, Fraction(0)) + record.audio_seconds
            continue
        digest = hashlib.blake2b(record.dedupe_key, digest_size=16).digest()
        if pending is not None and pending[0] == digest:
            merged += 1
            if _better(record, pending[1]):
                pending = (digest, record)
            continue
        if pending is not None:
            emit(*pending)
        pending = (digest, record)
    if pending is not None:
        emit(*pending)
    return FileResult(index, list(table), plain, plain_audio, bytes(keyed), keyed_audio, skips, merged)


# -- reading them all ----------------------------------------------------------------------------


class _Merger:
    """The parent's side: one global dedupe over every file's keyed records, and the tally."""

    def __init__(self) -> None:
        self.tally = LogTally()
        self.skips = Skips()
        self.seen: dict[bytes, int] = {}
        self.slots = array("q")
        self.slot_audio: dict[int, Fraction] = {}
        self.ids: dict[BucketKey, int] = {}
        self.keys: list[BucketKey] = []
        self.duplicates = 0

    def _id(self, key: BucketKey) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.keys)
            self.keys.append(key)
        return found

    def merge(self, result: FileResult) -> None:
        self.skips.merge(result.skips)
        self.duplicates += result.merged
        for local, counts in result.plain.items():
            self.tally.add(result.buckets[local], counts, result.plain_audio.get(local, Fraction(0)))
        ids = [self._id(key) for key in result.buckets]
        for position, (digest, local, preferred, *counts) in enumerate(PACKED.iter_unpack(result.keyed)):
            audio = result.keyed_audio.get(position, Fraction(0))
            slot = self.seen.get(digest)
            if slot is None:
                self.seen[digest] = len(self.slots) // SLOT_WIDTH
                self.slots.extend((ids[local], preferred, *counts))
                self._count(ids[local], counts, audio, slot=len(self.seen) - 1)
                continue
            self.duplicates += 1
            start = slot * SLOT_WIDTH
            kept = self.slots[start : start + SLOT_WIDTH]
            if (preferred, sum(counts)) > (kept[1], sum(kept[2:])):
                self._count(kept[0], kept[2:], self.slot_audio.pop(slot, Fraction(0)), slot=slot, sign=-1)
                self.slots[start : start + SLOT_WIDTH] = array("q", (ids[local], preferred, *counts))
                self._count(ids[local], counts, audio, slot=slot)

    def _count(
        self, bucket: int, counts: Sequence[int], audio: Fraction, *, slot: int, sign: int = 1
    ) -> None:
        self.tally.add(self.keys[bucket], (1, *counts), audio, sign)
        if audio and sign > 0:
            self.slot_audio[slot] = audio


def scan_files(
    files: Sequence[LogFile],
    offpeak: OffPeakWindow,
    skips: Skips,
    *,
    on_file: Callable[[int], None] | None = None,
    workers: int | None = None,
    pool_from_bytes: int = POOL_FROM_BYTES,
) -> ScanResult:
    """Read every file (in a pool of `workers` processes when there is enough to read) and dedupe.

    `on_file(size)` is called as each file is done, in order (for a progress bar).
    """
    merger = _Merger()
    merger.skips.merge(skips)
    tasks = [(index, f.module, str(f.path), offpeak) for index, f in enumerate(files)]
    total = sum(f.size for f in files)
    count = workers if workers is not None else available_cores()
    for result in _results(tasks, count if len(files) > 1 and total >= pool_from_bytes else 1):
        merger.merge(result)
        if on_file is not None:
            on_file(files[result.index].size)
    tools = {}
    for f in files:
        files_so_far, bytes_so_far = tools.get(f.tool, (0, 0))
        tools[f.tool] = (files_so_far + 1, bytes_so_far + f.size)
    return ScanResult(
        tally=merger.tally,
        skips=merger.skips,
        tools=tuple(ToolFiles(tool, *tools[tool]) for tool in LOG_READERS if tool in tools),
        records=sum(counts[0] for counts in merger.tally.counts.values()),
        duplicates=merger.duplicates,
        bytes=total,
    )


def _results(tasks: list[tuple[int, str, str, OffPeakWindow]], workers: int) -> Iterator[FileResult]:
    if workers <= 1:
        yield from map(read_one, tasks)
        return
    with _context().Pool(min(workers, len(tasks))) as pool:
        yield from pool.imap(read_one, tasks)


def _context() -> Any:
    """fork where it is safe and cheapest (Linux); the platform's default elsewhere."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
