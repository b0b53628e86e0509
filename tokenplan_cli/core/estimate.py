"""`estimate`: a usage, scaled to a month, priced in credits and measured against every plan."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from tokenplan_cli.core.credits import CreditBreakdown, compute_credits
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import percent
from tokenplan_cli.core.payg import PaygComparison, compare_payg
from tokenplan_cli.core.plans import PlanFit, Recommendation, evaluate_plans, recommend_plan
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.core.usage import Usage, UsageSource
from tokenplan_cli.tuples import NamedTuple


class Estimate(NamedTuple):
    as_of: datetime
    source: str
    currency: Currency
    headroom: Fraction
    month_days: int
    monthly_usage: Usage
    credits: CreditBreakdown  # per month
    plans: tuple[PlanFit, ...]
    recommendation: Recommendation
    notes: tuple[str, ...]
    payg: PaygComparison | None = None  # the same use on pay-as-you-go (None: the card has no prices)

    @property
    def credits_per_month(self) -> Fraction:
        return self.credits.total


def estimate_plans(
    card: RateCard, source: UsageSource, *, as_of: datetime, currency: Currency, headroom: Fraction
) -> Estimate:
    """Monthly credits of `source` and how every tier × cycle of `card` would carry them."""
    if source.usage.is_empty():
        raise BadInputError(f"{source.label}: no usage to estimate (every amount is zero)")
    if not 0 <= headroom < 1:
        raise BadInputError(f"headroom must be at least 0 % and below 100 %, not {percent(headroom)}")
    month_days = card.cycles["monthly"].nominal_days
    monthly_usage = source.usage.scaled(source.period.to_month(month_days))
    credits = compute_credits(monthly_usage, card, as_of)
    plans = evaluate_plans(card, credits.total, currency, headroom)
    return Estimate(
        as_of=as_of,
        source=source.label,
        currency=currency,
        headroom=headroom,
        month_days=month_days,
        monthly_usage=monthly_usage,
        credits=credits,
        plans=plans,
        recommendation=recommend_plan(plans, currency, headroom),
        notes=source.notes + credits.notes(),
        payg=compare_payg(credits, plans, card, currency),
    )
