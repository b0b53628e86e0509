"""Any gateway's or tool's export: CSV, or JSON lines, one request per row (`--from csv` / `--from jsonl`).

A row has the documented columns (docs/log-formats.md):

| column | meaning |
|---|---|
| `timestamp` | ISO 8601 (UTC unless it has an offset) or Unix seconds or milliseconds; required |
| `model` | the model name (absent: `unknown`, charged by default and listed as assumed) |
| `cache_hit`, `cache_miss`, `cache_write`, `output`, `reasoning` | token counts (absent: 0) |
| `audio_seconds` | seconds of speech-recognition input (absent: 0) |
| `id` | optional: rows with the same id count once |
| `total_tokens` | optional: used only when a row has no count of any kind, then booked as `output` |

A JSON line may instead hold a raw `usage` object (at the top or under `response`), as the providers'
APIs return it, with the model and time beside it (`model`, `timestamp`, `created_at` or `created`):

- OpenAI chat style: `prompt_tokens` (cached part included), `prompt_tokens_details.cached_tokens`,
  `completion_tokens` (reasoning included), `completion_tokens_details.reasoning_tokens`;
- OpenAI responses style: `input_tokens` and `input_tokens_details.cached_tokens`, `output_tokens` and
  `output_tokens_details.reasoning_tokens`;
- Anthropic style: `input_tokens` (without cache), `cache_read_input_tokens`,
  `cache_creation_input_tokens`, `output_tokens`;
- a bare `total_tokens`, with none of these: booked as `output` (the dearest kind), its line reported.

A file is CSV when its name ends in `.csv`, JSON lines otherwise. CSV fields may not span lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from tokenplan_cli.core.amounts import parse_amount
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import LINES, Skips, walk_files
from tokenplan_cli.readers.logs.fields import (
    MAX_COUNT,
    BadRecord,
    booked,
    count,
    instant,
    lookup,
    model_name,
    report_bare_total,
)
from tokenplan_cli.readers.logs.jsonlines import line_records, numbered_lines
from tokenplan_cli.readers.logs.resume import Resume

TOOL = "jsonl"
VERSION = 2  # of the records read from the same lines: bump on any change
CSV_TOOL = "csv"
SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")
COUNT_COLUMNS = ("cache_hit", "cache_miss", "cache_write", "output", "reasoning")
TOTAL_KEY = "total_tokens"  # a column, or OpenAI's usage field: used alone, it is booked as output
TIME_KEYS = ("timestamp", "created_at", "created", "time")
COUNT_DIGITS = len(str(MAX_COUNT))  # longer digit strings are out of range (and slow to convert)


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return []  # exports live wherever their user put them: --from csv PATH


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return walk_files(root, lambda path: path.suffix.lower() in SUFFIXES, skips)


def read_file(path: Path, skips: Skips, resume: Resume | None = None) -> Iterator[UsageRecord]:
    if path.suffix.lower() != ".csv":  # every line is a row
        yield from line_records(path, skips, (), lambda row: _record(row, TOOL), resume=resume)
        return
    sink = resume.routed(skips) if resume is not None else skips  # a cut-short last line's apart
    for number, row in _csv_rows(path, skips, resume):
        try:
            record = _record(row, CSV_TOOL)
        except BadRecord as bad:
            sink.add(path, number, bad.reason)
            continue
        report_bare_total(record, sink, path, number)
        yield record


def index_mode(path: Path) -> str:
    """Exports are appended to row by row; a CSV row depends on the lines before only by the header."""
    return LINES


class _Header:
    """What carries from one line of a CSV file to the next: its columns, once read (or that the header
    was bad, which ends the reading)."""

    def __init__(self, state: Any = None) -> None:
        self.columns: list[str] | None = None
        self.bad = False
        if state is not None:
            self.columns, self.bad = state

    def checkpoint(self) -> list[Any]:
        return [self.columns, self.bad]


def _csv_rows(path: Path, skips: Skips, resume: Resume | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows as dicts by (lower-case) column, empty cells left out, whole numbers as ints."""
    header = _Header(resume.state if resume is not None else None)
    if resume is not None:
        skips = resume.routed(skips)
    for number, line in numbered_lines(path, skips, resume, header):
        if header.bad:  # read on to the end (so that a resumed reading starts there), using nothing
            continue
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            skips.add(path, number, "not UTF-8")
            continue
        try:
            cells = next(csv.reader([text]), [])
        except csv.Error as error:  # a field over the module's size limit, a NUL byte
            skips.add(path, number, "CSV field too large" if "limit" in str(error) else "malformed CSV")
            continue
        if header.columns is None:
            header.columns = [cell.strip().lower() for cell in cells]
            if "timestamp" not in header.columns or "model" not in header.columns:
                skips.add(path, number, "no timestamp and model columns in the header")
                header.bad = True
            continue
        if len(cells) != len(header.columns):
            skips.add(
                path, number, "wrong number of fields" if line.endswith(b"\n") else "truncated last line"
            )
            continue
        yield (
            number,
            {key: _cell(value) for key, value in zip(header.columns, cells, strict=True) if value.strip()},
        )


def _cell(text: str) -> str | int:
    """A cell of ASCII digits as a whole number (any other text is kept, for its column to judge)."""
    digits = text.strip().replace("_", "")
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= COUNT_DIGITS else text


def _record(row: dict[str, Any], tool: str) -> UsageRecord:
    response = row.get("response")
    response = response if isinstance(response, dict) else {}
    usage = row.get("usage", response.get("usage"))
    counts = (
        _usage_counts(usage)
        if isinstance(usage, dict)
        else {name: count(row, name) for name in COUNT_COLUMNS}
    )
    record_id = row.get("id", response.get("id"))
    record = UsageRecord(
        timestamp=instant(next((row[key] for key in TIME_KEYS if key in row), None)),
        tool=tool,
        model=model_name(row.get("model", response.get("model"))),
        audio_seconds=_seconds(row.get("audio_seconds")),
        dedupe_key=f"{tool}:{record_id}".encode()
        if isinstance(record_id, str | int) and record_id != ""
        else None,
        **counts,
    )
    return booked(record, count(usage if isinstance(usage, dict) else row, TOTAL_KEY))


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
        "cache_hit": count(usage, "cache_read_input_tokens"),
        "cache_miss": count(usage, "input_tokens"),
        "cache_write": count(usage, "cache_creation_input_tokens"),
        "output": count(usage, "output_tokens"),
    }


def _split(input_all: Any, cached: Any, output_all: Any, reasoning: Any) -> dict[str, int]:
    """OpenAI counts include their parts: input holds the cached tokens, output the reasoning."""
    values = {"in": input_all, "hit": cached, "out": output_all, "thought": reasoning}
    total_in, hit, total_out, thought = (count(values, name) for name in values)
    if hit > total_in or thought > total_out:
        raise BadRecord("a part exceeds its total")
    return {
        "cache_hit": hit,
        "cache_miss": total_in - hit,
        "output": total_out - thought,
        "reasoning": thought,
    }


def _detail(usage: dict[str, Any], table: str, key: str) -> Any:
    return lookup(usage, table, key)


def _seconds(value: Any) -> Fraction:
    """Audio seconds: a whole or decimal number (JSON) or its text (CSV), read as the decimal written.

    The decimal is held to the bounds of typed amounts (`parse_amount`): `1e999999999` is refused at
    once, not expanded into a billion digits.
    """
    if value is None:
        return Fraction(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadRecord("bad audio seconds")
    try:
        return parse_amount(Decimal(str(value).strip()), what="audio seconds")
    except (InvalidOperation, BadInputError):
        raise BadRecord("bad audio seconds") from None
