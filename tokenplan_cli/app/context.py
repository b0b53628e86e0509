"""What every computation is made against: the rate card and the instant (the clock, read only here)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenplan_cli.core.ratecard import RateCard


def load_card(path: Path | None) -> RateCard:
    """The card at `path`, or the built-in one (validated; from the card cache when it holds it)."""
    from tokenplan_cli.readers.cardcache import load_card as load_cached_card

    return load_cached_card(path)


def now_utc() -> datetime:
    """The clock, read once per command and only here."""
    return datetime.now(UTC)


def instant_or_now(instant: datetime | None) -> datetime:
    """`instant`, or the clock when none is given."""
    return now_utc() if instant is None else instant
