"""JSON that carries exact numbers: a `Decimal` is written as the number it is, never via a float.

The documents hold only dicts, lists, strings, bools, None, ints and Decimals (credits and ratios,
already rounded by `tokenplan_cli.core.money`); money is a string (`"45.50"`) beside a `currency`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

try:  # CPython's C string encoder, without importing the whole json package (~1 ms at start-up)
    from _json import encode_basestring_ascii as _encode_string
except ImportError:  # pragma: no cover - other interpreters
    from json.encoder import encode_basestring_ascii as _encode_string


def dumps(value: Any, indent: int = 2) -> str:
    """Serialise a document; keys keep their order (the schema's order), two-space indent.

    >>> print(dumps({"credits": Decimal("3000000000"), "price": "6.00", "ok": True}, indent=0))
    {"credits": 3000000000, "price": "6.00", "ok": true}
    """
    return "".join(_chunks(value, indent, 0))


def _chunks(value: Any, indent: int, level: int) -> Any:
    if value is None:
        yield "null"
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif isinstance(value, str):
        yield _encode_string(value)
    elif isinstance(value, int):
        yield str(int(value))
    elif isinstance(value, Decimal):
        yield _decimal(value)
    elif isinstance(value, Mapping):
        yield from _container(
            "{", "}", [(f"{_encode_string(str(k))}: ", v) for k, v in value.items()], indent, level
        )
    elif isinstance(value, Sequence):
        yield from _container("[", "]", [("", v) for v in value], indent, level)
    else:
        raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def _container(open_: str, close: str, items: list[tuple[str, Any]], indent: int, level: int) -> Any:
    if not items:
        yield open_ + close
        return
    if indent == 0:
        yield open_
        for i, (prefix, item) in enumerate(items):
            yield (", " if i else "") + prefix
            yield from _chunks(item, indent, level)
        yield close
        return
    inner = "\n" + " " * (indent * (level + 1))
    yield open_
    for i, (prefix, item) in enumerate(items):
        yield ("," if i else "") + inner + prefix
        yield from _chunks(item, indent, level + 1)
    yield "\n" + " " * (indent * level) + close


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"JSON has no {value}")
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    return format(value, "f")
