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

import errno
import importlib
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISFIFO, S_ISSOCK
from typing import Any

from tokenplan_cli import collector
from tokenplan_cli.core.errors import BadInputError, UnknownNameError
from tokenplan_cli.core.ratecard import OffPeakWindow
from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import BucketKey, LogTally, bucketer_for
from tokenplan_cli.readers.digests import blake2b
from tokenplan_cli.readers.logs import LOG_READERS, Found, Skips, cannot_read
from tokenplan_cli.tuples import NamedTuple

# Below this many bytes in all, files are read in this process: starting workers would cost more.
POOL_FROM_BYTES = 16 * 1024 * 1024
DIGEST = 16  # bytes of a dedupe key's digest (blake2b): collisions are out of reach at any log size
_new_key = tuple.__new__  # a NamedTuple from its fields' tuple without the keyword-handling __new__
SLOT_WIDTH = 8  # integers the parent keeps per request: file, bucket in the file, preferred, 5 counts


class LogFile(NamedTuple):
    tool: str  # the --from name it was found for
    module: str  # the reader module
    path: str  # as walked
    size: int
    search: int = 0  # of the `Search` that found it, in `log_searches`' list
    stat: os.stat_result | None = None  # as the walk found it (None: it could not be stat'ed)


class Search(NamedTuple):
    """What one tool's part of a walk looks in: its roots (the PATHs named, else its default folders)."""

    tool: str
    module: str
    roots: tuple[Path, ...]


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


def iter_log_files(
    tools: Sequence[str],
    paths: Sequence[Path],
    env: Mapping[str, str],
    home: Path | None,
    skips: Skips,
) -> Iterator[LogFile]:
    """The files to read: those under `paths` for the one tool named, else under each tool's default roots.

    With no tool named, every tool is looked for where it keeps its logs on this machine. A path the
    user named that does not exist, or holds no log file, is reported in `skips`; so is every default
    root under the home directory when there is none (`home` None). Bad requests are refused here,
    before any file is found; the folders are walked as the files are taken, so that reading can start
    while the walk goes on (`scan_files`).
    """
    return walk_searches(log_searches(tools, paths, env, home, skips), bool(paths), skips)


def log_searches(
    tools: Sequence[str],
    paths: Sequence[Path],
    env: Mapping[str, str],
    home: Path | None,
    skips: Skips | None = None,
) -> list[Search]:
    """What `iter_log_files` walks, one `Search` (tool, reader module, the folders or files to look in)
    for each tool asked for (every tool when none is named): the paths given, else the tool's default
    roots on this machine (without a home directory, those outside it; the others are reported in
    `skips` when it is given). A bad request is refused here."""
    if paths and len(tools) != 1:
        raise BadInputError(
            "paths belong to one log source: name it with `tools` (e.g. `tools` claude-code PATH)",
            mentions=("tools",),
        )
    searches: list[Search] = []
    for tool in tools or tuple(LOG_READERS):
        module_name = LOG_READERS[tool]
        roots = list(paths) if paths else _default_roots(module_name, env, home, skips)
        if not roots and tool in ("csv", "jsonl") and tools:
            raise BadInputError(f"`tools` {tool} reads the files you name: add a PATH", mentions=("tools",))
        searches.append(Search(tool, module_name, tuple(roots)))
    return searches


NO_HOME = Path("~")  # stands for the home directory when there is none, so roots under it can be named
NO_HOME_REASON = "not searched: no home directory (HOME unset, no passwd entry)"


def _default_roots(
    module_name: str, env: Mapping[str, str], home: Path | None, skips: Skips | None
) -> list[Path]:
    """A tool's default roots; without a home directory, those under it are reported, not searched."""
    try:
        roots = list(importlib.import_module(module_name).default_roots(env, home or NO_HOME))
    except RuntimeError:  # `~` in a tool's variable, expanded with no home directory to expand it to
        roots = [NO_HOME]
    if home is not None:
        return roots
    homeless = [root for root in roots if root.parts[:1] == NO_HOME.parts]
    for root in homeless:
        if skips is not None:
            skips.add(root, 0, NO_HOME_REASON)
    return [root for root in roots if root not in homeless]


