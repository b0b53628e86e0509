"""Finding the tools' log files and reading them all: worker processes over files, one global dedupe.

Workers (one per core) each read whole files with their tool's reader, keep one copy of each request
the file holds (see `core.records.UsageRecord` for which), and send back a compact `FileResult`: the
file's requests summed by bucket, and the 16-byte digests of their dedupe keys with eight integers
each (file, bucket, preferred, counts). The parent adds the sums to one `LogTally` and settles the
requests found in more than one file, taking the losing copy back out exactly. Memory grows with the
number of distinct requests (about 150 bytes each in the parent), never with the bytes read; a worker
holds one file's distinct requests at a time.
"""

from __future__ import annotations

import importlib
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from tokenplan_cli.core.errors import BadInputError, UnknownNameError
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import BucketKey, LogTally, bucketer_for, counts_of
from tokenplan_cli.readers.digests import blake2b
from tokenplan_cli.readers.logs import LOG_READERS, Skips
from tokenplan_cli.workers import FORK_SAFE

# Below this many bytes in all, files are read in this process: starting workers would cost more.
POOL_FROM_BYTES = 16 * 1024 * 1024
DIGEST = 16  # bytes of a dedupe key's digest (blake2b): collisions are out of reach at any log size
SLOT_WIDTH = 8  # integers the parent keeps per request: file, bucket in the file, preferred, 5 counts


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
    seen: set[tuple[int, int]] = set()  # (device, inode): a file reached twice (a linked folder) counts once
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
                identity, size = _identity(path)
                if identity is not None and identity in seen:
                    continue
                if identity is not None:
                    seen.add(identity)
                files.append(LogFile(tool, module_name, path, size))
            if explicit and not found and skips.total == skipped and root.is_dir():
                skips.add(root, 0, "no log files found")
    return files


def _identity(path: Path) -> tuple[tuple[int, int] | None, int]:
    """((device, inode), size) of a file; (None, 0) when it cannot be stat'ed (reading it will say why)."""
    try:
        stat = path.stat()
    except OSError:
        return None, 0
    return (stat.st_dev, stat.st_ino), stat.st_size


# -- reading one file (in a worker) --------------------------------------------------------------

Task = tuple[int, str, str, OffPeakWindow]  # a file's index in the scan, its reader module, path, window


class FileResult(NamedTuple):
    """One file read: its usage summed by bucket, and the keys of its requests for the global dedupe."""

    index: int  # of the file in the scan's list
    buckets: list[tuple[str, str, int, str]]  # the file's bucket table: `BucketKey`s as plain tuples
    sums: dict[int, list[int]]  # bucket -> counts (see `counts_of`) of every request kept in this file
    audio: dict[int, Fraction]  # bucket -> audio seconds, where not zero
    digests: bytes  # DIGEST bytes per keyed request kept, in order
    kept: array  # type: ignore[type-arg]  # SLOT_WIDTH integers per keyed request (see `_slot`)
    keyed_audio: dict[int, Fraction]  # position among the keyed requests -> audio seconds, where not zero
    skips: Skips | None  # None when the file was read whole
    duplicates: int  # copies dropped within the file


def _slot(index: int, bucket: int, record: UsageRecord) -> tuple[int, ...]:
    """What the parent keeps of a keyed request: file, bucket in that file's table, preferred, counts."""
    return (index, bucket, record.preferred, *counts_of(record)[1:])


def _rank(record: UsageRecord) -> tuple[bool, int]:
    """Copies of one request compare by this; the greater wins, and between equals the first read."""
    return record.preferred, record.tokens


