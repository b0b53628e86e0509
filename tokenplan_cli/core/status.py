"""Where a running plan stands: credits used and left, the burn rate, when the credits run out against
the expiry, the usage reminders fired and due, and the cheapest upgrade when the service would stop early.

The burn rate is a straight line from the start (only the total used is known) or, from a history of
real days, the credits of the card's last `burn_window_days` days (all of them when the card sets none)
over the time they span. Usage resets of the card (`[[events]] name = "usage-reset"`) count: credits are
used from the last reset a plan lived through, and a reset still ahead restores the quota in the
projection (docs/interpretations.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from itertools import groupby
from typing import Literal

from tokenplan_cli.core.amounts import Share
from tokenplan_cli.core.burn import (
    DayCredits,
    Point,
    burn_rate,
    crossing,
    distinct_points,
    history_line,
    project,
    straight_line,
)
from tokenplan_cli.core.dates import DAY, days_between, start_of_day, utc_text
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import count, percent
from tokenplan_cli.core.payg import RestOfCycle, payg_reasons, rest_of_cycle
from tokenplan_cli.core.quotes import (
    Consumption,
    HeldPlan,
    PlanPrice,
    UpgradeQuote,
    held_plan,
    plan_price,
    quote_upgrade,
    resolve_consumption,
)
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.core.validity import Expiry, ExpiryReminder, ValidityWindow, compute_expiry
from tokenplan_cli.tuples import NamedTuple

RESET_EVENT = "usage-reset"
ZERO = Fraction(0)
BurnSource = Literal["straight-line", "history", "logs"]


class UsageReminder(NamedTuple):
    """A 50/90/100 % reminder: `at` is when it fired (on the actual line) or is due at this rate (None:
    not before the plan ends)."""

    threshold: Fraction  # share of the quota used
    fired: bool
    at: datetime | None


class NextReminder(NamedTuple):
    kind: Literal["usage", "expiry"]
    at: datetime  # usage: the projected instant; expiry: 00:00 UTC of the reminder's day
    threshold: Fraction | None = None
    days_before: int | None = None


class UpgradeAction(NamedTuple):
    """Upgrading now to `quote.target`; whether its credits last its new validity at the burn rate."""

    quote: UpgradeQuote
    lasts: bool
    runs_out_at: datetime | None


class PlanStatus(NamedTuple):
    plan: PlanPrice
    expiry: Expiry  # the window, the expiry reminders, and `now`
    counted_from: datetime  # the start, or the last usage reset since
    consumption: Consumption
    burn_source: BurnSource
    burn_since: datetime  # the rate is measured from here to now
    burn_per_day: Fraction | None  # None when no time has passed
    actual: tuple[Point, ...]
    projected: tuple[Point, ...]
    runs_out_at: datetime | None
    stops_early: bool
    usage_reminders: tuple[UsageReminder, ...]
    next_reminder: NextReminder | None
    action: UpgradeAction | None
    currency: Currency
    days_counted: int | None  # days of history inside the plan so far (None without a history)
    days_left_out: int  # days of history outside it
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    payg: RestOfCycle | None = None  # paying as you go once the credits run out, beside the upgrade

    @property
    def window(self) -> ValidityWindow:
        return self.expiry.window

    @property
    def now(self) -> datetime:
        return self.expiry.now


def compute_status(
    card: RateCard,
    plan: PlanPrice,
    start: datetime,
    now: datetime,
    currency: Currency,
    *,
    used: Fraction | Share | None = None,
    remaining: Fraction | Share | None = None,
    history: Sequence[DayCredits] | None = None,
    logged: LoggedUse | None = None,
    paid: Fraction | None = None,
    window: ValidityWindow | None = None,
) -> PlanStatus:
    """The status at `now` of `plan` bought at `start`, used as `used`/`remaining` (counts or shares of
    its credits), `history` or the `logged` use say. `window` is the validity of a renewed cycle
    (default: the one bought at `start`)."""
    if start > now:
        raise BadInputError(
            f"{utc_text(start)} is after `now` {utc_text(now)}: a plan not bought yet has no use "
            "(its dates: 'tokenplan expiry --start DATE'; its price: 'tokenplan quote TIER')",
            field="start",
            mentions=("now",),
        )
    expiry = compute_expiry(card, start, plan.cycle, now, window)
    window = expiry.window
    if history is not None and (used is not None or remaining is not None):
        raise BadInputError(
            "`history` gives the credits used: drop `used` and `remaining`",
            mentions=("history", "used", "remaining"),
        )
    resets = usage_resets(card)
    counted_from = counting_start(card, window, now)
    end = min(now, window.ends_at)
    if logged is not None:
        seen = _logged(card, plan, counted_from, end, logged)
    else:
        seen = _observed(
            card, plan, start, counted_from, end, used=used, remaining=remaining, history=history
        )
    rate = burn_rate(seen.actual, seen.burn_since, end)
    future_resets = [r for r in resets if now < r < window.ends_at]
    ended = window.has_ended(now)
    projected = (
        project(end, seen.consumption.remaining, plan.credits, rate, window.ends_at, future_resets)
        if not ended
        else (seen.actual[-1],)
    )
    runs_out_at = crossing((*seen.actual, *projected), ZERO)
    stops_early = runs_out_at is not None and runs_out_at < window.ends_at
    reminders = _usage_reminders(card, plan, seen, projected, window.ends_at)
    held = held_plan(plan, seen.consumption, paid, currency, window)
    action, action_reasons = _action(card, held, rate, now, currency, stops_early and window.is_active(now))
    stops_at = runs_out_at if stops_early else None
    reasons = _reasons(window, now, seen.consumption, rate, stops_at, future_resets)
    payg = _payg(card, currency, action, rate, stops_at if window.is_active(now) else None, window, resets)
    return PlanStatus(
        plan=plan,
        expiry=expiry,
        counted_from=counted_from,
        consumption=seen.consumption,
        burn_source=seen.source,
        burn_since=seen.burn_since,
        burn_per_day=rate,
        actual=seen.actual,
        projected=projected,
        runs_out_at=runs_out_at,
        stops_early=stops_early,
        usage_reminders=reminders,
        next_reminder=_next_reminder(reminders, expiry.reminders, now),
        action=action,
        currency=currency,
        days_counted=seen.days_counted,
        days_left_out=seen.days_left_out,
        reasons=(*reasons, *action_reasons, *payg_reasons(payg, currency)),
        payg=payg,
        notes=(
            *_notes(window, now, start, counted_from, future_resets, seen),
            *expiry.notes[1:],
        ),
    )


def _payg(
    card: RateCard,
    currency: Currency,
    action: UpgradeAction | None,
    rate: Fraction | None,
    stops_at: datetime | None,
    window: ValidityWindow,
    resets: Sequence[datetime],
) -> RestOfCycle | None:
    """Paying as you go from the day the credits run out until the plan ends (or a reset restores them)."""
    if stops_at is None or rate is None:
        return None
    until = next((r for r in resets if stops_at < r < window.ends_at), window.ends_at)
    upgrade = action.quote.offset.amount_due if action is not None else None
    return rest_of_cycle(card, currency, stops_at, until, rate, upgrade)


def counting_start(card: RateCard, window: ValidityWindow, now: datetime) -> datetime:
    """Where a plan's use is counted from at `now`: its start, or the last usage reset it lived through
    (one that fell while it was valid: a plan expired before a reset is not reset)."""
    lived = (r for r in usage_resets(card) if window.start < r <= now and window.is_active(r))
    return max((window.start, *lived))


def usage_resets(card: RateCard) -> tuple[datetime, ...]:
    """The instants of the card's usage resets (`[[events]] name = "usage-reset"`), earliest first."""
    return tuple(sorted(e.at for e in card.events if e.name == RESET_EVENT))


