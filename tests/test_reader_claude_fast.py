"""Claude Code's fast path (a typed decode that skips the content) gives what the generic path gives.

For every line, `_fast_record(line)` must be either `FALLBACK` (the generic path then decides) or
exactly the record (or None) that parsing the line and `_record` give. A line the generic path would
skip must never be vouched for by the fast path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.readers.logs import Skips, claude_code, claude_fast
from tokenplan_cli.readers.logs.fields import BadRecord
from tokenplan_cli.readers.logs.jsonlines import FALLBACK, parse_object

CLAUDE = Path(__file__).parent / "fixtures" / "logs" / "claude"


def generic(line: bytes) -> Any:
    """What the generic path makes of a line: a record, None, or the reason it is skipped."""
    parsed = parse_object(line)
    if isinstance(parsed, str):
        return parsed
    try:
        return claude_code._record(parsed)
    except BadRecord as bad:
        return bad.reason


def agrees(line: bytes) -> bool:
    fast = claude_fast.fast_record(line)
    return fast is FALLBACK or fast == generic(line)


def line_of(**changes: Any) -> bytes:
    """An assistant line as Claude Code writes it, with fields replaced (None: removed)."""
    usage = {
        "input_tokens": 4,
        "cache_creation_input_tokens": 1200,
        "cache_read_input_tokens": 50000,
        "cache_creation": {"ephemeral_5m_input_tokens": 1200, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 260,
        "service_tier": "standard",
    }
    usage.update(changes.pop("usage", {}))
    message = {
        "id": "msg_01abc",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": changes.pop("text", "Done: the tests pass.")}],
        "stop_reason": None,
        "usage": {key: value for key, value in usage.items() if value is not None},
    }
    message.update(changes.pop("message", {}))
    entry = {
        "parentUuid": "p",
        "isSidechain": False,
        "sessionId": "s",
        "message": message,
        "requestId": "req_011C",
        "type": "assistant",
        "timestamp": "2026-10-01T15:59:59.900Z",
    }
    entry.update(changes)
    return json.dumps({k: v for k, v in entry.items() if v is not None}, ensure_ascii=False).encode() + b"\n"


def test_every_fixture_line_agrees() -> None:
    lines = [line for path in CLAUDE.rglob("*.jsonl") for line in path.read_bytes().splitlines(keepends=True)]
    assert len(lines) > 10
    assert all(agrees(line) for line in lines)


def test_the_common_line_takes_the_fast_path() -> None:
    line = line_of()
    record = claude_fast.fast_record(line)
    assert record is not FALLBACK and record == generic(line)
    assert (record.cache_hit, record.cache_miss, record.cache_write, record.output) == (50000, 4, 1200, 260)


CASES = {
    "non-ASCII text": (line_of(text="完成 ✓ — naïve"), "fast"),
    "bad UTF-8 in the text": (line_of(text="BAD").replace(b"BAD", b"\xff\xfe"), "fallback"),
    "float count": (line_of(usage={"output_tokens": 7.0}), "fallback"),
    "negative count": (line_of(usage={"input_tokens": -3}), "fallback"),
    "count as text": (line_of(usage={"output_tokens": "12"}), "fallback"),
    "count past 2**63": (line_of(usage={"cache_read_input_tokens": 2**63}), "fallback"),  # out of range
    "count past 2**64": (line_of(usage={"cache_read_input_tokens": 2**70}), "fallback"),
    "split cache write only": (line_of(usage={"cache_creation_input_tokens": None}), "fallback"),
    "no timestamp": (line_of(timestamp=None), "fallback"),
    "bad timestamp": (line_of(timestamp="yesterday"), "fallback"),
    "progress line": (line_of(type="progress"), "fallback"),
    "user line": (line_of(type="user"), "none"),
    "no top-level type": (line_of(type=None), "fallback"),
    "synthetic model": (line_of(message={"model": "<synthetic>"}), "none"),
    "no usage": (line_of(message={"usage": None}), "none"),
    "message is text": (line_of().replace(b'"message": {', b'"message": "x", "m": {'), "fallback"),
    "cut short": (line_of()[:-40], "fallback"),
    "a JSON array": (b"[1, 2]\n", "fallback"),
    # (skipped by the schema: msgspec of Python 3.11 gives up at this depth, that of 3.13 does not)
    "deeply nested content": (line_of(text="x").replace(b'"x"', b"[" * 5000 + b"]" * 5000), "either"),
}


@pytest.mark.parametrize(("line", "path"), CASES.values(), ids=CASES.keys())
def test_unusual_lines(line: bytes, path: str) -> None:
    fast = claude_fast.fast_record(line)
    assert {
        "fast": fast is not FALLBACK and fast is not None,
        "none": fast is None,
        "fallback": fast is FALLBACK,
        "either": fast is FALLBACK or fast is not None,
    }[path]
    assert agrees(line)


def test_a_line_the_generic_path_skips_is_still_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(line_of() + CASES["bad UTF-8 in the text"][0] + CASES["bad timestamp"][0])
    skips = Skips()
    records = list(claude_code.read_file(path, skips))
    assert len(records) == 1
    assert [(f.lines, f.reasons) for f in skips.by_file()] == [((2, 3), ("not UTF-8", "bad timestamp"))]


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
JSON_VALUES = (
    SCALARS
    | st.text(max_size=8)
    | st.sampled_from(["assistant", "progress", "<synthetic>", "2026-10-01T16:00:00Z", "2026-10-01"])
    | st.lists(SCALARS, max_size=2)
    | st.dictionaries(st.sampled_from(["usage", "output_tokens", "message", "x"]), SCALARS, max_size=2)
)
FIELDS = st.sampled_from(
    [
        "type",
        "timestamp",
        "requestId",
        "isSidechain",
        "message",
        "message.model",
        "message.id",
        "message.usage",
        "message.role",
    ]
    + [f"message.usage.{kind}" for kind in ("input_tokens", "output_tokens", "cache_read_input_tokens")]
    + ["message.usage.cache_creation_input_tokens", "message.content"]
)


@given(st.dictionaries(FIELDS, JSON_VALUES | st.integers(min_value=0), max_size=4))
def test_any_field_of_any_type_agrees(replaced: dict[str, Any]) -> None:
    entry = json.loads(line_of())
    for dotted, value in replaced.items():
        *parents, last = dotted.split(".")
        target = entry
        for name in parents:
            target = target.get(name) if isinstance(target, dict) else None
        if isinstance(target, dict):
            target[last] = value
    assert agrees(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
