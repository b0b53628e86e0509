"""Quotes: what a purchase, an upgrade or a renewal costs, exactly, in one currency.

- A purchase pays the list price times the discounts that apply (`core/discounts.py`).
- An upgrade pays, as the seeds state, *new package price − (remaining / total) × original price*:
  the remaining credits of the plan held are converted to their share of what was paid for it.
- A renewal (or a purchase while the old plan still holds value) is offset the same way; where the
  remaining value exceeds the new price, nothing is paid and the difference is granted as
  compensation credits, at the new plan's credits per unit of its list price.

Every choice where the seeds are silent is written in docs/interpretations.md and in a quote's notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction
from typing import NamedTuple

from tokenplan_cli.core.amounts import parse_money, parse_portion
from tokenplan_cli.core.discounts import AUTO_RENEW, NO_DISCOUNT, DiscountChoice, choose_discounts
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import count
from tokenplan_cli.core.plans import BILLION
from tokenplan_cli.core.ratecard import Currency, RateCard, Tier
from tokenplan_cli.core.validity import ValidityWindow, validity_window, window_notes

ZERO = Fraction(0)


class PlanPrice(NamedTuple):
    """One tier on one cycle: its credits and its list price in the quote's currency."""

    tier: Tier
    cycle: str
    credits: Fraction
    list_price: Fraction

    @property
    def label(self) -> str:
        return f"{self.tier.name} {self.cycle}"

    @property
    def credits_per_price(self) -> Fraction | None:
        """Credits per unit of list price (None for a plan the card gives away)."""
        return self.credits / self.list_price if self.list_price else None


def plan_price(card: RateCard, tier: str, cycle: str, currency: Currency) -> PlanPrice:
    """`tier` on `cycle` (names as a person types them; unknown ones get a did-you-mean)."""
    found = card.tier(tier)
    cycle_name = card.cycle(cycle).name
    terms = found.on(cycle_name)
    return PlanPrice(found, cycle_name, terms.credits, terms.prices[currency.code])


def validity_of(card: RateCard, plan: PlanPrice, start: datetime) -> ValidityWindow:
    return validity_window(start, card.cycles[plan.cycle], card.validity)


# -- purchase ------------------------------------------------------------------------------------


class PurchaseQuote(NamedTuple):
    plan: PlanPrice
    currency: Currency
    discounts: DiscountChoice
    window: ValidityWindow
    reasons: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def price(self) -> Fraction:
        return self.plan.list_price * self.discounts.multiplier

    @property
    def discount_amount(self) -> Fraction:
        return self.plan.list_price - self.price

    @property
    def price_per_billion(self) -> Fraction:
        return self.price * BILLION / self.plan.credits


def quote_purchase(
    card: RateCard, plan: PlanPrice, claimed: Iterable[str], start: datetime, currency: Currency
) -> PurchaseQuote:
    """What buying `plan` at `start` costs with the discounts `claimed` (card names)."""
    discounts = choose_discounts(card, claimed, plan.cycle)
    price_line = f"{plan.label} list price {currency.show(plan.list_price)}"
    if discounts.applied:
        price_line += f"; {currency.show(plan.list_price * discounts.multiplier)} after the discount"
    window = validity_of(card, plan, start)
    return PurchaseQuote(
        plan, currency, discounts, window, (price_line, *discounts.reasons), window_notes(window)
    )


# -- the plan held, and what is left of it -------------------------------------------------------


class Consumption(NamedTuple):
    """Credits of a plan used so far (since its start, or since the last usage reset)."""

    total: Fraction
    used: Fraction

    @property
    def remaining(self) -> Fraction:
        return self.total - self.used

    @property
    def used_fraction(self) -> Fraction:
        return self.used / self.total


def resolve_consumption(
    total: Fraction, *, used: str | None, remaining: str | None, limit: Fraction
) -> Consumption:
    """The consumption `--used` and/or `--remaining` describe (counts such as `1.2B`, or `63%`).

    Either is enough; both must add up to the plan's credits.
    """
    if used is None and remaining is None:
        raise BadInputError(
            "give --used or --remaining: the plan's credits used so far or left "
            "(e.g. --used 1.2B or --used 63%)"
        )
    amounts = {
        flag: parse_portion(text, whole=total, what=flag, limit=limit)
        for flag, text in (("--used", used), ("--remaining", remaining))
        if text is not None
    }
    for flag, amount in amounts.items():
        if amount > total:
            given = used if flag == "--used" else remaining
            raise BadInputError(f"{flag}: {given} is more than the plan's {count(total)} credits")
    if len(amounts) == 2 and sum(amounts.values()) != total:
        raise BadInputError(
            f"--used {used} and --remaining {remaining} disagree: they add up to "
            f"{count(sum(amounts.values(), ZERO))} credits, the plan holds {count(total)}"
        )
    if "--used" in amounts:
        return Consumption(total, amounts["--used"])
    return Consumption(total, total - amounts["--remaining"])


