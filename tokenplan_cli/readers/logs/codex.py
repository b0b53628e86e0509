"""Codex CLI: the `token_count` events of its session rollouts, and saved `codex exec --json` output.

Each line of `rollout-*.jsonl` is `{"timestamp", "type", "payload"}`. An `event_msg` whose payload is a
`token_count` carries `info.total_token_usage` (the session's running total) and `info.last_token_usage`
(the latest response). A request is what the running total really advanced (`RunningTotal`): Codex
re-emits an unchanged total, writes a stale snapshot late now and then, zeroes the total when a request
overflows the context window, and starts it again in a new process. The model is the one named by the
latest `turn_context`.

A fork, or a sub-agent spawned with its parent's history, begins with a copy of the history it came
from: the parent's events, under their original timestamps or all stamped at once when the copy was
made. That usage was spent, and dated, in the parent; the copy is passed over (`Inheritance`), so a
child counts its own turns whether or not its parent's rollout is read.

`codex exec --json` prints `thread.started` and, after each turn, `turn.completed` with the thread's
running total (`usage_from_last_total` in codex-rs `exec/src/event_processor_with_jsonl_output.rs`).
Such a turn has the key of the rollout request that ends it, and loses to it: where both are read, the
rollout's requests count.

Codex counts like the OpenAI API: `input_tokens` includes `cached_input_tokens` (and the newer
`cache_write_input_tokens`), and `output_tokens` includes `reasoning_output_tokens`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import LINES, Found, Skips, has_suffix, walk_stats
from tokenplan_cli.readers.logs.fields import (
    EPOCH,
    UNKNOWN_MODEL,
    BadRecord,
    count,
    dedupe_key,
    instant,
    lookup,
    mapping,
    model_name,
)
from tokenplan_cli.readers.logs.jsonlines import line_records
from tokenplan_cli.readers.logs.resume import Resume
from tokenplan_cli.tuples import NamedTuple

TOOL = "codex"
VERSION = 1  # of the records read from the same lines: bump on any change
KEY_PREFIX = b"cx"
# A quoted name can only be a JSON key or a whole string value (quotes inside strings are escaped), so
# these tests pick out the kinds of line that matter, however the writer spaced its JSON.
MARKERS = (
    b'"token_count"',
    b'"turn_context"',
    b'"session_meta"',
    b'"thread.started"',  # codex exec --json
    b'"turn.completed"',
)
# A copied history is written in one burst; the child's own first request comes at least a model
# response later. Lines of a child closer than this to the line before them are still the copy.
REPLAY_GAP = timedelta(seconds=1)


class Totals(NamedTuple):
    """One `TokenUsage` object of Codex, as it counts (input and output inclusive)."""

    input: int
    cached: int
    cache_write: int
    output: int
    reasoning: int

    @classmethod
    def read(cls, usage: dict[str, Any]) -> Totals:
        return cls(
            count(usage, "input_tokens"),
            max(count(usage, "cached_input_tokens"), count(usage, "cache_read_input_tokens")),
            count(usage, "cache_write_input_tokens"),
            count(usage, "output_tokens"),
            count(usage, "reasoning_output_tokens"),
        )

    def minus(self, earlier: Totals) -> Totals | None:
        """The advance since `earlier`, or None when some counter went back."""
        advance = Totals(*(now - then for now, then in zip(self, earlier, strict=True)))
        return None if min(advance) < 0 else advance

    @property
    def size(self) -> int:
        """Codex's `total_tokens`: input and output, each already holding its parts."""
        return self.input + self.output


