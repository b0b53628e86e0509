"""The `status --history` reader: daily credits, or tokens per model, from CSV or JSON lines.

Each row (a CSV line under a header, or one JSON object a line) has a `date` (`2026-06-01`, or a
date-time, which is read in UTC) and either `credits`, already counted, or a `model` with token counts
(`cache_hit`, `cache_miss`, `cache_write`, `output`, `reasoning`), `audio_seconds` or `audio_hours`, and
an optional `window` (`peak`, the default, or `offpeak`). Rows of a day add up.

A day the card's rules change in (the usage reset, a forward: `core.lifecycle.rule_changes`) is cut at
each change into parts. A row dated by a bare date is the use of its whole UTC day (of the day up to
`until`, on the day holding it), spread evenly over those hours: its amounts are shared among the parts by
their hours, and each share is priced by the rules in force in its part. A row with a date-time belongs
to the part holding that instant, priced at it.

The file is streamed; only a total per part of a day is kept. A fault names the file, the line and what
is wrong.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from tokenplan_cli.core.amounts import parse_amount
from tokenplan_cli.core.burn import DayCredits, day_parts
from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.dates import DAY, days_between, parse_instant
from tokenplan_cli.core.errors import BadInputError, TokenplanError, did_you_mean
from tokenplan_cli.core.lifecycle import rule_changes
from tokenplan_cli.core.ratecard import SECONDS_PER_HOUR, RateCard
from tokenplan_cli.core.usage import QUANTITY_NAMES, WINDOWS, Quantities, Usage, UsageLine
from tokenplan_cli.readers.files import FileError, file_errors, open_regular
from tokenplan_cli.tuples import NamedTuple

WHAT = "history"
ZERO = Fraction(0)
AMOUNT_COLUMNS = (*QUANTITY_NAMES, "audio_hours")
COLUMNS = ("date", "credits", "model", "window", *AMOUNT_COLUMNS)
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


Part = tuple[datetime, datetime]  # of one UTC day: from, to


class History(NamedTuple):
    source: str
    rows: int
    days: tuple[DayCredits, ...]  # by day (or part of a day cut where the rules change), earliest first


def load_history(path: Path, card: RateCard, until: datetime | None = None) -> History:
    """Read, price and add up by day (or part of one) the history at `path`, as seen at `until` (now)."""
    changes = rule_changes(card)
    totals: dict[Part, Fraction] = {}
    rows = 0
    with file_errors(path, WHAT):
        for line, row in _rows(path):
            try:
                priced = _priced(row, card, changes, until)
            except TokenplanError as exc:
                raise FileError(f"{path}: line {line}: {exc.message}") from None
            for part, credits in priced:
                totals[part] = totals.get(part, Fraction(0)) + credits
            rows += 1
    if not rows:
        raise FileError(f"{path}: no rows: expected a date and credits (or a model and tokens) a line")
    return History(str(path), rows, tuple(_day_credits(part, c) for part, c in sorted(totals.items())))


def _day_credits(part: Part, credits: Fraction) -> DayCredits:
    """A whole day as a day; a part of one with its bounds."""
    begin, end = part
    if end - begin == DAY:
        return DayCredits(begin.date(), credits)
    return DayCredits(begin.date(), credits, begin, end)


def _rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    with io.TextIOWrapper(open_regular(path, WHAT), encoding="utf-8", newline="") as handle:
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
        except RecursionError:  # a value nested many thousands deep: no row of a history is
            raise FileError(f"{path}: line {number}: JSON nested too deeply to be a row") from None
        if not isinstance(row, dict):
            raise FileError(f"{path}: line {number}: not a JSON object")
        yield number, row


def _csv_rows(handle: Any, path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(handle)
    for row in reader:
        if None in row:
            raise FileError(f"{path}: line {reader.line_num}: more cells than the header has columns")
        yield reader.line_num, {key.strip(): value for key, value in row.items() if value not in ("", None)}


def _priced(
    row: Mapping[str, Any], card: RateCard, changes: Sequence[datetime], until: datetime | None
) -> list[tuple[Part, Fraction]]:
    """The credits of a row by the part of its UTC day they fall in (one part unless the rules change)."""
    for key in row:
        if key not in COLUMNS:
            hint = did_you_mean(key, COLUMNS)
            raise BadInputError(f"unknown column {key!r}" + (f"; did you mean {hint}?" if hint else ""))
    if "date" not in row:
        raise BadInputError("no date")
    text = _text(row, "date")
    instant = parse_instant(text, what="date")
    parts = day_parts(instant.date(), changes)
    if not _is_bare_date(text):  # one instant: the part holding it, priced at it
        part = next(p for p in parts if p[0] <= instant < p[1])
        return [(part, _row_credits(row, card, instant, Fraction(1)))]
    return [(part, _row_credits(row, card, part[0], share)) for part, share in _shares(parts, until)]


def _shares(parts: Sequence[Part], until: datetime | None) -> list[tuple[Part, Fraction]]:
    """Each part's share of a whole day's use: its hours before `until` over the day's hours before it
    (its hours over the day's, for a day wholly before `until`, or after it: status leaves that one out);
    parts with no share are left out."""
    whole = [days_between(begin, end) for begin, end in parts]
    seen = whole if until is None else [max(days_between(b, min(e, until)), ZERO) for b, e in parts]
    weights = seen if any(seen) else whole
    total = sum(weights, ZERO)
    return [(part, weight / total) for part, weight in zip(parts, weights, strict=True) if weight]


def _is_bare_date(text: str) -> bool:
    """`2026-11-01`, as `parse_instant` reads it: the whole day, not its first instant."""
    return len(text.strip()) == len("YYYY-MM-DD")


def _row_credits(row: Mapping[str, Any], card: RateCard, at: datetime, share: Fraction) -> Fraction:
    """`share` of a row's credits, its tokens priced by the rules in force at `at`."""
    amounts = {key: _amount(row[key], key, card) * share for key in AMOUNT_COLUMNS if key in row}
    if "credits" in row:
        if amounts or "model" in row:
            raise BadInputError("give credits, or a model with tokens, not both")
        return _amount(row["credits"], "credits", card) * share
    if "model" not in row:
        raise BadInputError("no credits, and no model for tokens")
    window = _text(row, "window") if "window" in row else "peak"
    if window not in WINDOWS:
        raise BadInputError(f"window: expected {' or '.join(WINDOWS)}, got {window!r}")
    if "audio_hours" in amounts:
        amounts["audio_seconds"] = (
            amounts.get("audio_seconds", Fraction(0)) + amounts.pop("audio_hours") * SECONDS_PER_HOUR
        )
    line = UsageLine(_text(row, "model"), window, Quantities(**amounts))
    return compute_credits(Usage.of([line]), card, at).total


def _amount(value: Any, key: str, card: RateCard) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise BadInputError(f"{key}: expected a number, got {_as_json(value)}")
    return parse_amount(value, what=key, limit=card.limits.max_amount)


def _text(row: Mapping[str, Any], key: str) -> str:
    """The text at `key` of a row (a CSV cell always is; a JSON value may be anything)."""
    value = row[key]
    if not isinstance(value, str):
        raise BadInputError(f"{key}: expected a string, got {_as_json(value)}")
    return value


def _as_json(value: Any) -> str:
    """A value of a JSON row as it was written (a number read as a Decimal, too)."""
    return str(value) if isinstance(value, Decimal) else json.dumps(value, default=str)
