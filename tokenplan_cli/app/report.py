"""`usage report`: the logged requests' tokens and credits, grouped, and what it adds when a plan is
held: the current cycle's use so far, day by day, from the logs the report read (after the latest
console reading, which it starts from)."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:  # a held plan's modules load only when a plan is held (a report without stays fast)
    from tokenplan_cli.app.logs import LogRequest, ObservedLogs
    from tokenplan_cli.app.plan import HeldState
    from tokenplan_cli.app.status import LoggedCredits
    from tokenplan_cli.core.ratecard import RateCard
    from tokenplan_cli.core.usagelog import UsageReport


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


def held_cycle(card: RateCard, now: datetime) -> HeldState | None:
    """The plan held, in a cycle that has not expired at `now` (None otherwise)."""
    from tokenplan_cli.folders import config_file

    if not config_file().exists():  # no config file, no plan held (and nothing more to import)
        return None
    from tokenplan_cli.app.plan import NoPlanError, held_state

    try:
        held = held_state(card, now, card.currency(card.defaults.currency))
    except NoPlanError:
        return None
    return None if held.cycle.expired else held


def cycle_use(card: RateCard, logs: ObservedLogs, now: datetime, held: HeldState | None) -> CycleUse | None:
    """The held plan's cycle at `now` and its use from `logs` (None without one: `held_cycle`)."""
    if held is None:
        return None
    from tokenplan_cli.app.status import logged_credits

    logged = logged_credits(logs, card, held.counts_from, now)
    return CycleUse(held, logged, card.reminders.usage_thresholds)


class LoggedReport(NamedTuple):
    """What `usage report` shows: the logs read, grouped (`report`) and by day (`daily`, for the chart),
    priced at `as_of` (None: each request at its own instant), and the held plan's current cycle."""

    report: UsageReport
    daily: UsageReport
    logs: ObservedLogs
    as_of: datetime | None
    cycle: CycleUse | None


def usage_report(
    card: RateCard,
    request: LogRequest,
    *,
    by: str = "day",
    as_of: datetime | None = None,
    now: datetime,
    progress: bool = False,
) -> LoggedReport:
    """The logs asked for, grouped `by` day, week, month, hour (of day), model or tool; no request in
    them is an error (exit 2) that says where it looked."""
    from tokenplan_cli.app.logs import no_usage_found, read_logs
    from tokenplan_cli.core.usagelog import check_grouping, report_usage

    check_grouping(by)
    held = held_cycle(card, now)
    logs = read_logs(
        card, request, now=now, progress=progress, by_minutes=60 if by == "hour" else 1440,
        cuts=(held.counts_from, now) if held is not None else (),
    )  # fmt: skip

    def grouped(key: str) -> UsageReport:
        return report_usage(
            logs.scan.tally, card, as_of=as_of, mapping=logs.mapping, by=key, zone=logs.zone,
            zone_name=logs.zone_name, days=logs.days,
        )  # fmt: skip

    result = grouped(by)
    if not result.total.requests:  # as estimate --from says it: exit 2, and where it looked
        raise no_usage_found(logs)
    daily = result if by == "day" else grouped("day")
    return LoggedReport(result, daily, logs, as_of, cycle_use(card, logs, now, held))
