"""The `status` document (schema in docs/json.md), with the series the burn-down chart is drawn from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from tokenplan_cli.core.burn import Point
from tokenplan_cli.core.dates import days_between
from tokenplan_cli.core.ratecard import Currency
from tokenplan_cli.core.status import NextReminder, PlanStatus, UpgradeAction
from tokenplan_cli.views import credits, envelope, exact, quantity, ratio
from tokenplan_cli.views.expiry import expiry_document
from tokenplan_cli.views.lifecycle import currency_fields, instant, local_instants, offset_fields
from tokenplan_cli.views.payg import rest_of_cycle_document


def status_document(status: PlanStatus, zone: tzinfo, history_source: str | None = None) -> dict[str, Any]:
    window, used, currency = status.window, status.consumption, status.currency
    expiry = expiry_document(status.expiry, zone)
    return envelope(
        "status",
        tier=status.plan.tier.name,
        cycle=status.plan.cycle,
        **currency_fields(currency),
        start=expiry["start"],
        now=expiry["now"],
        expires_at=expiry["expires_at"],
        state=expiry["state"],
        active=expiry["active"],
        days_total=expiry["days_total"],
        days_elapsed=expiry["days_elapsed"],
        days_left=expiry["days_left"],
        counted_from=instant(status.counted_from),
        credits_total=credits(used.total),
        credits_used=credits(used.used),
        credits_left=credits(used.remaining),
        used_fraction=ratio(used.used_fraction),
        burn_per_day=credits(status.burn_per_day),
        burn_source=status.burn_source,
        burn_since=instant(status.burn_since),
        runs_out_at=instant(status.runs_out_at),
        stops_early=status.stops_early,
        reminders=[
            {"threshold": exact(r.threshold), "fired": r.fired, "at": instant(r.at)}
            for r in status.usage_reminders
        ],
        expiry_reminders=expiry["reminders"],
        next_reminder=_next(status.next_reminder),
        action=_action(status.action, currency),
        payg=rest_of_cycle_document(status.payg, currency),
        history=None
        if history_source is None
        else {"source": history_source, "days": status.days_counted, "days_left_out": status.days_left_out},
        burn_down={  # days since the start, as numbers to hundredths
            "days_total": _day(status, window.ends_at),
            "now_day": _day(status, status.actual[-1].at),
            "runs_out_day": None if status.runs_out_at is None else _day(status, status.runs_out_at),
            "actual": _series(status.actual, status),
            "projected": _series(status.projected, status),
        },
        local=local_instants(
            zone,
            start=window.start,
            now=status.now,
            expires_at=window.expires_at,
            runs_out_at=status.runs_out_at,
        ),
        reasons=list(status.reasons),
        notes=list(status.notes),
    )


def _next(reminder: NextReminder | None) -> dict[str, Any] | None:
    if reminder is None:
        return None
    return {
        "kind": reminder.kind,
        "date": reminder.at.date().isoformat(),
        "at": instant(reminder.at) if reminder.kind == "usage" else None,
        "threshold": None if reminder.threshold is None else exact(reminder.threshold),
        "days_before": reminder.days_before,
    }


def _action(action: UpgradeAction | None, currency: Currency) -> dict[str, Any] | None:
    if action is None:
        return None
    quote = action.quote
    return {
        "action": "upgrade",
        "tier": quote.target.tier.name,
        "cycle": quote.target.cycle,
        **{k: v for k, v in offset_fields(quote.offset, currency).items() if k != "remaining_value"},
        "currency": currency.code,
        "credits": credits(quote.target.credits + quote.offset.compensation_credits),
        "expires_at": instant(quote.window.expires_at),
        "lasts": action.lasts,
        "runs_out_at": instant(action.runs_out_at),
    }


def _series(points: Sequence[Point], status: PlanStatus) -> list[dict[str, Any]]:
    return [{"at": instant(p.at), "day": _day(status, p.at), "credits_left": credits(p.left)} for p in points]


def _day(status: PlanStatus, at: datetime) -> Any:
    return quantity(days_between(status.window.start, at))
