"""What the user's config file holds (docs/config.md): the plan they hold and their defaults.

Values only, already validated by `readers/config.py`; names (tier, currency, zone, tools, models) are
checked against the card and the readers where they are used, so the error can say which file and key
they came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:  # values of a file that holds a plan: a command without one loads no plan rules
    from tokenplan_cli.core.subscription import Reading, Subscription

SCHEMA_VERSION = 1


class Defaults(NamedTuple):
    """Values the commands take when a flag does not give them (None: not set in the file)."""

    currency: str | None = None
    timezone: str | None = None
    tools: tuple[str, ...] | None = None  # which tools' logs to read (`--from`)
    maps: tuple[str, ...] | None = None  # `--map PATTERN=MODEL` rules

    def set_names(self) -> tuple[str, ...]:
        return tuple(name for name, value in self._asdict().items() if value is not None)


class UserConfig(NamedTuple):
    plan: Subscription | None = None
    readings: tuple[Reading, ...] = ()
    defaults: Defaults = Defaults()


EMPTY = UserConfig()
