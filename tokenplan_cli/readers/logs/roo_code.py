"""Roo Code: the `api_req_started` messages of its task histories (Kilo Code's reader shares this one).

The VS Code extension `rooveterinaryinc.roo-cline` keeps `tasks/<task id>/ui_messages.json` in its
global storage, in every editor of the VS Code family (`readers/logs/editor_storage.py`), or under the
folder the `roo-cline.customStoragePath` setting names (read it with `--from roo-code PATH`); Roo's CLI
keeps the same under `~/.vscode-mock/global-storage`. See `readers/logs/vscode_tasks.py` for the file.

What `tokensIn` holds changed in Roo Code 3.30 (RooCodeInc/Roo-Code 416fa57, 2025-10-31): since then
it is the request's whole input, cache reads and writes included, for every provider; before, it was
the provider's own input count, which includes the cache for OpenAI-style providers (`apiProtocol:
"openai"`) and excludes it for Anthropic-style ones. A message does not say which version wrote it, so
the reader goes by its instant and by arithmetic: an input smaller than its cache reads and writes
cannot include them. Output (`tokensOut`) includes any reasoning: Roo does not count it apart.

The model is not in the message: it is the `<model>` tag of the environment details Roo appends to each
user turn in `api_conversation_history.json` beside it (`vscode_tasks.model_timeline`).

A `condense_context` message records the cost of the request that summarised the task, but no tokens:
it is skipped and counted ("cost without token counts"), as is any request with a cost and no tokens.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import WHOLE, Skips
from tokenplan_cli.readers.logs.editor_storage import global_storage_roots
from tokenplan_cli.readers.logs.fields import BadRecord, dedupe_key, lookup, model_name, split_input
from tokenplan_cli.readers.logs.vscode_tasks import (
    API_HISTORY,
    UiRequest,
    instant,
    model_timeline,
    request_counts,
    task_files,
    ui_requests,
    without_tokens,
)

TOOL = "roo-code"
VERSION = 1  # of the records read from the same files: bump on any change
KEY_PREFIX = b"roo"
EXTENSION = "rooveterinaryinc.roo-cline"
KINDS = ("api_req_started", "condense_context")
# Roo Code 3.30 (RooCodeInc/Roo-Code 416fa57): `tokensIn` holds the whole input from then on.
WHOLE_INPUT_FROM = datetime(2025, 10, 31, tzinfo=UTC)


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return [*global_storage_roots(env, home, EXTENSION), home / ".vscode-mock" / "global-storage"]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return task_files(root, skips)


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    return read_task(path, skips, TOOL, KEY_PREFIX)


def index_mode(path: Path) -> str:
    """`ui_messages.json` is one document, rewritten whole: read again whole."""
    return WHOLE


def companions(path: Path) -> tuple[Path, ...]:
    """The task's conversation history beside it, where the requests' model is read."""
    return (path.with_name(API_HISTORY),)


def read_task(path: Path, skips: Skips, tool: str, prefix: bytes) -> Iterator[UsageRecord]:
    """The requests of one Roo-style task file, booked as `tool` and keyed under `prefix`."""
    requests = list(ui_requests(path, skips, KINDS))  # a task's requests: a few hundred at most
    if not requests:
        return
    timeline = model_timeline(path)
    starts = sorted(r.ts for r in requests if r.say == "api_req_started" and type(r.ts) in (int, float))
    task = path.parent.name
    for request in requests:
        try:
            record = _record(request, timeline.at(request.ts, _next(starts, request.ts)), tool, prefix, task)
        except BadRecord as bad:
            skips.add(path, request.position, bad.reason)
            continue
        if record is not None:
            yield record


def _next(starts: list[Any], ts: Any) -> Any:
    """The instant the next request started, from the sorted instants of all (None after the last)."""
    if type(ts) not in (int, float):
        return None
    index = bisect_right(starts, ts)
    return starts[index] if index < len(starts) else None


def _record(request: UiRequest, model: str | None, tool: str, prefix: bytes, task: str) -> UsageRecord | None:
    if request.say == "condense_context":
        without_tokens(lookup(request.extra, "cost"))
        return None
    counts = request_counts(request.info)
    if counts is None:
        return None
    tokens_in, output, reads, writes = counts
    when = instant(request.ts)
    if input_includes_cache(request.info["apiProtocol"], when):
        hit, miss, write = split_input(tokens_in, reads, writes)
    else:
        hit, miss, write = reads, tokens_in, writes
    return UsageRecord(
        timestamp=when,
        tool=tool,
        model=model_name(model),
        cache_hit=hit,
        cache_miss=miss,
        cache_write=write,
        output=output,
        # The task's folder name and the message's instant: the same in every copy of the task.
        dedupe_key=dedupe_key(prefix, task, repr(request.ts), request.say),
    )


def input_includes_cache(protocol: Any, when: datetime) -> bool:
    """Whether `tokensIn` counts the cache reads and writes too (see the module's docstring; an input
    smaller than its cache counts is taken as the uncached part whatever this says: `split_input`).

    >>> input_includes_cache("anthropic", WHOLE_INPUT_FROM)
    True
    >>> input_includes_cache("anthropic", datetime(2025, 9, 1, tzinfo=UTC))
    False
    """
    if isinstance(protocol, str) and protocol.rsplit("/", 1)[-1] == "openai":
        return True
    return when >= WHOLE_INPUT_FROM
