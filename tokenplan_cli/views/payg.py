"""The `payg` part of the `estimate` and `simulate` documents, and of `status` (schema in docs/json.md)."""

from __future__ import annotations

from typing import Any

from tokenplan_cli.core.dates import iso_utc
from tokenplan_cli.core.payg import PaygComparison, PaygCost, PaygSource, RestOfCycle
from tokenplan_cli.core.ratecard import Currency
from tokenplan_cli.views import credits, exact, money, ratio


def comparison_document(comparison: PaygComparison | None) -> dict[str, Any] | None:
    """The same use on pay-as-you-go, and where each plan becomes the cheaper way."""
    if comparison is None:
        return None
    cost, currency = comparison.cost, comparison.cost.currency
    return {
        **cost_fields(cost),
        "credits_per_month": credits(comparison.credits_per_month),
        "plans": [
            {
                "tier": plan.tier,
                "cycle": plan.cycle,
                "price_per_month": money(plan.price_per_month, currency),
                "quota_per_month": credits(plan.quota_per_month),
                "break_even_credits_per_month": credits(plan.credits_per_month),
                "break_even_share_of_quota": None
                if plan.credits_per_month is None
                else ratio(plan.credits_per_month / plan.quota_per_month),
                "cheaper_than_payg": plan.cheaper_now,
                "never_cheaper": plan.never_cheaper,
                "currency": currency.code,
            }
            for plan in comparison.plans
        ],
        "notes": list(comparison.notes),
    }


def cost_fields(cost: PaygCost) -> dict[str, Any]:
    currency = cost.currency
    return {
        "currency": currency.code,
        "cost_per_month": money(cost.total, currency),
        "complete": cost.complete,
        "unpriced_models": list(cost.unpriced),
        "official": cost.official,
        "models": [
            {
                "model": m.model,
                "charged_as": m.charged_as,
                "cost_per_month": money(m.cost, currency),
                "official": None if m.price is None else m.price.official,
            }
            for m in cost.models
        ],
        "sources": sources(cost.sources()),
    }


def sources(items: tuple[PaygSource, ...]) -> list[dict[str, Any]]:
    return [{"source": s.source, "as_of": f"{s.as_of:%Y-%m-%d}", "official": s.official} for s in items]


def rest_of_cycle_document(rest: RestOfCycle | None, currency: Currency) -> dict[str, Any] | None:
    """Paying as you go once the credits run out, to the end of the cycle, beside the cheapest upgrade."""
    if rest is None:
        return None
    per_million = {
        key: exact(value * 1_000_000) for key, value in (("low", rest.price.low), ("high", rest.price.high))
    }
    return {
        "from": iso_utc(rest.runs_out_at),  # never None: the moment the credits run out, and after it
        "until": iso_utc(rest.until),
        "credits": credits(rest.credits),
        "cost_low": money(rest.cost_low, currency),
        "cost_high": money(rest.cost_high, currency),
        "price_per_million_credits": per_million,
        "upgrade_cost": money(rest.upgrade_cost, currency),
        "cheaper": rest.cheaper,
        "official": rest.price.official,
        "sources": sources(rest.price.sources),
        "currency": currency.code,
    }
