"""Options and helpers every command shares, so each command stays a screen long."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.render import OutputFormat

RatesOption = Annotated[
    Path | None,
    typer.Option(
        "--rates",
        envvar="TOKENPLAN_RATES",
        help="Rate card to use instead of the built-in one (also TOKENPLAN_RATES).",
        show_default=False,
        dir_okay=True,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Apply the rules in force at this date or date-time (default: now).",
        show_default=False,
    ),
]
CurrencyOption = Annotated[
    str | None,
    typer.Option("--currency", help="Currency: {currencies} (default: the card's).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document (see docs/json.md).")]
CycleOption = Annotated[str, typer.Option("--cycle", help="Billing cycle: {cycles}.")]
ToCycleOption = Annotated[
    str | None,
    typer.Option(
        "--to-cycle", help="Cycle of the new plan: {cycles} (default: the same).", show_default=False
    ),
]
NowOption = Annotated[
    str | None,
    typer.Option("--now", help="Compute as at this date or date-time (default: now).", show_default=False),
]
StartOption = Annotated[
    str | None,
    typer.Option(
        "--start",
        help="When the plan was (or is) bought: a UTC date, or a date-time with an offset.",
        show_default=False,
    ),
]
HeldStartOption = Annotated[
    str | None,
    typer.Option(
        "--start",
        help="When the plan you hold was bought (a UTC date, or a date-time with an offset): "
        "then the quote knows when it ends.",
        show_default=False,
    ),
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Time zone to show instants in beside UTC, e.g. Asia/Shanghai (default: the card's).",
        show_default=False,
    ),
]
UsedOption = Annotated[
    str | None,
    typer.Option(
        "--used", help="Credits of the plan used so far: 1.2B, or a share such as 63%.", show_default=False
    ),
]
RemainingOption = Annotated[
    str | None,
    typer.Option(
        "--remaining", help="Credits of the plan left: 2.9B, or a share such as 37%.", show_default=False
    ),
]
PaidOption = Annotated[
    str | None,
    typer.Option(
        "--paid",
        help="What you paid for the plan you hold, if a discount made it less (default: its list price).",
        show_default=False,
    ),
]
AutoRenewOption = Annotated[
    str | None,
    typer.Option(
        "--auto-renew",
        metavar="new-user|existing-user",
        help="First activation of auto-renewal: new-user (never subscribed) or existing-user.",
        show_default=False,
    ),
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print the table as CSV.")]


def command_app(**settings: object) -> typer.Typer:
    """A Typer app for one command module (no shell-completion options: the root owns those)."""
    return typer.Typer(add_completion=False, **settings)  # type: ignore[arg-type]


def load_card(path: Path | None) -> RateCard:
    """The card at `path`, or the built-in one (validated; from the card cache when it holds it)."""
    from tokenplan_cli.readers.cardcache import load_card as load_cached_card

    return load_cached_card(path)


def now_utc() -> datetime:
    """The clock, read once per command and only here."""
    return datetime.now(UTC)


def resolve_as_of(text: str | None) -> datetime:
    return resolve_now(text, "--as-of")


def resolve_now(text: str | None, what: str = "--now") -> datetime:
    """The instant `text` gives (a bare date is 00:00 UTC), or now."""
    return parse_instant(text, what=what) if text else now_utc()


def optional_instant(text: str | None, what: str) -> datetime | None:
    """The instant `text` gives, or None when the option was not given."""
    return None if text is None else parse_instant(text, what=what)


def resolve_zone(card: RateCard, name: str | None) -> tzinfo:
    """The zone of `--tz`, else the config file's, else the card's default zone."""
    from tokenplan_cli.app.settings import resolve_zone as resolve

    return resolve(card, name)


def resolve_currency(card: RateCard, code: str | None) -> Currency:
    """The currency of `--currency`, else the config file's, else the card's."""
    from tokenplan_cli.app.settings import resolve_currency as resolve

    return resolve(card, code)


def output_format(json_output: bool, csv_output: bool = False) -> OutputFormat:
    if json_output and csv_output:
        raise BadInputError("--json and --csv exclude each other: pick one")
    if json_output:
        return OutputFormat.JSON
    return OutputFormat.CSV if csv_output else OutputFormat.HUMAN


def headroom_or_default(card: RateCard, text: str | None) -> Fraction:
    from tokenplan_cli.core.amounts import parse_share

    return parse_share(text, what="--headroom") if text is not None else card.defaults.headroom