class HeldPlan(NamedTuple):
    """The plan a subscriber holds: what it is, how much of it is used and what was paid for it."""

    plan: PlanPrice
    consumption: Consumption
    paid: Fraction
    paid_assumed: bool  # no --paid: the list price was assumed

    @property
    def remaining_value(self) -> Fraction:
        """(remaining / total) × original price: the seeds' conversion of credits left into money."""
        return self.consumption.remaining / self.consumption.total * self.paid


def held_plan(plan: PlanPrice, consumption: Consumption, paid: str | None, currency: Currency) -> HeldPlan:
    """The plan held; `paid` defaults to its list price (a discount paid less: say so with --paid)."""
    if paid is None:
        return HeldPlan(plan, consumption, plan.list_price, paid_assumed=True)
    amount = parse_money(paid, what="--paid")
    if amount > plan.list_price:
        raise BadInputError(
            f"--paid: {paid} is more than the list price of {plan.label} ({currency.show(plan.list_price)}); "
            "a discount only lowers it"
        )
    return HeldPlan(plan, consumption, amount, paid_assumed=False)


def hold(
    card: RateCard,
    tier: str,
    cycle: str,
    currency: Currency,
    *,
    used: str | None,
    remaining: str | None,
    paid: str | None,
) -> HeldPlan:
    """The plan held, from what a person types: its tier and cycle, `--used`/`--remaining`, `--paid`."""
    plan = plan_price(card, tier, cycle, currency)
    consumption = resolve_consumption(
        plan.credits, used=used, remaining=remaining, limit=card.limits.max_amount
    )
    return held_plan(plan, consumption, paid, currency)


def held_notes(held: HeldPlan, currency: Currency) -> tuple[str, ...]:
    if not held.paid_assumed:
        return ()
    return (
        f"the remaining value assumes {held.plan.label} was bought at its list price "
        f"({currency.show(held.paid)}); if a discount made it cheaper, pass what you paid with --paid",
    )


class ValueOffset(NamedTuple):
    """The remaining value of the plan held, set against the price of the new one."""

    remaining_value: Fraction
    new_price: Fraction
    credits_per_price: Fraction | None  # of the new plan, at its list price

    @property
    def price_difference(self) -> Fraction:
        """New price − remaining value (negative when the old plan is worth more)."""
        return self.new_price - self.remaining_value

    @property
    def amount_due(self) -> Fraction:
        return max(self.price_difference, ZERO)

    @property
    def compensation_credits(self) -> Fraction:
        """The value beyond the new price, as credits of the new plan."""
        excess = max(-self.price_difference, ZERO)
        return excess * self.credits_per_price if self.credits_per_price else ZERO


def offset_reasons(
    offset: ValueOffset, held: HeldPlan, target: PlanPrice, currency: Currency
) -> tuple[str, ...]:
    used = held.consumption
    reasons = [
        f"remaining value = (remaining / total) × original price = ({count(used.remaining)} / "
        f"{count(used.total)}) × {currency.show(held.paid)} = {currency.show(offset.remaining_value)}",
        f"price difference = new price − remaining value = {currency.show(offset.new_price)} − "
        f"{currency.show(offset.remaining_value)} = {currency.show(offset.price_difference)}",
    ]
    if offset.compensation_credits:
        assert offset.credits_per_price is not None
        reasons.append(
            f"the remaining value exceeds the new price by {currency.show(-offset.price_difference)}: "
            f"nothing to pay, and {count(offset.compensation_credits)} compensation credits, at "
            f"{target.label}'s {count(offset.credits_per_price)} credits per {currency.code} of list price"
        )
    return tuple(reasons)


# -- upgrade -------------------------------------------------------------------------------------


class UpgradeQuote(NamedTuple):
    held: HeldPlan
    target: PlanPrice
    offset: ValueOffset
    window: ValidityWindow  # of the upgraded plan
    currency: Currency
    reasons: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def credits_gained(self) -> Fraction:
        """Credits after the upgrade (new plan and compensation) minus the credits left before it."""
        return self.target.credits + self.offset.compensation_credits - self.held.consumption.remaining

    @property
    def cost_per_extra_billion(self) -> Fraction | None:
        gained = self.credits_gained
        return self.offset.amount_due * BILLION / gained if gained > 0 else None


