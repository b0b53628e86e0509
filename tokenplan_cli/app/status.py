"""Where a plan stands now: the plan from flags or the config, the use from flags, a history or the
tools' logs (plus the latest console reading), and the engine's status of it.

Logs are read from the start of the current cycle (or the usage reset it lived through, or the latest
console reading) to now. The tally is kept by quarter hour, so the use is counted from the quarter hour
holding that instant (a cycle starts at 00:00 UTC, exactly on one; docs/interpretations.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tokenplan_cli.app.plan import HeldState, NoPlanError, held_state
from tokenplan_cli.core.amounts import Share
from tokenplan_cli.core.burn import ZERO, DayCredits
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.quotes import PlanPrice, plan_price
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.core.status import PlanStatus, compute_status
from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:  # logs are read only when the use comes from them
    from tokenplan_cli.app.logs import LogRequest, ObservedLogs
    from tokenplan_cli.core.usagelog import ModelUse, UsageReport

UsageSource = Literal["flags", "history", "logs", "calibration+logs"]


class PlanGiven(NamedTuple):
    """The plan as flags give it (`--tier`, `--start`, `--cycle`); all None: the held plan."""

    tier: str | None = None
    start: datetime | None = None
    cycle: str | None = None


class UseGiven(NamedTuple):
    """The use as given: credits used or left (a count, or a `Share` of the plan's), or a history file of
    daily credits; all None: the tools' logs."""

    used: Fraction | Share | None = None
    remaining: Fraction | Share | None = None
    history: Path | None = None

    @property
    def from_flags(self) -> bool:
        return self.used is not None or self.remaining is not None

    @property
    def any(self) -> bool:
        return self.from_flags or self.history is not None


HELD_PLAN = PlanGiven()
FROM_LOGS = UseGiven()


class LoggedCredits(NamedTuple):
    """The credits the logs show in [since, until), by UTC day and by model, priced."""

    since: datetime  # the quarter hour the logs are counted from
    until: datetime
    report: UsageReport  # by day, in UTC
    days: tuple[DayCredits, ...]

    @property
    def total(self) -> Fraction:
        return self.report.total.credits.total

    @property
    def models(self) -> tuple[ModelUse, ...]:
        return self.report.models


class StatusReport(NamedTuple):
    """A status and where its plan and its use came from."""

    status: PlanStatus
    source: UsageSource
    held: HeldState | None  # the plan of the config file (None: given by flags)
    logs: ObservedLogs | None
    logged: LoggedCredits | None
    history_source: str | None
    notes: tuple[str, ...]


def plan_status(
    card: RateCard,
    now: datetime,
    currency: Currency,
    *,
    plan: PlanGiven = HELD_PLAN,
    use: UseGiven = FROM_LOGS,
    paid: Fraction | None = None,
    logs: LogRequest | None = None,
    progress: bool = False,
    cuts: Sequence[datetime] = (),
) -> StatusReport:
    """The status at `now` of the plan given (or held), used as given (or as the logs show); `paid`:
    what was paid for it (default: what the held plan records, else its list price).

    `cuts`: the other instants from which the caller counts the logs' use (`logged_credits`), so that
    the tally the logs are read into keeps them apart (`read_logs`)."""
    held, price, start = _plan(card, now, currency, plan)
    paid = paid if paid is not None or held is None else held.paid
    history_days, history_source = None, None
    if use.history is not None:
        from tokenplan_cli.readers.history import load_history

        loaded = load_history(use.history, card, until=now)
        history_days, history_source = loaded.days, loaded.source
    if use.any and logs is not None and (logs.tools or logs.paths or logs.maps):
        given = ("history",) if use.history is not None else ("used", "remaining")
        raise BadInputError(
            f"{'/'.join(f'`{name}`' for name in given)} gives the use: drop `tools`, `maps` and the log "
            "`paths`",
            mentions=(*given, "tools", "maps", "paths"),
        )
    if use.any:
        status = compute_status(
            card, price, start, now, currency, used=use.used, remaining=use.remaining,
            history=history_days, paid=paid, window=None if held is None else held.cycle.window,
        )  # fmt: skip
        source: UsageSource = "history" if use.history is not None else "flags"
        return StatusReport(status, source, held, None, None, history_source, _held_notes(held))
    return _from_logs(card, now, currency, held, price, start, paid, logs, progress, cuts)


def _from_logs(
    card: RateCard,
    now: datetime,
    currency: Currency,
    held: HeldState | None,
    price: PlanPrice,
    start: datetime,
    paid: Fraction | None,
    request: LogRequest | None,
    progress: bool,
    cuts: Sequence[datetime],
) -> StatusReport:
    from tokenplan_cli.app.logs import LogRequest, read_logs
    from tokenplan_cli.core.status import LoggedUse

    since = held.counts_from if held is not None else _counted_from(card, price, start, now)
    observed = read_logs(
        card, request or LogRequest(), now=now, progress=progress, by_minutes=1440, cuts=(since, now, *cuts)
    )
    reading = held.reading if held is not None else None
    logged = logged_credits(observed, card, since, now)
    use = LoggedUse(
        logged.days,
        max(since, logged.since),
        ZERO if held is None or held.reading_used is None else held.reading_used,
    )
    window = held.cycle.window if held is not None else None
    status = compute_status(card, price, start, now, currency, logged=use, paid=paid, window=window)
    source: UsageSource = "calibration+logs" if reading is not None else "logs"
    notes = (*_held_notes(held), *_logged_notes(logged, observed, use.before + logged.total, price))
    return StatusReport(status, source, held, observed, logged, None, notes)


def logged_credits(logs: ObservedLogs, card: RateCard, since: datetime, until: datetime) -> LoggedCredits:
    """The logs' credits from the quarter hour holding `since` up to `until`, by UTC day and model."""
    from tokenplan_cli.core.usagelog import report_usage, slot_start, tally_between

    tally, first_slot = tally_between(logs.scan.tally, since, until)
    report = report_usage(
        tally, card, as_of=None, mapping=logs.mapping, by="day", zone=UTC, zone_name="UTC",
    )  # fmt: skip
    days = tuple(DayCredits(datetime.fromisoformat(row.key).date(), row.credits.total) for row in report.rows)
    return LoggedCredits(slot_start(first_slot), until, report, days)


def _plan(
    card: RateCard, now: datetime, currency: Currency, given: PlanGiven
) -> tuple[HeldState | None, PlanPrice, datetime]:
    """The plan the flags give, else the held plan's current cycle."""
    if given.tier is not None or given.start is not None:
        if given.tier is None or given.start is None:
            raise BadInputError(
                "give both `tier` and `start` (or neither, for the plan you hold)", mentions=("tier", "start")
            )
        return None, plan_price(card, given.tier, given.cycle or "monthly", currency), given.start
    try:
        held = held_state(card, now, currency)
    except NoPlanError as exc:
        raise NoPlanError(exc.file, "or give the plan with `tier` and `start`", ("tier", "start")) from None
    if given.cycle is not None:
        raise BadInputError(
            "`cycle` goes with `tier` and `start`; the held plan has its own cycle",
            mentions=("cycle", "tier", "start"),
        )
    return held, held.price, held.cycle.window.start


def _counted_from(card: RateCard, price: PlanPrice, start: datetime, now: datetime) -> datetime:
    """For a plan given by flags: its start, or the usage reset it lived through."""
    from tokenplan_cli.app.plan import reset_within
    from tokenplan_cli.core.quotes import validity_of
    from tokenplan_cli.core.subscription import Cycle

    window = validity_of(card, price, start)
    return reset_within(card, Cycle(window, 1, expired=window.has_ended(now)), now)


def _held_notes(held: HeldState | None) -> tuple[str, ...]:
    return () if held is None else held.notes


def _logged_notes(
    logged: LoggedCredits, logs: ObservedLogs, used: Fraction, price: PlanPrice
) -> tuple[str, ...]:
    from tokenplan_cli.core.money import count
    from tokenplan_cli.core.usagelog import assumed_notes

    notes = list(assumed_notes(logged.report.assumed_models, logs.mapping.default))
    if logs.skipped:
        notes.append(f"{logs.skipped} log line(s) or file(s) could not be counted and were skipped")
    if used > price.credits:
        notes.append(
            f"the logs show {count(used)} credits, more than the {count(price.credits)} of {price.label}: "
            "counted as all of them (is a --map rule, the tier or --from wrong?)"
        )
    if not logs.scan.tools:
        notes.append("no tool's logs were found on this machine (see 'tokenplan plan defaults --from')")
    return tuple(notes)
