"""The plan right now, for `watch` and `statusline`: the status from the logs, the off-peak window, and
the use of the last hour and of today.

The last hour and today come from the same tally as the status, by quarter hour: "the last hour" is
the quarter hours from the one holding an hour ago to now, "today" those from local midnight (in the
zone shown), both within the cycle's count (docs/interpretations.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from fractions import Fraction
from typing import TYPE_CHECKING

from tokenplan_cli.app.plan import NoPlanError
from tokenplan_cli.app.status import FROM_LOGS, HELD_PLAN, PlanGiven, StatusReport, UseGiven, plan_status
from tokenplan_cli.core.offpeak import OffPeakNow, offpeak_now
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:
    from tokenplan_cli.app.logs import LogRequest
    from tokenplan_cli.core.usagelog import ModelUse

HOUR = timedelta(hours=1)


class LiveView(NamedTuple):
    report: StatusReport
    offpeak: OffPeakNow
    last_hour: Fraction | None  # credits (None: the use does not come from logs)
    today: Fraction | None
    today_by_model: tuple[ModelUse, ...]
    today_since: datetime | None

    @property
    def now(self) -> datetime:
        return self.report.status.now


def live_view(
    card: RateCard,
    now: datetime,
    currency: Currency,
    zone: tzinfo,
    *,
    plan: PlanGiven = HELD_PLAN,
    use: UseGiven = FROM_LOGS,
    logs: LogRequest | None = None,
) -> LiveView:
    """The status at `now` and what a live view adds to it."""
    midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    try:
        report = plan_status(card, now, currency, plan=plan, use=use, logs=logs, cuts=(now - HOUR, midnight))
    except NoPlanError as exc:  # watch and statusline take no --tier: only `plan set` answers
        raise NoPlanError(exc.file) from None
    window = card.offpeak
    if report.logs is None or report.logged is None:
        return LiveView(report, offpeak_now(now, window), None, None, (), None)
    from tokenplan_cli.app.status import logged_credits

    counted = report.logged.since
    hour = logged_credits(report.logs, card, max(counted, now - HOUR), now)
    today = logged_credits(report.logs, card, max(counted, midnight), now)
    return LiveView(
        report, offpeak_now(now, window), hour.total, today.total, today.models, max(counted, midnight)
    )
