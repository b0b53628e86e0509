"""Claude Code: `projects/**/*.jsonl` (sub-agent files included) under its configuration folders.

An assistant line carries `message.model`, `message.id`, `requestId`, `timestamp`, `isSidechain` and
`message.usage`:

| usage field | kind |
|---|---|
| `input_tokens` | `cache_miss` (input that neither read nor wrote the cache) |
| `cache_read_input_tokens` | `cache_hit` |
| `cache_creation_input_tokens` (or the sum of `cache_creation.ephemeral_*`) | `cache_write` |
| `output_tokens` | `output` (thinking included: Claude Code does not count it apart) |

Streaming writes one line per content block, each with the message's usage so far: every copy has the
key `message.id` + `requestId` (`message.id` alone where `requestId` is missing), and the scanner keeps
one, preferring the main conversation's copy over a sidechain's (sub-agent) replay and, between equals,
the copy with the most tokens (the last block's, whose `output_tokens` is final). `<synthetic>` lines
(Claude Code's own error notices) are not requests and are passed over, as are lines of other types that
happen to hold a `usage` object (a Task tool's result repeats its sub-agent's totals, which the
sub-agent's own file counts). Sub-agent progress lines (`type: progress`) that embed an assistant message
are read like one, as a sidechain copy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord, normalise_model
from tokenplan_cli.readers.logs import Skips, walk_files
from tokenplan_cli.readers.logs.lines import (
    BadRecord,
    numbered_lines,
    parse_instant,
    parse_json,
    token_count,
)

TOOL = "claude-code"
USAGE_MARK = b'"usage"'
SYNTHETIC = "<synthetic>"


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    """`$CLAUDE_CONFIG_DIR` (comma-separated folders) if set, else `~/.config/claude` and `~/.claude`."""
    configured = [part.strip() for part in env.get("CLAUDE_CONFIG_DIR", "").split(",") if part.strip()]
    if configured:
        return [Path(folder).expanduser() / "projects" for folder in configured]
    config_home = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return [config_home / "claude" / "projects", home / ".claude" / "projects"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, lambda path: path.suffix == ".jsonl", skips)


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    for number, line in numbered_lines(path, skips):
        if USAGE_MARK not in line and line[-1:] == b"\n":
            continue  # cannot hold usage: not worth a parse (an unfinished last line is tried)
        entry = parse_json(line, path, number, skips)
        if entry is None:
            continue
        try:
            record = _record(entry)
        except BadRecord as exc:
            skips.add(path, number, str(exc))
            continue
        if record is not None:
            yield record


def _record(entry: Any) -> UsageRecord | None:
    """The request an assistant line records, or None for a line that records none."""
    if not isinstance(entry, dict):
        return None
    if entry.get("type") == "progress":
        entry = _embedded_message(entry)
    if entry is None or entry.get("type") != "assistant":
        return None
    message = entry.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("usage"), dict):
        return None
    model = message.get("model")
    if model == SYNTHETIC:
        return None
    timestamp = parse_instant(entry.get("timestamp"))
    if timestamp is None:
        raise BadRecord("no valid timestamp")
    usage = message["usage"]
    return UsageRecord(
        timestamp=timestamp,
        tool=TOOL,
        model=_model_name(model if isinstance(model, str) and model else "unknown"),
        cache_hit=token_count(usage.get("cache_read_input_tokens")),
        cache_miss=token_count(usage.get("input_tokens")),
        cache_write=_cache_write(usage),
        output=token_count(usage.get("output_tokens")),
        dedupe_key=_dedupe_key(message.get("id"), entry.get("requestId")),
        preferred=entry.get("isSidechain") is not True,
    )


def _embedded_message(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The assistant message a sub-agent progress line embeds (`data.message`), marked as a sidechain."""
    data = entry.get("data")
    inner = data.get("message") if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        return None
    return {**inner, "isSidechain": True}


def _cache_write(usage: dict[str, Any]) -> int:
    if usage.get("cache_creation_input_tokens") is not None:
        return token_count(usage["cache_creation_input_tokens"])
    split = usage.get("cache_creation")
    if isinstance(split, dict):
        return sum(token_count(value) for key, value in split.items() if key.startswith("ephemeral_"))
    return 0


def _dedupe_key(message_id: Any, request_id: Any) -> bytes | None:
    if not isinstance(message_id, str) or not message_id:
        return None
    key = f"cc:{message_id}"
    if isinstance(request_id, str) and request_id:
        key += f":{request_id}"
    return key.encode()


@lru_cache(maxsize=256)
def _model_name(logged: str) -> str:
    return normalise_model(logged)
