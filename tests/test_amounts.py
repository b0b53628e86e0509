"""Parsing what people type: amounts, shares, money, dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from tokenplan_cli.core.amounts import exact_number, parse_amount, parse_money, parse_ratio, parse_share
from tokenplan_cli.core.dates import EARLIEST, LATEST, iso_utc, parse_instant
from tokenplan_cli.core.errors import BadInputError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("10M", 10_000_000, id="mega"),
        pytest.param("2.5B", 2_500_000_000, id="billion-decimal"),
        pytest.param("750k", 750_000, id="kilo"),
        pytest.param("750K", 750_000, id="kilo-upper"),
        pytest.param("1_000_000", 1_000_000, id="underscores"),
        pytest.param("1e6", 1_000_000, id="exponent"),
        pytest.param("1,000,000", 1_000_000, id="thousands-commas"),
        pytest.param("3T", 3 * 10**12, id="tera"),
        pytest.param("4.1G", 4_100_000_000, id="giga"),
        pytest.param(" 12 M ", 12_000_000, id="spaces"),
        pytest.param("0", 0, id="zero"),
        pytest.param("0.5", Fraction(1, 2), id="fraction-kept-exact"),
        pytest.param("1234.5k", 1_234_500, id="decimal-with-suffix"),
    ],
)
def test_amounts(text: str, value: Fraction) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("-5M", "is negative", id="negative"),
        pytest.param("ten", "is not a number", id="words"),
        pytest.param("5X", "is not a number", id="unknown-suffix"),
        pytest.param("nan", "is not a number", id="nan"),
        pytest.param("inf", "is not a number", id="inf"),
        pytest.param("1,00", "is not a number", id="bad-commas"),
        pytest.param("", "is not a number", id="empty"),
        pytest.param("1e999999999", "absurdly large", id="absurd-exponent"),
        pytest.param("2000000T", "more than the limit", id="over-limit"),
    ],
)
def test_bad_amounts(text: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        parse_amount(text, limit=Fraction(10**15))


def test_a_decimal_from_a_file_with_an_absurd_exponent_is_refused_before_it_is_built() -> None:
    # TOML and JSON readers hand over Decimals; Fraction(Decimal("1e99999999")) would take minutes.
    with pytest.raises(BadInputError, match="absurdly large"):
        parse_amount(Decimal("1e99999999"), limit=Fraction(10**15))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30%", Fraction(3, 10)),
        ("0.3", Fraction(3, 10)),
        ("0", 0),
        ("100%", 1),
        ("12.5%", Fraction(1, 8)),
        ("1", 1),
    ],
)
def test_shares(text: str, value: Fraction) -> None:
    assert parse_share(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("30", "write 30% for a percentage", id="bare-percent"),
        pytest.param("130%", "outside 0–100 %", id="over-100"),
        pytest.param("-5%", "outside 0–100 %", id="negative"),
        pytest.param("lots", "not a percentage", id="words"),
        pytest.param("nan%", "not a finite number", id="nan"),
    ],
)
def test_bad_shares(text: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        parse_share(text)


# A number whose exponent is absurd is refused from its exponent, before it is built: Fraction of
# Decimal("1e999999999") alone takes minutes and gigabytes. Each parser of what people type does so.
HUGE_EXPONENTS = ["1e999999999", "1e-999999999", "1E+999999999", "-1e999999999"]


@pytest.mark.parametrize("text", HUGE_EXPONENTS)
@pytest.mark.parametrize(
    "parse",
    [
        pytest.param(lambda text: parse_share(text, what="--headroom"), id="share"),
        pytest.param(lambda text: parse_share(f"{text}%", what="--offpeak"), id="percentage"),
        pytest.param(lambda text: parse_ratio(text, what="--spread"), id="ratio"),
        pytest.param(lambda text: parse_ratio(f"{text}%", what="--spread"), id="ratio-percentage"),
        pytest.param(lambda text: parse_money(text, what="--paid"), id="money"),
        pytest.param(lambda text: parse_amount(text, what="--output"), id="amount"),
    ],
)
def test_huge_exponents_are_refused_by_every_parser(parse: object, text: str) -> None:
    with pytest.raises(BadInputError, match="absurdly large or small"):
        parse(text)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(Decimal("1e-999999999"), "1E-999999999 is absurdly large or small", id="tiny-decimal"),
        pytest.param(Decimal("Infinity"), "Infinity is not a finite number", id="infinity"),
        pytest.param(Decimal("NaN"), "NaN is not a finite number", id="nan"),
        pytest.param(10**40, "a number of more than 31 digits is absurdly large", id="huge-integer"),
        pytest.param({"x": 1}, "expected a number, got a table", id="table"),
        pytest.param([1], "expected a number, got an array", id="array"),
        pytest.param(True, "expected a number, got a boolean (true)", id="boolean"),
        pytest.param(date(2026, 1, 1), "expected a number, got a date (2026-01-01)", id="date"),
        pytest.param("12", "expected a number, got a string ('12')", id="text"),
    ],
)
def test_exact_number_refuses_what_no_amount_is(value: object, message: str) -> None:
    with pytest.raises(BadInputError, match=re.escape(f"credits: {message}")):
        exact_number(value, what="credits")  # type: ignore[arg-type]


def test_exact_number_keeps_what_an_amount_may_be() -> None:
    assert exact_number(Decimal("1e30"), what="x") == 10**30
    assert exact_number(Decimal("1e-30"), what="x") == Fraction(1, 10**30)
    assert exact_number(Decimal("0E-999999999"), what="x") == 0  # zero, whatever its exponent
    assert exact_number(-(10**30), what="x") == -(10**30)


@pytest.mark.parametrize("value", [{"x": 1}, [1], date(2026, 1, 1)])
def test_amounts_and_shares_from_a_file_of_the_wrong_type_are_refused(value: object) -> None:
    with pytest.raises(BadInputError, match="expected a number"):
        parse_amount(value)  # type: ignore[arg-type]
    with pytest.raises(BadInputError, match="expected a number"):
        parse_share(value)  # type: ignore[arg-type]


def test_the_calendar_span_is_open_to_its_ends() -> None:
    assert parse_instant("0002-01-01") == EARLIEST
    assert parse_instant("9997-12-31T23:59:59Z") == LATEST
    assert parse_instant("0002-01-01T00:00+00:00") == EARLIEST


def test_money_is_exact() -> None:
    assert parse_money("45.50") == Fraction(91, 2)
    assert parse_money(Decimal("0.1")) == Fraction(1, 10)
    with pytest.raises(BadInputError, match="negative"):
        parse_money("-1")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-06-30", "2026-06-30T00:00:00Z"),
        ("2026-06-30T08:00+08:00", "2026-06-30T00:00:00Z"),
        ("2026-06-30T08:00:00Z", "2026-06-30T08:00:00Z"),
        ("2026-06-30 12:30", "2026-06-30T12:30:00Z"),
    ],
)
def test_instants(text: str, iso: str) -> None:
    assert iso_utc(parse_instant(text)) == iso


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "day is out of range"),
        ("yesterday", "expected YYYY-MM-DD"),
        ("2026-13-01", "month must be"),
        # The calendar's edges: in year 0 or 10000 once in UTC, or so close to an end that a plan's
        # expiry, a renewal after it or the time in a zone 14 hours away would leave the calendar.
        ("0001-01-01T00:00+14:00", "outside years 0002-9997"),
        ("9999-12-31T23:59:59-12:00", "outside years 0002-9997"),
        ("9999-12-30", "outside years 0002-9997"),
        ("0001-12-31T23:59:59Z", "outside years 0002-9997"),
        ("9998-01-01", "outside years 0002-9997"),
    ],
)
def test_bad_instants(text: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        parse_instant(text)
