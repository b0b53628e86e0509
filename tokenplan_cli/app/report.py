"""What `usage report` adds when a plan is held: the current cycle's use so far, day by day, from the
logs the report read (after the latest console reading, which it starts from)."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import NamedTuple

from tokenplan_cli.app.logs import ObservedLogs
from tokenplan_cli.app.plan import HeldState, NoPlanError, held_state
from tokenplan_cli.app.status import LoggedCredits, logged_credits
from tokenplan_cli.core.ratecard import RateCard


class CycleUse(NamedTuple):
    """The held plan's current cycle and the credits the logs show in it."""

    held: HeldState
    logged: LoggedCredits
    thresholds: tuple[Fraction, ...]  # the card's usage reminders (50, 90, 100 %)

    @property
    def base(self) -> Fraction:
        """Credits used before the logs count: the console reading's, else none."""
        return self.held.reading_used or Fraction(0)

    @property
    def used(self) -> Fraction:
        return self.base + self.logged.total


def cycle_use(card: RateCard, logs: ObservedLogs, now: datetime) -> CycleUse | None:
    """The held plan's cycle at `now` and its use from `logs`; None when no plan is held or it expired."""
    try:
        held = held_state(card, now, card.currency(card.defaults.currency))
    except NoPlanError:
        return None
    if held.cycle.expired:
        return None
    logged = logged_credits(logs, card, held.counts_from, now)
    return CycleUse(held, logged, card.reminders.usage_thresholds)
