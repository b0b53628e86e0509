"""Purchase discounts: which of the claimed ones apply to a plan, and why the others do not.

A discount applies only on the cycles the card lists for it. Discounts in one `mutually_exclusive`
group of the card do not combine: the one that saves most is taken (the first on the card on a tie)
and the others are named as excluded, with the reason. Discounts in no common group multiply.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from math import prod

from tokenplan_cli.core.errors import BadInputError, UnknownNameError
from tokenplan_cli.core.money import percent
from tokenplan_cli.core.ratecard import Discount, RateCard
from tokenplan_cli.tuples import NamedTuple

# What a buyer can claim, as the card names the discounts.
FIRST_PURCHASE = "first_purchase"
AUTO_RENEW = {"new-user": "auto_renew_new_user", "existing-user": "auto_renew_existing_user"}


class ExcludedDiscount(NamedTuple):
    discount: Discount
    reason: str


class DiscountChoice(NamedTuple):
    applied: tuple[Discount, ...]
    excluded: tuple[ExcludedDiscount, ...]
    reasons: tuple[str, ...]

    @property
    def multiplier(self) -> Fraction:
        return prod((d.multiplier for d in self.applied), start=Fraction(1))


NO_DISCOUNT = DiscountChoice((), (), ())


def claimed_discounts(*, first_purchase: bool, auto_renew: str | None) -> tuple[str, ...]:
    """The card's names of the discounts a buyer claims with `--first-purchase` and `--auto-renew`."""
    claims = [FIRST_PURCHASE] if first_purchase else []
    if auto_renew is not None:
        if auto_renew not in AUTO_RENEW:
            raise BadInputError(
                f"expected {' or '.join(AUTO_RENEW)} (whether you subscribed before), got {auto_renew!r}",
                field="auto_renew",
            )
        if first_purchase and auto_renew == "existing-user":
            raise BadInputError(
                "`first_purchase` and `auto_renew` existing-user contradict each other: a first purchase "
                "is made by an account that never subscribed; use `auto_renew` new-user",
                mentions=("first_purchase", "auto_renew"),
            )
        claims.append(AUTO_RENEW[auto_renew])
    return tuple(claims)


def choose_discounts(card: RateCard, claimed: Iterable[str], cycle: str) -> DiscountChoice:
    """The discounts of `claimed` that apply to a plan on `cycle`, best first, and those excluded."""
    order = list(card.discounts)
    by_card_order = sorted({_discount(card, name) for name in claimed}, key=lambda d: order.index(d.name))
    excluded = [
        ExcludedDiscount(d, f"the {d.label} discount does not apply to {cycle} plans")
        for d in by_card_order
        if cycle not in d.cycles
    ]
    applied: list[Discount] = []
    for discount in sorted((d for d in by_card_order if cycle in d.cycles), key=lambda d: d.multiplier):
        rival = next((a for a in applied if _exclusive(card, a, discount)), None)
        if rival is None:
            applied.append(discount)
        else:
            reason = (
                f"the {discount.label} discount ({_off(discount)}) is mutually exclusive with the "
                f"{rival.label} discount ({_off(rival)}), which is taken instead"
            )
            excluded.append(ExcludedDiscount(discount, reason))
    reasons = tuple(
        f"{d.label} discount: {_off(d)} the list price"
        + (" (once per account)" if d.once_per_account else "")
        for d in applied
    )
    return DiscountChoice(tuple(applied), tuple(excluded), reasons + tuple(e.reason for e in excluded))


def _discount(card: RateCard, name: str) -> Discount:
    found = card.discounts.get(name)
    if found is None:
        raise UnknownNameError("discount", name, card.discounts)
    return found


def _exclusive(card: RateCard, a: Discount, b: Discount) -> bool:
    return any(a.name in group and b.name in group for group in card.exclusive_groups)


def _off(discount: Discount) -> str:
    return f"{percent(1 - discount.multiplier)} off"
