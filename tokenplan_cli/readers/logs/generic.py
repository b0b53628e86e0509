"""Any gateway's or tool's export: CSV, or JSON lines, one request per row (`--from csv` / `--from jsonl`).

A row has the documented columns (docs/logs.md):

| column | meaning |
|---|---|
| `timestamp` | ISO 8601 (UTC unless it has an offset) or Unix seconds or milliseconds; required |
| `model` | the model name; required |
| `cache_hit`, `cache_miss`, `cache_write`, `output`, `reasoning` | token counts (absent: 0) |
| `audio_seconds` | seconds of speech-recognition input (absent: 0) |
| `id` | optional: rows with the same id count once |

A JSON line may instead hold a raw `usage` object (at the top or under `response`), as the providers'
APIs return it, with the model and time beside it (`model`, `timestamp`, `created_at` or `created`):

- OpenAI chat style: `prompt_tokens` (cached part included), `prompt_tokens_details.cached_tokens`,
  `completion_tokens` (reasoning included), `completion_tokens_details.reasoning_tokens`;
- OpenAI responses style: `input_tokens` and `input_tokens_details.cached_tokens`, `output_tokens` and
  `output_tokens_details.reasoning_tokens`;
- Anthropic style: `input_tokens` (without cache), `cache_read_input_tokens`,
  `cache_creation_input_tokens`, `output_tokens`.

A file is CSV when its name ends in `.csv`, JSON lines otherwise. CSV fields may not span lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UsageRecord, normalise_model
from tokenplan_cli.readers.logs import Skips, walk_files
from tokenplan_cli.readers.logs.lines import (
    BadRecord,
    bad_line_reason,
    numbered_lines,
    parse_instant,
    parse_json,
    token_count,
)

TOOL = "jsonl"
CSV_TOOL = "csv"
SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")
COUNT_COLUMNS = ("cache_hit", "cache_miss", "cache_write", "output", "reasoning")
TIME_KEYS = ("timestamp", "created_at", "created", "time")


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return []  # exports live wherever their user put them: --from csv PATH


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, lambda path: path.suffix.lower() in SUFFIXES, skips)


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    rows = _csv_rows(path, skips) if path.suffix.lower() == ".csv" else _json_rows(path, skips)
    tool = CSV_TOOL if path.suffix.lower() == ".csv" else TOOL
    for number, row in rows:
        try:
            yield _record(row, tool)
        except BadRecord as exc:
            skips.add(path, number, str(exc))


def _json_rows(path: Path, skips: Skips) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in numbered_lines(path, skips):
        if not line.strip():
            continue
        row = parse_json(line, path, number, skips)
        if isinstance(row, dict):
            yield number, row
        elif row is not None:
            skips.add(path, number, "not a JSON object")


def _csv_rows(path: Path, skips: Skips) -> Iterator[tuple[int, dict[str, Any]]]:
    header: list[str] | None = None
    for number, line in numbered_lines(path, skips):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            skips.add(path, number, bad_line_reason(line))
            continue
        cells = next(csv.reader([text]), [])
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            if "timestamp" not in header or "model" not in header:
                skips.add(path, number, "no timestamp and model columns in the header")
                return
            continue
        if len(cells) != len(header):
            skips.add(
                path, number, bad_line_reason(line) if not line.endswith(b"\n") else "wrong number of fields"
            )
            continue
        yield number, {key: value for key, value in zip(header, cells, strict=True) if value.strip() != ""}


def _record(row: dict[str, Any], tool: str) -> UsageRecord:
    usage = row.get("usage")
    response = row.get("response")
    if usage is None and isinstance(response, dict):
        usage = response.get("usage")
    model = row.get("model") or (response.get("model") if isinstance(response, dict) else None)
    if not isinstance(model, str) or not model.strip():
        raise BadRecord("no model")
    timestamp = next((parse_instant(_number_or_text(row[key])) for key in TIME_KEYS if key in row), None)
    if timestamp is None:
        raise BadRecord("no valid timestamp")
    counts = _usage_counts(usage) if isinstance(usage, dict) else _column_counts(row)
    record_id = row.get("id") or (response.get("id") if isinstance(response, dict) else None)
    return UsageRecord(
        timestamp=timestamp,
        tool=tool,
        model=normalise_model(model),
        audio_seconds=_seconds(row.get("audio_seconds")),
        dedupe_key=f"{tool}:{record_id}".encode()
        if isinstance(record_id, str | int) and record_id != ""
        else None,
        **counts,
    )


def _column_counts(row: dict[str, Any]) -> dict[str, int]:
    return {name: token_count(_whole(row.get(name))) for name in COUNT_COLUMNS}


# OpenAI's usage objects, each told by its marks: (marks, total input, its details, total output, its
# details). The chat API says prompt/completion; the responses API input/output, like Anthropic's, but
# with details tables (and an input total that includes the cached part).
OPENAI_STYLES = (
    (
        ("prompt_tokens", "completion_tokens"),
        "prompt_tokens", "prompt_tokens_details", "completion_tokens", "completion_tokens_details",
    ),
    (
        ("input_tokens_details", "output_tokens_details"),
        "input_tokens", "input_tokens_details", "output_tokens", "output_tokens_details",
    ),
)  # fmt: skip


def _usage_counts(usage: dict[str, Any]) -> dict[str, int]:
    """Tokens by kind from a provider's raw `usage` object (see the module's docstring)."""
    for marks, input_key, input_details, output_key, output_details in OPENAI_STYLES:
        if any(mark in usage for mark in marks):
            return _split(
                usage.get(input_key),
                _detail(usage, input_details, "cached_tokens"),
                usage.get(output_key),
                _detail(usage, output_details, "reasoning_tokens"),
            )
    return {
        "cache_hit": token_count(usage.get("cache_read_input_tokens")),
        "cache_miss": token_count(usage.get("input_tokens")),
        "cache_write": token_count(usage.get("cache_creation_input_tokens")),
        "output": token_count(usage.get("output_tokens")),
    }


def _split(input_all: Any, cached: Any, output_all: Any, reasoning: Any) -> dict[str, int]:
    """OpenAI counts include their parts: input holds the cached tokens, output the reasoning."""
    total_in, hit = token_count(input_all), token_count(cached)
    total_out, thought = token_count(output_all), token_count(reasoning)
    if hit > total_in or thought > total_out:
        raise BadRecord("a part exceeds its total")
    return {
        "cache_hit": hit,
        "cache_miss": total_in - hit,
        "output": total_out - thought,
        "reasoning": thought,
    }


def _detail(usage: dict[str, Any], table: str, key: str) -> Any:
    details = usage.get(table)
    return details.get(key) if isinstance(details, dict) else None


def _whole(value: Any) -> Any:
    """A CSV cell (text) as the whole number it spells; JSON numbers pass through."""
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text.isdigit():
            raise BadRecord("bad token count")
        return int(text)
    return value


def _number_or_text(value: Any) -> Any:
    """A CSV time cell that is all digits is Unix seconds (or milliseconds)."""
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


def _seconds(value: Any) -> Fraction:
    """Audio seconds: a whole or decimal number (JSON) or its text (CSV), read as the decimal written."""
    if value is None:
        return Fraction(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadRecord("bad audio seconds")
    try:
        seconds = Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise BadRecord("bad audio seconds") from None
    if seconds < 0:
        raise BadRecord("bad audio seconds")
    return seconds
