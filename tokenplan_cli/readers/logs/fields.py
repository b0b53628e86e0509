"""Small pieces every log reader needs: token counts, instants, model names and compact dedupe keys.

A reader turns one log record into a `UsageRecord` with these helpers; anything it cannot use raises
`BadRecord`, whose `reason` is the short fixed phrase the reader hands to `Skips.add` (never the content).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tokenplan_cli.core.records import UNKNOWN_MODEL, UsageRecord
from tokenplan_cli.readers.digests import blake2b
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs import cannot_read as cannot_read  # re-exported: readers import it here

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The scanner keeps a request's counts as signed 64-bit integers; a count beyond that is no real count.
MAX_COUNT = 2**63 - 1
# An instant in the first or last year of the calendar could not be shown in every zone (--tz shifts it
# by up to a day, past year 1 or 9999): no tool logs one, so it is refused.
FIRST_YEAR, LAST_YEAR = 2, 9998
# A whole-number instant at least this large is in milliseconds, below it in seconds (10^11 seconds is
# the year 5138; 10^11 milliseconds, 1973).
MILLISECONDS_FROM = 10**11
# Twelve bytes of BLAKE2b: collisions stay out of reach for billions of keys, and the scanner's set of
# keys stays small whatever the length of the ids a tool writes.
KEY_DIGEST_BYTES = 12


class TotalOnly(UsageRecord):
    """A record whose log held only a total token count, no split into input, cache and output: the
    total is booked as output, the dearest kind, so that a plan chosen from logs is never too small.
    Readers report its line (`Skips.add_bare_total`, through `report_bare_total`)."""

    __slots__ = ()


def booked(record: UsageRecord, total: int) -> UsageRecord:
    """`record`; or, when it holds no token but the log gave a `total` above 0, that total as output."""
    if total > 0 and not record.tokens:
        return TotalOnly(*record._replace(output=total))
    return record


def report_bare_total(record: UsageRecord | None, skips: Skips, path: Path | str, line: int) -> None:
    """Report the line of a record booked from a bare total (nothing for any other record)."""
    if type(record) is TotalOnly:
        skips.add_bare_total(path, line)


class BadRecord(ValueError):
    """A record that parsed but cannot be counted; `reason` is a short fixed phrase for `Skips.add`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def count(mapping: Any, key: str) -> int:
    """A token count: absent or null is 0, a negative count is 0, anything but a whole number is bad.

    Some tool versions subtract cached tokens from a total that never held them and write a negative
    input count; the cached count is still right, so only the impossible negative is dropped. A count
    above `MAX_COUNT` is out of range.

    >>> count({"input": 12}, "input"), count({}, "input"), count({"input": -3}, "input")
    (12, 0, 0)
    >>> count({"input": 7.0}, "input")
    7
    """
    value = mapping.get(key) if type(mapping) is dict else None
    if type(value) is int:  # the common case first: this runs several times a record
        if value > MAX_COUNT:
            raise BadRecord("token count out of range")
        return value if value > 0 else 0
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        return count({key: int(value)}, key)
    raise BadRecord("bad token count")


def whole_count(value: Any) -> int:
    """A count held alone (a SQLite cell), by the rules of `count`.

    >>> whole_count(None), whole_count(-4), whole_count(12.0)
    (0, 0, 12)
    """
    return count({"count": value}, "count")


