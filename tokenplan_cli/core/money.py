"""Rounding exact amounts for output: money to the currency's minor unit, credits to hundredths.

Everything upstream is an exact `Fraction`; these functions are the one place where a number is rounded,
and they are called only by renderers. Rounding is half-up (away from zero on a tie), the commercial rule
people expect on a price tag:

>>> round_money(Fraction(4555, 1000), 2)   # 4.555
Decimal('4.56')
>>> round_money(Fraction(1, 3), 2)
Decimal('0.33')
>>> round_credits(Fraction(30_000_000, 3600))   # one second of ASR audio
Decimal('8333.33')
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

# Credits are shown to two decimals: the finest any rate of the card produces from whole tokens is a
# half credit (2.5 per cache hit) times the off-peak 0.8, and ASR seconds give repeating decimals.
CREDIT_DECIMALS = 2
# Ratios (utilization, shares) are shown to six decimals: a millionth of a quota is far below a credit.
RATIO_DECIMALS = 6


def round_half_up(value: Fraction, decimals: int) -> Decimal:
    """`value` rounded half away from zero to `decimals` places, as an exact Decimal."""
    numerator, denominator = value.numerator * 10**decimals, value.denominator  # (whole numbers only:
    sign = -1 if numerator < 0 else 1  # a report rounds a thousand figures)
    whole, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        whole += 1
    return Decimal(sign * whole).scaleb(-decimals)


def round_money(value: Fraction, minor_units: int) -> Decimal:
    """A price rounded to the currency's minor unit, always with that many decimals (`6.00`)."""
    return round_half_up(value, minor_units)


def round_credits(value: Fraction) -> Decimal:
    """Credits rounded to hundredths; whole numbers lose their decimals (`3000000000`)."""
    rounded = round_half_up(value, CREDIT_DECIMALS)
    return rounded.to_integral_value() if rounded == rounded.to_integral_value() else rounded.normalize()


def round_ratio(value: Fraction) -> Decimal:
    """A ratio (utilization, share) rounded to six decimals, trailing zeros dropped."""
    rounded = round_half_up(value, RATIO_DECIMALS)
    return rounded.to_integral_value() if rounded == rounded.to_integral_value() else rounded.normalize()


def percent(share: Fraction) -> str:
    """A share as a percentage with one decimal, for messages: `percent(Fraction(1, 3))` is `33.3 %`."""
    return f"{round_half_up(share * 100, 1)} %"


def count(value: Fraction) -> str:
    """Credits for a message, with thousands separators: `count(Fraction(11 * 10**9))` is `11,000,000,000`."""
    rounded = round_credits(value)
    return f"{rounded:,}"


def decimal_text(value: Fraction) -> str:
    """A terminating fraction (money parsed from decimal text) written back as that decimal.

    >>> decimal_text(Fraction(56, 5)), decimal_text(Fraction(7))
    ('11.2', '7')
    """
    return str(Decimal(value.numerator) / Decimal(value.denominator))