class Observed(NamedTuple):
    """What is known of the use so far: the credits used, the line they drew, where the rate is taken from."""

    consumption: Consumption
    actual: tuple[Point, ...]
    burn_since: datetime
    source: BurnSource
    days_counted: int | None = None  # days of history inside the plan so far
    days_left_out: int = 0
    parts_counted: tuple[DayCredits, ...] = ()  # of days split where the rules change, and counted
    parts_left_out: tuple[DayCredits, ...] = ()  # of those days, before the start (or the reset)


def _observed(
    card: RateCard,
    plan: PlanPrice,
    start: datetime,
    counted_from: datetime,
    end: datetime,
    *,
    used: Fraction | Share | None,
    remaining: Fraction | Share | None,
    history: Sequence[DayCredits] | None,
) -> Observed:
    """The use from `counted_from` to `end`: one figure on a straight line, or the days of a history."""
    if history is None:
        consumption = resolve_consumption(plan.credits, used=used, remaining=remaining)
        if end == counted_from and consumption.used:
            raise BadInputError(_no_time_to_use(start, counted_from), field="used", mentions=("now",))
        actual = straight_line(counted_from, end, plan.credits, consumption.used)
        return Observed(consumption, actual, counted_from, "straight-line")
    # A day (or the part of one between rule changes) counts when any of it falls in [counted_from, end).
    inside = [d for d in history if d.ends > counted_from and d.starts < end]
    total = sum((d.credits for d in inside), ZERO)
    if total > plan.credits:
        raise BadInputError(
            f"the days from {counted_from:%Y-%m-%d} add up to {count(total)} credits, "
            f"more than the {count(plan.credits)} of {plan.label}",
            field="history",
        )
    counted_days = {d.day for d in inside}
    return Observed(
        Consumption(plan.credits, total),
        history_line(counted_from, end, plan.credits, inside),
        _window_start(card, counted_from, end),
        "history",
        len(counted_days),
        len({d.day for d in history} - counted_days),
        tuple(d for d in history if d.is_part and d.day in counted_days),
        tuple(d for d in history if d.is_part and d.day in counted_days and d not in inside),
    )


