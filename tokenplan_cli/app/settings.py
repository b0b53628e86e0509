"""The defaults a command takes when a flag does not give them, and where each came from; the card (the
built-in one unless a path is given) and the instant (the clock, read only here).

Order, first that has it: the flag, the config file's `[defaults]`, the rate card's `[defaults]` (or,
for the logs, "every tool found" and no `--map` rules). A value from the config file is checked where
it is used, and its error names the file and the key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from tokenplan_cli.app.config import ConfigFile, current_config
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.tuples import NamedTuple

Value = TypeVar("Value")

FLAG, CONFIG, CARD, BUILT_IN = "flag", "config", "card", "built-in"


class Setting(NamedTuple):
    """A value and where it came from: `flag`, `config`, `card` or `built-in`."""

    value: Any
    origin: str


def pick(flag: Any, configured: Any, fallback: Any, fallback_origin: str = CARD) -> Setting:
    if flag is not None:
        return Setting(flag, FLAG)
    if configured is not None:
        return Setting(configured, CONFIG)
    return Setting(fallback, fallback_origin)


def currency_setting(card: RateCard, flag: str | None, file: ConfigFile | None = None) -> Setting:
    file = file or current_config()
    return pick(flag, file.config.defaults.currency, card.defaults.currency)


def zone_setting(card: RateCard, flag: str | None, file: ConfigFile | None = None) -> Setting:
    file = file or current_config()
    return pick(flag, file.config.defaults.timezone, card.defaults.timezone)


def tools_setting(flag: Sequence[str] | None, file: ConfigFile | None = None) -> Setting:
    """Which tools' logs to read (an empty tuple: every tool found on this machine)."""
    file = file or current_config()
    return pick(tuple(flag) if flag else None, file.config.defaults.tools, (), BUILT_IN)


def maps_setting(flag: Sequence[str] | None, file: ConfigFile | None = None) -> Setting:
    file = file or current_config()
    return pick(tuple(flag) if flag else None, file.config.defaults.maps, (), BUILT_IN)


def checked(setting: Setting, key: str, use: Callable[[Any], Value], file: ConfigFile | None = None) -> Value:
    """`use(setting.value)`; an error from a value of the config file names the file and `key`."""
    try:
        return use(setting.value)
    except BadInputError as exc:
        if setting.origin != CONFIG:
            raise
        where = (file or current_config()).path
        raise BadInputError(f"{where}: defaults.{key}: {exc.message}") from None


def resolve_currency(card: RateCard, flag: str | None) -> Currency:
    """The currency of `--currency`, else the config's, else the card's."""
    return checked(currency_setting(card, flag), "currency", card.currency)


def resolve_zone(card: RateCard, flag: str | None) -> tzinfo:
    """The zone of `--tz`, else the config's, else the card's default zone."""
    from tokenplan_cli.readers.zones import load_zone

    setting = zone_setting(card, flag)
    if setting.origin == CARD:
        try:
            return load_zone(setting.value)
        except BadInputError as exc:
            raise BadInputError(f"{card.source}: defaults.timezone: {exc.message}") from None
    return checked(setting, "timezone", load_zone)


def load_card(path: Path | None) -> RateCard:
    """The card at `path`, or the built-in one (validated; from the card cache when it holds it)."""
    from tokenplan_cli.readers.cardcache import load_card as load_cached_card

    return load_cached_card(path)


def now_utc() -> datetime:
    """The clock, read once per command and only here."""
    return datetime.now(UTC)
