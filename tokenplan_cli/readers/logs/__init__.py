"""Readers of AI coding tools' logs, one module per tool, all yielding `core.records.UsageRecord`s.

Every reader module defines the same names (the contract the scanner and the log index rely on):

```python
TOOL: str                       # the --from name, e.g. "claude-code"
VERSION: int                    # bump it whenever the same bytes would give other records or skips:
                                # the log index then reads that reader's files again

def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    "Where the tool keeps its logs on this machine, from its own environment variables (may not exist)."

def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    "The log files under `root` (or `root` itself when it is a file), in a stable order."

def find_stats(root: Path, skips: Skips) -> Iterator[Found]:    # optional
    "`find_files`' files as (path, stat) pairs, each stat'ed as it is listed (`walk_stats`): the scanner
    then makes no `Path` for a file, and stats it once (a warm log index does little else per file)."

def read_file(path: Path, skips: Skips, resume: Resume | None = None) -> Iterator[UsageRecord]:
    "Stream the records of one file (from where `resume` says, for a file read in LINES mode)."

def index_mode(path: Path) -> str:
    "How the log index may read the file again once it changed: LINES or WHOLE (below)."

def companions(path: Path) -> tuple[Path, ...]:     # optional
    "Other files whose change changes what `path` holds (a SQLite store's `-wal`)."

PARSERS: tuple[str, ...]        # optional: modules `read_file` imports where it reads (not to start);
                                # imported once before the workers are forked, so that they share them
```

Rules for `read_file`, which runs in a worker process for many files:

- Stream: read bytes line by line (or rows of a cursor), never a whole file into memory, never a list of
  every record. Skip, before parsing, lines that cannot hold usage (a bytes test such as
  `b'"usage"' in line`): parsing is the cost.
- A format that is one JSON document a file, which its tool rewrites whole (a VS Code task history,
  a settings file), cannot be streamed by lines: it is read whole up to a size cap ("file too large"
  above it), and a skip's line number is then the record's position in the document (1 for the
  document as a whole).
- A line that cannot be read (malformed JSON, a truncated last line, bytes that are not UTF-8, a record
  without the fields it needs) is skipped and reported with `skips.add(path, line_number, reason)`;
  it is never raised. The reason is a short fixed phrase ("malformed JSON", "not UTF-8"): never the
  line's content, which holds users' code. An unreadable file is `skips.add(path, 0, "cannot read: …")`.
- Records carry a `dedupe_key` where the tool can write the same request twice (in one file or in two);
  the scanner keeps one copy per key: a `preferred` one, else the one with the most tokens, else the
  first read (`core.records.UsageRecord`). `readers.logs.lines` has the shared helpers (numbered byte
  lines, JSON parsing, skip reasons); `readers.logs.scanner` runs the readers.

How a file can be read again (`index_mode`; docs/log-index.md):

- `LINES`: the file only ever grows by whole lines, and each line's records depend on the lines before
  it only through a small state. `read_file` then takes a `readers.logs.resume.Resume`: it starts at its
  offset and line with the state it holds, and hands `line_records` (or `numbered_lines`) the object
  that carries the state (`Carry`: its `checkpoint()` is plain JSON values), so that the index can
  resume from the last complete line. The records of a file read in pieces must be those of the file
  read whole; `tests/test_log_index_laws.py` checks it for every reader.
- Either way, the records and skips of a file depend only on its bytes, its path and its companions:
  never on the clock, the environment or another file (the index would keep a stale answer). A rule
  such as "a record dated in the future is not counted yet" belongs where the report is made.
- `WHOLE`: anything else (a reader that settles copies within the file itself, a JSON document, a SQLite
  store whose rows change in place): the index reads the file again from the start whenever its size,
  times or companions change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from tokenplan_cli.readers.logs import listings
from tokenplan_cli.tuples import NamedTuple

# --from name -> module. The order is the order of `usage report`'s listing of tools found.
LOG_READERS = {
    "claude-code": "tokenplan_cli.readers.logs.claude_code",
    "opencode": "tokenplan_cli.readers.logs.opencode",
    "codex": "tokenplan_cli.readers.logs.codex",
    "openclaw": "tokenplan_cli.readers.logs.openclaw",
    "gemini": "tokenplan_cli.readers.logs.gemini",
    "qwen-code": "tokenplan_cli.readers.logs.qwen_code",
    "cline": "tokenplan_cli.readers.logs.cline",
    "roo-code": "tokenplan_cli.readers.logs.roo_code",
    "kilo-code": "tokenplan_cli.readers.logs.kilo_code",
    "crush": "tokenplan_cli.readers.logs.crush",
    "goose": "tokenplan_cli.readers.logs.goose",
    "droid": "tokenplan_cli.readers.logs.droid",
    "csv": "tokenplan_cli.readers.logs.generic",
    "jsonl": "tokenplan_cli.readers.logs.generic",
}

Taken = TypeVar("Taken")

# `index_mode` values: how the log index may read a file again (see the docstring above).
LINES = "lines"
WHOLE = "whole"

# How many line numbers of skipped lines a summary keeps per file (the count is always exact).
KEPT_LINE_NUMBERS = 5
BARE_TOTAL = "only a total token count: booked as output"


class SkippedFile(NamedTuple):
    path: str
    count: int
    lines: tuple[int, ...]  # the first KEPT_LINE_NUMBERS line numbers (0: the file as a whole)
    reasons: tuple[str, ...]  # distinct reasons, in the order first seen


class Skips:
    """What could not be read, by file: exact counts, the first line numbers and the reasons; and, apart,
    the lines that were counted but held only a total token count (booked as output: `fields.TotalOnly`).
    """

    def __init__(self) -> None:
        self._files: dict[str, tuple[int, list[int], list[str]]] = {}
        self._bare_totals: dict[str, tuple[int, list[int]]] = {}

    def add_bare_total(self, path: Path | str, line: int) -> None:
        """A line that held only a total: counted (as output), and reported so that no one is surprised."""
        count, lines = self._bare_totals.get(str(path), (0, []))
        if len(lines) < KEPT_LINE_NUMBERS:
            lines.append(line)
        self._bare_totals[str(path)] = (count + 1, lines)

    @property
    def bare_totals(self) -> int:
        return sum(count for count, _ in self._bare_totals.values())

    def bare_totals_by_file(self) -> tuple[SkippedFile, ...]:
        return tuple(
            SkippedFile(path, count, tuple(lines), (BARE_TOTAL,))
            for path, (count, lines) in sorted(self._bare_totals.items())
        )

    def add(self, path: Path | str, line: int, reason: str) -> None:
        key = str(path)
        count, lines, reasons = self._files.get(key, (0, [], []))
        if len(lines) < KEPT_LINE_NUMBERS:
            lines.append(line)
        if reason not in reasons:
            reasons.append(reason)
        self._files[key] = (count + 1, lines, reasons)

    def merge(self, other: Skips) -> None:
        """Fold in what a worker process found."""
        for path, (count, lines, reasons) in other._files.items():
            self.merge_file(path, count, lines, reasons)
        for path, (count, lines) in other._bare_totals.items():
            self.merge_bare_totals(path, count, lines)

    def merge_file(self, path: Path | str, count: int, lines: Sequence[int], reasons: Sequence[str]) -> None:
        """Fold in one file's skips (as `SkippedFile` holds them), read after what is already here."""
        key = str(path)
        mine_count, mine_lines, mine_reasons = self._files.get(key, (0, [], []))
        mine_lines.extend(lines[: KEPT_LINE_NUMBERS - len(mine_lines)])
        mine_reasons.extend(r for r in reasons if r not in mine_reasons)
        self._files[key] = (mine_count + count, mine_lines, mine_reasons)

    def merge_bare_totals(self, path: Path | str, count: int, lines: Sequence[int]) -> None:
        """Fold in one file's lines booked from a bare total, read after what is already here."""
        key = str(path)
        mine_count, mine_lines = self._bare_totals.get(key, (0, []))
        mine_lines.extend(lines[: KEPT_LINE_NUMBERS - len(mine_lines)])
        self._bare_totals[key] = (mine_count + count, mine_lines)

    @property
    def total(self) -> int:
        return sum(count for count, _, _ in self._files.values())

    def by_file(self) -> tuple[SkippedFile, ...]:
        return tuple(
            SkippedFile(path, count, tuple(lines), tuple(reasons))
            for path, (count, lines, reasons) in sorted(self._files.items())
        )

    def __bool__(self) -> bool:
        """Whether anything was skipped (lines booked from a bare total were counted: see `bare_totals`)."""
        return bool(self._files)

    def any(self) -> bool:
        """Whether there is anything to report: a skip or a bare total."""
        return bool(self._files or self._bare_totals)