def check_upgrade(card: RateCard, source: Tier, target: Tier) -> None:
    """Refuse what the provider does not allow: no upgrade from the top tier, no downgrade, no same tier."""
    if source.rank == card.tiers[-1].rank:
        raise BadInputError(
            f"{source.name} is the highest package: the provider allows no upgrade from it "
            "(buy again after it expires, or use the pay-as-you-go API)"
        )
    if target.rank == source.rank:
        raise BadInputError(
            f"{target.name} is the tier you hold: an upgrade goes to a higher package "
            "(for the same tier on another cycle, see renewal-quote)"
        )
    if target.rank < source.rank:
        raise BadInputError(
            f"{source.name} to {target.name} is a downgrade: the provider supports upgrades only "
            "(buy any tier again once the plan expires)"
        )


def quote_upgrade(
    card: RateCard, held: HeldPlan, target: PlanPrice, at: datetime, currency: Currency
) -> UpgradeQuote:
    """Upgrading `held` to `target` at `at`: the seeds' price difference, and the credits it buys."""
    check_upgrade(card, held.plan.tier, target.tier)
    offset = ValueOffset(held.remaining_value, target.list_price, target.credits_per_price)
    window = validity_of(card, target, at)
    notes = [
        "an upgrade pays the new package's list price less the remaining value: no purchase discount applies",
        f"the upgraded plan is taken to start a new validity at the upgrade, until "
        f"{window.expires_at:%Y-%m-%d %H:%M:%S} UTC (the provider states no other rule)",
        *held_notes(held, currency),
        *window_notes(window)[1:],
    ]
    if target.cycle != held.plan.cycle:
        notes.insert(
            0,
            f"changing cycle on upgrade ({held.plan.cycle} to {target.cycle}) is not described by the "
            f"provider: tokenplan applies the same formula with {target.label}'s list price and credits",
        )
    return UpgradeQuote(
        held, target, offset, window, currency, offset_reasons(offset, held, target, currency), tuple(notes)
    )


# -- renewal -------------------------------------------------------------------------------------


class RenewalQuote(NamedTuple):
    held: HeldPlan
    target: PlanPrice
    discounts: DiscountChoice
    offset: ValueOffset
    window: ValidityWindow  # of the new plan
    currency: Currency
    reasons: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def price(self) -> Fraction:
        """The new plan's price after any discount, before the offset."""
        return self.offset.new_price

    @property
    def credits_after(self) -> Fraction:
        return self.target.credits + self.offset.compensation_credits


def renewal_claims(auto_renew: str | None) -> tuple[str, ...]:
    """The discounts a renewal can claim: only the first activation of auto-renewal as an existing user.

    A first purchase and the new-user discount need an account that never subscribed; a renewal has.
    """
    if auto_renew is None:
        return ()
    if auto_renew != "existing-user":
        raise BadInputError(
            f"--auto-renew {auto_renew}: the new-user discount is for accounts that never subscribed, "
            "and a renewal means you have; use --auto-renew existing-user"
        )
    return (AUTO_RENEW[auto_renew],)


def quote_renewal(
    card: RateCard,
    held: HeldPlan,
    target: PlanPrice,
    claimed: Iterable[str],
    at: datetime,
    currency: Currency,
) -> RenewalQuote:
    """Renewing (or buying `target` again) at `at` while `held` keeps its remaining value."""
    claimed = tuple(claimed)
    discounts = choose_discounts(card, claimed, target.cycle) if claimed else NO_DISCOUNT
    price = target.list_price * discounts.multiplier
    offset = ValueOffset(held.remaining_value, price, target.credits_per_price)
    window = validity_of(card, target, at)
    reasons = (
        f"{target.label} list price {currency.show(target.list_price)}"
        + (f"; {currency.show(price)} after the discount" if discounts.applied else ""),
        *discounts.reasons,
        *offset_reasons(offset, held, target, currency),
    )
    notes = (
        "the new plan replaces the old one at once (the provider sells one package at a time)",
        *window_notes(window),
        *held_notes(held, currency),
    )
    if offset.compensation_credits:
        notes += (
            "compensation credits convert the value beyond the new price at the new plan's credits per "
            "unit of its list price (the provider says only 'credits equivalent to the difference in value')",
        )
    return RenewalQuote(held, target, discounts, offset, window, currency, reasons, notes)