class RunningTotal:
    """What each snapshot of one running total adds: only real advances past its high-water mark.

    - The first snapshot read counts its own request (`last_token_usage`), not the history before it:
      a resumed or forked session starts from a total spent elsewhere.
    - An unchanged total (a re-emitted event) adds nothing.
    - An all-zero total (`TokenUsageInfo::fill_to_context_window` after a request overflowed the
      context window) adds nothing; the next snapshot may start the counters again from zero.
    - A total that goes back starts a new run of the counters (a new process, or the reset above) when
      it equals its own `last_token_usage` (a run from zero begins so: `append_last_usage`), or, with no
      `last_token_usage`, when it is under half the mark; that run's total so far counts. Any other
      regression is a stale snapshot written late: it adds nothing and the mark holds, so the next
      total counts only its advance past the mark.
    """

    def __init__(self) -> None:
        self.mark: Totals | None = None
        self.zeroed = False

    def checkpoint(self) -> list[Any]:
        return [None if self.mark is None else list(self.mark), self.zeroed]

    @classmethod
    def restored(cls, state: list[Any]) -> RunningTotal:
        total = cls()
        mark, total.zeroed = state
        total.mark = None if mark is None else Totals(*mark)
        return total

    def advance(self, total: Totals, last: Totals | None) -> Totals | None:
        """The usage this snapshot adds (None for none), moving the mark."""
        mark = self.mark
        if not any(total):
            self.zeroed = mark is not None
            return None
        if mark is None:
            self.mark = total
            return last if last is not None and total.minus(last) is not None else total
        if total == mark:
            return None
        gained = total.minus(mark)
        if gained is None:
            if not self._starts_a_run(total, last, mark):
                return None
            gained = total
        self.mark, self.zeroed = total, False
        return gained

    def _starts_a_run(self, total: Totals, last: Totals | None, mark: Totals) -> bool:
        if self.zeroed:
            return True
        if last is not None:
            return total == last
        return total.size * 2 < mark.size


