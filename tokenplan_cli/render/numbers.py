"""Short forms of document values for people: `3.29B` credits, `61.2 %`, `$14.08`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

_SCALES = (
    (Decimal(10) ** 12, "T"),
    (Decimal(10) ** 9, "B"),
    (Decimal(10) ** 6, "M"),
    (Decimal(10) ** 3, "k"),
)


def short(value: Any, digits: int = 3) -> str:
    """A count with a suffix and `digits` significant digits at most: 3294000000 -> `3.29B`.

    >>> short(Decimal(3294000000)), short(Decimal(1100000000)), short(Decimal(750)), short(None)
    ('3.29B', '1.1B', '750', '–')
    """
    if value is None:
        return "–"
    number = Decimal(value)
    for scale, suffix in _SCALES:
        if abs(number) >= scale:
            return _significant(number / scale, digits) + suffix
    return _significant(number, digits)


def _significant(number: Decimal, digits: int) -> str:
    if number == 0:
        return "0"
    whole_digits = len(str(abs(int(number)))) if abs(number) >= 1 else 1
    places = max(digits - whole_digits, 0)
    text = f"{number:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pct(value: Any, places: int = 1) -> str:
    """A ratio from a document as a percentage: 0.612345 -> `61.2 %`."""
    if value is None:
        return "–"
    return f"{Decimal(value) * 100:.{places}f} %"


def price(amount: str | None, symbol: str) -> str:
    """A money string from a document with its currency symbol: ("14.08", "$") -> `$14.08`, `-$2.00`."""
    if amount is None:
        return "–"
    return f"-{symbol}{amount[1:]}" if amount.startswith("-") else f"{symbol}{amount}"
