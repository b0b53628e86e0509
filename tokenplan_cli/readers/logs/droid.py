"""Factory Droid: the running token totals in each session's `<session id>.settings.json`.

Droid keeps a session as `~/.factory/sessions/<project path, "/" as "-">/<session id>.jsonl` (the
conversation) beside `<session id>.settings.json` (older versions: both directly in `sessions/`). The
settings file holds the session's `model` and `tokenUsage: {inputTokens, outputTokens,
cacheCreationTokens, cacheReadTokens, thinkingTokens}`: totals for the whole session, which Droid
rewrites as the session goes on. The transcript holds no usage. Droid's source is not public; the
layout is the one other trackers read (junhoyeo/tokscale `crates/tokscale-core/src/sessions/droid.rs`).

A session is therefore one record: its totals, at the instant they were last written (the file's
modification time, never before `providerLockTimestamp`, when the session chose its provider). The
counts are disjoint, as Anthropic's API reports them: `cacheReadTokens` is the cache hit,
`cacheCreationTokens` the cache write, `inputTokens` the cache miss, `outputTokens` the output and
`thinkingTokens` the reasoning. The key is the session id, so a copy of a session counts once (the copy
with the larger totals, that is the later one).

Droid names a model it does not know as `custom:<display name>-<n>` (`[Provider]` tags in it): the
prefix, the tags and the trailing index are dropped before the name is normalised.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import WHOLE, Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    EPOCH,
    BadRecord,
    cannot_read,
    count,
    dedupe_key,
    instant_from_iso,
    mapping,
    model_name,
)
from tokenplan_cli.readers.logs.jsonlines import json_document

TOOL = "droid"
VERSION = 1  # of the records read from the same files: bump on any change
KEY_PREFIX = b"fd"
SUFFIX = ".settings.json"
MAX_SETTINGS_BYTES = 16 << 20
CUSTOM_TAGS = re.compile(r"\[[^\]]*\]")
CUSTOM_INDEX = re.compile(r"-\d+$")


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return [home / ".factory" / "sessions"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, lambda path: path.name.endswith(SUFFIX), skips)


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    settings = json_document(path, MAX_SETTINGS_BYTES, b'"tokenUsage"', skips)
    if settings is None:
        return
    try:
        record = _record(path, settings)
    except BadRecord as bad:
        skips.add(path, 1, bad.reason)
        return
    if record is not None:
        yield record


def index_mode(path: Path) -> str:
    """The settings file is rewritten whole, and its record dated by its modification time."""
    return WHOLE


def _record(path: Path, settings: dict[str, Any]) -> UsageRecord | None:
    usage = mapping(settings, "tokenUsage")
    counts = (
        count(usage, "cacheReadTokens"),
        count(usage, "inputTokens"),
        count(usage, "cacheCreationTokens"),
        count(usage, "outputTokens"),
        count(usage, "thinkingTokens"),
    )
    if not any(counts):
        return None
    hit, miss, write, output, reasoning = counts
    return UsageRecord(
        timestamp=_written_at(path, settings.get("providerLockTimestamp")),
        tool=TOOL,
        model=model_name(droid_model(settings.get("model"))),
        cache_hit=hit,
        cache_miss=miss,
        cache_write=write,
        output=output,
        reasoning=reasoning,
        dedupe_key=dedupe_key(KEY_PREFIX, path.name.removesuffix(SUFFIX)),
    )


def _written_at(path: Path, locked: Any) -> datetime:
    """When the totals were last written: the file's modification time, floored at the provider lock."""
    try:
        modified = EPOCH + timedelta(microseconds=os.stat(path).st_mtime_ns // 1000)
    except OSError as exc:
        raise BadRecord(cannot_read(exc)) from None
    if locked is None:
        return modified
    return max(modified, instant_from_iso(locked))


def droid_model(raw: Any) -> Any:
    """A model name as Droid writes it, without its `custom:` prefix, `[…]` tags and trailing index.

    >>> droid_model("custom:MiMo-V2.5-Pro-[Xiaomi]-0")
    'MiMo-V2.5-Pro'
    >>> droid_model("claude-sonnet-4-5-20250929")
    'claude-sonnet-4-5-20250929'
    """
    if not isinstance(raw, str) or not raw.startswith("custom:"):
        return raw
    name = CUSTOM_TAGS.sub("", raw.removeprefix("custom:"))
    name = CUSTOM_INDEX.sub("", name.strip("- "))
    return re.sub(r"-{2,}", "-", name).strip("- ")
