"""Cline: its classic task histories and the session files of its SDK (the extension since mid 2026, the CLI).

**Classic tasks** (`tasks/<task id>/ui_messages.json`, `readers/logs/vscode_tasks.py`) are in the VS Code
extension's global storage (`saoudrizwan.claude-dev`, every editor of the VS Code family) and, from
later versions, in `~/.cline/data/tasks/`; the same task may be in both. Three kinds of message carry
usage, as Cline's own `getApiMetrics` counts it (cline/cline `apps/vscode/src/shared/getApiMetrics.ts`):
`api_req_started` (one request), `deleted_api_reqs` (what the requests removed by a checkpoint restore
had used, summed, so that it is not lost) and `subagent_usage` (the sum of a batch of sub-agents).

`tokensIn` is what the provider's handler reported as input. Most of Cline's handlers report it without
the cache (Anthropic's convention, which Cline's cost function and its own migration of old tasks
assume); those that pass an OpenAI-style `prompt_tokens` through include the cache reads in it (and,
where the server reports `prompt_cache_miss_tokens`, report that as `cacheWrites`). The message's
`modelInfo.providerId` names the handler; `INPUT_INCLUDES_CACHE` lists the ones that pass it through.

**SDK sessions** (`~/.cline/data/sessions/<session>/<session>.messages.json`, sub-agents' and
teammates' `*.messages.json` beside it; cline/cline `sdk/packages/core/docs/messages-contract-v1.md`):
one JSON object whose `messages` are the conversation; an assistant message that ended a model call
carries `metrics: {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cost}` (that call's
usage) and `modelInfo: {id, provider}`. `inputTokens` is the whole input, cache included (the SDK's
`normalizeUsageEvent` subtracts both cache counts from it); `outputTokens` includes reasoning.

Resuming a classic task in the SDK copies its history into a new session and stamps the classic task's
*total* usage onto the last copied assistant message, before a user message with Cline's legacy-resume
warning: assistant messages before that warning are not counted here (the classic task's own file counts
its requests). A forked session copies messages with their ids: the key is the message's id and instant.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import WHOLE, Skips
from tokenplan_cli.readers.logs.editor_storage import global_storage_roots
from tokenplan_cli.readers.logs.fields import BadRecord, count, dedupe_key, lookup, model_name, split_input
from tokenplan_cli.readers.logs.jsonlines import is_utf8, whole_file
from tokenplan_cli.readers.logs.vscode_tasks import (
    MAX_FILE_BYTES,
    UI_MESSAGES,
    UiRequest,
    instant,
    request_counts,
    task_files,
    ui_requests,
    without_tokens,
)

TOOL = "cline"
VERSION = 2  # of the records read from the same files: bump on any change
KEY_PREFIX = b"cl"
EXTENSION = "saoudrizwan.claude-dev"
KINDS = ("api_req_started", "deleted_api_reqs", "subagent_usage")
SESSION_SUFFIX = ".messages.json"
# Classic handlers that report OpenAI-style `prompt_tokens` (cache reads included) as the input
# (cline/cline before 791d238: src/core/api/providers/<id>.ts).
INPUT_INCLUDES_CACHE = frozenset(
    {"openai", "doubao", "fireworks", "hicap", "lmstudio", "qwen", "litellm", "oca", "requesty"}
)
# The user message Cline adds when it resumes a classic task in the SDK
# (apps/vscode/src/sdk/legacy-task-handling.ts: LEGACY_RESUME_MODEL_WARNING).
LEGACY_RESUME_MARK = b"this is a legacy conversation, which means tool names may have changed"
METRICS_MARK = b'"metrics"'


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    """`$CLINE_DATA_DIR` (else `${CLINE_DIR:-~/.cline}/data`), `$CLINE_SESSION_DATA_DIR` where set, and
    the extension's global storage in each editor."""
    cline_dir = Path(env["CLINE_DIR"]) if env.get("CLINE_DIR") else home / ".cline"
    roots = [Path(env["CLINE_DATA_DIR"]) if env.get("CLINE_DATA_DIR") else cline_dir / "data"]
    if env.get("CLINE_SESSION_DATA_DIR"):
        roots.append(Path(env["CLINE_SESSION_DATA_DIR"]))
    return [*roots, *global_storage_roots(env, home, EXTENSION)]


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return task_files(root, skips, _is_cline_file, ("tasks", "sessions"))


def _is_cline_file(name: str) -> bool:
    return name == UI_MESSAGES or name.endswith(SESSION_SUFFIX)


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    if path.name.endswith(SESSION_SUFFIX):
        return _session_records(path, skips)
    return _task_records(path, skips)


# -- classic tasks -------------------------------------------------------------------------------


