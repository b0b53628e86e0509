"""Result documents: core results turned into the versioned JSON shape (docs/json.md).

This is where exact values are rounded, once: money to the currency's cents as a two-decimal string,
credits to hundredths and ratios to millionths as JSON numbers. Renderers draw these documents.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from tokenplan_cli.core.money import round_credits, round_money, round_ratio
from tokenplan_cli.core.ratecard import Currency

SCHEMA_VERSION = 1


def envelope(command: str, **fields: Any) -> dict[str, Any]:
    """The top of every document: its schema version and the command that made it."""
    return {"schema_version": SCHEMA_VERSION, "command": command, **fields}


def money(amount: Fraction | None, currency: Currency) -> str | None:
    """`"45.50"`: money rounded to the currency's minor unit, as a string."""
    return None if amount is None else str(round_money(amount, currency.minor_units))


def credits(amount: Fraction | None) -> Any:
    return None if amount is None else round_credits(amount)


def ratio(value: Fraction | None) -> Any:
    return None if value is None else round_ratio(value)


def quantity(amount: Fraction | None) -> Any:
    """Token counts and seconds: exact when whole, else to hundredths (averages may be fractional)."""
    return None if amount is None else round_credits(amount)


def exact(value: Fraction) -> Any:
    """A rate or multiplier as an exact decimal number (12 places where it does not terminate)."""
    from decimal import Decimal

    from tokenplan_cli.core.money import round_half_up

    denominator = value.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    if denominator == 1:
        number = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        number = round_half_up(value, 12)
    return number.to_integral_value() if number == number.to_integral_value() else number.normalize()
