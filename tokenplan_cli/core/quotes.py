"""Quotes: what a purchase, an upgrade or a renewal costs, exactly, in one currency.

- A purchase pays the list price times the discounts that apply (`core/discounts.py`).
- An upgrade pays, as the seeds state, *new package price − (remaining / total) × original price*:
  the remaining credits of the plan held are converted to their share of what was paid for it.
- A renewal (or a purchase while the old plan still holds value) is offset the same way; where the
  remaining value exceeds the new price, nothing is paid and the difference is granted as
  compensation credits, at the new plan's credits per unit of its list price, reckoned in the card's
  reference currency (`[compensation]`) so that they are the same in every currency, in whole credits.

Money is rounded where it is charged: a price and a remaining value to the currency's minor unit
(half-up), and every other figure (the price difference, the amount due) derived from those, so an
explanation adds up to the cent as printed.

Every choice where the seeds are silent is written in docs/interpretations.md and in a quote's notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction
from typing import Literal

from tokenplan_cli.core.amounts import Share, shown_portion
from tokenplan_cli.core.dates import utc_text
from tokenplan_cli.core.discounts import AUTO_RENEW, NO_DISCOUNT, DiscountChoice, choose_discounts
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import count, decimal_text
from tokenplan_cli.core.plans import BILLION
from tokenplan_cli.core.ratecard import Currency, RateCard, Tier
from tokenplan_cli.core.validity import ValidityWindow, renewed_window, validity_window, window_notes
from tokenplan_cli.tuples import NamedTuple

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
    return PlanPrice(found, cycle_name, terms.credits, currency.rounded(terms.prices[currency.code]))


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
        """The list price after the discounts, to the minor unit: what is charged."""
        return self.currency.rounded(self.plan.list_price * self.discounts.multiplier)

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
    window = validity_of(card, plan, start)
    quote = PurchaseQuote(plan, currency, discounts, window, (), window_notes(window))
    price_line = f"{plan.label} list price {currency.show(plan.list_price)}"
    if discounts.applied:
        price_line += f"; {currency.show(quote.price)} after the discount"
    return quote._replace(reasons=(price_line, *discounts.reasons))


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
    total: Fraction, *, used: Fraction | Share | None, remaining: Fraction | Share | None
) -> Consumption:
    """The consumption `used` and/or `remaining` describe (counts, or `Share`s of the plan's credits).

    Either is enough; both must add up to the plan's credits.
    """
    if used is None and remaining is None:
        raise BadInputError(
            "give `used` or `remaining`: the plan's credits used so far or left (a count, or a share)",
            mentions=("used", "remaining"),
        )
    given = {field: value for field, value in (("used", used), ("remaining", remaining)) if value is not None}
    amounts = {field: _portion_of(value, total) for field, value in given.items()}
    for field, amount in amounts.items():
        if amount > total:
            shown = shown_portion(given[field])
            raise BadInputError(f"{shown} is more than the plan's {count(total)} credits", field=field)
    if len(amounts) == 2 and sum(amounts.values()) != total:
        raise BadInputError(
            f"`used` {shown_portion(given['used'])} and `remaining` {shown_portion(given['remaining'])} "
            f"disagree: they add up to {count(sum(amounts.values(), ZERO))} credits, the plan holds "
            f"{count(total)}",
            mentions=("used", "remaining"),
        )
    if "used" in amounts:
        return Consumption(total, amounts["used"])
    return Consumption(total, total - amounts["remaining"])


def _portion_of(value: Fraction | Share, total: Fraction) -> Fraction:
    return value.of(total) if isinstance(value, Share) else value


class HeldPlan(NamedTuple):
    """The plan a subscriber holds: what it is, how much of it is used, what was paid for it and, when
    known, when it serves (from its start, or the held plan of the config, to its expiry)."""

    plan: PlanPrice
    consumption: Consumption
    paid: Fraction
    paid_assumed: bool  # no --paid: the list price was assumed
    window: ValidityWindow | None = None  # None: its start was not given


def held_plan(
    plan: PlanPrice,
    consumption: Consumption,
    paid: Fraction | None,
    currency: Currency,
    window: ValidityWindow | None = None,
) -> HeldPlan:
    """The plan held; `paid` defaults to its list price (a discount paid less: say so with `paid`)."""
    if paid is None:
        return HeldPlan(plan, consumption, plan.list_price, True, window)
    shown = decimal_text(paid)
    if paid < 0:
        raise BadInputError(f"{shown} is negative", field="paid")
    if paid > plan.list_price:
        raise BadInputError(
            f"{shown} is more than the list price of {plan.label} ({currency.show(plan.list_price)}); "
            "a discount only lowers it",
            field="paid",
        )
    if currency.rounded(paid) != paid:
        raise BadInputError(
            f"{shown} has more decimals than {currency.code} has ({currency.minor_units}): "
            "give what was charged",
            field="paid",
        )
    return HeldPlan(plan, consumption, paid, False, window)


def hold(
    card: RateCard,
    tier: str,
    cycle: str,
    currency: Currency,
    *,
    used: Fraction | Share | None,
    remaining: Fraction | Share | None,
    paid: Fraction | None,
    start: datetime | None = None,
) -> HeldPlan:
    """The plan held: its tier and cycle, the credits `used` and/or `remaining` (counts, or shares of
    its credits), what was `paid` (None: its list price) and, if known, when it was bought."""
    plan = plan_price(card, tier, cycle, currency)
    consumption = resolve_consumption(plan.credits, used=used, remaining=remaining)
    window = None if start is None else validity_of(card, plan, start)
    return held_plan(plan, consumption, paid, currency, window)


def held_notes(held: HeldPlan, currency: Currency) -> tuple[str, ...]:
    if not held.paid_assumed:
        return ()
    return (
        f"the remaining value assumes {held.plan.label} was bought at its list price "
        f"({currency.show(held.paid)}); if a discount made it cheaper, pass what you paid with --paid",
    )


class Compensation(NamedTuple):
    """The value of the plan held beyond the new price, reckoned in the card's reference currency and
    turned into credits of the new plan at its list price: the same in every currency shown."""

    currency: Currency  # the reference
    remaining_value: Fraction  # of the plan held, to the minor unit
    new_price: Fraction  # to the minor unit
    list_price: Fraction  # of the new plan
    credits: Fraction  # of the new plan
    unit: Fraction  # credits are granted in whole multiples of it

    @property
    def excess(self) -> Fraction:
        return self.remaining_value - self.new_price

    @property
    def granted(self) -> Fraction:
        """`excess / list_price × credits`, rounded down to the unit (none for a plan given away)."""
        if self.excess <= 0 or not self.list_price:
            return ZERO
        units = self.excess * self.credits / self.list_price / self.unit
        return units.numerator // units.denominator * self.unit


class ValueOffset(NamedTuple):
    """The remaining value of the plan held, set against the price of the new one (both to the cent)."""

    remaining_value: Fraction
    new_price: Fraction
    compensation: Compensation

    @property
    def price_difference(self) -> Fraction:
        """New price − remaining value (negative when the old plan is worth more)."""
        return self.new_price - self.remaining_value

    @property
    def amount_due(self) -> Fraction:
        return max(self.price_difference, ZERO)

    @property
    def compensation_credits(self) -> Fraction:
        """Credits for the value beyond the new price; none where anything is due in this currency."""
        return self.compensation.granted if self.price_difference < 0 else ZERO


def offset_value(
    card: RateCard,
    held: HeldPlan,
    target: PlanPrice,
    multiplier: Fraction,
    currency: Currency,
    *,
    lapsed: bool = False,
) -> ValueOffset:
    """The remaining value of `held` against `target` at its list price × `multiplier`.

    `lapsed`: the plan held expired without renewing, and its credits went with it (no value).
    The compensation is reckoned in the reference currency from the same shares: of the credits left,
    and of the list price that was paid.
    """
    left = ZERO if lapsed else held.consumption.remaining / held.consumption.total
    paid_share = held.paid / held.plan.list_price if held.plan.list_price else ZERO
    rule = card.compensation_rule()
    reference = card.currency(rule.currency)
    held_list, target_list = (
        reference.rounded(p.tier.on(p.cycle).prices[reference.code]) for p in (held.plan, target)
    )
    compensation = Compensation(
        reference,
        reference.rounded(left * paid_share * held_list),
        reference.rounded(target_list * multiplier),
        target_list,
        target.credits,
        rule.unit,
    )
    return ValueOffset(
        currency.rounded(left * held.paid), currency.rounded(target.list_price * multiplier), compensation
    )


def offset_reasons(
    offset: ValueOffset, held: HeldPlan, target: PlanPrice, currency: Currency, *, lapsed: bool = False
) -> tuple[str, ...]:
    used = held.consumption
    value = (
        f"remaining value = {currency.show(offset.remaining_value)}: the plan held lapsed at its expiry, "
        "and its credits with it"
        if lapsed
        else f"remaining value = (remaining / total) × original price = ({count(used.remaining)} / "
        f"{count(used.total)}) × {currency.show(held.paid)} = {currency.show(offset.remaining_value)} "
        "(to the cent)"
    )
    reasons = [
        value,
        f"price difference = new price − remaining value = {currency.show(offset.new_price)} − "
        f"{currency.show(offset.remaining_value)} = {currency.show(offset.price_difference)}",
    ]
    if offset.price_difference < 0:
        reasons.append(_compensation_reason(offset, target, currency))
    return tuple(reasons)


def _compensation_reason(offset: ValueOffset, target: PlanPrice, currency: Currency) -> str:
    """How the value beyond the new price became credits, with figures that add up as printed."""
    basis = offset.compensation
    ref = basis.currency
    over = f"the remaining value exceeds the new price by {currency.show(-offset.price_difference)}"
    if basis.excess <= 0:
        return (
            f"{over}, but not in {ref.code}, the card's reference currency for compensation credits "
            f"({ref.show(basis.remaining_value)} against {ref.show(basis.new_price)}): nothing to pay, and "
            "no compensation credits"
        )
    conversion = (
        f"{ref.show(basis.excess)} / {ref.show(basis.list_price)} × {count(basis.credits)} = "
        f"{count(basis.granted)} compensation credits ({target.label}'s credits for its list price, in "
        "whole credits rounded down)"
    )
    if ref.code == currency.code:
        return f"{over}: nothing to pay, and {conversion}"
    return (
        f"{over}: nothing to pay; compensation credits are reckoned in {ref.code}, the card's reference "
        f"currency, so that they do not depend on the currency shown: remaining value "
        f"{ref.show(basis.remaining_value)} − new price {ref.show(basis.new_price)} = "
        f"{ref.show(basis.excess)}, and {conversion}"
    )


# -- a change of plan: when, and whether it loses value ------------------------------------------


def check_held_at(held: HeldPlan, at: datetime, change: str) -> None:
    """Refuse a change dated before the plan held was bought (when its start is known)."""
    if held.window is not None and at < held.window.start:
        raise BadInputError(
            f"the {change} at {utc_text(at)} is before {held.plan.label} was bought "
            f"({utc_text(held.window.start)}): give a `now` after the start",
            mentions=("now",),
        )


def loss_reasons(
    held_credits: Fraction, after: Fraction, window: ValidityWindow, held: HeldPlan
) -> list[str]:
    """Plain words when a change leaves fewer credits than are held now, or ends sooner than the plan held."""
    reasons = []
    sooner = (
        f"on {window.expires_at:%Y-%m-%d} instead of {held.window.expires_at:%Y-%m-%d}"
        if held.window is not None and window.expires_at < held.window.expires_at
        else None
    )
    if after < held_credits:
        reasons.append(
            f"this change loses value: {count(held_credits)} credits are held now and {count(after)} would "
            f"be after it, {count(held_credits - after)} fewer"
            + (f", and they would expire {sooner}" if sooner else "")
        )
    elif sooner:
        reasons.append(f"the credits after this change expire {sooner}: they must be used sooner")
    return reasons


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
    def credits_after(self) -> Fraction:
        return self.target.credits + self.offset.compensation_credits

    @property
    def credits_gained(self) -> Fraction:
        """Credits after the upgrade (new plan and compensation) minus the credits left before it."""
        return self.credits_after - self.held.consumption.remaining

    @property
    def loses_value(self) -> bool:
        return self.credits_gained < 0

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


def check_not_expired(held: HeldPlan, at: datetime) -> None:
    """An expired plan has no credits to convert: it cannot be upgraded, only bought again."""
    if held.window is not None and held.window.has_ended(at):
        raise BadInputError(
            f"{held.plan.label} expired at {utc_text(held.window.expires_at)}: an expired plan cannot be "
            "upgraded; buy any tier again ('tokenplan quote TIER')"
        )


def quote_upgrade(
    card: RateCard, held: HeldPlan, target: PlanPrice, at: datetime, currency: Currency
) -> UpgradeQuote:
    """Upgrading `held` to `target` at `at`: the seeds' price difference, and the credits it buys."""
    check_upgrade(card, held.plan.tier, target.tier)
    check_held_at(held, at, "upgrade")
    check_not_expired(held, at)
    offset = offset_value(card, held, target, Fraction(1), currency)
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
    quote = UpgradeQuote(held, target, offset, window, currency, (), tuple(notes))
    reasons = (
        *offset_reasons(offset, held, target, currency),
        *loss_reasons(held.consumption.remaining, quote.credits_after, window, held),
    )
    return quote._replace(reasons=reasons)


# -- renewal -------------------------------------------------------------------------------------

RenewalStart = Literal["at-once", "at-expiry", "after-lapse"]


class RenewalQuote(NamedTuple):
    held: HeldPlan
    target: PlanPrice
    discounts: DiscountChoice
    offset: ValueOffset
    window: ValidityWindow  # of the new plan
    starts: RenewalStart
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

    @property
    def credits_before(self) -> Fraction:
        """The credits held at the renewal: none once the plan held has lapsed."""
        return ZERO if self.starts == "after-lapse" else self.held.consumption.remaining

    @property
    def loses_value(self) -> bool:
        return self.credits_after < self.credits_before


def renewal_claims(auto_renew: str | None) -> tuple[str, ...]:
    """The discounts a renewal can claim: only the first activation of auto-renewal as an existing user.

    `on` and `off` say whether auto-renewal is on already (no discount). A first purchase and the
    new-user discount need an account that never subscribed; a renewal has.
    """
    if auto_renew is None or auto_renew in AUTO_RENEWAL_STATES:
        return ()
    if auto_renew != "existing-user":
        raise BadInputError(
            "the new-user discount is for accounts that never subscribed, and a renewal means you have; "
            "use `auto_renew` existing-user (or on, or off)"
            if auto_renew == "new-user"
            else f"expected on, off or existing-user, got {auto_renew!r}",
            field="auto_renew",
            mentions=("auto_renew",),
        )
    return (AUTO_RENEW[auto_renew],)


AUTO_RENEWAL_STATES = {"on": True, "off": False}


def auto_renewal_on(auto_renew: str | None) -> bool:
    """Whether auto-renewal was on at the held plan's expiry (`--auto-renew on`)."""
    return AUTO_RENEWAL_STATES.get(auto_renew or "off", False)


class RenewalTiming(NamedTuple):
    window: ValidityWindow
    starts: RenewalStart
    notes: tuple[str, ...]


def renewal_timing(
    card: RateCard, held: HeldPlan, target: PlanPrice, at: datetime, auto_renewal: bool
) -> RenewalTiming:
    """When the new plan serves: at once while the plan held is valid (or its start is unknown); with
    auto-renewal on, from the old expiry, for a renewal at or after it; from `at` once the plan lapsed."""
    check_held_at(held, at, "renewal")
    old = held.window
    at_once = "the new plan replaces the old one at once (the provider sells one package at a time)"
    if old is None:
        return RenewalTiming(validity_of(card, target, at), "at-once", (at_once,))
    if auto_renewal and at >= old.expires_at:
        window = renewed_window(old, card.cycles[target.cycle], card.validity)
        note = (
            f"auto-renewal is on and the renewal falls at or after {held.plan.label}'s expiry "
            f"({utc_text(old.expires_at)}): the new cycle follows on from it, from "
            f"{utc_text(window.start)} to one {target.cycle.removesuffix('ly')} after the old expiry day"
        )
        if window.has_ended(at):
            note += f"; that cycle has ended too by {utc_text(at)} (the plan renews every cycle)"
        return RenewalTiming(window, "at-expiry", (note,))
    if old.has_ended(at):
        note = (
            f"{held.plan.label} expired at {utc_text(old.expires_at)} with auto-renewal off and lapsed: its "
            f"credits went with it, so nothing offsets the price, and the new plan starts at {utc_text(at)}"
        )
        return RenewalTiming(validity_of(card, target, at), "after-lapse", (note,))
    return RenewalTiming(
        validity_of(card, target, at),
        "at-once",
        (f"{at_once}; it would have expired at {utc_text(old.expires_at)}",),
    )


def quote_renewal(
    card: RateCard,
    held: HeldPlan,
    target: PlanPrice,
    claimed: Iterable[str],
    at: datetime,
    currency: Currency,
    *,
    auto_renewal: bool = False,
) -> RenewalQuote:
    """Renewing (or buying `target` again) at `at` while `held` keeps its remaining value."""
    claimed = tuple(claimed)
    discounts = choose_discounts(card, claimed, target.cycle) if claimed else NO_DISCOUNT
    timing = renewal_timing(card, held, target, at, auto_renewal)
    lapsed = timing.starts == "after-lapse"
    offset = offset_value(card, held, target, discounts.multiplier, currency, lapsed=lapsed)
    price_line = f"{target.label} list price {currency.show(target.list_price)}" + (
        f"; {currency.show(offset.new_price)} after the discount" if discounts.applied else ""
    )
    notes = (*timing.notes, *window_notes(timing.window), *held_notes(held, currency))
    if offset.compensation_credits:
        notes += (
            f"compensation credits convert the value beyond the new price at the new plan's credits per "
            f"unit of its list price, in {offset.compensation.currency.code} whatever the currency shown, "
            "rounded down to whole credits (the provider says only 'credits equivalent to the difference "
            "in value')",
        )
    quote = RenewalQuote(held, target, discounts, offset, timing.window, timing.starts, currency, (), notes)
    reasons = (
        price_line,
        *discounts.reasons,
        *offset_reasons(offset, held, target, currency, lapsed=lapsed),
        *loss_reasons(quote.credits_before, quote.credits_after, timing.window, held),
    )
    return quote._replace(reasons=reasons)
