"""Quotes: every discount rule and exclusion, the seeds' upgrade formula in both currencies, renewals,
the refusals, and the laws (an upgrade never costs more than the new plan; the remaining value never
exceeds what was paid)."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import NOW
from tokenplan_cli.core.amounts import Share, parse_money, parse_portion
from tokenplan_cli.core.discounts import claimed_discounts
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import round_money
from tokenplan_cli.core.quotes import (
    Consumption,
    HeldPlan,
    plan_price,
    quote_purchase,
    quote_renewal,
    quote_upgrade,
    renewal_claims,
    resolve_consumption,
)
from tokenplan_cli.core.quotes import hold as core_hold
from tokenplan_cli.core.ratecard import Currency, RateCard


def cents(value: Fraction) -> str:
    return str(round_money(value, 2))


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
    """The plan held, from what a person types (parsed as the CLI parses it)."""
    return core_hold(
        card, tier, cycle, currency, used=portion(used, "used"), remaining=portion(remaining, "remaining"),
        paid=None if paid is None else parse_money(paid, field="paid"),
    )  # fmt: skip


def portion(text: str | None, field: str) -> Fraction | Share | None:
    return None if text is None else parse_portion(text, field=field)


def purchase(card: RateCard, tier: str, cycle: str, currency: str, first: bool, auto: str | None):  # type: ignore[no-untyped-def]
    money = card.currency(currency)
    claims = claimed_discounts(first_purchase=first, auto_renew=auto)
    return quote_purchase(card, plan_price(card, tier, cycle, money), claims, NOW, money)


DISCOUNTS = [
    # tier, cycle, currency, --first-purchase, --auto-renew, price, discount taken, excluded
    pytest.param("Lite", "monthly", "USD", False, None, "6.00", (), (), id="no-discount"),
    pytest.param("Lite", "monthly", "USD", True, None, "5.28", ("first_purchase",), (), id="first-purchase-usd"),
    pytest.param("Lite", "monthly", "CNY", True, None, "34.32", ("first_purchase",), (), id="first-purchase-cny"),
    pytest.param("Lite", "monthly", "USD", False, "new-user", "4.62", ("auto_renew_new_user",), (), id="auto-renew-new-usd"),
    pytest.param("Lite", "monthly", "CNY", False, "new-user", "30.03", ("auto_renew_new_user",), (), id="auto-renew-new-cny"),
    pytest.param("Lite", "monthly", "USD", False, "existing-user", "4.20", ("auto_renew_existing_user",), (), id="auto-renew-existing-usd"),
    pytest.param("Lite", "monthly", "CNY", False, "existing-user", "27.30", ("auto_renew_existing_user",), (), id="auto-renew-existing-cny"),
    pytest.param("Standard", "monthly", "USD", True, None, "14.08", ("first_purchase",), (), id="standard-first"),
    pytest.param("Pro", "monthly", "USD", True, None, "44.00", ("first_purchase",), (), id="pro-first"),
    pytest.param("Max", "monthly", "CNY", False, "existing-user", "461.30", ("auto_renew_existing_user",), (), id="max-existing-cny"),
    # Mutually exclusive: the better one is taken, the other named.
    pytest.param("Standard", "monthly", "USD", True, "new-user", "12.32", ("auto_renew_new_user",), ("first_purchase",), id="first-vs-new-user"),
    pytest.param("Standard", "monthly", "CNY", True, "new-user", "76.23", ("auto_renew_new_user",), ("first_purchase",), id="first-vs-new-user-cny"),
    # None on annual plans.
    pytest.param("Lite", "annual", "USD", True, None, "63.36", (), ("first_purchase",), id="annual-no-first-purchase"),
    pytest.param("Pro", "annual", "CNY", False, "new-user", "3474.24", (), ("auto_renew_new_user",), id="annual-no-auto-renew"),
    pytest.param("Max", "annual", "USD", True, "new-user", "1056.00", (), ("first_purchase", "auto_renew_new_user"), id="annual-neither"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tier", "cycle", "currency", "first", "auto", "price", "taken", "excluded"), DISCOUNTS
)
def test_discount_rules(
    card: RateCard,
    tier: str,
    cycle: str,
    currency: str,
    first: bool,
    auto: str | None,
    price: str,
    taken: tuple[str, ...],
    excluded: tuple[str, ...],
) -> None:
    quote = purchase(card, tier, cycle, currency, first, auto)
    assert cents(quote.price) == price
    assert tuple(d.name for d in quote.discounts.applied) == taken
    assert tuple(e.discount.name for e in quote.discounts.excluded) == excluded


def test_the_excluded_discount_is_named_with_its_rule(card: RateCard) -> None:
    quote = purchase(card, "Standard", "monthly", "USD", True, "new-user")
    assert quote.discounts.excluded[0].reason == (
        "the first purchase discount (12.0 % off) is mutually exclusive with the first auto-renewal "
        "(new user) discount (23.0 % off), which is taken instead"
    )
    annual = purchase(card, "Lite", "annual", "USD", True, None)
    assert annual.discounts.excluded[0].reason == "the first purchase discount does not apply to annual plans"


def test_a_quote_shows_credits_price_per_billion_and_validity(card: RateCard) -> None:
    quote = purchase(card, "Standard", "monthly", "USD", True, None)
    assert quote.plan.credits == 11_000_000_000
    assert cents(quote.discount_amount) == "1.92"
    assert cents(quote.price_per_billion) == "1.28"  # 14.08 / 11
    assert quote.window.expires_at.isoformat() == "2026-12-23T23:59:59+00:00"


def test_discounts_outside_a_common_group_multiply_on_a_custom_card(card: RateCard) -> None:
    stacking = card._replace(exclusive_groups=())
    money = stacking.currency("USD")
    claims = claimed_discounts(first_purchase=True, auto_renew="new-user")
    quote = quote_purchase(stacking, plan_price(stacking, "Lite", "monthly", money), claims, NOW, money)
    assert quote.discounts.multiplier == Fraction(88, 100) * Fraction(77, 100)
    assert cents(quote.price) == "4.07"  # 6 x 0.6776 = 4.0656


def test_on_a_tie_the_first_discount_on_the_card_is_taken(card: RateCard) -> None:
    even = dict(card.discounts)
    even["auto_renew_new_user"] = even["auto_renew_new_user"]._replace(multiplier=Fraction(88, 100))
    tied = card._replace(discounts=even)
    quote = purchase(tied, "Lite", "monthly", "USD", True, "new-user")
    assert [d.name for d in quote.discounts.applied] == ["first_purchase"]


def test_a_first_purchase_by_an_existing_user_is_a_contradiction() -> None:
    with pytest.raises(BadInputError, match=r"`first_purchase` and `auto_renew` existing-user contradict"):
        claimed_discounts(first_purchase=True, auto_renew="existing-user")


def test_an_unknown_auto_renew_kind_is_refused() -> None:
    with pytest.raises(BadInputError, match=r"auto_renew: expected new-user or existing-user"):
        claimed_discounts(first_purchase=False, auto_renew="returning")


# -- the seeds' upgrade formula -------------------------------------------------------------------

UPGRADES = [
    # from, to, cycle, currency, --used, --remaining, --paid, remaining value, price difference
    # Lite -> Pro with 2.9B of 4.1B left: 50 - (2.9 / 4.1) x 6 = 50 - 4.2439 = 45.76.
    pytest.param("Lite", "Pro", "monthly", "USD", None, "2.9B", None, "4.24", "45.76", id="lite-pro-usd"),
    # In CNY: 329 - (2.9 / 4.1) x 39 = 329 - 27.5854 = 301.41.
    pytest.param("Lite", "Pro", "monthly", "CNY", None, "2.9B", None, "27.59", "301.41", id="lite-pro-cny"),
    # The Standard at 63 % used: 50 - 0.37 x 16 = 44.08; 329 - 0.37 x 99 = 292.37.
    pytest.param("Standard", "Pro", "monthly", "USD", "63%", None, None, "5.92", "44.08", id="standard-pro-usd"),
    pytest.param("Standard", "Pro", "monthly", "CNY", "63%", None, None, "36.63", "292.37", id="standard-pro-cny"),
    pytest.param("Lite", "Standard", "monthly", "USD", "0", None, None, "6.00", "10.00", id="unused-usd"),
    pytest.param("Lite", "Standard", "monthly", "CNY", "0", None, None, "39.00", "60.00", id="unused-cny"),
    pytest.param("Lite", "Max", "monthly", "USD", "4.1B", None, None, "0.00", "100.00", id="used-up-usd"),
    pytest.param("Lite", "Max", "monthly", "CNY", None, "0", None, "0.00", "659.00", id="used-up-cny"),
    # Bought at the existing-user discount (11.20): half of it is the remaining value.
    pytest.param("Standard", "Max", "monthly", "USD", "50%", None, "11.20", "5.60", "94.40", id="paid-discounted"),
    pytest.param("Standard", "Pro", "annual", "USD", "66B", None, None, "84.48", "443.52", id="annual-usd"),
    pytest.param("Standard", "Pro", "annual", "CNY", "66B", None, None, "522.72", "2951.52", id="annual-cny"),
    pytest.param("Lite", "Pro", "monthly", "USD", "1.2B", "2.9B", None, "4.24", "45.76", id="used-and-remaining-agree"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "target", "cycle", "currency", "used", "remaining", "paid", "value", "difference"), UPGRADES
)
def test_upgrade_price_difference(
    card: RateCard,
    source: str,
    target: str,
    cycle: str,
    currency: str,
    used: str | None,
    remaining: str | None,
    paid: str | None,
    value: str,
    difference: str,
) -> None:
    money = card.currency(currency)
    held = hold(card, source, cycle, money, used=used, remaining=remaining, paid=paid)
    quote = quote_upgrade(card, held, plan_price(card, target, cycle, money), NOW, money)
    assert cents(quote.offset.remaining_value) == value
    assert cents(quote.offset.price_difference) == difference == cents(quote.offset.amount_due)
    assert quote.offset.compensation_credits == 0


def test_upgrade_credits_gained_and_cost_per_extra_billion(card: RateCard) -> None:
    money = card.currency("USD")
    held = hold(card, "Lite", "monthly", money, used=None, remaining="2.9B", paid=None)
    quote = quote_upgrade(card, held, plan_price(card, "Pro", "monthly", money), NOW, money)
    assert quote.credits_gained == 38_000_000_000 - 2_900_000_000
    # The remaining value is rounded once, to the cent (29/41 x 6 = 4.2439 -> 4.24); the rest follows.
    assert quote.offset.remaining_value == Fraction(424, 100)
    assert quote.offset.price_difference == Fraction(4576, 100) == 50 - quote.offset.remaining_value
    assert cents(quote.cost_per_extra_billion) == "1.30"  # 45.76 / 35.1
    assert quote.window.start == NOW and quote.window.expires_at.isoformat() == "2026-12-23T23:59:59+00:00"
    assert any("list price ($6.00)" in note for note in quote.notes)  # --paid was assumed


def test_an_upgrade_to_a_shorter_cycle_worth_less_pays_nothing_and_credits_the_rest(card: RateCard) -> None:
    # Pro annual, 90 % left (worth 475.20), to Max monthly (100): 375.20 over, at 82B per 100 USD.
    money = card.currency("USD")
    held = hold(card, "Pro", "annual", money, used="10%", remaining=None, paid=None)
    quote = quote_upgrade(card, held, plan_price(card, "Max", "monthly", money), NOW, money)
    assert cents(quote.offset.price_difference) == "-375.20"
    assert quote.offset.amount_due == 0
    assert quote.offset.compensation_credits == Fraction(37520, 100) * 820_000_000
    assert quote.cost_per_extra_billion is None  # fewer credits than before: no "extra" to price
    assert quote.notes[0].startswith("changing cycle on upgrade (annual to monthly) is not described")


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        pytest.param("Max", "Max", "Max is the highest package: the provider allows no upgrade from it", id="from-max"),
        pytest.param("Max", "Pro", "Max is the highest package", id="from-max-down"),
        pytest.param("Pro", "Pro", "Pro is the tier you hold: an upgrade goes to a higher package", id="same-tier"),
        pytest.param("Pro", "Lite", "Pro to Lite is a downgrade: the provider supports upgrades only", id="downgrade"),
    ],
)  # fmt: skip
def test_refused_upgrades_name_the_rule(card: RateCard, source: str, target: str, message: str) -> None:
    money = card.currency("USD")
    held = hold(card, source, "monthly", money, used="1B", remaining=None, paid=None)
    with pytest.raises(BadInputError, match=message):
        quote_upgrade(card, held, plan_price(card, target, "monthly", money), NOW, money)


@pytest.mark.parametrize(
    ("used", "remaining", "message"),
    [
        pytest.param(None, None, "give `used` or `remaining`", id="neither"),
        pytest.param("5B", None, "used: 5,000,000,000 is more than the plan's 4,100,000,000 credits", id="used-over-quota"),
        pytest.param(None, "4.2B", "remaining: 4,200,000,000 is more than the plan's", id="remaining-over-quota"),
        pytest.param("101%", None, "used: 101% is outside 0–100 %", id="share-over-100"),
        pytest.param("-1B", None, "used: -1B is negative", id="negative"),
        pytest.param("1.2B", "3B", "`used` 1,200,000,000 and `remaining` 3,000,000,000 disagree: they add up to 4,200,000,000 credits, the plan holds 4,100,000,000", id="disagree"),
        pytest.param("lots", None, "used: 'lots' is not a number", id="not-a-number"),
    ],
)  # fmt: skip
def test_consumption_bad_input(used: str | None, remaining: str | None, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        given = {"used": portion(used, "used"), "remaining": portion(remaining, "remaining")}
        resolve_consumption(Fraction(4_100_000_000), **given)


def test_paid_above_the_list_price_is_refused(card: RateCard) -> None:
    with pytest.raises(
        BadInputError, match=r"paid: 17 is more than the list price of Standard monthly \(\$16.00\)"
    ):
        hold(card, "Standard", "monthly", card.currency("USD"), used="1B", remaining=None, paid="17")


# -- renewal ---------------------------------------------------------------------------------------


def test_renewal_to_a_cheaper_plan_grants_compensation_credits(card: RateCard) -> None:
    # Pro at 10 % used is worth 45.00; Lite costs 6.00: 39.00 over, at 4.1B / 6 USD = 26.65B credits.
    money = card.currency("USD")
    held = hold(card, "Pro", "monthly", money, used="10%", remaining=None, paid=None)
    quote = quote_renewal(card, held, plan_price(card, "Lite", "monthly", money), (), NOW, money)
    assert cents(quote.offset.remaining_value) == "45.00"
    assert quote.offset.amount_due == 0
    assert quote.offset.compensation_credits == 26_650_000_000
    assert quote.credits_after == 4_100_000_000 + 26_650_000_000
    assert any("credits per unit of its list price" in note for note in quote.notes)


@pytest.mark.parametrize(
    ("currency", "auto_renew", "price", "due"),
    [
        pytest.param("USD", None, "16.00", "12.80", id="usd-list"),
        pytest.param("USD", "existing-user", "11.20", "8.00", id="usd-existing-user"),
        pytest.param("CNY", None, "99.00", "79.20", id="cny-list"),
        pytest.param("CNY", "existing-user", "69.30", "49.50", id="cny-existing-user"),
    ],
)
def test_renewing_the_same_plan_pays_the_price_less_the_remaining_value(
    card: RateCard, currency: str, auto_renew: str | None, price: str, due: str
) -> None:
    money = card.currency(currency)
    held = hold(card, "Standard", "monthly", money, used="80%", remaining=None, paid=None)
    target = plan_price(card, "Standard", "monthly", money)
    quote = quote_renewal(card, held, target, renewal_claims(auto_renew), NOW, money)
    assert (cents(quote.price), cents(quote.offset.amount_due)) == (price, due)
    assert quote.offset.compensation_credits == 0 and quote.credits_after == 11_000_000_000


def test_a_renewal_cannot_take_the_new_user_discount() -> None:
    with pytest.raises(BadInputError, match=r"new-user discount is for accounts that never subscribed"):
        renewal_claims("new-user")


def test_a_renewal_to_an_annual_plan_takes_no_auto_renewal_discount(card: RateCard) -> None:
    money = card.currency("USD")
    held = hold(card, "Standard", "monthly", money, used="100%", remaining=None, paid=None)
    target = plan_price(card, "Standard", "annual", money)
    quote = quote_renewal(card, held, target, renewal_claims("existing-user"), NOW, money)
    assert cents(quote.offset.amount_due) == "168.96"
    assert [e.discount.name for e in quote.discounts.excluded] == ["auto_renew_existing_user"]


# -- laws ------------------------------------------------------------------------------------------

TIERS = ["Lite", "Standard", "Pro", "Max"]
shares = st.fractions(min_value=0, max_value=1)


@given(
    pair=st.sampled_from([(a, b) for i, a in enumerate(TIERS) for b in TIERS[i + 1 :]]),
    cycles=st.tuples(st.sampled_from(["monthly", "annual"]), st.sampled_from(["monthly", "annual"])),
    currency=st.sampled_from(["USD", "CNY"]),
    used=shares,
    paid_share=shares,
)
def test_an_upgrade_never_costs_more_than_the_new_plan_and_the_value_never_exceeds_the_price(
    card: RateCard,
    pair: tuple[str, str],
    cycles: tuple[str, str],
    currency: str,
    used: Fraction,
    paid_share: Fraction,
) -> None:
    money = card.currency(currency)
    source = plan_price(card, pair[0], cycles[0], money)
    paid = money.rounded(source.list_price * paid_share)
    held = HeldPlan(source, Consumption(source.credits, source.credits * used), paid, paid_assumed=False)
    target = plan_price(card, pair[1], cycles[1], money)
    quote = quote_upgrade(card, held, target, NOW, money)
    offset = quote.offset
    assert 0 <= offset.remaining_value <= paid <= source.list_price
    assert 0 <= offset.amount_due <= target.list_price
    # The seeds' formula, with the remaining value rounded once to the cent and the rest derived from it.
    assert offset.remaining_value == money.rounded((1 - used) * paid)
    assert offset.price_difference == target.list_price - offset.remaining_value
    assert offset.amount_due == max(offset.price_difference, 0)
    # Compensation only when nothing is due, in whole credits, never more than the excess (in the
    # reference currency) buys of the new plan at its list price, and less than one credit short of it.
    assert offset.compensation_credits.denominator == 1
    if offset.amount_due:
        assert offset.compensation_credits == 0
    elif offset.compensation_credits:
        basis = offset.compensation
        worth = basis.excess / basis.list_price * basis.credits
        assert worth - 1 < offset.compensation_credits <= worth


@given(
    source=st.sampled_from(TIERS),
    target=st.sampled_from(TIERS),
    used=shares,
    auto_renew=st.sampled_from([None, "existing-user"]),
    at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 1, 1)),
)
def test_a_renewal_never_costs_more_than_the_new_price_nor_credits_less_than_the_new_plan(
    card: RateCard, source: str, target: str, used: Fraction, auto_renew: str | None, at: datetime
) -> None:
    money = card.currency("USD")
    plan = plan_price(card, source, "monthly", money)
    held = HeldPlan(plan, Consumption(plan.credits, plan.credits * used), plan.list_price, paid_assumed=True)
    new_plan = plan_price(card, target, "monthly", money)
    quote = quote_renewal(
        card, held, new_plan, renewal_claims(auto_renew), at.replace(tzinfo=NOW.tzinfo), money
    )
    assert 0 <= quote.offset.amount_due <= quote.price <= new_plan.list_price
    assert quote.credits_after >= new_plan.credits
    assert quote.offset.remaining_value <= held.paid
