"""Gemini CLI: the `tokens` of the `gemini` messages in its chat recordings.

Each project's chats are `~/.gemini/tmp/<project>/chats/session-<time>-<id>.jsonl` (a sub-agent's under
`chats/<parent session>/`). The first line holds the session's metadata; every later line is a message,
a `{"$set": …}` metadata update or a `{"$rewindTo": id}`. A message is appended again, whole, each time
it changes (tokens arrive after the text, tool calls after that), so the last copy of an id holds its
final counts: this reader keeps the last copy per id within a file and yields them at the end of it.

`tokens` mirrors the API's usageMetadata: `input` (promptTokenCount) includes `cached`
(cachedContentTokenCount); `output` (candidatesTokenCount) excludes `thoughts` (thoughtsTokenCount);
`tool` (toolUsePromptTokenCount) is input beside the prompt; `total` adds them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    BadRecord,
    count,
    dedupe_key,
    instant_from_iso,
    mapping,
    model_name,
)
from tokenplan_cli.readers.logs.jsonlines import line_records

TOOL = "gemini"
KEY_PREFIX = b"gm"
MARKERS = (b'"tokens"',)
# Metadata updates can repeat every message of the chat; they add no usage of their own.
METADATA_UPDATE = b'{"$set"'


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    # Gemini CLI reads GEMINI_CLI_HOME in place of the home directory.
    base = Path(env["GEMINI_CLI_HOME"]) if env.get("GEMINI_CLI_HOME") else home
    return [base / ".gemini" / "tmp"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, _is_chat, skips)


def _is_chat(path: Path) -> bool:
    return path.suffix == ".jsonl" and "chats" in path.parts


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    latest: dict[bytes | None, UsageRecord] = {}
    for record in line_records(path, skips, MARKERS, _record, skip_prefixes=(METADATA_UPDATE,)):
        latest.pop(record.dedupe_key, None)  # a new copy moves to the end: order by last write
        latest[record.dedupe_key] = record
    yield from latest.values()


def _record(message: dict[str, Any]) -> UsageRecord | None:
    if message.get("type") != "gemini":
        return None
    if not isinstance(message.get("id"), str):
        raise BadRecord("no message id")
    tokens = mapping(message, "tokens")
    prompt, cached, tool = count(tokens, "input"), count(tokens, "cached"), count(tokens, "tool")
    output, thoughts = count(tokens, "output"), count(tokens, "thoughts")
    if not (prompt or cached or tool or output or thoughts):
        return None
    # A total that adds up only with `cached` on top marks a recording whose prompt count left it out.
    if cached and tokens.get("total") == prompt + cached + output + thoughts + tool:
        prompt += cached
    cache_hit = min(cached, prompt)
    return UsageRecord(
        timestamp=instant_from_iso(message.get("timestamp")),
        tool=TOOL,
        model=model_name(message.get("model")),
        cache_hit=cache_hit,
        cache_miss=prompt - cache_hit + tool,
        output=output,
        reasoning=thoughts,
        # Message ids are random UUIDs kept when a chat is resumed or migrated to a new file.
        dedupe_key=dedupe_key(KEY_PREFIX, message["id"]),
    )
