"""Gemini CLI: the `tokens` of the `gemini` messages in its chat recordings.

Each project's chats are `~/.gemini/tmp/<project>/chats/session-<time>-<id>.jsonl` (a sub-agent's under
`chats/<parent session>/`). The first line holds the session's metadata; every later line is a message,
a `{"$set": …}` metadata update or a `{"$rewindTo": id}`. A message is appended again, whole, each time
it changes (tokens arrive after the text, tool calls after that), so the last copy of an id holds its
final counts: this reader keeps the last copy per id within a file and yields them at the end of it.

From 2025-08 to 2026-04 Gemini CLI wrote each chat as one JSON document instead,
`chats/session-<time>-<id>.json`: `{sessionId, projectHash, startTime, lastUpdated, messages: [...]}`
with the same message records. Resuming such a chat migrates it to `<name>.jsonl` beside it, ids kept
(the scanner then counts each message once); a chat never resumed stays in the old form, and is read
whole (`_legacy_chat`).

`tokens` mirrors the API's usageMetadata: `input` (promptTokenCount) includes `cached`
(cachedContentTokenCount); `output` (candidatesTokenCount) excludes `thoughts` (thoughtsTokenCount);
`tool` (toolUsePromptTokenCount) is input beside the prompt; `total` adds them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import WHOLE, Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    BadRecord,
    booked,
    count,
    dedupe_key,
    instant_from_iso,
    mapping,
    model_name,
)
from tokenplan_cli.readers.logs.jsonlines import is_utf8, line_records, parse_object, small_file

TOOL = "gemini"
VERSION = 1  # of the records read from the same file: bump on any change
KEY_PREFIX = b"gm"
MARKERS = (b'"tokens"',)
# Metadata updates can repeat every message of the chat; they add no usage of their own.
METADATA_UPDATE = b'{"$set"'
# A legacy chat is read whole; Gemini CLI caps each tool output it keeps at 50 kB, so a real chat stays
# well under this, and a file beyond it is not one.
MAX_LEGACY_CHAT_BYTES = 256 << 20


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    # Gemini CLI reads GEMINI_CLI_HOME in place of the home directory.
    base = Path(env["GEMINI_CLI_HOME"]) if env.get("GEMINI_CLI_HOME") else home
    return [base / ".gemini" / "tmp"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, _is_chat, skips)


def _is_chat(path: Path) -> bool:
    return path.suffix in (".jsonl", ".json") and "chats" in path.parts


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    if path.suffix == ".json":
        yield from _legacy_chat(path, skips)
        return
    latest: dict[bytes | None, UsageRecord] = {}
    for record in line_records(path, skips, MARKERS, _record, skip_prefixes=(METADATA_UPDATE,)):
        latest.pop(record.dedupe_key, None)  # a new copy moves to the end: order by last write
        latest[record.dedupe_key] = record
    yield from latest.values()


def _legacy_chat(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    """The records of a legacy one-document chat; every fault is reported on line 1, as for any file
    that is one JSON document."""
    data = small_file(path, MAX_LEGACY_CHAT_BYTES, skips)
    if data is None or b'"tokens"' not in data:
        return
    for message in _legacy_messages(data, path, skips):
        try:
            record = _record(message)
        except BadRecord as bad:
            skips.add(path, 1, bad.reason)
            continue
        if record is not None:
            yield record


def _legacy_messages(data: bytes, path: Path, skips: Skips) -> Iterator[dict[str, Any]]:
    """The chat's messages as objects: decoded without their content where the document is of the
    usual shape (`legacy_messages`), else parsed whole, each fault reported."""
    from tokenplan_cli.readers.logs.gemini_legacy import legacy_messages  # msgspec: where files are read

    if data.isascii() or is_utf8(data):  # the typed decode does not check the text it skips
        messages = legacy_messages(data)
        if messages is not None:
            yield from messages
            return
    chat = parse_object(data)
    if isinstance(chat, str):
        skips.add(path, 1, chat)
        return
    listed = chat.get("messages")
    if not isinstance(listed, list):
        skips.add(path, 1, "bad messages field")
        return
    for message in listed:
        if isinstance(message, dict):
            yield message
        else:
            skips.add(path, 1, "not a JSON object")


def index_mode(path: Path) -> str:
    """The last copy of a message in the file wins: a file that changed is read again whole."""
    return WHOLE


def _record(message: dict[str, Any]) -> UsageRecord | None:
    if message.get("type") != "gemini":
        return None
    if not isinstance(message.get("id"), str):
        raise BadRecord("no message id")
    tokens = mapping(message, "tokens")
    prompt, cached, tool = count(tokens, "input"), count(tokens, "cached"), count(tokens, "tool")
    output, thoughts, total = count(tokens, "output"), count(tokens, "thoughts"), count(tokens, "total")
    if not (prompt or cached or tool or output or thoughts or total):  # a bare total is booked as output
        return None
    # A total that adds up only with `cached` on top marks a recording whose prompt count left it out.
    if cached and tokens.get("total") == prompt + cached + output + thoughts + tool:
        prompt += cached
    cache_hit = min(cached, prompt)
    record = UsageRecord(
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
    return booked(record, total)