class LoggedUse(NamedTuple):
    """Use read from the tools' logs: the credits of each UTC day (or part of one) from `since`, and the
    credits a console reading states were used before `since` (none without a reading)."""

    days: tuple[DayCredits, ...]
    since: datetime  # the logs count from here: where the credits are counted from, or a reading
    before: Fraction = ZERO  # credits used from the count's start to `since` (a console reading)


def _logged(
    card: RateCard, plan: PlanPrice, counted_from: datetime, end: datetime, use: LoggedUse
) -> Observed:
    """The use from `counted_from` to `end`: a console reading's figure (a straight line to its instant),
    then the logged days. More than the quota (a --map rule, or the tier, is wrong) is counted as all of
    it: the provider stops the service at 100 %."""
    total = use.before + sum((d.credits for d in use.days), ZERO)
    line = (
        *straight_line(counted_from, use.since, plan.credits, use.before),
        *history_line(use.since, end, plan.credits - use.before, use.days),
    )
    return Observed(
        Consumption(plan.credits, min(total, plan.credits)),
        distinct_points(line),
        _window_start(card, counted_from, end),
        "logs",
        len({d.day for d in use.days}),
    )


def _no_time_to_use(start: datetime, counted_from: datetime) -> str:
    """Why credits used at the very instant counting starts cannot be: none can have been used yet."""
    if counted_from == start:
        return (
            f"at the purchase instant ({utc_text(start)}) nothing can have been used yet; "
            "give a `now` after it"
        )
    return (
        f"at the usage reset itself ({utc_text(counted_from)}) nothing has been used since it, "
        "and the provider's page counts from it; give a `now` after the reset (or before it, for the use "
        "before)"
    )


def _window_start(card: RateCard, counted_from: datetime, now: datetime) -> datetime:
    """Where a history's burn rate is measured from: `burn_window_days` (× 24 h) before now."""
    days = card.defaults.burn_window_days
    if days is None:
        return counted_from
    return max(counted_from, now - days * DAY)


def _usage_reminders(
    card: RateCard, plan: PlanPrice, seen: Observed, projected: Sequence[Point], ends_at: datetime
) -> tuple[UsageReminder, ...]:
    """Each threshold: sent where the actual line reached it, due where the projection does, and
    neither where that falls at or after the end of validity (the provider reminds of a plan it serves)."""
    reminders = []
    for threshold in card.reminders.usage_thresholds:
        level = plan.credits * (1 - threshold)
        reached = seen.consumption.used >= plan.credits * threshold
        at = crossing(seen.actual, level) if reached else crossing(projected, level)
        if at is not None and at >= ends_at:
            at = None
        reminders.append(UsageReminder(threshold, reached and at is not None, at))
    return tuple(reminders)


def _next_reminder(
    usage: Sequence[UsageReminder], expiry: Sequence[ExpiryReminder], now: datetime
) -> NextReminder | None:
    due = [NextReminder("usage", r.at, threshold=r.threshold) for r in usage if not r.fired and r.at]
    due += [
        NextReminder("expiry", start_of_day(r.day), days_before=r.days_before)
        for r in expiry
        if r.day > now.date()
    ]
    return min(due, key=lambda r: r.at) if due else None


def _action(
    card: RateCard, held: HeldPlan, rate: Fraction | None, now: datetime, currency: Currency, needed: bool
) -> tuple[UpgradeAction | None, tuple[str, ...]]:
    """The cheapest upgrade now whose credits last its new validity at `rate` (or the largest one)."""
    if not needed or rate is None:
        return None, ()
    higher = [t for t in card.tiers if t.rank > held.plan.tier.rank]
    if not higher:
        return None, (
            f"{held.plan.tier.name} is the highest package: no upgrade can help "
            "(the provider points to its pay-as-you-go API)",
        )
    options = [_upgrade_option(card, held, tier.name, rate, now, currency) for tier in higher]
    lasting = [o for o in options if o.lasts]
    if lasting:
        best = min(lasting, key=lambda o: o.quote.offset.amount_due)
        reason = (
            f"cheapest action: upgrade now to {best.quote.target.label} for "
            f"{currency.show(best.quote.offset.amount_due)}; at this rate its credits last until it "
            f"expires on {best.quote.window.expires_at:%Y-%m-%d}"
        )
        return best, (reason,)
    best = options[-1]
    assert best.runs_out_at is not None
    reason = (
        f"no upgrade lasts at this rate; the largest, {best.quote.target.label} for "
        f"{currency.show(best.quote.offset.amount_due)} now, runs out on {best.runs_out_at:%Y-%m-%d}"
    )
    return best, (reason,)