def walk_searches(searches: Sequence[Search], explicit: bool, skips: Skips) -> Iterator[LogFile]:
    """The files of each search in turn, each stat'ed once; `explicit`: the roots are the user's PATHs."""
    seen: set[int] = set()  # device and inode: a file reached twice (a linked folder) counts once
    for number, (tool, module_name, roots) in enumerate(searches):
        reader = importlib.import_module(module_name)
        for root in roots:
            found, skipped = 0, skips.total
            unusable = _unusable_root(root)
            if unusable is not None:
                if explicit or unusable != MISSING:
                    skips.add(root, 0, unusable)
                continue
            for path, stat in _found(reader, root, skips):
                found += 1
                if stat is None:  # reading it will say why
                    yield LogFile(tool, module_name, path, 0, number)
                    continue
                identity = stat.st_dev << 64 | stat.st_ino  # (one number: thousands are held)
                if identity in seen:
                    continue
                seen.add(identity)
                yield _new_key(LogFile, (tool, module_name, path, stat.st_size, number, stat))  # (each file)
            if explicit and not found and skips.total == skipped and root.is_dir():
                skips.add(root, 0, "no log files found")


def _found(reader: Any, root: Path, skips: Skips) -> Iterator[Found]:
    """The reader's files under `root` with their stats: as it finds them (`find_stats`), else stat'ed."""
    find_stats = getattr(reader, "find_stats", None)
    if find_stats is not None:
        return find_stats(root, skips)  # type: ignore[no-any-return]
    return ((str(path), _stat(path)) for path in reader.find_files(root, skips))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


MISSING = "no such file or directory"
# Kinds of file that are neither a log nor a folder of logs; opening a named pipe would block.
SPECIAL_FILES = (
    (S_ISFIFO, "a named pipe"), (S_ISSOCK, "a socket"), (S_ISCHR, "a device"), (S_ISBLK, "a device")
)  # fmt: skip


def _unusable_root(root: Path) -> str | None:
    """Why a root cannot be searched (`MISSING` when it is not there at all), or None when it can."""
    try:
        mode = os.stat(root).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return MISSING if not os.path.islink(root) else "broken symbolic link"
    except OSError as exc:
        return "symbolic link loop" if exc.errno == errno.ELOOP else cannot_read(exc)
    for test, kind in SPECIAL_FILES:
        if test(mode):
            return f"not a file or folder: {kind}"
    return None


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
    _, _, _, hit, miss, write, output, reasoning, _, _, preferred = record  # one unpacking, no calls
    return (index, bucket, preferred, hit, miss, write, output, reasoning)


def _rank(record: UsageRecord) -> tuple[bool, int]:
    """Copies of one request compare by this; the greater wins, and between equals the first read."""
    _, _, _, hit, miss, write, output, reasoning, _, _, preferred = record  # one unpacking, no property
    return preferred, hit + miss + write + output + reasoning


class FileRequests:
    """The requests of one file (or part of one) as they are read: those without a dedupe key summed by
    bucket at once, the best copy of each keyed one kept (in first-seen order) until `keyed()`."""

    def __init__(self, offpeak: OffPeakWindow) -> None:
        self.bucketer = bucketer_for(offpeak)
        self.table: dict[BucketKey, int] = {}
        self.sums: dict[int, list[int]] = {}
        self.audio: dict[int, Fraction] = {}
        self.best: dict[bytes, UsageRecord] = {}  # key -> the best copy so far, in first-seen order
        self.duplicates = 0

    def bucket(self, record: UsageRecord) -> int:
        key = self.bucketer.bucket(record)
        found = self.table.get(key)
        if found is None:
            found = self.table[key] = len(self.table)
        return found

    def add(self, record: UsageRecord) -> None:
        key = record.dedupe_key
        if key is None:
            add_counts(self.sums, self.audio, self.bucket(record), record)
            return
        kept = self.best.get(key)
        if kept is None:
            self.best[key] = record
            return
        self.duplicates += 1
        if _rank(record) > _rank(kept):
            self.best[key] = record

    def buckets(self) -> list[tuple[str, str, int, str]]:
        """The bucket table as plain tuples (they unpickle several times faster than NamedTuples)."""
        return [tuple(key) for key in self.table]  # type: ignore[misc]

    def digests(self) -> bytes:
        return b"".join(blake2b(key, digest_size=DIGEST).digest() for key in self.best)