def read_one(task: Task) -> FileResult:
    """Read one file into a compact `FileResult`, its own copies of a request already deduped."""
    index, module_name, path, offpeak = task
    reader = importlib.import_module(module_name)
    skips = Skips()
    bucketer = bucketer_for(offpeak)
    table: dict[BucketKey, int] = {}
    sums: dict[int, list[int]] = {}
    audio: dict[int, Fraction] = {}
    best: dict[bytes, UsageRecord] = {}  # key -> the best copy so far, in first-seen order
    duplicates = 0

    def bucket(record: UsageRecord) -> int:
        key = bucketer.bucket(record)
        found = table.get(key)
        if found is None:
            found = table[key] = len(table)
        return found

    for record in reader.read_file(Path(path), skips):
        key = record.dedupe_key
        if key is not None:
            kept = best.get(key)
            if kept is None:
                best[key] = record
                continue
            duplicates += 1
            if _rank(record) > _rank(kept):
                best[key] = record
            continue
        _add(sums, audio, bucket(record), record)
    kept_slots = array("q")
    keyed_audio: dict[int, Fraction] = {}
    for position, record in enumerate(best.values()):
        local = bucket(record)
        _add(sums, audio, local, record)
        kept_slots.extend(_slot(index, local, record))
        if record.audio_seconds:
            keyed_audio[position] = record.audio_seconds
    digests = b"".join(blake2b(key, digest_size=DIGEST).digest() for key in best)
    buckets = [tuple(key) for key in table]  # plain tuples unpickle several times faster than NamedTuples
    return FileResult(
        index,
        buckets,
        sums,
        audio,
        digests,
        kept_slots,
        keyed_audio,
        skips or None,
        duplicates,  # type: ignore[arg-type]
    )


def _add(sums: dict[int, list[int]], audio: dict[int, Fraction], bucket: int, record: UsageRecord) -> None:
    totals = sums.get(bucket)
    if totals is None:
        totals = sums[bucket] = [0] * 6
    totals[0] += 1  # the order of `counts_of`, spelt out: this runs once per request
    totals[1] += record.cache_hit
    totals[2] += record.cache_miss
    totals[3] += record.cache_write
    totals[4] += record.output
    totals[5] += record.reasoning
    if record.audio_seconds:
        audio[bucket] = audio.get(bucket, ZERO) + record.audio_seconds


# -- reading them all ----------------------------------------------------------------------------


class _Merger:
    """The parent's side: every file's sums into one tally, and one dedupe across files.

    A file's sums already count each request it holds once. Where two files hold the same request, the
    copy that loses (`_rank`, then the file that comes first in the scan's order) is taken back out of
    the tally, so the result does not depend on the order in which workers finish.
    """

    def __init__(self) -> None:
        self.tally = LogTally()
        self.skips = Skips()
        self.seen: dict[bytes, int] = {}  # digest -> slot
        self.slots = array("q")  # SLOT_WIDTH integers per slot (see `_slot`)
        self.slot_audio: dict[int, Fraction] = {}
        self.file_buckets: dict[int, list[BucketKey]] = {}
        self.duplicates = 0

    def merge(self, result: FileResult) -> None:
        if result.skips is not None:
            self.skips.merge(result.skips)
        self.duplicates += result.duplicates
        buckets = self.file_buckets[result.index] = [BucketKey(*fields) for fields in result.buckets]
        for local, counts in result.sums.items():
            self.tally.add(buckets[local], counts, result.audio.get(local, ZERO))
        base = len(self.slots) // SLOT_WIDTH
        digests = result.digests
        fresh = {digests[at : at + DIGEST]: base + n for n, at in enumerate(range(0, len(digests), DIGEST))}
        clashes = {digest: self.seen[digest] for digest in fresh.keys() & self.seen.keys()}
        self.seen.update(fresh)
        self.slots.extend(result.kept)
        for position, seconds in result.keyed_audio.items():
            self.slot_audio[base + position] = seconds
        for digest, old in clashes.items():
            self.duplicates += 1
            new = fresh[digest]
            if self._wins(new, old):
                self._take_back(old)
            else:
                self._take_back(new)
                self.seen[digest] = old

    def _fields(self, slot: int) -> array:  # type: ignore[type-arg]
        return self.slots[slot * SLOT_WIDTH : (slot + 1) * SLOT_WIDTH]

    def _wins(self, new: int, old: int) -> bool:
        (new_file, _, new_preferred, *new_counts), (old_file, _, old_preferred, *old_counts) = (
            self._fields(new),
            self._fields(old),
        )
        return (new_preferred, sum(new_counts), -new_file) > (old_preferred, sum(old_counts), -old_file)

    def _take_back(self, slot: int) -> None:
        file, local, _, *counts = self._fields(slot)
        key = self.file_buckets[file][local]
        self.tally.add(key, (1, *counts), self.slot_audio.pop(slot, ZERO), sign=-1)


