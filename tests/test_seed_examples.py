"""The worked examples of the two seed documents, as the engine must reproduce them."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

import pytest

from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.money import round_money
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import Quantities, Usage, UsageLine

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def credits_of(card: RateCard, model: str, **quantities: int) -> Fraction:
    """Credits of peak-hour usage of one model."""
    line = UsageLine(model, "peak", Quantities(**{k: Fraction(v) for k, v in quantities.items()}))
    return compute_credits(Usage.of([line]), card, NOW).total


def test_ten_million_cache_miss_tokens_of_v25_pro_cost_3000m_credits(card: RateCard) -> None:
    # FAQ: "After you have used 10M input (cache miss) tokens of mimo-v2.5-pro, it is equivalent to consuming
    # 3000M Credits. You can still enjoy 1100M Credits" of a Lite plan (4.1B).
    used = credits_of(card, "mimo-v2.5-pro", cache_miss=10_000_000)
    assert used == 3_000_000_000
    lite = card.tier("Lite").on("monthly").credits
    assert lite - used == 1_100_000_000


def test_lite_covers_136_67_hours_of_asr_audio(card: RateCard) -> None:
    # FAQ: "4100M ÷ 30M/hour = 136.6 hours per month (... 4.5 hours of audio per day)".
    per_hour = credits_of(card, "mimo-v2.5-asr", audio_seconds=3600)
    assert per_hour == 30_000_000
    hours = card.tier("Lite").on("monthly").credits / per_hour
    assert hours == Fraction(410, 3)
    assert round_money(hours, 2) == round_money(Fraction(13667, 100), 2)
    # The FAQ truncates (136.6 hours, 4.5 a day); tokenplan rounds half-up: 136.67 and 4.56 a day.
    assert str(round_money(hours, 2)) == "136.67"
    assert str(round_money(hours / 30, 2)) == "4.56"


def test_asr_is_counted_to_the_second(card: RateCard) -> None:
    # FAQ: "duration is counted accurately to the second and finally converted to hours".
    assert credits_of(card, "mimo-v2.5-asr", audio_seconds=1) == Fraction(30_000_000, 3600)
    assert credits_of(card, "mimo-v2.5-asr", audio_seconds=5400) == 45_000_000


def test_ten_million_peak_credits_cost_eight_million_off_peak(card: RateCard) -> None:
    # FAQ: "consume 10M Credits during peak hours, it will only consume 8M during off-peak hours".
    # 10M credits of mimo-v2.5-pro output = 10M / 600 tokens.
    tokens = Fraction(10_000_000, 600)
    usage_peak = Usage.of([UsageLine("mimo-v2.5-pro", "peak", Quantities(output=tokens))])
    usage_night = Usage.of([UsageLine("mimo-v2.5-pro", "offpeak", Quantities(output=tokens))])
    assert compute_credits(usage_peak, card, NOW).total == 10_000_000
    assert compute_credits(usage_night, card, NOW).total == 8_000_000


@pytest.mark.parametrize("tier", ["Lite", "Standard", "Pro", "Max"])
@pytest.mark.parametrize("currency", ["USD", "CNY"])
def test_every_annual_price_is_12_monthly_times_0_88_to_the_cent(
    card: RateCard, tier: str, currency: str
) -> None:
    # SUB: "Continuous annual subscription: Enjoy an 88% discount compared to continuous monthly".
    plan = card.tier(tier)
    monthly = plan.on("monthly").prices[currency]
    annual = plan.on("annual").prices[currency]
    assert round_money(monthly * 12 * Fraction(88, 100), 2) == round_money(annual, 2)
    assert card.warnings == ()


@pytest.mark.parametrize(
    ("tier", "monthly", "annual"),
    [
        ("Lite", 4_100_000_000, 49_200_000_000),
        ("Standard", 11_000_000_000, 132_000_000_000),
        ("Pro", 38_000_000_000, 456_000_000_000),
        ("Max", 82_000_000_000, 984_000_000_000),
    ],
)
def test_annual_credits_are_one_pool_of_twelve_months(
    card: RateCard, tier: str, monthly: int, annual: int
) -> None:
    assert card.tier(tier).on("monthly").credits == monthly
    assert card.tier(tier).on("annual").credits == annual == 12 * monthly


@pytest.mark.parametrize(
    ("model", "rates"),
    [
        ("mimo-v2.5-pro", (Fraction(5, 2), 300, 600)),
        ("mimo-v2.5", (2, 100, 200)),
    ],
)
def test_language_model_rates_per_token(card: RateCard, model: str, rates: tuple[Fraction, int, int]) -> None:
    hit, miss, out = rates
    assert credits_of(card, model, cache_hit=1) == hit
    assert credits_of(card, model, cache_miss=1) == miss
    assert credits_of(card, model, output=1) == out


@pytest.mark.parametrize(
    "model", ["mimo-v2.5-tts", "mimo-v2.5-tts-voiceclone", "mimo-v2.5-tts-voicedesign", "mimo-v2-tts"]
)
def test_tts_is_free_for_now(card: RateCard, model: str) -> None:
    assert credits_of(card, model, output=1_000_000, cache_miss=1_000_000) == 0
    assert card.model(model).promotion == "free for a limited time"