def read_one(task: Task) -> FileResult:
    """Read one file into a compact `FileResult`, its own copies of a request already deduped."""
    index, module_name, path, offpeak = task
    reader = importlib.import_module(module_name)
    skips = Skips()
    requests = FileRequests(offpeak)
    add = requests.add
    for record in reader.read_file(Path(path), skips):
        add(record)
    kept_slots = array("q")
    keyed_audio: dict[int, Fraction] = {}
    for position, record in enumerate(requests.best.values()):
        local = requests.bucket(record)
        add_counts(requests.sums, requests.audio, local, record)
        kept_slots.extend(_slot(index, local, record))
        if record.audio_seconds:
            keyed_audio[position] = record.audio_seconds
    return FileResult(
        index,
        requests.buckets(),
        requests.sums,
        requests.audio,
        requests.digests(),
        kept_slots,
        keyed_audio,
        skips if skips.any() else None,
        requests.duplicates,  # type: ignore[arg-type]
    )


def add_counts(
    sums: dict[int, list[int]], audio: dict[int, Fraction], bucket: int, record: UsageRecord
) -> None:
    """Add one request to per-bucket sums (the six counts of `counts_of`, and audio seconds)."""
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
        buckets = self.file_buckets[result.index] = [_new_key(BucketKey, fields) for fields in result.buckets]
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
    files: Iterable[LogFile],
    offpeak: OffPeakWindow,
    skips: Skips,
    *,
    on_file: Callable[[int], None] | None = None,
    workers: int | None = None,
    pool_from_bytes: int = POOL_FROM_BYTES,
) -> ScanResult:
    """Read every file (in `workers` processes when there is enough to read) and dedupe across them.

    `files` may still be being found (`iter_log_files`): once `pool_from_bytes` of them are known,
    the workers start reading while the rest are found. `skips` may grow meanwhile. `on_file(size)`
    is called as each file is done (for a progress bar).
    """
    found: list[LogFile] = []

    def jobs() -> Iterator[Job]:
        for index, log_file in enumerate(files):
            found.append(log_file)
            yield Job(log_file.size, _task(index, log_file, offpeak))

    merger = _Merger()
    for result in read_jobs(jobs(), read_one, workers=workers, pool_from_bytes=pool_from_bytes):
        merger.merge(result)
        if on_file is not None:
            on_file(found[result.index].size)
    all_skips = Skips()
    for part in (skips, merger.skips):  # those met while finding files first
        all_skips.merge(part)
    return ScanResult(
        tally=merger.tally,
        skips=all_skips,
        tools=tools_read(found),
        records=sum(counts[0] for counts in merger.tally.counts.values()),
        duplicates=merger.duplicates,
        bytes=sum(f.size for f in found),
    )


def tools_read(found: Iterable[LogFile]) -> tuple[ToolFiles, ...]:
    """Files and bytes by tool, in LOG_READERS order."""
    tools: dict[str, tuple[int, int]] = {}
    for f in found:
        files_so_far, bytes_so_far = tools.get(f.tool, (0, 0))
        tools[f.tool] = (files_so_far + 1, bytes_so_far + f.size)
    return tools_in_order(tools)


def tools_in_order(tools: Mapping[str, tuple[int, int]]) -> tuple[ToolFiles, ...]:
    """`ToolFiles` from files and bytes by tool, in LOG_READERS order."""
    return tuple(ToolFiles(tool, *tools[tool]) for tool in LOG_READERS if tool in tools)


def _task(index: int, log_file: LogFile, offpeak: OffPeakWindow) -> Task:
    return index, log_file.module, log_file.path, offpeak


class Job(NamedTuple):
    """One file to read: its size (to share the work out) and the request a worker serves."""

    size: int
    task: Any  # its first item is the index its result carries


def read_jobs(
    jobs: Iterable[Job],
    serve: Callable[[Any], Any],
    *,
    workers: int | None = None,
    pool_from_bytes: int = POOL_FROM_BYTES,
    request: Callable[[Any], Any] | None = None,
) -> Iterator[Any]:
    """`serve(job.task)` for every job, in `workers` processes once `pool_from_bytes` are known to read
    (`jobs` may still be being found: the workers start while the rest are found), else here. With
    `request`, what is served is `request(job.task)`, made as the job is handed out (so that a task can
    be small while it waits)."""
    collector.resume()  # reading logs can make garbage in bulk (collector.py)
    found: list[Job] = []
    source = iter(jobs)
    total = 0
    for job in source:  # until there is enough to read to be worth the workers
        found.append(job)
        total += job.size
        if len(found) > 1 and total >= pool_from_bytes:
            from tokenplan_cli.workers import FORK_SAFE  # (not imported where nothing is read)

            count = workers if workers is not None else available_cores()
            # Workers are forked: where fork is not safe (macOS, Windows), files are read in this process.
            if FORK_SAFE and count > 1:
                _share_parsers()
                return _pooled(found, source, serve, count, request)
            found.extend(source)
            break
    if request is not None:
        return (serve(request(job.task)) for job in found)
    return (serve(job.task) for job in found)


