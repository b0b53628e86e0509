"""Reading a lines file from where an earlier reading stopped: the offset, the line and the reader's state.

The log index (`readers/logs/index/`) reads a file that grew from the offset after the last complete line
it read, with the state the reader carried there (Codex's running total, OpenClaw's model, a CSV
header). A `Resume` says where to start and, once the reader is done, where the next reading should:
`numbered_lines` keeps it up to date. A last line without its newline (a tool still writing it) is read
as a cold read reads it, but it is the *tail*: the offset stays before it, the state is the one before
it, and what it gives (its records, which the reader yields while `tail` is true, and its skips, in
`tail_skips`) is the caller's to count without indexing it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from tokenplan_cli.readers.logs import Skips


class Carry(Protocol):
    """What a stateful reader carries from one line of a file to the next.

    A carry may also have a `resumable` attribute, false once what the file gives depends on more than
    its lines (Codex's exec output dated by the file's modification time): the index then reads the
    file whole whenever it changes.
    """

    def checkpoint(self) -> Any:
        """The state as plain JSON values (lists, strings, numbers, booleans, None), to resume from."""


class Resume:
    """Where a reading of a lines file starts (`offset`, `line`, `state`) and, once done, where the next
    should; `tail` is true while a last line cut short is read, and `failed` once a read failed."""

    def __init__(self, offset: int = 0, line: int = 0, state: Any = None) -> None:
        self.offset = offset  # bytes: after the last complete line read
        self.line = line  # lines before `offset`
        self.state = state  # the reader's checkpoint at `offset`
        self.tail = False
        self.tail_skips = Skips()
        self.failed = False  # an error while reading: what was read cannot be resumed from
        self.resumable = True  # false when the next reading must start at the beginning

    def cut_short(self, offset: int, line: int, carry: Carry | None) -> None:
        """The line about to be read is a last line without its newline: the next reading starts at it."""
        self._checkpoint(offset, line, carry)
        self.tail = True

    def reached_end(self, offset: int, line: int, carry: Carry | None) -> None:
        """Every line was complete: the next reading starts at the end."""
        if not self.tail:
            self._checkpoint(offset, line, carry)

    def _checkpoint(self, offset: int, line: int, carry: Carry | None) -> None:
        self.offset, self.line = offset, line
        self.state = carry.checkpoint() if carry is not None else None
        if not getattr(carry, "resumable", True):
            self.resumable = False

    def routed(self, skips: Skips) -> Skips:
        """A `Skips` that sends what the tail gives to `tail_skips` and the rest to `skips`."""
        return _RoutedSkips(self, skips)


class _RoutedSkips(Skips):
    def __init__(self, resume: Resume, skips: Skips) -> None:
        super().__init__()
        self.resume = resume
        self.indexed = skips

    def add(self, path: Path | str, line: int, reason: str) -> None:
        (self.resume.tail_skips if self.resume.tail else self.indexed).add(path, line, reason)

    def add_bare_total(self, path: Path | str, line: int) -> None:
        (self.resume.tail_skips if self.resume.tail else self.indexed).add_bare_total(path, line)
