"""Pay-as-you-go beside the plan: what the same requests would cost billed by the token, and where a
plan becomes the cheaper way.

The card's `[payg]` prices each model per token kind in a currency, each price with its source, its date
and whether the source is the provider's own. A model with no price in the currency asked for is
*unpriced*: a total that leaves it out is not a pay-as-you-go cost, so comparisons are then withheld
and the output says why. Pay-as-you-go has no off-peak discount (none is documented): every token costs
its price whenever it is used.

Break-even: scaling the same mix of requests by k scales both its credits and its pay-as-you-go cost by
k, while a plan costs its price per month whatever it carries. So a plan is cheaper than paying as you go
from `credits_per_month × plan price / payg cost` credits a month of that mix, up to its quota; when that
is more than the plan holds, the plan is never the cheaper way for this mix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Protocol

from tokenplan_cli.core.credits import CreditBreakdown
from tokenplan_cli.core.dates import days_between
from tokenplan_cli.core.money import count
from tokenplan_cli.core.ratecard import SECONDS_PER_HOUR, TOKEN_KINDS, Currency, PaygPrice, RateCard
from tokenplan_cli.tuples import NamedTuple

ZERO = Fraction(0)


class PaygSource(NamedTuple):
    source: str
    as_of: date
    official: bool


class ModelPaygCost(NamedTuple):
    model: str
    charged_as: str
    cost: Fraction | None  # None: no price for this model in this currency
    price: PaygPrice | None


class PaygCost(NamedTuple):
    """The pay-as-you-go cost of one usage, model by model."""

    currency: Currency
    models: tuple[ModelPaygCost, ...]

    @property
    def complete(self) -> bool:
        return all(m.cost is not None for m in self.models)

    @property
    def total(self) -> Fraction | None:
        """The whole cost, or None when a model of the usage has no price."""
        if not self.complete:
            return None
        return sum((m.cost for m in self.models if m.cost is not None), ZERO)

    @property
    def unpriced(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.charged_as for m in self.models if m.price is None))

    @property
    def official(self) -> bool:
        """Every price it is built on is the provider's own."""
        return all(m.price is not None and m.price.official for m in self.models)

    def sources(self) -> tuple[PaygSource, ...]:
        seen = (PaygSource(m.price.source, m.price.as_of, m.price.official) for m in self.models if m.price)
        return tuple(dict.fromkeys(seen))


class PricedPlan(Protocol):
    """What a break-even needs of a plan (`plans.PlanFit` and `simulation.PlanRisk` both have it)."""

    @property
    def tier(self) -> str: ...
    @property
    def cycle(self) -> str: ...
    @property
    def quota(self) -> Fraction: ...
    @property
    def months(self) -> int: ...
    @property
    def price_per_month(self) -> Fraction: ...


class BreakEven(NamedTuple):
    tier: str
    cycle: str
    price_per_month: Fraction
    quota_per_month: Fraction  # the credits the plan carries a month (an annual pool over 12)
    credits_per_month: Fraction | None  # the use of this mix above which the plan is cheaper (None: never)
    cheaper_now: bool  # the plan costs less than paying as you go for the use as it is

    @property
    def never_cheaper(self) -> bool:
        """Paying as you go is cheaper at any use of this mix the plan can carry."""
        return self.credits_per_month is None or self.credits_per_month > self.quota_per_month


class PaygComparison(NamedTuple):
    cost: PaygCost  # per month
    credits_per_month: Fraction  # the plan credits of the same use
    plans: tuple[BreakEven, ...]  # empty when the cost is not complete
    notes: tuple[str, ...]


def payg_cost(breakdown: CreditBreakdown, card: RateCard, currency: Currency) -> PaygCost:
    """What the quantities of `breakdown` cost on pay-as-you-go in `currency`, model by model."""
    models = []
    for model in breakdown.models:
        price = card.payg.price(model.charged_as, currency.code) if card.payg else None
        cost = None if price is None else _cost(model.quantities.as_dict(), price, card)
        models.append(ModelPaygCost(model.model, model.charged_as, cost, price if cost is not None else None))
    return PaygCost(currency, tuple(models))


def _cost(quantities: Mapping[str, Fraction], price: PaygPrice, card: RateCard) -> Fraction | None:
    total = ZERO
    tokens = sum((quantities[kind] for kind in TOKEN_KINDS), ZERO)
    if tokens:
        if price.rates is None:
            return None
        total += sum((quantities[k] * price.rates.of(card.priced_kind(k)) for k in TOKEN_KINDS), ZERO)
    if quantities["audio_seconds"]:
        if price.per_audio_hour is None:
            return None
        total += quantities["audio_seconds"] * price.per_audio_hour / SECONDS_PER_HOUR
    return total


