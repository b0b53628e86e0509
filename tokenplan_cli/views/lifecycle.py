"""Pieces the lifecycle documents share: a plan, a plan held, discounts, and instants in two zones."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from tokenplan_cli.core.dates import iso_local, iso_utc
from tokenplan_cli.core.discounts import DiscountChoice
from tokenplan_cli.core.quotes import HeldPlan, PlanPrice, ValueOffset
from tokenplan_cli.core.ratecard import Currency
from tokenplan_cli.views import credits, exact, money, ratio


def zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", zone))


def local_instants(zone: tzinfo, **instants: datetime | None) -> dict[str, Any]:
    """`{"timezone": "Asia/Shanghai", "expires_at": "2026-04-29T07:59:59+08:00", …}`."""
    return {
        "timezone": zone_name(zone),
        **{key: None if at is None else iso_local(at, zone) for key, at in instants.items()},
    }


def instant(at: datetime | None) -> str | None:
    return None if at is None else iso_utc(at)


def currency_fields(currency: Currency) -> dict[str, Any]:
    return {"currency": currency.code, "currency_symbol": currency.symbol}


def plan_fields(plan: PlanPrice, currency: Currency) -> dict[str, Any]:
    return {
        "tier": plan.tier.name,
        "cycle": plan.cycle,
        "credits": credits(plan.credits),
        "list_price": money(plan.list_price, currency),
    }


def held_fields(held: HeldPlan, currency: Currency) -> dict[str, Any]:
    used = held.consumption
    return {
        **plan_fields(held.plan, currency),
        "paid": money(held.paid, currency),
        "paid_assumed": held.paid_assumed,
        "used": credits(used.used),
        "remaining": credits(used.remaining),
        "used_fraction": ratio(used.used_fraction),
        "start": None if held.window is None else instant(held.window.start),
        "expires_at": None if held.window is None else instant(held.window.expires_at),
    }


def offset_fields(offset: ValueOffset, currency: Currency) -> dict[str, Any]:
    return {
        "remaining_value": money(offset.remaining_value, currency),
        "price_difference": money(offset.price_difference, currency),
        "amount_due": money(offset.amount_due, currency),
        "compensation_credits": credits(offset.compensation_credits),
    }


def discount_fields(choice: DiscountChoice) -> dict[str, Any]:
    """The discount taken (several join with `+` where a custom card lets them stack) and those excluded."""
    applied = choice.applied
    return {
        "discount": "+".join(d.name for d in applied) or None,
        "discount_label": " + ".join(d.label for d in applied) or None,
        "discount_multiplier": exact(choice.multiplier) if applied else None,
        "excluded": [
            {"name": e.discount.name, "label": e.discount.label, "reason": e.reason} for e in choice.excluded
        ],
    }
