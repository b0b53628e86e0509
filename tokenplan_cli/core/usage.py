"""Usage: what was (or will be) consumed, by model, kind of quantity and time window.

Every source (flags, a usage-profile TOML, tool logs) ends up as a `Usage`: a set of `UsageLine`s, each
the quantities one model used in the peak or the off-peak window. The credit engine prices a `Usage`;
nothing downstream needs to know where it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Literal

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import SECONDS_PER_HOUR, RateCard
from tokenplan_cli.tuples import NamedTuple

Window = Literal["peak", "offpeak"]
WINDOWS: tuple[Window, ...] = ("peak", "offpeak")
ZERO = Fraction(0)


class Quantities(NamedTuple):
    """Token counts by kind, and seconds of input audio. Exact; may be fractional for averages."""

    cache_hit: Fraction = ZERO
    cache_miss: Fraction = ZERO
    cache_write: Fraction = ZERO
    output: Fraction = ZERO
    reasoning: Fraction = ZERO
    audio_seconds: Fraction = ZERO

    def plus(self, other: Quantities) -> Quantities:
        """Kind by kind sum (not tuple concatenation: these are NamedTuples)."""
        return Quantities(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))

    def __add__(self, other: Quantities) -> Quantities:  # type: ignore[override]
        """`a + b` sums kind by kind, as `plus` does."""
        return self.plus(other)

    def scaled(self, factor: Fraction) -> Quantities:
        return Quantities(*(value * factor for value in self.values()))

    def values(self) -> tuple[Fraction, ...]:
        return tuple(self)

    def as_dict(self) -> dict[str, Fraction]:
        return dict(zip(self._fields, self, strict=True))

    def is_zero(self) -> bool:
        return not any(self.values())

    @property
    def tokens(self) -> Fraction:
        """All tokens of every kind (not audio)."""
        return self.cache_hit + self.cache_miss + self.cache_write + self.output + self.reasoning


QUANTITY_NAMES = Quantities._fields


class UsageLine(NamedTuple):
    model: str
    window: Window
    quantities: Quantities


class Usage(NamedTuple):
    """Quantities by (model, window). Lines for the same key are merged on construction."""

    lines: tuple[UsageLine, ...] = ()

    @staticmethod
    def of(lines: Iterable[UsageLine]) -> Usage:
        merged: dict[tuple[str, Window], Quantities] = {}
        for line in lines:
            key = (line.model, line.window)
            found = merged.get(key)
            merged[key] = line.quantities if found is None else found.plus(line.quantities)
        return Usage(tuple(UsageLine(m, w, q) for (m, w), q in merged.items()))

    def plus(self, other: Usage) -> Usage:
        """Both usages' lines, merged by (model, window)."""
        return Usage.of(self.lines + other.lines)

    def __add__(self, other: Usage) -> Usage:  # type: ignore[override]
        return self.plus(other)

    def scaled(self, factor: Fraction) -> Usage:
        return Usage(tuple(line._replace(quantities=line.quantities.scaled(factor)) for line in self.lines))

    def models(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.model for line in self.lines))

    def is_empty(self) -> bool:
        return all(line.quantities.is_zero() for line in self.lines)


def split_by_share(model: str, total: Quantities, offpeak_share: Fraction) -> Usage:
    """A model's total quantities, of which `offpeak_share` fell in the off-peak window."""
    return Usage.of(
        (
            UsageLine(model, "peak", total.scaled(1 - offpeak_share)),
            UsageLine(model, "offpeak", total.scaled(offpeak_share)),
        )
    )


class Period(NamedTuple):
    """What span the amounts of a source cover, and how many such spans make a month.

    `per` is "day", "week", "month" or "days" (an observed span of `days` calendar days, as written by
    `usage profile`). `active_days` is how many days of a month are used, for `per="day"`.
    """

    per: Literal["day", "week", "month", "days"] = "month"
    active_days: int | None = None
    days: Fraction | None = None

    def to_month(self, month_days: int) -> Fraction:
        """The factor that turns an amount per this period into an amount per month of `month_days`."""
        if self.per == "month":
            return Fraction(1)
        if self.per == "day":
            return Fraction(self.active_days if self.active_days is not None else month_days)
        if self.per == "week":
            return Fraction(month_days, 7)
        assert self.days is not None and self.days > 0
        return Fraction(month_days) / self.days


class UsageSource(NamedTuple):
    """A usage as its source gave it, before it is scaled to a month: lines, period and a description."""

    usage: Usage
    period: Period
    label: str  # e.g. "flags", "profile usage.toml"
    offpeak_share: Fraction | None = None  # the share the source assumed, if it used one
    notes: tuple[str, ...] = ()
    hours: Mapping[int, Fraction] | None = None  # hour-of-day weights in UTC, if the source has them


def usage_from_amounts(
    card: RateCard,
    *,
    model: str | None,
    tokens: Quantities,
    audio_hours: Fraction,
    offpeak_share: Fraction,
    period: Period,
) -> UsageSource:
    """Token amounts of one `model` and hours of audio (`estimate --model M --cache-hit …`) as a source.

    Token amounts belong to `model`; audio hours to the card's ASR model (or to `model` when that is
    an ASR model; a TTS model charges no audio, so audio hours with one are refused rather than moved to
    ASR). The off-peak share applies to everything.
    """
    lines: list[UsageLine] = []
    asr = None
    if audio_hours:
        named = card.model(model) if model else None
        if named is not None and named.kind == "tts":
            raise BadInputError(
                f"{named.name} is a speech synthesis model and charges no audio input; speech "
                f"recognition is {card.asr_model().name} (drop the TTS model, or name that one)",
                field="audio_hours",
            )
        asr = named if named is not None and named.kind == "asr" else card.asr_model()
        audio = Quantities(audio_seconds=audio_hours * SECONDS_PER_HOUR)
        lines += split_by_share(asr.name, audio, offpeak_share).lines
    if not tokens.is_zero():
        if model is None:
            raise BadInputError(
                "token amounts need a model: add `model` (e.g. `model` mimo-v2.5-pro)", mentions=("model",)
            )
        named = card.model(model)
        if named.kind == "asr":
            raise BadInputError(
                f"{named.name} is charged by audio duration: use `audio_hours`, not tokens",
                mentions=("audio_hours",),
            )
        lines += split_by_share(named.name, tokens, offpeak_share).lines
    elif model is not None and asr is None:
        card.model(model)  # an unknown name is still an error, even with no amounts
    if not lines:
        raise BadInputError(
            "no usage given: add `cache_hit`/`cache_miss`/`output`, `audio_hours`, or `profile` FILE",
            mentions=("cache_hit", "cache_miss", "output", "audio_hours", "profile"),
        )
    return UsageSource(usage=Usage.of(lines), period=period, label="flags", offpeak_share=offpeak_share)