def _share_parsers() -> None:
    """Import here, before the workers are forked, what they would each import to read: they then share
    its pages with this process rather than each hold a copy (a few MB a worker). The parsers are the
    line readers' JSON parser (msgspec, which they import where they read: it is not needed to start)
    and those of the readers imported so far (by the walk), each reader's optional `PARSERS`."""
    import sys

    from tokenplan_cli.readers.logs.jsonlines import import_msgspec

    import_msgspec()
    readers = (sys.modules.get(module) for module in LOG_READERS.values())
    for name in (name for reader in readers for name in getattr(reader, "PARSERS", ())):
        importlib.import_module(name)


def _pooled(
    found: list[Job],
    source: Iterator[Job],
    serve: Callable[[Any], Any],
    workers: int,
    request: Callable[[Any], Any] | None,
) -> Iterator[Any]:
    """Replies of `serve` over `found` and the jobs `source` still finds (appended to `found`), from
    `workers` forked processes (`tokenplan_cli.workers`).

    Files are handed out one at a time, each to the worker that just returned a result, with `AHEAD`
    more queued for each so that no worker waits for this process. While files are still being found,
    they are handed out in the order found, and this process walks on between replies; once all are
    found, the rest go largest first.
    """
    import gc
    import select

    from tokenplan_cli.workers import Failure, Worker

    queue = _Queue(found)
    by_pipe: dict[int, Worker] = {}
    waiting: dict[int, int] = {}  # pipe -> files sent to its worker and not yet answered
    # What this process holds when the workers are forked is shared with them until either writes it, and
    # the collector writes into every object it visits: left out of its collections while the workers
    # run (`gc.freeze`), those pages stay shared (a 5 GB cold build peaked at 53-54 MB, not 59-60).
    gc.freeze()
    try:
        for _ in range(workers):
            worker = Worker(serve, siblings=by_pipe.values())
            by_pipe[worker.replies] = worker  # type: ignore[index]
            waiting[worker.replies] = 0  # type: ignore[index]
    except BaseException:
        gc.unfreeze()
        raise
    poller = select.poll()
    for pipe in by_pipe:
        poller.register(pipe, select.POLLIN)
    finding, received = True, 0

    def feed() -> None:
        """Fill every worker's queue; once all files are found and handed out, end their requests."""
        for pipe, worker in by_pipe.items():
            while waiting[pipe] <= AHEAD and worker.requests is not None:
                index = queue.pop()
                if index is None:
                    if not finding:
                        worker.end_requests()
                    break
                task = found[index].task
                try:
                    worker.send(task if request is None else request(task))
                except BrokenPipeError:  # the worker has exited: its replies say why (`Failure`)
                    worker.end_requests()
                    break
                found[index] = SENT  # (its request is no longer needed: memory stays flat)
                waiting[pipe] += 1

    try:
        feed()
        while by_pipe:
            if finding:
                job = next(source, None)
                if job is None:
                    finding = False
                    queue.largest_first()
                else:
                    found.append(job)
                    queue.push(len(found) - 1)
                feed()
            for pipe, _ in poller.poll(0 if finding else None):
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
                    waiting[pipe] -= 1
                    yield reply
            feed()
        if received != len(found):
            raise RuntimeError(f"log-reading workers stopped early ({received} of {len(found)} files read)")
    finally:
        gc.unfreeze()
        for worker in by_pipe.values():  # only after an error: stop the others
            worker.finish(kill=True)


AHEAD = 2  # files queued for each worker beyond the one it reads
SENT = Job(0, None)  # in place of a job handed out


class _Queue:
    """Indices of files not yet handed out: in the order found, then (`largest_first`) by size."""

    def __init__(self, found: list[Job]) -> None:
        self.found = found
        self.items = list(range(len(found)))
        self.next = 0

    def push(self, index: int) -> None:
        self.items.append(index)

    def pop(self) -> int | None:
        if self.next == len(self.items):
            return None
        self.next += 1
        return self.items[self.next - 1]

    def largest_first(self) -> None:
        rest = sorted(self.items[self.next :], key=lambda index: self.found[index].size, reverse=True)
        self.items[self.next :] = rest


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