class Inheritance:
    """Whether a child rollout's lines are still the history it copied from its parent.

    The copy follows the child's own `session_meta` at once: its lines keep their original (earlier)
    timestamps in newer Codex versions, or carry the instants they were copied at in older ones. The
    copy ends at the first line dated more than `REPLAY_GAP` after both the child's creation and the
    line before it.
    """

    def __init__(self, created: datetime) -> None:
        self.until: datetime | None = created

    def holds(self, moment: datetime | None) -> bool:
        until = self.until
        if until is None:
            return False
        if moment is None:
            return True
        if moment > until + REPLAY_GAP:
            self.until = None
            return False
        self.until = max(until, moment)
        return True


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    codex_home = Path(env["CODEX_HOME"]) if env.get("CODEX_HOME") else home / ".codex"
    return [codex_home / "sessions", codex_home / "archived_sessions"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return (Path(path) for path, _ in find_stats(root, skips))


def find_stats(root: Path, skips: Skips) -> Iterator[Found]:
    return walk_stats(root, _is_rollout, skips)


def _is_rollout(name: str) -> bool:
    return name.startswith("rollout-") and has_suffix(name, ".jsonl")


def read_file(path: Path, skips: Skips, resume: Resume | None = None) -> Iterator[UsageRecord]:
    rollout = _Rollout(path)
    if resume is not None and resume.state is not None:
        rollout.restore(resume.state)
    yield from line_records(path, skips, MARKERS, rollout.record, resume=resume, carry=rollout)


def index_mode(path: Path) -> str:
    """A rollout only grows; what a line adds depends on the lines before through `_Rollout` alone
    (but exec output dated by the file's time: `_Rollout.resumable`)."""
    return LINES


# _Rollout's fields, every one in its checkpoint (but the path, which the reading is given).
CARRIED = ["path", "session", "inheritance", "model", "total", "threads", "thread", "resumable"]


class _Rollout:
    """What carries from one line of a file to the next: its session, lineage, model and totals."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.session: str | None = None  # from the first session_meta; never from the file's name
        self.inheritance: Inheritance | None = None
        self.model = UNKNOWN_MODEL
        self.total = RunningTotal()
        self.threads: dict[str, RunningTotal] = {}  # codex exec output: a running total per thread
        self.thread: tuple[str, datetime | None] | None = None  # its current thread and start
        self.resumable = True  # false once a record is dated by the file's modification time

    def checkpoint(self) -> list[Any]:
        """Everything carried, as plain values (`readers.logs.resume.Carry`)."""
        assert list(vars(self)) == CARRIED, "a field added to _Rollout must be checkpointed and restored"
        until = self.inheritance.until if self.inheritance is not None else None
        thread = None if self.thread is None else [self.thread[0], _iso(self.thread[1])]
        return [
            self.session,
            None if self.inheritance is None else [_iso(until)],
            self.model,
            self.total.checkpoint(),
            {name: total.checkpoint() for name, total in self.threads.items()},
            thread,
        ]

    def restore(self, state: list[Any]) -> None:
        self.session, inheritance, self.model, total, threads, thread = state
        if inheritance is not None:
            self.inheritance = Inheritance(EPOCH)
            self.inheritance.until = _from_iso(inheritance[0])
        self.total = RunningTotal.restored(total)
        self.threads = {name: RunningTotal.restored(saved) for name, saved in threads.items()}
        self.thread = None if thread is None else (thread[0], _from_iso(thread[1]))

    def record(self, line: dict[str, Any]) -> UsageRecord | None:
        """The request a line adds; the other lines update the state and yield nothing."""
        kind, payload = line.get("type"), line.get("payload")
        if kind == "thread.started" or kind == "turn.completed":
            return self._exec_event(kind, line)
        if not isinstance(payload, dict):
            return None
        if kind == "session_meta":
            if self.session is None:
                self._meet(payload, line)
            return None
        inherited = self.inheritance is not None and self.inheritance.holds(_instant_or_none(line))
        if kind == "turn_context" and payload.get("model"):
            self.model = model_name(payload["model"])
        elif kind == "event_msg" and payload.get("type") == "token_count":
            return self._token_count(line, payload, inherited)
        return None

    def _meet(self, meta: dict[str, Any], line: dict[str, Any]) -> None:
        """The rollout's own session_meta: its id, and whether it begins with a parent's history."""
        own = meta.get("id")
        self.session = own if isinstance(own, str) else ""
        if _parent(meta) is not None:
            created = _instant_or_none(line) or _instant_or_none(meta)
            if created is not None:
                self.inheritance = Inheritance(created)

    def _token_count(
        self, line: dict[str, Any], payload: dict[str, Any], inherited: bool
    ) -> UsageRecord | None:
        info = mapping(payload, "info")
        if not info:
            return None  # events that only report rate limits carry no `info`
        if "total_token_usage" not in info:
            raise BadRecord("no running total")
        total = Totals.read(mapping(info, "total_token_usage"))
        last = Totals.read(mapping(info, "last_token_usage")) if "last_token_usage" in info else None
        moment = instant(line.get("timestamp"))  # ISO text, or Unix seconds or ms
        gained = self.total.advance(total, last)
        if gained is None or inherited:
            return None
        return _record(moment, gained, self.model, dedupe_key(KEY_PREFIX, self.session or "", *_key(total)))

    def _exec_event(self, kind: str, line: dict[str, Any]) -> UsageRecord | None:
        if kind == "thread.started":
            thread = line.get("thread_id")
            started = _instant_or_none(line)
            self.thread = (thread if isinstance(thread, str) else "", started)
            return None
        thread, started = self.thread or ("", None)
        total = Totals.read(mapping(line, "usage"))
        gained = self.threads.setdefault(thread, RunningTotal()).advance(total, None)
        if gained is None:
            return None
        if started is None:  # dated by the file's time, which a cold read takes afresh: read it whole
            self.resumable = False
        moment = started or _modified(self.path)
        # The rollout's request that ends this turn has the same key, and wins (it is preferred).
        key = dedupe_key(KEY_PREFIX, thread, *_key(total))
        return _record(moment, gained, model_name(line.get("model")), key, preferred=False)


def _parent(meta: dict[str, Any]) -> str | None:
    """The session a rollout was forked or spawned from (its history may begin with a copy of it)."""
    for candidate in (
        meta.get("forked_from_id"),
        meta.get("parent_thread_id"),
        lookup(meta, "source", "subagent", "thread_spawn", "parent_thread_id"),
    ):
        if isinstance(candidate, str) and candidate:
            return candidate
    return None


def _key(total: Totals) -> tuple[int, int, int]:
    """The running total after a request identifies it within its session, in the session's rollout,
    an archived copy of it, and the `turn.completed` of exec output (which carries these three)."""
    return total.input, total.cached, total.output


def _instant_or_none(value: dict[str, Any]) -> datetime | None:
    try:
        return instant(value.get("timestamp"))
    except BadRecord:
        return None


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _modified(path: Path) -> datetime:
    """When a file was last written: the instant of exec output that does not say when it ran."""
    try:
        nanoseconds = os.stat(path).st_mtime_ns
    except OSError:
        raise BadRecord("no timestamp") from None
    return EPOCH + timedelta(microseconds=nanoseconds // 1000)


def _record(
    moment: datetime, delta: Totals, model: str, key: bytes, preferred: bool = True
) -> UsageRecord | None:
    cached = min(delta.cached, delta.input)
    cache_write = min(delta.cache_write, delta.input - cached)
    reasoning = min(delta.reasoning, delta.output)
    if not any(delta):
        return None
    return UsageRecord(
        timestamp=moment,
        tool=TOOL,
        model=model,
        cache_hit=cached,
        cache_miss=delta.input - cached - cache_write,
        cache_write=cache_write,
        output=delta.output - reasoning,
        reasoning=reasoning,
        dedupe_key=key,
        preferred=preferred,
    )