def mapping(parent: Any, key: str) -> dict[str, Any]:
    """A nested object, or an empty one when it is absent or null."""
    value = parent.get(key) if isinstance(parent, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRecord(f"bad {key} field")
    return value


def lookup(value: Any, *keys: str) -> Any:
    """The value at a path of keys, or None where the path leaves the objects (never an error).

    >>> lookup({"source": {"subagent": {"id": "x"}}}, "source", "subagent", "id")
    'x'
    >>> lookup({"source": "cli"}, "source", "subagent", "id") is None
    True
    """
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def instant(value: Any) -> datetime:
    """An instant written as ISO 8601 text or as a number of Unix seconds (milliseconds when it is at
    least `MILLISECONDS_FROM`), as an aware UTC datetime.

    >>> instant(1772467199).isoformat() == instant(1772467199000).isoformat() == instant(
    ...     "2026-03-02T15:59:59Z").isoformat() == '2026-03-02T15:59:59+00:00'
    True
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return instant_from_ms(value if abs(value) >= MILLISECONDS_FROM else value * 1000)
    return instant_from_iso(value)


def instant_from_iso(text: Any) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime; one without an offset is taken as UTC.

    >>> instant_from_iso("2026-03-02T15:59:59.500Z").isoformat()
    '2026-03-02T15:59:59.500000+00:00'
    """
    if not isinstance(text, str):
        raise BadRecord("no timestamp")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadRecord("bad timestamp") from None
    if moment.tzinfo is UTC:  # "…Z", as most tools write: nothing to convert (a hot path)
        return in_calendar(moment)
    if moment.tzinfo is None:
        return in_calendar(moment.replace(tzinfo=UTC))
    try:
        return in_calendar(moment.astimezone(UTC))
    except OverflowError:  # year 1 at a positive offset, or 9999 at a negative one
        raise BadRecord("timestamp out of range") from None


def instant_from_ms(value: Any) -> datetime:
    """Milliseconds since the Unix epoch as an aware UTC datetime (exact for whole milliseconds).

    >>> instant_from_ms(1772467199000).isoformat()
    '2026-03-02T15:59:59+00:00'
    """
    if type(value) is not int and not isinstance(value, float):
        raise BadRecord("no timestamp")
    try:
        return in_calendar(EPOCH + timedelta(milliseconds=value))
    except (OverflowError, ValueError):
        raise BadRecord("timestamp out of range") from None


def in_calendar(moment: datetime) -> datetime:
    """`moment`, unless it lies so near the calendar's ends that a time zone could push it past them."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise BadRecord("timestamp out of range")
    return moment


def model_name(raw: Any) -> str:
    """The model a record names, as logged (without surrounding space); `unknown` when it names none.

    Names are normalised where they are charged (`core.records.normalise_model`), so that a report can
    show the name as logged beside the one it was charged by.
    """
    if type(raw) is str:  # the common case first: a log names a handful of models thousands of times
        return raw if raw and not (raw[0].isspace() or raw[-1].isspace()) else raw.strip() or UNKNOWN_MODEL
    if isinstance(raw, bytes):
        return model_name(raw.decode("utf-8", "replace"))
    return UNKNOWN_MODEL


def dedupe_key(prefix: bytes, *parts: str | bytes | int) -> bytes:
    """A compact key equal for equal parts: the tool's prefix and a digest of the parts.

    Strings and bytes with the same UTF-8 spelling give the same key, so a value read from a JSON line
    and the same value read from a SQLite row agree.

    >>> dedupe_key(b"oc", "msg_1", 5) == dedupe_key(b"oc", b"msg_1", 5)
    True
    >>> dedupe_key(b"oc", "msg_1")[:3]
    b'oc:'
    """
    pieces = [
        part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass") for part in parts
    ]
    digest = blake2b(b"\x1f".join(pieces), digest_size=KEY_DIGEST_BYTES).digest()
    return prefix + b":" + digest


def split_input(total: int, cache_read: int, cache_write: int) -> tuple[int, int, int]:
    """Cache hit, cache miss and cache write of an input count that includes the cache (OpenAI style).

    An input smaller than its cache counts cannot include them: it is then the uncached part alone.

    >>> split_input(1000, 700, 200), split_input(100, 700, 200)
    ((700, 100, 200), (700, 100, 200))
    """
    if total < cache_read + cache_write:
        return cache_read, total, cache_write
    return cache_read, total - cache_read - cache_write, cache_write