def index_mode(path: Path) -> str:
    """A task's messages and a session's are one document, rewritten whole: read again whole."""
    return WHOLE


def _task_records(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    task = path.parent.name
    model_info: Any = None  # older messages carry none: the last one seen names the model
    for request in ui_requests(path, skips, KINDS):
        model_info = request.model_info if isinstance(request.model_info, dict) else model_info
        try:
            record = _task_record(request, model_info, task)
        except BadRecord as bad:
            skips.add(path, request.position, bad.reason)
            continue
        if record is not None:
            yield record


def _task_record(request: UiRequest, model_info: Any, task: str) -> UsageRecord | None:
    counts = request_counts(request.info)
    if counts is None:
        return None
    tokens_in, output, reads, writes = counts
    provider = lookup(model_info, "providerId")
    if isinstance(provider, str) and provider in INPUT_INCLUDES_CACHE:  # (a list would be unhashable)
        hit, miss, write = split_input(tokens_in, reads, writes)
    else:
        hit, miss, write = reads, tokens_in, writes
    return UsageRecord(
        timestamp=instant(request.ts),
        tool=TOOL,
        model=model_name(lookup(model_info, "modelId")),
        cache_hit=hit,
        cache_miss=miss,
        cache_write=write,
        output=output,
        # The task's folder name and the message's instant: the same in every copy of the task.
        dedupe_key=dedupe_key(KEY_PREFIX, task, repr(request.ts), request.say),
    )


# -- SDK sessions --------------------------------------------------------------------------------


@cache
def _session_decoders() -> tuple[Any, Any, type[Exception], type[Exception]]:
    from tokenplan_cli.readers.logs.jsonlines import import_msgspec

    msgspec = import_msgspec()

    # Built with defstruct: the annotation names msgspec, which this module imports only here.
    session_file = msgspec.defstruct("SessionFile", [("messages", list[msgspec.Raw], [])])

    class SessionMessage(msgspec.Struct):
        id: Any = None
        role: Any = None
        ts: Any = None
        modelInfo: Any = None  # noqa: N815 (the tool's spelling)
        metrics: Any = None

    return (
        msgspec.json.Decoder(session_file),
        msgspec.json.Decoder(SessionMessage),
        msgspec.DecodeError,
        msgspec.ValidationError,
    )


def _session_records(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    messages = _session_messages(path, skips)
    if messages is None:
        return
    _, message_decoder, decode_error, validation_error = _session_decoders()
    replayed = max((n for n, raw in enumerate(messages, 1) if LEGACY_RESUME_MARK in bytes(raw)), default=0)
    for position, raw in enumerate(messages, 1):
        data = bytes(raw)
        if METRICS_MARK not in data or position < replayed:
            continue
        try:
            try:
                message = message_decoder.decode(data)
            except validation_error:
                raise BadRecord("not a JSON object") from None
            except decode_error:
                raise BadRecord("not UTF-8") from None
            record = _session_record(message)
        except BadRecord as bad:
            skips.add(path, position, bad.reason)
            continue
        if record is not None:
            yield record


def _session_messages(path: Path, skips: Skips) -> list[Any] | None:
    """The raw messages of a session file, slices of its bytes (None, reported, when it is not one)."""
    data = whole_file(path, MAX_FILE_BYTES, skips)
    if data is None:
        return None
    file_decoder, _, decode_error, validation_error = _session_decoders()
    try:
        return list(file_decoder.decode(data).messages)
    except validation_error:
        skips.add(path, 1, "not a session file")
    except decode_error:
        skips.add(path, 1, "malformed JSON" if is_utf8(data) else "not UTF-8")
    return None


def _session_record(message: Any) -> UsageRecord | None:
    if message.role != "assistant" or message.metrics is None:
        return None
    if not isinstance(message.metrics, dict):
        raise BadRecord("bad metrics field")
    metrics = message.metrics
    whole_input, output = count(metrics, "inputTokens"), count(metrics, "outputTokens")
    reads, writes = count(metrics, "cacheReadTokens"), count(metrics, "cacheWriteTokens")
    if not (whole_input or output or reads or writes):
        without_tokens(metrics.get("cost"))
        return None
    return UsageRecord(
        timestamp=instant(message.ts),
        tool=TOOL,
        model=model_name(lookup(message.modelInfo, "id")),
        cache_hit=reads,
        # As the SDK's normalizeUsageEvent: the input less both cache counts, never below zero.
        cache_miss=max(whole_input - reads - writes, 0),
        cache_write=writes,
        output=output,
        # A forked session copies each message with its id and instant.
        dedupe_key=dedupe_key(KEY_PREFIX, "sdk", str(message.id), repr(message.ts)),
    )
