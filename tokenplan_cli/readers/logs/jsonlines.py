"""Streaming JSON lines with skip accounting, shared by the log readers.

A reader names the byte strings a line must hold to be worth parsing (`markers`); every other line is
passed over unread, which is where the speed comes from. A line that holds a marker but cannot be read
is reported in `Skips` with its line number and a fixed reason, never its content.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.fields import BadRecord, cannot_read, report_bare_total
from tokenplan_cli.readers.logs.resume import Carry, Resume

# What a reader's `fast` hook returns for a line it does not vouch for: the line then takes the generic
# path (parsed into plain objects, then `convert`), which reports every fault.
FALLBACK: Any = object()

# With the default 8 kB buffer, lines of several kB are pieced together from many reads: iterating and
# testing Claude Code's lines ran at 665 MB/s with it and 1,306 MB/s with 1 MB.
READ_BUFFER_BYTES = 1 << 20


@cache
def json_decoder() -> Callable[[bytes], Any]:
    """msgspec's JSON decoder (1.5x the throughput of json.loads on Claude Code logs), imported on first
    use: a process that only finds the files, while workers read them, never pays its import."""
    return import_msgspec().json.decode  # type: ignore[no-any-return]


def import_msgspec() -> ModuleType:
    """msgspec (with `msgspec.json`), imported without `typing_extensions` unless it is imported already.

    msgspec imports `typing_extensions` when it is installed (Typer needs it), for type hints that the
    `typing` of Python 3.11 has too, and uses `typing`'s where it is missing. That import (it brings
    `inspect`) was half of msgspec's 23-34 ms, paid by every run that reads a log line: a status line
    after each message, a report after an append. Every module that uses msgspec imports it here.
    """
    if "msgspec.json" in sys.modules:
        return sys.modules["msgspec"]
    # (hidden only while no other thread runs, which could be importing it meanwhile: a program of its
    # own using `tokenplan_cli.api`)
    threads = sys.modules.get("threading")
    alone = threads is None or threads.active_count() == 1
    hidden = alone and "typing_extensions" not in sys.modules
    if hidden:
        sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # (an import of it fails)
    try:
        import msgspec.json
    finally:
        if hidden and sys.modules.get("typing_extensions", ModuleType("any")) is None:
            del sys.modules["typing_extensions"]
    return msgspec


def loads(data: bytes) -> Any:
    """Parse one JSON document from bytes (one place to switch the project to another parser)."""
    return json_decoder()(data)


def parse_object(data: bytes) -> dict[str, Any] | str:
    """The JSON object in `data`, or the skip reason when it is not one."""
    try:
        value = loads(data)
    except UnicodeDecodeError:
        return "not UTF-8"
    except (ValueError, RecursionError):  # a parser may report bad UTF-8 as a JSON error: tell them apart
        return "malformed JSON" if is_utf8(data) else "not UTF-8"
    if not isinstance(value, dict):
        return "not a JSON object"
    return value


def numbered_lines(
    path: Path, skips: Skips, resume: Resume | None = None, carry: Carry | None = None
) -> Iterator[tuple[int, bytes]]:
    """The lines of `path` as bytes (newline kept), numbered from 1.

    A file that cannot be opened is reported in `skips` as "cannot read: …" on line 0; one that fails
    while read, on the line it failed at. With `resume`, reading starts at its offset (numbered on from
    its line) and `resume` is kept up to date with `carry`'s state (see `readers.logs.resume`).

    The file is opened when this is called (its callers iterate at once): the lines come from the
    generator that reads them, not through one more that would hand each on (this runs for every line).
    """
    try:
        handle = open(path, "rb", buffering=READ_BUFFER_BYTES)
    except OSError as exc:
        skips.add(path, 0, cannot_read(exc))
        if resume is not None:
            resume.failed = True
        return iter(())
    if resume is not None:
        return _resumed_lines(handle, path, skips, resume, carry)
    return _lines(handle, path, skips)


def _lines(handle: BinaryIO, path: Path, skips: Skips) -> Iterator[tuple[int, bytes]]:
    line_number = 0
    with handle:
        try:
            for line_number, line in enumerate(handle, 1):
                yield line_number, line
        except OSError as exc:
            skips.add(path, line_number + 1, cannot_read(exc))


def small_file(path: Path, limit: int, skips: Skips | None) -> bytes | None:
    """The bytes of a one-document file no larger than `limit` (None, reported as "cannot read: …" or
    "file too large" on line 0 when `skips` is given, otherwise)."""
    try:
        with open(path, "rb") as handle:
            data = _read_at_most(handle, limit + 1)
    except OSError as exc:
        if skips is not None:
            skips.add(path, 0, cannot_read(exc))
        return None
    if len(data) > limit:
        if skips is not None:
            skips.add(path, 0, "file too large")
        return None
    return data


def _read_at_most(handle: BinaryIO, most: int) -> bytes:
    """Up to `most` bytes of an open file, allocating for what it holds, not for `most`.

    `handle.read(most)` allocates `most` bytes at once (a 256 MB cap cost 256 MB for every small
    file); the size the file has now sizes the first read, and a file still growing is read on in steps.
    """
    first = min(os.fstat(handle.fileno()).st_size + 1, most)
    data = handle.read(first)
    if len(data) < first:
        return data
    parts = [data]
    total = len(data)
    while total < most and (part := handle.read(min(READ_BUFFER_BYTES, most - total))):
        parts.append(part)
        total += len(part)
    return b"".join(parts)


def _resumed_lines(
    handle: BinaryIO, path: Path, skips: Skips, resume: Resume, carry: Carry | None
) -> Iterator[tuple[int, bytes]]:
    """`numbered_lines` from `resume`'s offset, keeping `resume` up to date.

    Each line is handed on once the next one is read, so that no offset is summed line by line: a line
    without its newline (a tool still writing it) is nearly always the last, whose offset is the end's
    less its length; one met before another (the file grew meanwhile) has its offset from the position
    read to. Either is `cut_short` before it is handed on, as the reader's state is before it.
    """
    last: tuple[int, bytes] | None = None
    with handle:
        try:
            handle.seek(resume.offset)
            lines = enumerate(handle, resume.line + 1)
            last = next(lines, None)
            if last is None:
                resume.reached_end(resume.offset, resume.line, carry)
                return
            for following in lines:
                if last[1][-1:] != b"\n":  # (rare: see above)
                    resume.cut_short(handle.tell() - len(following[1]) - len(last[1]), last[0] - 1, carry)
                yield last
                last = following
            number, line = last
            end = handle.tell()
        except OSError as exc:
            if last is not None:  # (read, not yet handed on)
                yield last
            skips.add(path, (last[0] if last is not None else resume.line) + 1, cannot_read(exc))
            resume.failed = True
            return
        if line[-1:] != b"\n":
            resume.cut_short(end - len(line), number - 1, carry)
        yield last
    resume.reached_end(end, number, carry)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def line_records(
    path: Path,
    skips: Skips,
    markers: tuple[bytes, ...],
    convert: Callable[[dict[str, Any]], UsageRecord | None],
    skip_prefixes: tuple[bytes, ...] = (),
    fast: Callable[[bytes], UsageRecord | None] | None = None,
    resume: Resume | None = None,
    carry: Carry | None = None,
) -> Iterator[UsageRecord]:
    """The records `convert` makes of the lines of `path` that hold one of `markers`, in order.

    With no markers, every line that is not blank is wanted. Lines that begin with one of
    `skip_prefixes` are passed over unread even when they hold a marker. `convert` returns None for a
    line that holds no usage and raises `BadRecord` for one it cannot use.

    `fast`, where given, is tried first on each wanted line: it returns what parsing and `convert`
    would give (a record or None) for the lines it vouches for, `FALLBACK` for any other.

    A line that cannot be used is reported with its line number: a last line cut short (a log still
    being written) as "truncated last line", a file that cannot be opened or read as "cannot read: …"
    (line 0 when it cannot be opened at all). This loop runs for every line of gigabytes of logs: the
    test for a single marker is written out, not called.

    With `resume`, reading starts where it says and keeps it up to date (`readers.logs.resume`); `carry`
    is the object whose state `convert` changes (None for a reader without state).
    """
    marker = markers[0] if len(markers) == 1 and not skip_prefixes else None
    wants = None if marker is not None else _wanted_lines(markers, skip_prefixes)
    if resume is not None:
        skips = resume.routed(skips)
    for line_number, line in numbered_lines(path, skips, resume, carry):
        wanted = marker in line if marker is not None else wants(line)  # type: ignore[misc, operator]
        if not wanted and (line[-1:] == b"\n" or not line.strip()):
            continue  # a last line still being written may be cut before its marker: it is tried
        if wanted and fast is not None:
            record = fast(line)
            if record is not FALLBACK:
                if record is not None:
                    yield record
                continue
        parsed = parse_object(line)
        if type(parsed) is str:
            cut_short = parsed == "malformed JSON" and line[-1:] != b"\n"
            skips.add(path, line_number, "truncated last line" if cut_short else parsed)
            continue
        if not wanted:
            continue
        try:
            record = convert(parsed)  # type: ignore[arg-type]
        except BadRecord as bad:
            skips.add(path, line_number, bad.reason)
            continue
        if record is not None:
            report_bare_total(record, skips, path, line_number)
            yield record


def _wanted_lines(markers: tuple[bytes, ...], skip_prefixes: tuple[bytes, ...]) -> Callable[[bytes], bool]:
    """The test of a line for several markers (any of them) or none (every line that is not blank), and
    skipped prefixes."""
    search = re.compile(b"|".join(re.escape(m) for m in markers)).search if markers else None

    def wanted(line: bytes) -> bool:
        if search is None and not line.strip():
            return False  # a blank line between records, or at the end, holds nothing to skip
        if search is not None and search(line) is None:
            return False
        return not (skip_prefixes and line.startswith(skip_prefixes))

    return wanted


def whole_file(path: Path, limit: int, skips: Skips) -> bytes | None:
    """The bytes of a file that is one JSON document (a tool rewrites it whole), when at most `limit`.

    A file that cannot be opened is reported as "cannot read: …" and one larger than `limit` as
    "file too large", both on line 0; None then.
    """
    try:
        with open(path, "rb") as handle:
            # read(n) allocates n bytes first: ask for what the file holds, not for the cap.
            data = handle.read(min(os.fstat(handle.fileno()).st_size, limit) + 1)
    except OSError as exc:
        skips.add(path, 0, cannot_read(exc))
        return None
    if len(data) > limit:
        skips.add(path, 0, "file too large")
        return None
    return data


def json_document(path: Path, limit: int, marker: bytes, skips: Skips) -> dict[str, Any] | None:
    """The JSON object a small file holds, when it holds `marker` (None otherwise: an unreadable file,
    one that is not a JSON object, reported on line 1, or one without the marker, which holds no usage)."""
    data = whole_file(path, limit, skips)
    if data is None or marker not in data:
        return None
    document = parse_object(data)
    if isinstance(document, str):
        skips.add(path, 1, document)
        return None
    return document
