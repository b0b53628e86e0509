"""The credit engine: exact credits for a `Usage` under a rate card at an instant.

For a language model, credits = Σ tokens(kind) × rate(kind), with cache writes charged as cache misses
and reasoning tokens as output (the card's `[charging]`). For ASR, credits = seconds × rate per hour / 3600.
Off-peak quantities are multiplied by the off-peak coefficient. All arithmetic is on `Fraction`s, so the
engine is additive: pricing two halves of a usage gives exactly the price of the whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.lifecycle import ResolvedModel, Status, resolve_model
from tokenplan_cli.core.ratecard import SECONDS_PER_HOUR, TOKEN_KINDS, RateCard
from tokenplan_cli.core.usage import ZERO, Quantities, Usage, Window
from tokenplan_cli.tuples import NamedTuple

# The kinds credits are reported by: the token kinds, then audio.
CREDIT_KINDS = (*TOKEN_KINDS, "audio")


class ModelCredits(NamedTuple):
    """What one model's usage costs, split by kind and by window."""

    model: str
    charged_as: str
    status: Status
    promotion: str | None
    quantities: Quantities  # both windows together
    credits_by_kind: Mapping[str, Fraction]  # after the off-peak coefficient
    credits_peak: Fraction
    credits_offpeak: Fraction  # after the coefficient
    base_offpeak: Fraction  # the off-peak part before the coefficient
    notes: tuple[str, ...]

    @property
    def credits(self) -> Fraction:
        return self.credits_peak + self.credits_offpeak


class CreditBreakdown(NamedTuple):
    models: tuple[ModelCredits, ...]

    @property
    def total(self) -> Fraction:
        return sum((m.credits for m in self.models), ZERO)

    @property
    def peak(self) -> Fraction:
        return sum((m.credits_peak for m in self.models), ZERO)

    @property
    def offpeak(self) -> Fraction:
        return sum((m.credits_offpeak for m in self.models), ZERO)

    @property
    def offpeak_share(self) -> Fraction | None:
        """The share of the undiscounted credits that fell off-peak (None for no usage)."""
        base_offpeak = sum((m.base_offpeak for m in self.models), ZERO)
        base_total = self.peak + base_offpeak
        return base_offpeak / base_total if base_total else None

    def by_kind(self) -> dict[str, Fraction]:
        totals = dict.fromkeys(CREDIT_KINDS, ZERO)
        for model in self.models:
            for kind, credits in model.credits_by_kind.items():
                totals[kind] += credits
        return totals

    def notes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(note for m in self.models for note in m.notes))


def compute_base_credits(quantities: Quantities, model: ResolvedModel, card: RateCard) -> dict[str, Fraction]:
    """Credits by kind for `quantities` of `model`, before any off-peak coefficient."""
    credits = dict.fromkeys(CREDIT_KINDS, ZERO)
    if model.rates is not None:
        for kind in TOKEN_KINDS:
            count = getattr(quantities, kind)
            if count:
                credits[kind] = count * model.rates.of(card.priced_kind(kind))
    elif quantities.tokens:
        raise BadInputError(f"{model.requested} is charged by audio duration, not tokens")
    if quantities.audio_seconds:
        if model.credits_per_audio_hour is None:
            raise BadInputError(f"{model.requested} is charged by tokens, not audio duration")
        credits["audio"] = quantities.audio_seconds * model.credits_per_audio_hour / SECONDS_PER_HOUR
    return credits


def window_coefficient(window: Window, card: RateCard) -> Fraction:
    return card.offpeak.coefficient if window == "offpeak" else Fraction(1)


def compute_credits(usage: Usage, card: RateCard, as_of: datetime) -> CreditBreakdown:
    """Exact credits for every model of `usage` under the rules in force at `as_of`."""
    per_model: dict[str, list[tuple[Window, Quantities]]] = {}
    for line in usage.lines:
        per_model.setdefault(line.model, []).append((line.window, line.quantities))
    return CreditBreakdown(
        tuple(_model_credits(name, windows, card, as_of) for name, windows in per_model.items())
    )


def _model_credits(
    name: str, windows: list[tuple[Window, Quantities]], card: RateCard, as_of: datetime
) -> ModelCredits:
    resolved = resolve_model(card, name, as_of)
    by_kind = dict.fromkeys(CREDIT_KINDS, ZERO)
    peak = offpeak = base_offpeak = ZERO
    total_quantities = Quantities()
    for window, quantities in windows:
        total_quantities = total_quantities.plus(quantities)
        coefficient = window_coefficient(window, card)
        base = compute_base_credits(quantities, resolved, card)
        for kind, credits in base.items():
            if credits:  # (a report prices hundreds of lines: no product of nothing)
                by_kind[kind] += credits * coefficient if coefficient != 1 else credits
        window_base = sum(base.values(), ZERO)
        if window == "offpeak":
            offpeak += window_base * coefficient
            base_offpeak += window_base
        else:
            peak += window_base
    return ModelCredits(
        model=resolved.requested,
        charged_as=resolved.charged_as,
        status=resolved.status,
        promotion=resolved.promotion,
        quantities=total_quantities,
        credits_by_kind=by_kind,
        credits_peak=peak,
        credits_offpeak=offpeak,
        base_offpeak=base_offpeak,
        notes=resolved.notes,
    )
