"""What a purchase, an upgrade or a renewal costs: the plan named, the plan held, and the quote of it.

Values in (tier and cycle names, instants, exact amounts, `Share`s), the core's quotes out; the
commands (`quote`, `upgrade-quote`, `renewal-quote`) and `tokenplan_cli.api` call these alike.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from tokenplan_cli.core.amounts import Share
from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:  # the quote engine loads only to quote (these records are in every command's options)
    from tokenplan_cli.core.quotes import HeldPlan, PurchaseQuote, RenewalQuote, UpgradeQuote
    from tokenplan_cli.core.ratecard import Currency, RateCard


class HeldUse(NamedTuple):
    """How much of the plan held is used (a count of credits, or a `Share` of them; `used` or
    `remaining`, or both when they add up), and what was paid for it (None: its list price)."""

    used: Fraction | Share | None = None
    remaining: Fraction | Share | None = None
    paid: Fraction | None = None


NO_USE = HeldUse()  # a command's default: the option group puts the options given in its place


class HeldGiven(NamedTuple):
    """The plan a subscriber holds, as given: tier, cycle, its use, and when it was bought (if known)."""

    tier: str
    cycle: str
    use: HeldUse
    start: datetime | None = None

    def held(self, card: RateCard, currency: Currency) -> HeldPlan:
        from tokenplan_cli.core.quotes import hold

        use = self.use
        return hold(
            card, self.tier, self.cycle, currency, used=use.used, remaining=use.remaining, paid=use.paid,
            start=self.start,
        )  # fmt: skip


def purchase_quote(
    card: RateCard,
    tier: str,
    *,
    cycle: str,
    first_purchase: bool,
    auto_renew: str | None,
    start: datetime,
    currency: Currency,
) -> PurchaseQuote:
    """Buying `tier` on `cycle` at `start`, with the discounts claimed (`auto_renew`: new-user or
    existing-user, the first activation of auto-renewal)."""
    from tokenplan_cli.core.discounts import claimed_discounts
    from tokenplan_cli.core.quotes import plan_price, quote_purchase

    claims = claimed_discounts(first_purchase=first_purchase, auto_renew=auto_renew)
    return quote_purchase(card, plan_price(card, tier, cycle, currency), claims, start, currency)


def upgrade_quote(
    card: RateCard, held: HeldGiven, to_tier: str, to_cycle: str | None, now: datetime, currency: Currency
) -> UpgradeQuote:
    """Upgrading the plan held to `to_tier` (on `to_cycle`, default its own) at `now`."""
    from tokenplan_cli.core.quotes import plan_price, quote_upgrade

    target = plan_price(card, to_tier, to_cycle or held.cycle, currency)
    return quote_upgrade(card, held.held(card, currency), target, now, currency)


def renewal_quote(
    card: RateCard,
    held: HeldGiven,
    to_tier: str | None,
    to_cycle: str | None,
    auto_renew: str | None,
    now: datetime,
    currency: Currency,
) -> RenewalQuote:
    """Renewing the plan held (as `to_tier` on `to_cycle`, default the same) at `now`; `auto_renew`:
    on, off or existing-user (its first activation)."""
    from tokenplan_cli.core.quotes import auto_renewal_on, plan_price, quote_renewal, renewal_claims

    target = plan_price(card, to_tier or held.tier, to_cycle or held.cycle, currency)
    return quote_renewal(
        card, held.held(card, currency), target, renewal_claims(auto_renew), now, currency,
        auto_renewal=auto_renewal_on(auto_renew),
    )  # fmt: skip
