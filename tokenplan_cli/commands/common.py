"""Options and helpers every command shares, so each command stays a screen long."""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenplan_cli.commands.groups import Group
from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.render import OutputFormat

if TYPE_CHECKING:  # the plan held is a value of the commands that quote it (estimate needs none of it)
    from tokenplan_cli.app.quotes import HeldUse

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
    from tokenplan_cli.app.settings import load_card as load

    return load(path)


def now_utc() -> datetime:
    from tokenplan_cli.app.settings import now_utc as now

    return now()


def resolve_as_of(text: str | None) -> datetime:
    return resolve_now(text, "as_of")


def resolve_now(text: str | None, field: str = "now") -> datetime:
    """The instant `text` gives (a bare date is 00:00 UTC), or now."""
    return parse_instant(text, field=field) if text else now_utc()


def optional_instant(text: str | None, field: str) -> datetime | None:
    """The instant `text` gives, or None when the option was not given."""
    return None if text is None else parse_instant(text, field=field)


def optional_share(text: str | None, field: str) -> Fraction | None:
    """The share `text` gives (`30%` or `0.3`), or None when the option was not given."""
    from tokenplan_cli.core.amounts import parse_share

    return None if text is None else parse_share(text, field=field)


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


class Context:
    """The options that say what a command computes against, resolved when first asked for: the card
    (`--rates`), the currency, the zone instants are shown in (`--tz`), the instant (`--now`, read from
    the clock once) and the output format (`--json`)."""

    def __init__(
        self,
        *,
        rates: Path | None = None,
        currency: str | None = None,
        tz: str | None = None,
        now: str | None = None,
        json_output: bool = False,
    ) -> None:
        self.fmt = output_format(json_output)
        self.rates, self.currency_code, self.tz, self.now_text = rates, currency, tz, now

    @functools.cached_property
    def card(self) -> RateCard:
        return load_card(self.rates)

    @functools.cached_property
    def currency(self) -> Currency:
        return resolve_currency(self.card, self.currency_code)

    @functools.cached_property
    def zone(self) -> tzinfo:
        return resolve_zone(self.card, self.tz)

    @functools.cached_property
    def now(self) -> datetime:
        return resolve_now(self.now_text)


CONTEXT_OPTIONS = {
    "currency": (CurrencyOption, None),
    "now": (NowOption, None),
    "tz": (TzOption, None),
    "rates": (RatesOption, None),
    "json_output": (JsonOption, False),
}


def context_options(*names: str) -> Group:
    """The options of `Context` a command takes (all of them by default), as one `Context`."""
    return Group({name: CONTEXT_OPTIONS[name] for name in names or CONTEXT_OPTIONS}, Context)


AS_GIVEN = Context()  # a command's default: the group puts the options given in its place


def _held_use(used: str | None, remaining: str | None, paid: str | None) -> HeldUse:
    from tokenplan_cli.app.quotes import HeldUse
    from tokenplan_cli.core.amounts import parse_money, parse_portion

    return HeldUse(
        used=None if used is None else parse_portion(used, field="used"),
        remaining=None if remaining is None else parse_portion(remaining, field="remaining"),
        paid=None if paid is None else parse_money(paid, field="paid"),
    )


# How much of the plan held is used, and what was paid for it (upgrade-quote, renewal-quote, status).
HELD_USE_OPTIONS = Group(
    {"used": (UsedOption, None), "remaining": (RemainingOption, None), "paid": (PaidOption, None)}, _held_use
)