def compare_payg(
    breakdown: CreditBreakdown, plans: Sequence[PricedPlan], card: RateCard, currency: Currency
) -> PaygComparison | None:
    """Pay-as-you-go for a month of `breakdown`, and each plan's break-even (None: the card has no prices)."""
    if card.payg is None:
        return None
    cost = payg_cost(breakdown, card, currency)
    monthly = cost.total
    credits = breakdown.total
    notes = list(payg_notes(cost))
    if monthly is None:
        notes.append("no break-even without a price for every model used")
        return PaygComparison(cost, credits, (), tuple(notes))
    return PaygComparison(cost, credits, tuple(_break_even(p, credits, monthly) for p in plans), tuple(notes))


def _break_even(plan: PricedPlan, credits: Fraction, payg_per_month: Fraction) -> BreakEven:
    price = plan.price_per_month
    at = credits * price / payg_per_month if payg_per_month and credits else None
    return BreakEven(
        plan.tier, plan.cycle, price, plan.quota / plan.months, at, cheaper_now=price < payg_per_month
    )


def payg_notes(cost: PaygCost) -> tuple[str, ...]:
    """What a reader must know of the prices a cost is built on."""
    notes = []
    unofficial = [s for s in cost.sources() if not s.official]
    if unofficial:
        dates = ", ".join(sorted({f"{s.as_of:%Y-%m-%d}" for s in unofficial}))
        notes.append(
            f"pay-as-you-go figures are built on unofficial prices ({dates}; sources in the card's [payg]): "
            "check the provider's price list"
        )
    for model in cost.unpriced:
        notes.append(
            f"no pay-as-you-go price for {model} in {cost.currency.code} is known: add one to a card of "
            "your own (rates export, then --rates)"
        )
    return tuple(notes)


class CreditPrice(NamedTuple):
    """Pay-as-you-go money per plan credit, over the card's current models in one currency."""

    low: Fraction
    high: Fraction
    sources: tuple[PaygSource, ...]

    @property
    def official(self) -> bool:
        return all(s.official for s in self.sources)


def credit_price(card: RateCard, currency: Currency) -> CreditPrice | None:
    """The range of pay-as-you-go money a plan credit buys, kind by kind, over the current language models
    with both a plan rate and a price (for a use known only in credits). None when none has both."""
    if card.payg is None:
        return None
    ratios, sources = [], []
    for model in card.models.values():
        price = card.payg.price(model.name, currency.code)
        if model.kind != "llm" or model.forward is not None or model.rates is None or price is None:
            continue
        if price.rates is None:
            continue
        for kind in ("cache_hit", "cache_miss", "output"):
            if model.rates.of(kind):
                ratios.append(price.rates.of(kind) / model.rates.of(kind))
        sources.append(PaygSource(price.source, price.as_of, price.official))
    if not ratios:
        return None
    return CreditPrice(min(ratios), max(ratios), tuple(dict.fromkeys(sources)))


class RestOfCycle(NamedTuple):
    """Paying as you go from the day the credits run out to the end of the cycle, beside an upgrade."""

    runs_out_at: datetime
    until: datetime  # the plan's end, or an earlier usage reset that restores the credits
    credits: Fraction  # what the use needs over that span at the burn rate
    cost_low: Fraction
    cost_high: Fraction
    upgrade_cost: Fraction | None  # the cheapest upgrade's amount due now (None: no upgrade)
    price: CreditPrice

    @property
    def cheaper(self) -> str | None:
        """`"payg"` or `"upgrade"` when the whole range agrees, None when it straddles (or no upgrade)."""
        if self.upgrade_cost is None:
            return None
        if self.cost_high < self.upgrade_cost:
            return "payg"
        if self.cost_low > self.upgrade_cost:
            return "upgrade"
        return None


def rest_of_cycle(
    card: RateCard,
    currency: Currency,
    runs_out_at: datetime,
    until: datetime,
    burn_per_day: Fraction,
    upgrade_cost: Fraction | None,
) -> RestOfCycle | None:
    """What paying as you go would cost from `runs_out_at` to `until` at `burn_per_day` credits a day."""
    price = credit_price(card, currency)
    if price is None or until <= runs_out_at:
        return None
    credits = burn_per_day * days_between(runs_out_at, until)
    return RestOfCycle(
        runs_out_at, until, credits, credits * price.low, credits * price.high, upgrade_cost, price
    )


def payg_reasons(rest: RestOfCycle | None, currency: Currency) -> tuple[str, ...]:
    """The comparison in words: what paying as you go costs to the end, and which is cheaper."""
    if rest is None:
        return ()
    low, high = currency.show(rest.cost_low), currency.show(rest.cost_high)
    cost = low if low == high else f"{low}–{high}"
    basis = "" if rest.price.official else " (unofficial prices)"
    said = (
        f"paying as you go from {rest.runs_out_at:%Y-%m-%d} to {rest.until:%Y-%m-%d} would cost {cost}"
        f"{basis} for about {count(Fraction(round(rest.credits)))} credits"
    )
    if rest.upgrade_cost is None:
        return (said,)
    upgrade = currency.show(rest.upgrade_cost)
    verdict = {
        "payg": f"less than the upgrade's {upgrade}",
        "upgrade": f"more than the upgrade's {upgrade}, which also starts a new cycle",
        None: f"about the upgrade's {upgrade}",
    }[rest.cheaper]
    return (f"{said}: {verdict}",)
