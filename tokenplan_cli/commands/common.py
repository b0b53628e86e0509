"""Options and helpers every command shares, so each command stays a screen long."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenplan_cli.commands.context import (  # noqa: F401 - the commands take them from here
    Context,
    load_card,
    now_utc,
    output_format,
    resolve_as_of,
    resolve_currency,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.commands.groups import Group
from tokenplan_cli.core.dates import parse_instant

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


def optional_instant(text: str | None, field: str) -> datetime | None:
    """The instant `text` gives, or None when the option was not given."""
    return None if text is None else parse_instant(text, field=field)


def optional_share(text: str | None, field: str) -> Fraction | None:
    """The share `text` gives (`30%` or `0.3`), or None when the option was not given."""
    from tokenplan_cli.core.amounts import parse_share

    return None if text is None else parse_share(text, field=field)


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
