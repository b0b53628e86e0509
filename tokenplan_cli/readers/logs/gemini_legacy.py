"""Gemini CLI's legacy chats decoded into a schema that skips the message content.

A legacy chat is one JSON document holding every message, content and tool results included. Decoded
into these structs, msgspec checks the content's syntax but builds none of it, so a chat costs the
memory of its counts, not of its text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenplan_cli.readers.logs.jsonlines import import_msgspec

if TYPE_CHECKING:
    from msgspec import Struct
    from msgspec.json import Decoder
else:  # (as every module imports it: `jsonlines.import_msgspec`)
    _msgspec = import_msgspec()
    Struct, Decoder = _msgspec.Struct, _msgspec.json.Decoder


class _Message(Struct, gc=False):
    id: Any = None
    timestamp: Any = None
    type: Any = None
    model: Any = None
    tokens: Any = None


class _Chat(Struct, gc=False):
    messages: list[_Message]


_decode_chat = Decoder(_Chat).decode


def legacy_messages(data: bytes) -> list[dict[str, Any]] | None:
    """The messages of a chat document (only the fields a count needs), or None where the document is
    not of the usual shape: the caller parses it whole and reports what is wrong."""
    try:
        chat = _decode_chat(data)
    except (ValueError, RecursionError):
        return None
    return [
        {"id": m.id, "timestamp": m.timestamp, "type": m.type, "model": m.model, "tokens": m.tokens}
        for m in chat.messages
    ]
