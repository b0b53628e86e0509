"""Codex CLI: the `token_count` events of its session rollouts.

Each line of `rollout-*.jsonl` is `{"timestamp", "type", "payload"}`. An `event_msg` whose payload is a
`token_count` carries `info.total_token_usage` (the session's running total) and `info.last_token_usage`
(the latest response); Codex re-emits an unchanged total, so a request is the *advance* of the total,
and a total that goes back (a new process continuing the session) starts again from `last_token_usage`.
The model is the one named by the latest `turn_context`.

Codex counts like the OpenAI API: `input_tokens` includes `cached_input_tokens` (and the newer
`cache_write_input_tokens`), and `output_tokens` includes `reasoning_output_tokens`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    UNKNOWN_MODEL,
    BadRecord,
    count,
    dedupe_key,
    instant_from_iso,
    lookup,
    mapping,
    model_name,
)
from tokenplan_cli.readers.logs.jsonlines import line_records

TOOL = "codex"
KEY_PREFIX = b"cx"
# A quoted name can only be a JSON key or a whole string value (quotes inside strings are escaped), so
# these tests pick out the three kinds of line that matter, however the writer spaced its JSON.
TOKEN_COUNT = b'"token_count"'
TURN_CONTEXT = b'"turn_context"'
SESSION_META = b'"session_meta"'


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
        """The advance since `earlier`, or None when some counter went back (the total was reset)."""
        advance = Totals(*(now - then for now, then in zip(self, earlier, strict=True)))
        return None if min(advance) < 0 else advance


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    codex_home = Path(env["CODEX_HOME"]) if env.get("CODEX_HOME") else home / ".codex"
    return [codex_home / "sessions", codex_home / "archived_sessions"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, _is_rollout, skips)


def _is_rollout(path: Path) -> bool:
    return path.name.startswith("rollout-") and path.suffix == ".jsonl"


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    rollout = _Rollout(session=path.stem.removeprefix("rollout-"))
    yield from line_records(path, skips, (TOKEN_COUNT, TURN_CONTEXT, SESSION_META), rollout.record)


class _Rollout:
    """What carries from one line of a rollout to the next: its session, model and running total."""

    def __init__(self, session: str) -> None:
        self.session = session
        self.session_known = False
        self.model = UNKNOWN_MODEL
        self.total: Totals | None = None

    def record(self, line: dict[str, Any]) -> UsageRecord | None:
        """The request a `token_count` line adds; the other lines update the state and yield nothing."""
        kind, payload = line.get("type"), line.get("payload")
        if not isinstance(payload, dict):
            return None
        if kind == "session_meta" and not self.session_known:
            self.session = _root_session(payload) or self.session
            self.session_known = True
        elif kind == "turn_context" and payload.get("model"):
            self.model = model_name(payload["model"])
        elif kind == "event_msg" and payload.get("type") == "token_count":
            advance = _advance(payload, self.total)
            if advance is not None:
                delta, self.total = advance
                return _record(line, delta, self.total, self.model, self.session)
        return None


def _root_session(meta: dict[str, Any]) -> str | None:
    """The session whose history this rollout holds: the parent of a fork or a sub-agent, else itself.

    A forked rollout replays its parent's `token_count` lines; keying by the parent makes them the same
    requests as in the parent's own file.
    """
    parent_thread = lookup(meta, "source", "subagent", "thread_spawn", "parent_thread_id")
    for candidate in (meta.get("forked_from_id"), parent_thread, meta.get("id")):
        if isinstance(candidate, str) and candidate:
            return candidate
    return None


def _advance(payload: dict[str, Any], previous: Totals | None) -> tuple[Totals, Totals] | None:
    """The usage this event adds and the new running total; None for an event that adds nothing.

    Events that only report rate limits carry no `info`; Codex writes `total_token_usage` and
    `last_token_usage` together in every other one.
    """
    info = mapping(payload, "info")
    if not info:
        return None
    if "total_token_usage" not in info:
        raise BadRecord("no running total")
    total = Totals.read(mapping(info, "total_token_usage"))
    if previous is None:
        return total, total
    if total == previous:
        return None
    delta = total.minus(previous)
    if delta is None:
        delta = Totals.read(mapping(info, "last_token_usage")) if "last_token_usage" in info else total
    return delta, total


def _record(
    line: dict[str, Any], delta: Totals, total: Totals, model: str, session: str
) -> UsageRecord | None:
    cached = min(delta.cached, delta.input)
    cache_write = min(delta.cache_write, delta.input - cached)
    reasoning = min(delta.reasoning, delta.output)
    if not any(delta):
        return None
    return UsageRecord(
        timestamp=instant_from_iso(line.get("timestamp")),
        tool=TOOL,
        model=model,
        cache_hit=cached,
        cache_miss=delta.input - cached - cache_write,
        cache_write=cache_write,
        output=delta.output - reasoning,
        reasoning=reasoning,
        # The running total identifies a request within its session, in the session's own rollout, in
        # an archived copy, and in a fork that replays it.
        dedupe_key=dedupe_key(KEY_PREFIX, session, *total),
    )
