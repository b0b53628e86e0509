"""Claude Code's fast path: a line decoded into a typed schema that skips what is never read.

Most of a Claude Code line is the message's content (text, thinking, tool calls), which no count needs.
Decoded into these structs, msgspec checks the content's syntax but builds nothing of it: 21.5k against
37.7k instructions a usage line (callgrind, with the field reads). The fields are `Any` where the
generic path (`claude_code._record`) accepts anything. A line of another shape (a progress line, one
without a `type`, a count that is not a whole number, only the split cache-write counts, non-ASCII text
that is not UTF-8, a bad timestamp) gets `FALLBACK` and goes the generic way, which gives the same
answer or reports the fault: `tests/test_reader_claude_fast.py` holds both paths to the same results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs.claude_record import SYNTHETIC, built, whole
from tokenplan_cli.readers.logs.fields import BadRecord
from tokenplan_cli.readers.logs.jsonlines import FALLBACK, import_msgspec, is_utf8

if TYPE_CHECKING:
    from msgspec import Struct
    from msgspec.json import Decoder
else:  # (as every module imports it: `jsonlines.import_msgspec`)
    _msgspec = import_msgspec()
    Struct, Decoder = _msgspec.Struct, _msgspec.json.Decoder


class _Usage(Struct, gc=False):
    input_tokens: Any = None
    cache_creation_input_tokens: Any = None
    cache_read_input_tokens: Any = None
    output_tokens: Any = None


class _Message(Struct, gc=False):
    id: Any = None
    model: Any = None
    usage: _Usage | None = None


class _Line(Struct, gc=False):
    type: Any = None
    timestamp: Any = None
    isSidechain: Any = None  # noqa: N815 - Claude Code's spelling
    message: _Message | None = None


_decode_line = Decoder(_Line).decode


def fast_record(line: bytes) -> UsageRecord | None:
    """What `_record` gives for the line, or `FALLBACK` where the line is not of the common shape."""
    if not line.isascii() and not is_utf8(line):  # the decoder does not check the text it skips
        return FALLBACK
    try:
        entry = _decode_line(line)
    except (ValueError, RecursionError):  # malformed, or a field of another type than the structs'
        return FALLBACK
    if entry.type != "assistant":
        return FALLBACK if entry.type == "progress" or entry.type is None else None
    message = entry.message
    usage = message.usage if message is not None else None
    if usage is None:
        return None
    if message.model == SYNTHETIC:
        return None
    counts = (
        usage.cache_read_input_tokens,
        usage.input_tokens,
        usage.cache_creation_input_tokens,
        usage.output_tokens,
    )
    if not whole(*counts):
        return FALLBACK
    try:
        return built(entry.timestamp, message.model, counts, message.id, entry.isSidechain)
    except BadRecord:  # reported, with its line number, by the generic path
        return FALLBACK