# A file found by a walk: its path as text and its stat (None: it could not be stat'ed; reading it says why).
Found = tuple[str, os.stat_result | None]


def walk_files(
    root: Path,
    wanted: Callable[[Path], bool],
    skips: Skips,
    passed_over: Callable[[str], bool] | None = None,
) -> Iterator[Path]:
    """Files under `root` (following symbolic links, each directory once) for which `wanted` is true.

    `root` itself is yielded when it is a file (whatever its name: the user named it). A directory
    that cannot be listed, and a symbolic link loop, are reported in `skips` and passed over; so is,
    unread, a subfolder whose name `passed_over` is true of. Order is stable: sorted by path within
    each directory, a directory's files before its subfolders.
    """
    if root.is_file():
        yield root
        return

    def take(text: str, name: str) -> Path | None:
        path = Path(text)
        return path if wanted(path) else None

    yield from _walk(root, take, skips, passed_over)


def walk_stats(
    root: Path,
    wanted: Callable[[str], bool],
    skips: Skips,
    passed_over: Callable[[str], bool] | None = None,
) -> Iterator[Found]:
    """`walk_files` for a test on the file's name alone (`wanted(name)`), yielding each file's path as
    text with its stat: one `stat` a file, and no `Path` made (a third of a warm walk's time went to
    making them)."""
    if root.is_file():
        yield str(root), _stat(str(root))
        return

    def take(path: str, name: str) -> Found | None:
        return (path, _stat(path)) if wanted(name) else None  # (None stat: reading it will say why)

    yield from _walk(root, take, skips, passed_over)


