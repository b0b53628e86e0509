"""Parsing the amounts people type: `10M`, `2.5B`, `750k`, `1_000_000`, `1e6`, `30%`.

Every parser returns an exact `Fraction` and raises `BadInputError` with a one-line reason.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from tokenplan_cli.core.errors import BadInputError, describe_value

# Suffixes are case-insensitive; "m" is mega here, never milli (nobody counts milli-tokens).
_SUFFIXES = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}
_EXAMPLES = "write e.g. 10M, 2.5B, 750k, 1_000_000 or 1e6"
# Beyond 10^±30 a number is a typo; refusing it early also keeps Fraction(1e999999999) from eating memory.
MAX_EXPONENT = 30
_LARGEST_WHOLE = 10 ** (MAX_EXPONENT + 1)


def exact_number(number: int | Decimal | Fraction, *, what: str) -> Fraction:
    """`number` as an exact `Fraction`, or a one-line error if no real amount could be it.

    A decimal must be finite, and zero or within 10^±30. The check reads the exponent, which a `Decimal`
    knows at once: `Fraction(Decimal("1e999999999"))` would first build a billion-digit integer, minutes
    and gigabytes before any limit could refuse it. Every number read from text or a file (flags, cards,
    profiles, histories, logs) should pass through here.

    >>> exact_number(Decimal("2.5e9"), what="credits")
    Fraction(2500000000, 1)
    >>> exact_number(Decimal("1e-999999999"), what="credits")
    Traceback (most recent call last):
    ...
    tokenplan_cli.core.errors.BadInputError: credits: 1E-999999999 is absurdly large or small
    """
    if isinstance(number, bool) or not isinstance(number, int | Decimal | Fraction):
        raise BadInputError(f"{what}: expected a number, got {describe_value(number)}")
    if isinstance(number, Decimal):
        return _bounded(number, str(number), what)
    if isinstance(number, int) and not -_LARGEST_WHOLE < number < _LARGEST_WHOLE:
        raise BadInputError(f"{what}: a number of more than {MAX_EXPONENT + 1} digits is absurdly large")
    return Fraction(number)


def _bounded(number: Decimal, shown: str, what: str) -> Fraction:
    """A finite `number` within 10^±MAX_EXPONENT (or zero) as a Fraction; `shown` is how to quote it."""
    if not number.is_finite():
        raise BadInputError(f"{what}: {shown} is not a finite number")
    if number and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        raise BadInputError(f"{what}: {shown} is absurdly large or small")
    return Fraction(number)


def parse_amount(
    text: str | int | Decimal | Fraction, *, what: str = "amount", limit: Fraction | None = None
) -> Fraction:
    """A non-negative exact amount from text such as `10M`, `2.5B`, `750k`, `1_000_000` or `1e6`.

    An amount above `limit` is refused as an absurd one (most likely a typo).

    >>> parse_amount("2.5B")
    Fraction(2500000000, 1)
    >>> parse_amount("1,000,000") == parse_amount("1e6") == parse_amount("1_000_000") == 10**6
    True
    """
    value = _parse_text(text, what) if isinstance(text, str) else exact_number(text, what=what)
    if value < 0:
        raise BadInputError(f"{what}: {text} is negative")
    if limit is not None and value > limit:
        raise BadInputError(f"{what}: {text} is more than the limit of {int(limit):,} (a typo?)")
    return value


def _parse_text(text: str, what: str) -> Fraction:
    body = text.strip()
    factor = _SUFFIXES.get(body[-1:].lower(), 1)
    if factor != 1:
        body = body[:-1].rstrip()
    if "," in body:
        body = _without_thousands_commas(body, text, what)
    # Decimal reads 1e6, 2.5, 1_000_000 (underscores between digits only) and refuses the rest.
    if not body or not (body[0].isdigit() or body[0] in "+-."):
        raise BadInputError(f"{what}: {text!r} is not a number ({_EXAMPLES})")
    try:
        number = Decimal(body)
    except InvalidOperation:
        raise BadInputError(f"{what}: {text!r} is not a number ({_EXAMPLES})") from None
    return _bounded(number, repr(text), what) * factor


def _without_thousands_commas(body: str, text: str, what: str) -> str:
    """`1,000,000` -> `1000000`; commas anywhere but between groups of three digits are an error."""
    whole, dot, fraction = body.partition(".")
    groups = whole.split(",")
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise BadInputError(f"{what}: {text!r} is not a number ({_EXAMPLES})")
    return "".join(groups) + dot + fraction


def parse_share(text: str | Decimal | Fraction | int, *, what: str = "share") -> Fraction:
    """A share between 0 and 1, written `30%` or as a fraction `0.3`.

    A bare number above 1 is refused rather than guessed at: `30` could mean 30 % or a typo.

    >>> parse_share("30%"), parse_share("0.3")
    (Fraction(3, 10), Fraction(3, 10))
    """
    if isinstance(text, str) and text.strip().endswith("%"):
        body = text.strip()[:-1]
        value = _parse_plain(body, text, what) / 100
    elif isinstance(text, str):
        value = _parse_plain(text, text, what)
        if value > 1:
            raise BadInputError(f"{what}: {text} is outside 0–1; write {text}% for a percentage")
    else:
        value = parse_amount(text, what=what)
    if not 0 <= value <= 1:
        raise BadInputError(f"{what}: {text} is outside 0–100 %")
    return value


def parse_ratio(text: str, *, what: str) -> Fraction:
    """A non-negative ratio that may exceed 100 % (a coefficient of variation): `40%`, `150%` or `0.4`.

    >>> parse_ratio("150%", what="--spread"), parse_ratio("0.4", what="--spread")
    (Fraction(3, 2), Fraction(2, 5))
    """
    body = text.strip()
    value = (
        _parse_plain(body[:-1], text, what) / 100 if body.endswith("%") else _parse_plain(body, text, what)
    )
    if value < 0:
        raise BadInputError(f"{what}: {text} is below zero")
    return value


def _parse_plain(body: str, original: str, what: str) -> Fraction:
    try:
        number = Decimal(body.strip().replace("_", ""))
    except InvalidOperation as exc:
        raise BadInputError(f"{what}: {original!r} is not a percentage (write e.g. 30%)") from exc
    return _bounded(number, repr(original), what)


def parse_money(text: str | int | Decimal, *, what: str = "amount") -> Fraction:
    """A non-negative money amount such as `45.50` (no suffixes: prices are small numbers)."""
    if isinstance(text, str):
        value = _parse_plain(text.replace(",", ""), text, what)
    else:
        value = exact_number(text, what=what)
    if value < 0:
        raise BadInputError(f"{what}: {text} is negative")
    return value


def parse_portion(text: str, *, whole: Fraction, what: str, limit: Fraction | None = None) -> Fraction:
    """An amount of `whole`: a count such as `1.2B`, or a percentage of it such as `63%`.

    >>> parse_portion("63%", whole=Fraction(11 * 10**9), what="--used")
    Fraction(6930000000, 1)
    >>> parse_portion("2.9B", whole=Fraction(41 * 10**8), what="--remaining")
    Fraction(2900000000, 1)
    """
    if text.strip().endswith("%"):
        return parse_share(text, what=what) * whole
    return parse_amount(text, what=what, limit=limit)