def _upgrade_option(
    card: RateCard, held: HeldPlan, tier: str, rate: Fraction, now: datetime, currency: Currency
) -> UpgradeAction:
    quote = quote_upgrade(card, held, plan_price(card, tier, held.plan.cycle, currency), now, currency)
    credits = quote.target.credits + quote.offset.compensation_credits
    need = rate * days_between(quote.window.start, quote.window.ends_at)
    if credits >= need:
        return UpgradeAction(quote, True, None)
    return UpgradeAction(
        quote, False, crossing(project(now, credits, credits, rate, quote.window.ends_at), ZERO)
    )


def _reasons(
    window: ValidityWindow,
    now: datetime,
    consumption: Consumption,
    rate: Fraction | None,
    stops_at: datetime | None,  # when the credits run out before the plan expires
    future_resets: Sequence[datetime],
) -> tuple[str, ...]:
    used = f"{percent(consumption.used_fraction)} of the credits used ({count(consumption.used)})"
    if rate is None:
        return (f"{used}; no time has passed, so there is no burn rate yet",)
    if window.has_ended(now):
        return (
            f"{used}; burned {count(rate)} credits a day",
            f"the plan expired at {utc_text(window.expires_at)}: its credits can no longer be used",
            "after a plan expires the provider sells any tier again ('tokenplan quote TIER'); an expired "
            "plan cannot be upgraded",
        )
    reasons = [f"{used}; burning {count(rate)} credits a day"]
    if stops_at is not None:
        resumes = next((r for r in future_resets if r > stops_at), None)
        early = f"{_days(days_between(stops_at, window.ends_at))} before the plan expires"
        until = f"until the usage reset at {utc_text(resumes)}" if resumes else "early"
        reasons.append(
            f"at this rate the credits run out at {utc_text(stops_at)}, {early}: the service stops {until}"
        )
    else:
        reasons.append(
            f"at this rate the credits last until the plan expires at {utc_text(window.expires_at)}"
        )
    return tuple(reasons)


def _days(days: Fraction) -> str:
    whole = days.numerator // days.denominator
    return "less than a day" if whole == 0 else f"{whole} day{'s' if whole != 1 else ''}"


def _notes(
    window: ValidityWindow,
    now: datetime,
    start: datetime,
    counted_from: datetime,
    future_resets: Sequence[datetime],
    seen: Observed,
) -> tuple[str, ...]:
    notes = []
    if counted_from != start:
        notes.append(
            f"the usage reset at {utc_text(counted_from)} set the credits used to zero (validity unchanged): "
            "use is counted from then"
        )
    notes += [
        f"the usage reset at {utc_text(r)} will set the credits used to zero: the projection restarts "
        "from the full quota then"
        for r in future_resets
    ]
    if seen.source == "history":
        notes.append(
            "a history day (or its part after a change of the card's rules) counts in full when any of it "
            "falls after the start (or the reset)"
        )
        notes += _split_notes(seen, counted_from)
    if window.has_ended(now):
        notes.append("the plan has expired: there is nothing left to project")
    return tuple(notes)


def _split_notes(seen: Observed, counted_from: datetime) -> list[str]:
    """What became of the history days that the card's rule changes split."""
    parts = sorted((*seen.parts_counted, *seen.parts_left_out), key=lambda d: d.starts)
    notes = []
    for day, pieces in groupby(parts, key=lambda d: d.day):
        cuts = ", ".join(f"{p.starts:%H:%M:%S}" for p in pieces if p.starts != start_of_day(day))
        note = (
            f"history day {day.isoformat()} is split at {cuts} UTC, where the card's rules change: each "
            "part is spread over its own hours and priced by the rules in force in it"
        )
        dropped = sum((p.credits for p in seen.parts_left_out if p.day == day), ZERO)
        if any(p.day == day for p in seen.parts_left_out):
            note += f"; the {count(dropped)} credits before {utc_text(counted_from)} are left out"
        notes.append(note)
    return notes
