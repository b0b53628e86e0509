"""The record of a Claude Code assistant line, built alike by the generic reader (`claude_code`) and the
fast one (`claude_fast`): the fields they both read, checked and put in a `UsageRecord`."""

from __future__ import annotations

from typing import Any

from tokenplan_cli.core.records import ZERO, UsageRecord
from tokenplan_cli.readers.logs.fields import instant_from_iso, model_name

TOOL = "claude-code"
SYNTHETIC = "<synthetic>"  # the model of Claude Code's own error notices: not requests
# `UsageRecord(...)` goes through a Python-level __new__ with keyword handling (about 4,000 instructions a
# record, measured with callgrind); building the tuple of its eleven fields in order costs a tenth of it.
_new_record = tuple.__new__
# Logged model name -> normalised name: a log names a handful of models thousands of times, and a dict
# lookup is cheaper than a call. Bounded, so a log naming millions of models cannot grow it.
_MODEL_NAMES: dict[Any, str] = {}
MODEL_NAMES_KEPT = 256


def whole(hit: Any, miss: Any, write: Any, output: Any) -> bool:
    """Whole counts from 0 to `MAX_COUNT`: the rule in Claude Code's logs (spelt out: it runs for every
    line). Their bitwise or is below 2**63 exactly when each is, and negative when one is."""
    if type(hit) is not int or type(miss) is not int or type(write) is not int or type(output) is not int:
        return False
    return not (hit | miss | write | output) >> 63  # 63: the bits of MAX_COUNT


def built(
    timestamp: Any,
    model: Any,
    counts: tuple[int, int, int, int],  # cache hit, cache miss, cache write, output
    message_id: Any,
    sidechain: Any,
) -> UsageRecord:
    """The record of a request from the fields of its line (raises `BadRecord` for a bad timestamp)."""
    name = _MODEL_NAMES.get(model) if type(model) is str else None
    if name is None:
        name = model_name(model)
        if type(model) is str and len(_MODEL_NAMES) < MODEL_NAMES_KEPT:  # (a list is not a key)
            _MODEL_NAMES[model] = name
    return _new_record(  # the tuple directly: this runs for every usage line
        UsageRecord,
        (
            instant_from_iso(timestamp),
            TOOL,
            name,
            *counts,
            0,
            ZERO,
            _dedupe_key(message_id),
            sidechain is not True,
        ),
    )


def _dedupe_key(message_id: Any) -> bytes | None:
    """`cc:<message.id>`: the id of one response, in every copy of it (a streamed block, a resumed
    session's repeat, a sidechain's replay under a request id of its own); the scanner digests kept keys."""
    if not isinstance(message_id, str) or not message_id:
        return None
    return ("cc:" + message_id).encode()
