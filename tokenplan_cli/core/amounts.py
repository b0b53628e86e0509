"""Parsing the amounts people type: `10M`, `2.5B`, `750k`, `1_000_000`, `1e6`, `30%`.

Every parser returns an exact `Fraction` (or a `Share`) and raises `BadInputError` with a one-line
reason. They are the edge's tools: commands and readers turn text into values with them, and every
other function of the core takes the values. An error names the input by its `field` (a value the
caller passes, as the API names it: `used`), which the CLI shows as its flag, or else by `what` (a
label such as a file's key, shown as it is).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from tokenplan_cli.core.errors import BadInputError, describe_value
from tokenplan_cli.core.money import count, decimal_text, percent
from tokenplan_cli.tuples import NamedTuple

# Suffixes are case-insensitive; "m" is mega here, never milli (nobody counts milli-tokens).
_SUFFIXES = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}
_EXAMPLES = "write e.g. 10M, 2.5B, 750k, 1_000_000 or 1e6"
# Beyond 10^±30 a number is a typo; refusing it early also keeps Fraction(1e999999999) from eating memory.
MAX_EXPONENT = 30
_LARGEST_WHOLE = 10 ** (MAX_EXPONENT + 1)

Number = int | Decimal | Fraction  # an exact number, as a value (floats are refused: they are not exact)


class Share(NamedTuple):
    """A part of a whole given as its share of it (`63%` of a plan's credits), not as a count.

    >>> Share(Fraction(63, 100)).of(Fraction(11 * 10**9))
    Fraction(6930000000, 1)
    """

    fraction: Fraction

    def of(self, whole: Fraction) -> Fraction:
        return self.fraction * whole


def exact_number(number: Number, *, what: str = "amount", field: str | None = None) -> Fraction:
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
    if isinstance(number, float):
        detail = f"{number!r} is a float, which is not exact: give an int, a Decimal or a Fraction"
        raise BadInputError(detail, field=field, label=what)
    if isinstance(number, bool) or not isinstance(number, int | Decimal | Fraction):
        raise BadInputError(f"expected a number, got {describe_value(number)}", field=field, label=what)
    if isinstance(number, Decimal):
        return _bounded(number, str(number), what, field)
    if isinstance(number, int) and not -_LARGEST_WHOLE < number < _LARGEST_WHOLE:
        raise BadInputError(
            f"a number of more than {MAX_EXPONENT + 1} digits is absurdly large", field=field, label=what
        )
    if isinstance(number, Fraction) and not -_LARGEST_WHOLE < number < _LARGEST_WHOLE:
        raise BadInputError(f"{number} is absurdly large", field=field, label=what)
    return Fraction(number)


def _bounded(number: Decimal, shown: str, what: str, field: str | None) -> Fraction:
    """A finite `number` within 10^±MAX_EXPONENT (or zero) as a Fraction; `shown` is how to quote it."""
    if not number.is_finite():
        raise BadInputError(f"{shown} is not a finite number", field=field, label=what)
    if number and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        raise BadInputError(f"{shown} is absurdly large or small", field=field, label=what)
    return Fraction(number)


def parse_amount(
    text: str | Number, *, what: str = "amount", field: str | None = None, limit: Fraction | None = None
) -> Fraction:
    """A non-negative exact amount from text such as `10M`, `2.5B`, `750k`, `1_000_000` or `1e6`.

    An amount above `limit` is refused as an absurd one (most likely a typo).

    >>> parse_amount("2.5B")
    Fraction(2500000000, 1)
    >>> parse_amount("1,000,000") == parse_amount("1e6") == parse_amount("1_000_000") == 10**6
    True
    """
    if isinstance(text, str):
        value = _parse_text(text, what, field)
    else:
        value = exact_number(text, what=what, field=field)
    if value < 0:
        raise BadInputError(f"{_shown(text)} is negative", field=field, label=what)
    if limit is not None and value > limit:
        raise BadInputError(
            f"{_shown(text)} is more than the limit of {int(limit):,} (a typo?)", field=field, label=what
        )
    return value


def _shown(value: str | Number) -> str:
    """A value as a message quotes it: text as typed, a number with thousands separators (and its
    decimals, where it has them)."""
    if isinstance(value, str):
        return value
    number = Fraction(value)
    return f"{number.numerator:,}" if number.denominator == 1 else decimal_text(number)


def _parse_text(text: str, what: str, field: str | None) -> Fraction:
    body = text.strip()
    factor = _SUFFIXES.get(body[-1:].lower(), 1)
    if factor != 1:
        body = body[:-1].rstrip()
    not_a_number = BadInputError(f"{text!r} is not a number ({_EXAMPLES})", field=field, label=what)
    if "," in body:
        body = _without_thousands_commas(body, not_a_number)
    # Decimal reads 1e6, 2.5, 1_000_000 (underscores between digits only) and refuses the rest.
    if not body or not (body[0].isdigit() or body[0] in "+-."):
        raise not_a_number
    try:
        number = Decimal(body)
    except InvalidOperation:
        raise not_a_number from None
    return _bounded(number, repr(text), what, field) * factor


def _without_thousands_commas(body: str, not_a_number: BadInputError) -> str:
    """`1,000,000` -> `1000000`; commas anywhere but between groups of three digits are an error."""
    whole, dot, fraction = body.partition(".")
    groups = whole.split(",")
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise not_a_number
    return "".join(groups) + dot + fraction


def parse_share(text: str | Number, *, what: str = "share", field: str | None = None) -> Fraction:
    """A share between 0 and 1, written `30%` or as a fraction `0.3`.

    A bare number above 1 is refused rather than guessed at: `30` could mean 30 % or a typo.

    >>> parse_share("30%"), parse_share("0.3")
    (Fraction(3, 10), Fraction(3, 10))
    """
    if isinstance(text, str) and text.strip().endswith("%"):
        body = text.strip()[:-1]
        value = _parse_plain(body, text, what, field) / 100
    elif isinstance(text, str):
        value = _parse_plain(text, text, what, field)
        if value > 1:
            raise BadInputError(
                f"{text} is outside 0–1; write {text}% for a percentage", field=field, label=what
            )
    else:
        value = parse_amount(text, what=what, field=field)
    if not 0 <= value <= 1:
        raise BadInputError(f"{_shown(text)} is outside 0–100 %", field=field, label=what)
    return value


def parse_ratio(text: str | Number, *, what: str = "ratio", field: str | None = None) -> Fraction:
    """A non-negative ratio that may exceed 100 % (a coefficient of variation): `40%`, `150%` or `0.4`.

    >>> parse_ratio("150%", field="spread"), parse_ratio("0.4", field="spread")
    (Fraction(3, 2), Fraction(2, 5))
    """
    if isinstance(text, str):
        body = text.strip()
        plain = body[:-1] if body.endswith("%") else body
        value = _parse_plain(plain, text, what, field) / (100 if body.endswith("%") else 1)
    else:
        value = exact_number(text, what=what, field=field)
    if value < 0:
        raise BadInputError(f"{_shown(text)} is below zero", field=field, label=what)
    return value


def _parse_plain(body: str, original: str, what: str, field: str | None) -> Fraction:
    try:
        number = Decimal(body.strip().replace("_", ""))
    except InvalidOperation as exc:
        raise BadInputError(
            f"{original!r} is not a percentage (write e.g. 30%)", field=field, label=what
        ) from exc
    return _bounded(number, repr(original), what, field)


def parse_money(text: str | Number, *, what: str = "amount", field: str | None = None) -> Fraction:
    """A non-negative money amount such as `45.50` (no suffixes: prices are small numbers)."""
    if isinstance(text, str):
        value = _parse_plain(text.replace(",", ""), text, what, field)
    else:
        value = exact_number(text, what=what, field=field)
    if value < 0:
        raise BadInputError(f"{_shown(text)} is negative", field=field, label=what)
    return value


def parse_portion(text: str, *, field: str, limit: Fraction | None = None) -> Fraction | Share:
    """Part of a whole: a count such as `1.2B`, or a percentage of it such as `63%` (a `Share`).

    >>> parse_portion("63%", field="used")
    Share(fraction=Fraction(63, 100))
    >>> parse_portion("2.9B", field="remaining")
    Fraction(2900000000, 1)
    """
    if text.strip().endswith("%"):
        return Share(parse_share(text, field=field))
    return parse_amount(text, field=field, limit=limit)


def portion_value(value: Number | Share, *, field: str, limit: Fraction | None = None) -> Fraction | Share:
    """A portion given as a value (the API's `used=`): a count checked like a typed one, or a share
    within 0–100 %."""
    if isinstance(value, Share):
        return Share(parse_share(value.fraction, field=field))
    return parse_amount(value, field=field, limit=limit)


def shown_portion(value: Fraction | Share) -> str:
    """`63 %` or `1,200,000,000`: a portion as a message shows it."""
    return percent(value.fraction) if isinstance(value, Share) else count(value)
