"""The `status --history` reader: daily credits, or tokens per model, from CSV or JSON lines.

Each row (a CSV line under a header, or one JSON object a line) has a `date` (`2026-06-01`, or a
date-time, which is read in UTC) and either `credits`, already counted, or a `model` with token counts
(`cache_hit`, `cache_miss`, `cache_write`, `output`, `reasoning`), `audio_seconds` or `audio_hours`, and
an optional `window` (`peak`, the default, or `offpeak`). Tokens are priced by the credit engine at the
row's instant, so the rules then in force (legacy rates, forwards) apply. Rows of a day add up.

The file is streamed; only a total per day is kept. A fault names the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from tokenplan_cli.core.amounts import parse_amount
from tokenplan_cli.core.burn import DayCredits
from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import BadInputError, TokenplanError, did_you_mean
from tokenplan_cli.core.ratecard import SECONDS_PER_HOUR, RateCard
from tokenplan_cli.core.usage import QUANTITY_NAMES, WINDOWS, Quantities, Usage, UsageLine
from tokenplan_cli.readers.tomlfields import FileError, file_errors

WHAT = "history"
AMOUNT_COLUMNS = (*QUANTITY_NAMES, "audio_hours")
COLUMNS = ("date", "credits", "model", "window", *AMOUNT_COLUMNS)
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


class History(NamedTuple):
    source: str
    rows: int
    days: tuple[DayCredits, ...]  # by day, earliest first


def load_history(path: Path, card: RateCard) -> History:
    """Read, price and add up by day the history at `path`."""
    totals: dict[date, Fraction] = {}
    rows = 0
    with file_errors(path, WHAT):
        for line, row in _rows(path):
            try:
                day, credits = _priced(row, card)
            except TokenplanError as exc:
                raise FileError(f"{path}: line {line}: {exc.message}") from None
            totals[day] = totals.get(day, Fraction(0)) + credits
            rows += 1
    if not rows:
        raise FileError(f"{path}: no rows: expected a date and credits (or a model and tokens) a line")
    return History(str(path), rows, tuple(DayCredits(d, c) for d, c in sorted(totals.items())))


def _rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        first = handle.read(1)
        handle.seek(0)
        if path.suffix.lower() in JSON_SUFFIXES or (path.suffix.lower() != ".csv" and first == "{"):
            yield from _json_rows(handle, path)
        else:
            yield from _csv_rows(handle, path)


def _json_rows(handle: Any, path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for number, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text, parse_float=Decimal)
        except ValueError:
            raise FileError(f"{path}: line {number}: not a JSON object") from None
        if not isinstance(row, dict):
            raise FileError(f"{path}: line {number}: not a JSON object")
        yield number, row


def _csv_rows(handle: Any, path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(handle)
    for row in reader:
        if None in row:
            raise FileError(f"{path}: line {reader.line_num}: more cells than the header has columns")
        yield reader.line_num, {key.strip(): value for key, value in row.items() if value not in ("", None)}


def _priced(row: Mapping[str, Any], card: RateCard) -> tuple[date, Fraction]:
    """The UTC day of a row and its credits."""
    for key in row:
        if key not in COLUMNS:
            hint = did_you_mean(key, COLUMNS)
            raise BadInputError(f"unknown column {key!r}" + (f"; did you mean {hint}?" if hint else ""))
    if "date" not in row:
        raise BadInputError("no date")
    instant = parse_instant(str(row["date"]), what="date")
    amounts = {key: _amount(row[key], key, card) for key in AMOUNT_COLUMNS if key in row}
    if "credits" in row:
        if amounts or "model" in row:
            raise BadInputError("give credits, or a model with tokens, not both")
        return instant.date(), _amount(row["credits"], "credits", card)
    if "model" not in row:
        raise BadInputError("no credits, and no model for tokens")
    window = row.get("window", "peak")
    if window not in WINDOWS:
        raise BadInputError(f"window: expected {' or '.join(WINDOWS)}, got {window!r}")
    if "audio_hours" in amounts:
        amounts["audio_seconds"] = (
            amounts.get("audio_seconds", Fraction(0)) + amounts.pop("audio_hours") * SECONDS_PER_HOUR
        )
    line = UsageLine(str(row["model"]), window, Quantities(**amounts))
    return instant.date(), compute_credits(Usage.of([line]), card, instant).total


def _amount(value: Any, key: str, card: RateCard) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise BadInputError(f"{key}: expected a number, got {json.dumps(value)}")
    return parse_amount(value, what=key, limit=card.limits.max_amount)
