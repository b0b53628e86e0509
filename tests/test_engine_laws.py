"""Laws of the credit engine, checked by hypothesis over random usages."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import Quantities, Usage, UsageLine, split_by_share

LLM_MODELS = ["mimo-v2.5-pro", "mimo-v2.5", "mimo-v2-pro", "mimo-v2-omni", "mimo-v2.5-tts"]
tokens = st.integers(min_value=0, max_value=10**12).map(Fraction)
shares = st.fractions(min_value=0, max_value=1, max_denominator=1000)


@st.composite
def token_quantities(draw: st.DrawFn) -> Quantities:
    return Quantities(
        cache_hit=draw(tokens),
        cache_miss=draw(tokens),
        cache_write=draw(tokens),
        output=draw(tokens),
        reasoning=draw(tokens),
    )


@st.composite
def usages(draw: st.DrawFn) -> Usage:
    lines = [
        UsageLine(
            draw(st.sampled_from(LLM_MODELS)),
            draw(st.sampled_from(["peak", "offpeak"])),
            draw(token_quantities()),
        )
        for _ in range(draw(st.integers(1, 4)))
    ]
    audio = draw(st.integers(0, 10**6))
    if audio:
        lines.append(UsageLine("mimo-v2.5-asr", "peak", Quantities(audio_seconds=Fraction(audio))))
    return Usage.of(lines)


def total(usage: Usage, card: RateCard, now: datetime) -> Fraction:
    return compute_credits(usage, card, now).total


@given(usages(), usages())
def test_additive_two_parts_cost_what_the_whole_costs(
    card: RateCard, now: datetime, a: Usage, b: Usage
) -> None:
    assert total(a, card, now) + total(b, card, now) == total(a.plus(b), card, now)


@given(usages(), st.fractions(min_value=0, max_value=1, max_denominator=97))
def test_splitting_a_usage_in_two_gives_the_same_credits(
    card: RateCard, now: datetime, usage: Usage, part: Fraction
) -> None:
    assert total(usage.scaled(part), card, now) + total(usage.scaled(1 - part), card, now) == total(
        usage, card, now
    )


@given(usages(), token_quantities(), st.sampled_from(LLM_MODELS))
def test_more_usage_never_costs_less(
    card: RateCard, now: datetime, usage: Usage, extra: Quantities, model: str
) -> None:
    more = usage.plus(Usage.of([UsageLine(model, "peak", extra)]))
    assert total(more, card, now) >= total(usage, card, now)


@given(token_quantities(), st.sampled_from(LLM_MODELS), shares)
def test_off_peak_never_costs_more(
    card: RateCard, now: datetime, q: Quantities, model: str, share: Fraction
) -> None:
    all_peak = Usage.of([UsageLine(model, "peak", q)])
    some_night = split_by_share(model, q, share)
    assert total(some_night, card, now) <= total(all_peak, card, now)


@given(token_quantities(), shares)
def test_off_peak_share_scales_credits_by_the_coefficient(
    card: RateCard, now: datetime, q: Quantities, share: Fraction
) -> None:
    base = total(Usage.of([UsageLine("mimo-v2.5-pro", "peak", q)]), card, now)
    split = total(split_by_share("mimo-v2.5-pro", q, share), card, now)
    assert split == base * (1 - share) + base * share * card.offpeak.coefficient


@given(token_quantities())
def test_cache_writes_cost_cache_misses_and_reasoning_costs_output(
    card: RateCard, now: datetime, q: Quantities
) -> None:
    folded = Quantities(
        cache_hit=q.cache_hit, cache_miss=q.cache_miss + q.cache_write, output=q.output + q.reasoning
    )
    assert total(Usage.of([UsageLine("mimo-v2.5", "peak", q)]), card, now) == total(
        Usage.of([UsageLine("mimo-v2.5", "peak", folded)]), card, now
    )