def scan_files(
    files: Sequence[LogFile],
    offpeak: OffPeakWindow,
    skips: Skips,
    *,
    on_file: Callable[[int], None] | None = None,
    workers: int | None = None,
    pool_from_bytes: int = POOL_FROM_BYTES,
) -> ScanResult:
    """Read every file (in `workers` processes when there is enough to read) and dedupe across them.

    `on_file(size)` is called as each file is done (for a progress bar).
    """
    merger = _Merger()
    merger.skips.merge(skips)
    tasks = [(index, f.module, str(f.path), offpeak) for index, f in enumerate(files)]
    total = sum(f.size for f in files)
    count = workers if workers is not None else available_cores()
    # Workers are forked: where fork is not safe (macOS, Windows), the files are read in this process.
    pooled = FORK_SAFE and count > 1 and len(files) > 1 and total >= pool_from_bytes
    sizes = [f.size for f in files]
    results = _pooled(tasks, sizes, min(count, len(tasks))) if pooled else map(read_one, tasks)
    for result in results:
        merger.merge(result)
        if on_file is not None:
            on_file(files[result.index].size)
    tools: dict[str, tuple[int, int]] = {}
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


def _pooled(tasks: list[Task], sizes: list[int], workers: int) -> Iterator[FileResult]:
    """Results of `read_one` over `tasks` from `workers` forked processes (`tokenplan_cli.workers`).

    Files are handed out one at a time, largest first, each to the worker that just returned a result,
    with `AHEAD` more queued for each so that no worker waits for this process.
    """
    import select

    from tokenplan_cli.workers import Failure, Worker

    queue = sorted(range(len(tasks)), key=lambda index: sizes[index])  # popped from the end
    by_pipe: dict[int, Worker] = {}
    for _ in range(workers):
        worker = Worker(lambda index: read_one(tasks[index]), siblings=by_pipe.values())
        by_pipe[worker.replies] = worker  # type: ignore[index]
        _hand_out(worker, queue, AHEAD)
    poller = select.poll()
    for pipe in by_pipe:
        poller.register(pipe, select.POLLIN)
    received = 0
    try:
        while by_pipe:
            for pipe, _ in poller.poll():
                worker = by_pipe[pipe]
                replies = worker.read_replies()
                if replies is None:  # the worker is done
                    poller.unregister(pipe)
                    del by_pipe[pipe]
                    worker.finish()
                    continue
                for reply in replies:
                    if isinstance(reply, Failure):
                        raise RuntimeError(f"a log-reading worker failed: {reply.error}")
                    received += 1
                    _hand_out(worker, queue, 1)
                    yield reply
        if received != len(tasks):
            raise RuntimeError(f"log-reading workers stopped early ({received} of {len(tasks)} files read)")
    finally:
        for worker in by_pipe.values():  # only after an error: stop the others
            worker.finish(kill=True)


AHEAD = 2  # files queued for each worker beyond the one it reads


def _hand_out(worker: Any, queue: list[int], count: int) -> None:
    """Send a worker the next `count` files; once none are left, end its requests (it then exits)."""
    for _ in range(count):
        if worker.requests is None:
            return
        if not queue:
            worker.end_requests()
            return
        worker.send(queue.pop())


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
