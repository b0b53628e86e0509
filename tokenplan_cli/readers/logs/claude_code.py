"""Claude Code: `projects/**/*.jsonl` (sub-agent files included) under its configuration folders.

An assistant line (`type: assistant`, or no `type` and `message.role: assistant`) carries
`message.model`, `message.id`, `timestamp`, `isSidechain` and `message.usage`:

| usage field | kind |
|---|---|
| `input_tokens` | `cache_miss` (input that neither read nor wrote the cache) |
| `cache_read_input_tokens` | `cache_hit` |
| `cache_creation_input_tokens` (or the sum of `cache_creation.ephemeral_*`) | `cache_write` |
| `output_tokens` | `output` (thinking included: Claude Code does not count it apart) |

Streaming writes one line per content block, each with the message's usage so far: every copy has the
key `message.id` (the id of one response; a sidechain replays a parent message under a `requestId` of its
own, so the request id is not part of it), and the scanner keeps one, preferring the main
conversation's copy over a sidechain's (sub-agent) replay and, between equals,
the copy with the most tokens (the last block's, whose `output_tokens` is final). `<synthetic>` lines
(Claude Code's own error notices) are not requests and are passed over, as are lines of other types that
happen to hold a `usage` object (a Task tool's result repeats its sub-agent's totals, which the
sub-agent's own file counts). Sub-agent progress lines (`type: progress`) that embed an assistant message
are read like one, as a sidechain copy.

Most lines take a faster way to the same record (`claude_fast.fast_record`: a typed decode that skips
the message content); `_record` reads the others, and says what both must give. Both build it with
`claude_record.built`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import LINES, Found, Skips, has_suffix, walk_stats
from tokenplan_cli.readers.logs.claude_record import SYNTHETIC, TOOL, built, whole
from tokenplan_cli.readers.logs.fields import count
from tokenplan_cli.readers.logs.jsonlines import line_records
from tokenplan_cli.readers.logs.resume import Resume

__all__ = [  # the reader contract
    "PARSERS", "TOOL", "VERSION", "default_roots", "find_files", "find_stats", "index_mode", "read_file",
]  # fmt: skip

PARSERS = ("tokenplan_cli.readers.logs.claude_fast",)  # imported where files are read (msgspec)
VERSION = 1  # of the records read from the same lines, here and in claude_fast: bump on any change
# Every usage object Claude Code writes has an output count; a line without one is not parsed. This
# longer needle is found faster than '"usage"' (2.9 against 1.7 GB/s: CPython skips further with it).
USAGE_MARK = b'"output_tokens"'


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    """`$CLAUDE_CONFIG_DIR` (comma-separated folders) if set, else `~/.config/claude` and `~/.claude`."""
    configured = [part.strip() for part in env.get("CLAUDE_CONFIG_DIR", "").split(",") if part.strip()]
    if configured:
        return [Path(folder).expanduser() / "projects" for folder in configured]
    config_home = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return [config_home / "claude" / "projects", home / ".claude" / "projects"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return (Path(path) for path, _ in find_stats(root, skips))


def find_stats(root: Path, skips: Skips) -> Iterator[Found]:
    return walk_stats(root, lambda name: has_suffix(name, ".jsonl"), skips)


def read_file(path: Path, skips: Skips, resume: Resume | None = None) -> Iterator[UsageRecord]:
    from tokenplan_cli.readers.logs.claude_fast import fast_record  # msgspec: imported where files are read

    return line_records(path, skips, (USAGE_MARK,), _record, fast=fast_record, resume=resume)


def index_mode(path: Path) -> str:
    """Each line is read on its own: a file that grew is read on from its last complete line."""
    return LINES


def _record(entry: dict[str, Any]) -> UsageRecord | None:
    """The request an assistant line records, or None for a line that records none."""
    kind = entry.get("type")
    if kind == "progress":
        embedded = _embedded_message(entry)
        if embedded is None:
            return None
        entry = embedded
    elif kind != "assistant" and not (kind is None and _said_by_assistant(entry.get("message"))):
        return None
    message = entry.get("message")
    usage = message.get("usage") if type(message) is dict else None
    if type(usage) is not dict:
        return None
    model = message.get("model")
    if model == SYNTHETIC:
        return None
    hit = usage.get("cache_read_input_tokens")
    miss = usage.get("input_tokens")
    write = usage.get("cache_creation_input_tokens")
    output = usage.get("output_tokens")
    if not whole(hit, miss, write, output):  # anything else takes `count`'s careful path
        hit, miss = count(usage, "cache_read_input_tokens"), count(usage, "input_tokens")
        write, output = _cache_write(usage), count(usage, "output_tokens")
    return built(
        entry.get("timestamp"), model, (hit, miss, write, output), message.get("id"), entry.get("isSidechain")
    )


def _embedded_message(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The assistant message a sub-agent progress line embeds (`data.message`), marked as a sidechain."""
    data = entry.get("data")
    inner = data.get("message") if isinstance(data, dict) else None
    if not isinstance(inner, dict) or inner.get("type") != "assistant":
        return None
    return {**inner, "isSidechain": True}


def _said_by_assistant(message: Any) -> bool:
    """A line without a `type` (as other tools' test data writes them) counts when its message is the
    assistant's: user messages never carry a request's usage."""
    return type(message) is dict and message.get("role") == "assistant"


def _cache_write(usage: dict[str, Any]) -> int:
    if usage.get("cache_creation_input_tokens") is not None:
        return count(usage, "cache_creation_input_tokens")
    split = usage.get("cache_creation")
    if isinstance(split, dict):
        return sum(count(split, key) for key in split if key.startswith("ephemeral_"))
    return 0
