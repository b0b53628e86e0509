"""A validated `RateCard`, or a parsed TOML document, as JSON and back, for the cache
(`readers/cardcache.py`).

JSON, not a pickle: the cache folder is wherever the environment points (`TOKENPLAN_CACHE_DIR`,
`XDG_CACHE_HOME`), and loading a pickle runs whatever code it names. Loading this runs none: every JSON
object is one tagged value, rebuilt by `_revive` into a `Fraction` (from two whole numbers, never from
text such as `1e999999999`), a `Decimal` (TOML's numbers with a point), a `datetime`, a `date`, a
`time`, a tuple, a list, a dict, or one of the card's own
record types from `core/ratecard.py`, and anything else is refused. A card holding any other kind of value
cannot be written (`TypeError`): it is then simply not cached.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tokenplan_cli.core import endpoints, ratecard

# The record types a card is built from: every NamedTuple defined in these modules. A card that holds a
# record from another module is not cached (see the test that a card is cached): add its module here.
RECORD_MODULES = (ratecard, endpoints)
RECORDS: dict[str, Callable[..., Any]] = {
    name: kind
    for module in RECORD_MODULES
    for name, kind in vars(module).items()
    if isinstance(kind, type)
    and issubclass(kind, tuple)
    and hasattr(kind, "_fields")
    and kind.__module__ == module.__name__
}


def to_plain(value: Any) -> Any:
    """`value` (a card or a part of one) as JSON-ready values, each non-scalar tagged with its kind."""
    if value is None or isinstance(value, str | int):  # bool is an int
        return value
    if isinstance(value, Fraction):
        return {"fraction": [value.numerator, value.denominator]}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):  # after datetime, which is a date too
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, tuple) and RECORDS.get(type(value).__name__) is type(value):
        return {"record": [type(value).__name__, *map(to_plain, value)]}
    if type(value) is tuple:
        return {"tuple": [to_plain(item) for item in value]}
    if type(value) is list:
        return {"list": [to_plain(item) for item in value]}
    if type(value) is dict and all(isinstance(key, str) for key in value):
        return {"dict": [[key, to_plain(item)] for key, item in value.items()]}
    raise TypeError(f"a cache entry holds no {type(value).__name__}")


def from_json(text: str) -> Any:
    """The value `to_plain` turned into JSON; raises `ValueError` (or another error) for anything else.

    Read with CPython's C scanner alone: the `json` package costs about 1.5 ms to import, most of what
    the cache saves. The entry holds no floats (a fraction is two whole numbers): one is refused.
    """
    value, end = _scanner()(text, 0)
    if end != len(text):
        raise ValueError("more after the entry")
    return value


class _Reading:
    """The settings `_json.make_scanner` reads, as `json.JSONDecoder` would hold them."""

    def __init__(self) -> None:
        self.strict = True
        self.object_hook = _revive
        self.object_pairs_hook = None
        self.parse_int = int
        self.parse_float = self.parse_constant = _no_float
        self.memo: dict[str, str] = {}


def _scanner() -> Any:
    try:
        from _json import make_scanner
    except ImportError:  # pragma: no cover - other interpreters
        from json.scanner import make_scanner
    return make_scanner(_Reading())


def _no_float(text: str) -> Any:
    raise ValueError(f"a cache entry holds no float ({text})")


def _revive(tagged: dict[str, Any]) -> Any:
    """One tagged JSON object back as the value it stands for (its contents are already revived)."""
    if len(tagged) != 1:
        raise ValueError("not a tagged value")
    ((tag, body),) = tagged.items()
    if tag == "fraction":
        numerator, denominator = body
        if type(numerator) is not int or type(denominator) is not int:
            raise ValueError("a fraction of two whole numbers")
        return Fraction(numerator, denominator)
    if tag == "decimal":
        return Decimal(body)
    if tag == "datetime":
        return datetime.fromisoformat(body)
    if tag == "date":
        return date.fromisoformat(body)
    if tag == "time":
        return time.fromisoformat(body)
    if tag == "record":
        return RECORDS[body[0]](*body[1:])
    if tag == "tuple":
        return tuple(body)
    if tag == "list":
        return list(body)
    if tag == "dict":
        return dict(body)
    raise ValueError(f"unknown tag {tag!r}")
