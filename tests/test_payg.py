"""Pay-as-you-go beside the plan: the card's prices, the cost of a use, break-evens, status's rest of cycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import AS_OF, Cli
from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.payg import compare_payg, credit_price, payg_cost
from tokenplan_cli.core.plans import evaluate_plans
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import Quantities, Usage, UsageLine
from tokenplan_cli.readers.ratecard import builtin_card_path

NOW = datetime(2026, 11, 23, tzinfo=UTC)
PRO_MISS = ["--model", "mimo-v2.5-pro", "--cache-miss", "10M", "--as-of", AS_OF]


def _usage(model: str, **kinds: int) -> Usage:
    return Usage.of([UsageLine(model, "peak", Quantities(**{k: Fraction(v) for k, v in kinds.items()}))])


# The card's prices and the cost of a use


def test_the_seed_example_costs_its_credits_at_a_cent_a_million_in_cny(card: RateCard) -> None:
    # [SUB] "10M input (cache miss) tokens of MiMo-V2.5-Pro ... equivalent to consuming 3000M Credits"
    credits = compute_credits(_usage("mimo-v2.5-pro", cache_miss=10_000_000), card, NOW)
    assert credits.total == 3_000_000_000
    assert payg_cost(credits, card, card.currency("CNY")).total == 30  # ¥3 a million tokens


@pytest.mark.parametrize("model", ["mimo-v2.5-pro", "mimo-v2.5"])
def test_in_cny_every_kind_costs_the_same_per_credit(card: RateCard, model: str) -> None:
    price = credit_price(card, card.currency("CNY"))
    assert price is not None and price.low == price.high == Fraction(1, 100_000_000)
    use = _usage(
        model, cache_hit=7_000_000, cache_miss=3_000_000, cache_write=1_000, output=900_000, reasoning=50
    )
    credits = compute_credits(use, card, NOW)
    assert payg_cost(credits, card, card.currency("CNY")).total == credits.total / 100_000_000


def test_a_forwarded_model_is_priced_as_the_model_it_is_served_as(card: RateCard) -> None:
    credits = compute_credits(_usage("mimo-v2-pro", output=1_000_000), card, NOW)
    cost = payg_cost(credits, card, card.currency("USD"))
    assert [(m.model, m.charged_as) for m in cost.models] == [("mimo-v2-pro", "mimo-v2.5-pro")]
    assert cost.total == Fraction("0.87")


def test_speech_recognition_has_no_known_price_so_no_comparison_is_made(card: RateCard) -> None:
    use = _usage("mimo-v2.5-asr", audio_seconds=3600) + _usage("mimo-v2.5", output=1_000_000)
    credits = compute_credits(use, card, NOW)
    plans = evaluate_plans(card, credits.total, card.currency("USD"), Fraction(1, 10))
    comparison = compare_payg(credits, plans, card, card.currency("USD"))
    assert comparison is not None
    assert comparison.cost.total is None and comparison.cost.unpriced == ("mimo-v2.5-asr",)
    assert comparison.plans == ()
    assert any("no pay-as-you-go price for mimo-v2.5-asr in USD is known" in n for n in comparison.notes)


@given(
    st.integers(min_value=1, max_value=10**12),
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**11),
    st.fractions(min_value=Fraction(1, 100), max_value=50, max_denominator=1000),
)
def test_a_plan_is_cheaper_exactly_above_its_break_even(
    miss: int, hit: int, out: int, scale: Fraction
) -> None:
    from tokenplan_cli.readers.ratecard import load_rate_card

    card = load_rate_card()
    currency = card.currency("USD")
    use = _usage("mimo-v2.5-pro", cache_miss=miss, cache_hit=hit, output=out)
    base = compute_credits(use, card, NOW)
    scaled = compute_credits(use.scaled(scale), card, NOW)
    plans = evaluate_plans(card, base.total, currency, Fraction(0))
    comparison = compare_payg(base, plans, card, currency)
    assert comparison is not None
    cost, scaled_cost = (payg_cost(b, card, currency).total for b in (base, scaled))
    assert cost is not None and scaled_cost == cost * scale  # the same mix costs in proportion
    for plan in comparison.plans:
        assert plan.credits_per_month is not None
        # at its break-even use the mix costs the plan's price; above it, more
        assert plan.credits_per_month / base.total * cost == plan.price_per_month
        assert (scaled.total > plan.credits_per_month) == (scaled_cost > plan.price_per_month)


# In the documents


def test_estimate_json_carries_payg_with_each_plans_break_even(cli: Cli) -> None:
    doc = cli.json(["estimate", *PRO_MISS, "--currency", "CNY"])
    payg = doc["payg"]
    assert (payg["currency"], payg["cost_per_month"], payg["complete"]) == ("CNY", "30.00", True)
    assert payg["official"] is False and payg["sources"][0]["official"] is False
    lite = next(p for p in payg["plans"] if (p["tier"], p["cycle"]) == ("Lite", "monthly"))
    # ¥39 buys 3.9B credits of this use on pay-as-you-go: above that the plan is cheaper
    assert lite["break_even_credits_per_month"] == 3_900_000_000
    assert lite["cheaper_than_payg"] is False and lite["never_cheaper"] is False
    assert lite["break_even_share_of_quota"] == Decimal("0.95122")
    assert any("unofficial prices" in note for note in payg["notes"])


def test_a_plan_too_small_to_pay_off_is_never_cheaper(cli: Cli) -> None:
    # on OpenClaw's USD figures 4.1B credits of mimo-v2.5 cost $5.74: less than Lite's $6
    doc = cli.json(["estimate", "--model", "mimo-v2.5", "--cache-miss", "20M", "--as-of", AS_OF])
    lite = next(p for p in doc["payg"]["plans"] if (p["tier"], p["cycle"]) == ("Lite", "monthly"))
    assert lite["never_cheaper"] is True and lite["cheaper_than_payg"] is False


def test_estimate_for_a_person_says_the_prices_are_unofficial(cli: Cli) -> None:
    text = cli.run(["estimate", *PRO_MISS, "--currency", "CNY"]).stdout
    assert "Against pay-as-you-go (unofficial prices): the same use costs ¥30.00 a month" in text
    assert "3.9B" in text


def test_simulate_json_carries_payg(cli: Cli) -> None:
    doc = cli.json(["simulate", *PRO_MISS, "--runs", "200", "--spread", "20%"])
    assert doc["payg"]["cost_per_month"] == "4.35"  # 10M tokens at OpenClaw's $0.435 a million
    assert len(doc["payg"]["plans"]) == 8


def test_status_prices_the_rest_of_the_cycle_beside_the_upgrade(cli: Cli) -> None:
    args = ["status", "--tier", "Lite", "--start", "2026-11-01", "--now", "2026-11-20", "--used", "80%"]
    doc = cli.json([*args, "--currency", "CNY"])
    payg = doc["payg"]
    assert (payg["from"], payg["until"]) == ("2026-11-24T18:00:00Z", "2026-12-02T00:00:00Z")
    # 172.6M credits a day for 7.25 days, at ¥0.01 a million credits
    assert payg["cost_low"] == payg["cost_high"] == "12.52"
    assert payg["upgrade_cost"] == "91.20" and payg["cheaper"] == "payg"
    assert payg["official"] is False
    assert any(
        r.startswith("paying as you go from 2026-11-24 to 2026-12-02 would cost ¥12.52")
        for r in doc["reasons"]
    )


def test_status_that_lasts_has_no_payg(cli: Cli) -> None:
    doc = cli.json(
        ["status", "--tier", "Max", "--start", "2026-11-01", "--now", "2026-11-20", "--used", "10%"]
    )
    assert doc["payg"] is None


def test_rates_lists_the_prices_and_what_has_none(cli: Cli) -> None:
    doc = cli.json(["rates", "--as-of", AS_OF])
    payg = doc["payg"]
    assert payg["unpriced_models"] == ["mimo-v2.5-asr"]
    pro = next(p for p in payg["prices"] if (p["model"], p["currency"]) == ("mimo-v2.5-pro", "CNY"))
    assert pro["rates"] == {"cache_hit": Decimal("0.025"), "cache_miss": 3, "output": 6}
    assert pro["official"] is False and pro["as_of"] == "2026-05-27" and pro["source"]


# A card of the user's own


@pytest.fixture
def own_card(tmp_path: Path) -> Callable[[str, str], Path]:
    text = builtin_card_path().read_text()

    def make(old: str, new: str) -> Path:
        assert old in text
        path = tmp_path / "card.toml"
        path.write_text(text.replace(old, new, 1))
        return path

    return make


def test_official_prices_a_user_fills_in_drop_the_caveat(
    cli: Cli, own_card: Callable[[str, str], Path]
) -> None:
    entry = "rates = { cache_hit = 0.025, cache_miss = 3, output = 6 }\nofficial = "
    card = own_card(entry + "false", entry + "true")
    doc = cli.json(["estimate", *PRO_MISS, "--currency", "CNY", "--rates", str(card)])
    assert doc["payg"]["official"] is True
    assert not any("unofficial" in note for note in doc["payg"]["notes"])


def test_a_price_for_speech_recognition_makes_the_comparison_complete(
    cli: Cli, own_card: Callable[[str, str], Path]
) -> None:
    asr = '[[payg.prices]]\nmodel = "mimo-v2.5-asr"\ncurrency = "USD"\nper_audio_hour = 0.3\nas_of = 2026-12-01\nsource = "mine"\n\n'
    card = own_card("[[payg.prices]]\n", asr + "[[payg.prices]]\n")
    doc = cli.json(["estimate", "--audio-hours", "10", "--as-of", AS_OF, "--rates", str(card)])
    assert doc["payg"]["cost_per_month"] == "3.00" and doc["payg"]["complete"] is True


def test_a_card_without_payg_makes_no_comparison(cli: Cli, tmp_path: Path) -> None:
    text = builtin_card_path().read_text()
    start = text.index("# Pay-as-you-go API prices")
    card = tmp_path / "card.toml"
    card.write_text(text[:start] + text[text.index("# One-off events") :])
    doc = cli.json(["estimate", *PRO_MISS, "--rates", str(card)])
    assert doc["payg"] is None
    assert "pay-as-you-go" not in cli.run(["estimate", *PRO_MISS, "--rates", str(card)]).stdout


@pytest.mark.parametrize(
    ("old", "new", "fault"),
    [
        pytest.param(
            'model = "mimo-v2.5-pro"\ncurrency = "CNY"',
            'model = "mimo-v9"\ncurrency = "CNY"',
            "payg.prices[0].model: unknown model 'mimo-v9'",
            id="unknown-model",
        ),
        pytest.param(
            'model = "mimo-v2.5-pro"\ncurrency = "CNY"',
            'model = "mimo-v2.5-pro"\ncurrency = "EUR"',
            "payg.prices[0].currency: 'EUR' is not among",
            id="unknown-currency",
        ),
        pytest.param(
            'model = "mimo-v2.5"\ncurrency = "CNY"',
            'model = "mimo-v2.5-pro"\ncurrency = "CNY"',
            "mimo-v2.5-pro has two CNY prices",
            id="twice",
        ),
        pytest.param(
            "rates = { cache_hit = 0.025,",
            "rates = { cache_hit = -0.025,",
            "payg.prices[0].rates.cache_hit: must not be negative",
            id="negative",
        ),
        pytest.param(
            "rates = { cache_hit = 0.025, cache_miss = 3, output = 6 }",
            "per_audio_hour = 1",
            "payg.prices[0].per_audio_hour: mimo-v2.5-pro is billed by tokens",
            id="audio-for-llm",
        ),
        pytest.param(
            "rates = { cache_hit = 0.025, cache_miss = 3, output = 6 }\n",
            "",
            "payg.prices[0].rates: missing",
            id="no-rates",
        ),
        pytest.param(
            'as_of = 2026-05-27\nsource = "MiMo-V2.5 price cut of 2026-05-27, as reported (lzwjava',
            'as_of = 2026-05-27\nsource = " "\nnote2 = "(lzwjava',
            "payg.prices[0]",
            id="blank-source",
        ),
        pytest.param(
            "official = false\nas_of = 2026-05-27",
            'official = false\nas_of = "yesterday"',
            "payg.prices[0].as_of: expected a date",
            id="bad-date",
        ),
        pytest.param(
            "per_tokens = 1_000_000", "per_tokens = 0", "payg.per_tokens: must be at least 1", id="per-tokens"
        ),
    ],
)
def test_bad_payg_entries_are_one_line_errors(
    cli: Cli, own_card: Callable[[str, str], Path], old: str, new: str, fault: str
) -> None:
    assert fault in cli.error(["rates", "validate", str(own_card(old, new))])
