"""What a command computes against, as values: the card, the instant, the currency, the zone and the
output format, resolved from the options' text (`Context`). Without Typer, so that `quick.py` answers
with the very values a command's options give."""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo
from pathlib import Path

from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.render import OutputFormat


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
