"""The `estimate` document (schema in docs/json.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tokenplan_cli.core.credits import CreditBreakdown, ModelCredits
from tokenplan_cli.core.dates import iso_utc
from tokenplan_cli.core.estimate import Estimate
from tokenplan_cli.core.plans import PlanFit
from tokenplan_cli.core.ratecard import Currency
from tokenplan_cli.views import credits, envelope, money, quantity, ratio
from tokenplan_cli.views.payg import comparison_document

if TYPE_CHECKING:  # the simulation's records, without importing the simulation into estimate
    from tokenplan_cli.core.simulation import PlanRisk


def estimate_document(estimate: Estimate) -> dict[str, Any]:
    currency = estimate.currency
    rec = estimate.recommendation
    return envelope(
        "estimate",
        as_of=iso_utc(estimate.as_of),
        source=estimate.source,
        currency=currency.code,
        currency_symbol=currency.symbol,
        headroom=ratio(estimate.headroom),
        month_days=estimate.month_days,
        **breakdown_fields(estimate.credits, "credits_per_month"),
        models=[model_document(m) for m in estimate.credits.models],
        plans=[plan_document(p, currency) for p in estimate.plans],
        recommended=plan_choice(rec.best, currency),
        recommended_monthly=plan_choice(rec.best_monthly, currency),
        shortfall=None
        if rec.shortfall is None
        else {
            "tier": rec.shortfall.tier,
            "cycle": rec.shortfall.cycle,
            "credits": credits(rec.shortfall.credits),
            "fraction": ratio(rec.shortfall.fraction),
        },
        reasons=list(rec.reasons),
        notes=list(estimate.notes),
        payg=comparison_document(estimate.payg),
        comparison=None,  # set under --compare-to (views/compare.py)
    )


def breakdown_fields(breakdown: CreditBreakdown, total_key: str) -> dict[str, Any]:
    """Totals of a credit breakdown: total, peak/off-peak split, share and credits by kind."""
    return {
        total_key: credits(breakdown.total),
        "credits_peak": credits(breakdown.peak),
        "credits_offpeak": credits(breakdown.offpeak),
        "offpeak_share": ratio(breakdown.offpeak_share),
        "credits_by_kind": _by_kind(breakdown.by_kind()),
    }


def model_document(model: ModelCredits) -> dict[str, Any]:
    return {
        "model": model.model,
        "charged_as": model.charged_as,
        "status": model.status,
        "promotion": model.promotion,
        "credits": credits(model.credits),
        "credits_peak": credits(model.credits_peak),
        "credits_offpeak": credits(model.credits_offpeak),
        "credits_by_kind": _by_kind(model.credits_by_kind),
        "quantities": {name: quantity(value) for name, value in model.quantities.as_dict().items()},
        "notes": list(model.notes),
    }


def plan_document(plan: PlanFit, currency: Currency) -> dict[str, Any]:
    return {
        "tier": plan.tier,
        "cycle": plan.cycle,
        "quota": credits(plan.quota),
        "usage": credits(plan.usage),
        "utilization": ratio(plan.utilization),
        "fits": plan.fits,
        "runs_out_day": plan.runs_out_day,
        "cycle_days": plan.cycle_days,
        "price": money(plan.price, currency),
        "price_per_month": money(plan.price_per_month, currency),
        "price_per_billion_used": money(plan.price_per_billion_used, currency),
        "currency": currency.code,
    }


def plan_choice(plan: PlanFit | PlanRisk | None, currency: Currency) -> dict[str, Any] | None:
    """A recommended plan: tier, cycle and prices."""
    if plan is None:
        return None
    return {
        "tier": plan.tier,
        "cycle": plan.cycle,
        "price": money(plan.price, currency),
        "price_per_month": money(plan.price_per_month, currency),
        "currency": currency.code,
    }


def _by_kind(by_kind: Mapping[str, Any]) -> dict[str, Any]:
    return {kind: credits(value) for kind, value in by_kind.items()}


def plan_rows(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The CSV of `estimate --csv`: one row per tier × cycle."""
    rows: list[Mapping[str, Any]] = document["plans"]
    return rows