def has_suffix(name: str, wanted: str) -> bool:
    """Whether a file's name has the suffix `wanted` as `Path.suffix` has it (`.jsonl`; none for `.jsonl`
    alone), for a `wanted` of one dot: the walk asks it of every file's name, for `walk_stats`.

    >>> has_suffix("a.jsonl", ".jsonl"), has_suffix(".jsonl", ".jsonl"), has_suffix("a.jsonl.x", ".jsonl")
    (True, False, False)
    """
    return len(name) > len(wanted) and name.endswith(wanted)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _walk(
    root: Path,
    take: Callable[[str, str], Taken | None],
    skips: Skips,
    passed_over: Callable[[str], bool] | None,
) -> Iterator[Taken]:
    """What `take(path, name)` makes of each file under the folder `root` (None: not wanted), in
    `walk_files`' order.

    A folder is listed once: one reached again (through a symbolic link) is a loop, passed over. Only a
    link can lead back, so folders are not stat'ed for their identity until a link to a folder is met
    (then those listed before are, once): a warm walk of 1932 folders saved as many `stat`s. A bind
    mount or a Windows junction can lead back too, unseen as a link: a folder deeper than
    `UNLINKED_DEPTH` below the root is taken as met through one. In a resident's child, a folder as it
    was when last listed is not listed again (`listings`).
    """
    memo = listings.current
    if memo is not None:
        memo.begin()
    seen: set[tuple[int, int]] | None = None  # identities of the folders listed, once a link is met
    listed: list[str] = []  # folders listed before that
    pending = [(str(root), False, 0)]  # folders as strings: a Path for each of thousands cost a third
    while pending:
        folder, linked, depth = pending.pop()
        if seen is None and (linked or depth > UNLINKED_DEPTH):
            seen = _identities(listed)
        if seen is not None and not _first_visit(folder, seen, skips):
            continue
        found = _listing(folder, memo, skips)
        if found is None:
            continue
        if seen is None:
            listed.append(folder)
        files, subfolders = found
        prefix = folder if folder.endswith(os.sep) else folder + os.sep  # (as a directory entry's path)
        for name in files:
            if (taken := take(prefix + name, name)) is not None:
                yield taken
        pending.extend(
            (prefix + name, link, depth + 1)
            for name, link in reversed(subfolders)
            if passed_over is None or not passed_over(name)
        )
    if memo is not None:
        memo.send()


def _listing(
    folder: str, memo: listings.Listings | None, skips: Skips
) -> tuple[Sequence[str], list[tuple[str, bool]]] | None:
    """The names of `folder`'s files, and its subfolders' (each with whether it is a symbolic link), in
    name order: as `memo` remembers them while the folder is unchanged, else listed now (and given to
    `memo`). None: the folder cannot be listed (said in `skips`)."""
    stat = None
    if memo is not None:
        stat = _stat(folder)  # (None: listing it will say why)
        trusted = memo.trusted(folder, stat) if stat is not None else None
        if trusted is not None:
            return trusted[0], [(name, False) for name in trusted[1]]
    try:
        entries = sorted(os.scandir(folder), key=_name)
    except OSError as exc:
        skips.add(folder, 0, cannot_read(exc))
        return None
    files: list[str] = []
    subfolders: list[tuple[str, bool]] = []
    plain = True  # no link, nothing unreadable: a listing that may be remembered
    for entry in entries:
        try:
            if entry.is_dir():
                link = entry.is_symlink()
                subfolders.append((entry.name, link))
            elif entry.is_file():
                link = entry.is_symlink()
                files.append(entry.name)
            else:
                continue
            plain = plain and not link
        except OSError as exc:
            skips.add(entry.path, 0, cannot_read(exc))
            plain = False
    if memo is not None and stat is not None and plain:
        memo.listed(folder, stat, files, [name for name, _ in subfolders])
    return files, subfolders


# How deep below a walk's root folders are listed without their identities (Claude Code's are three or
# four deep): deeper, a loop that is no symbolic link (a bind mount, a junction) is found as a link's.
UNLINKED_DEPTH = 16


def _first_visit(folder: str, seen: set[tuple[int, int]], skips: Skips) -> bool:
    """Whether `folder` is met for the first time (noted), else skipped: a loop, or not there to stat."""
    try:
        stat = os.stat(folder)
    except OSError as exc:
        skips.add(folder, 0, cannot_read(exc))
        return False
    if (stat.st_dev, stat.st_ino) in seen:
        skips.add(folder, 0, "symbolic link loop")
        return False
    seen.add((stat.st_dev, stat.st_ino))
    return True


def _identities(folders: list[str]) -> set[tuple[int, int]]:
    """The device and inode of each folder that is still there."""
    identities = set()
    for folder in folders:
        try:
            stat = os.stat(folder)
        except OSError:
            continue
        identities.add((stat.st_dev, stat.st_ino))
    return identities


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def cannot_read(exc: OSError) -> str:
    """The skip reason for a file or folder the operating system would not give us."""
    return f"cannot read: {exc.strerror or 'error'}"
