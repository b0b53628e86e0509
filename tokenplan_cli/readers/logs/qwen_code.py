"""Qwen Code: the `usageMetadata` of the assistant records in its chat recordings.

Qwen Code (a fork of Gemini CLI) appends one JSON record a line to
`<runtime dir>/projects/<sanitised project path>/chats/<session id>.jsonl`, where the runtime dir is
`$QWEN_RUNTIME_DIR`, else `~/.qwen` (QwenLM/qwen-code `packages/core/src/config/storage.ts`); earlier
versions wrote them under `~/.qwen/tmp/<project hash>/chats/`. A record is `{uuid, parentUuid,
sessionId, timestamp, type, …}`; an `assistant` record carries the `model` and the API's
`usageMetadata` (`packages/core/src/services/chatRecordingService.ts`). Records are never rewritten and
a resumed session appends to its own file; a rewind leaves the records it abandons in place (their
tokens were spent), so each record counts once, keyed by its `uuid`.

Qwen Code turns every provider's usage into Gemini's shape:

| provider (Qwen Code source) | `promptTokenCount` | `candidatesTokenCount` | `thoughtsTokenCount` |
|---|---|---|---|
| OpenAI (`openaiContentGenerator/converter.ts`) | `prompt_tokens`, cache in | completion tokens | reasoning |
| Anthropic (`anthropicContentGenerator/usage.ts`) | input + cache reads + writes | `output_tokens` | — |
| Gemini | prompt, cache included | without thoughts | thoughts |

OpenAI's `completion_tokens` include the reasoning tokens; Gemini's candidates do not include thoughts.
`cachedContentTokenCount` is the cache reads in every case. Whether the thoughts are inside the
candidates is told by `totalTokenCount`: Gemini's total adds them on top, the others' does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import LINES, Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    BadRecord,
    count,
    dedupe_key,
    instant_from_iso,
    mapping,
    model_name,
    split_input,
)
from tokenplan_cli.readers.logs.jsonlines import line_records
from tokenplan_cli.readers.logs.resume import Resume

TOOL = "qwen-code"
VERSION = 1  # of the records read from the same lines: bump on any change
KEY_PREFIX = b"qw"
MARKERS = (b'"usageMetadata"',)
# Before it took the API's own shape, Qwen Code wrote Gemini CLI's summary: input, output, cached, ….
SUMMARY_KEYS = {
    "input": "promptTokenCount",
    "output": "candidatesTokenCount",
    "cached": "cachedContentTokenCount",
    "thoughts": "thoughtsTokenCount",
    "tool": "toolUsePromptTokenCount",
    "total": "totalTokenCount",
}


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    runtime = Path(env["QWEN_RUNTIME_DIR"]).expanduser() if env.get("QWEN_RUNTIME_DIR") else home / ".qwen"
    roots = [runtime / "projects", runtime / "tmp"]
    if runtime != home / ".qwen":  # the older layout was always under the home folder
        roots.append(home / ".qwen" / "tmp")
    return roots


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, _is_chat, skips)


def _is_chat(path: Path) -> bool:
    return path.suffix == ".jsonl" and "chats" in path.parts


def read_file(path: Path, skips: Skips, resume: Resume | None = None) -> Iterator[UsageRecord]:
    return line_records(path, skips, MARKERS, _record, resume=resume)


def index_mode(path: Path) -> str:
    """Records are appended, never rewritten, each read on its own: read on from the last line read."""
    return LINES


def _record(line: dict[str, Any]) -> UsageRecord | None:
    if line.get("type") != "assistant" or "usageMetadata" not in line:
        return None
    usage = _api_shape(mapping(line, "usageMetadata"))
    prompt, cached = count(usage, "promptTokenCount"), count(usage, "cachedContentTokenCount")
    candidates, thoughts = count(usage, "candidatesTokenCount"), count(usage, "thoughtsTokenCount")
    tool = count(usage, "toolUsePromptTokenCount")
    if not (prompt or cached or candidates or thoughts or tool):
        return None
    if not isinstance(line.get("uuid"), str):
        raise BadRecord("no record id")
    hit, miss, _ = split_input(prompt, cached, 0)  # a prompt smaller than its cache left the cache out
    if thoughts and usage.get("totalTokenCount") == prompt + candidates + thoughts + tool:
        output, reasoning = candidates, thoughts  # Gemini: the thoughts are on top of the candidates
    else:
        reasoning = min(thoughts, candidates)
        output = candidates - reasoning
    return UsageRecord(
        timestamp=instant_from_iso(line.get("timestamp")),
        tool=TOOL,
        model=model_name(line.get("model")),
        cache_hit=hit,
        cache_miss=miss + tool,
        output=output,
        reasoning=reasoning,
        dedupe_key=dedupe_key(KEY_PREFIX, line["uuid"]),
    )


def _api_shape(usage: dict[str, Any]) -> dict[str, Any]:
    """The usage in the API's names, whichever of Qwen Code's two spellings the record has."""
    if "promptTokenCount" in usage or "candidatesTokenCount" in usage:
        return usage
    return {SUMMARY_KEYS[key]: value for key, value in usage.items() if key in SUMMARY_KEYS}
