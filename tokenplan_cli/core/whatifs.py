"""What-ifs: levers a user pulls to see what they save. Each rewrites a usage exactly (Fractions).

`--shift-offpeak` and `--mix` rewrite the profile itself (its totals, every observed day and its hours),
so the credit engine prices the new usage as it would a real one. `--growth` and `--active-days` change
how days are drawn, not what a day holds: they are parameters of the simulation (`Lever` carries all four).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from tokenplan_cli.core.amounts import parse_share
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import percent
from tokenplan_cli.core.offpeak import hour_in_window
from tokenplan_cli.core.profile import UsageProfile
from tokenplan_cli.core.ratecard import OffPeakWindow, RateCard
from tokenplan_cli.core.usage import Usage, UsageLine
from tokenplan_cli.tuples import NamedTuple


class Lever(NamedTuple):
    """A what-if: the levers pulled (None: not pulled)."""

    shift_offpeak: Fraction | None = None
    growth: Fraction | None = None  # monthly growth of use, compounding
    mix: tuple[str, Fraction] | None = None  # (target model, share of the other models' work moved)
    active_days: int | None = None

    @property
    def name(self) -> str:
        """`baseline`, the one lever pulled (`growth`, …), or `combined`."""
        pulled = [field for field, value in zip(self._fields, self, strict=True) if value is not None]
        return pulled[0] if len(pulled) == 1 else ("baseline" if not pulled else "combined")

    @property
    def label(self) -> str:
        """How the what-if reads in a table: `shift 20.0 % of peak use off-peak; use grows 10.0 % a month`."""
        parts = []
        if self.shift_offpeak is not None:
            parts.append(f"shift {percent(self.shift_offpeak)} of peak use off-peak")
        if self.growth is not None:
            parts.append(f"use grows {percent(self.growth)} a month")
        if self.mix is not None:
            parts.append(f"move {percent(self.mix[1])} of the work to {self.mix[0]}")
        if self.active_days is not None:
            parts.append(f"{self.active_days} active days a month")
        return "; ".join(parts) or "as measured"

    def singles(self) -> tuple[Lever, ...]:
        """Each lever pulled here, alone; then all of them together when there are several."""
        alone = tuple(
            Lever._make(value if f == field else None for f in self._fields)
            for field, value in zip(self._fields, self, strict=True)
            if value is not None
        )
        return alone + ((self,) if len(alone) > 1 else ())


BASELINE = Lever()


def mix_value(card: RateCard, model: str, share: Fraction) -> tuple[str, Fraction]:
    """The what-if of moving `share` of the other models' work to `model` (the card's name of it)."""
    return card.model(model).name, parse_share(share, field="mix")


def apply_lever(profile: UsageProfile, lever: Lever, card: RateCard) -> UsageProfile:
    """The profile with the lever's usage rewrites applied (growth and active days are not rewrites)."""
    if lever.mix is not None:
        profile = move_work(profile, *lever.mix, card)
    if lever.shift_offpeak is not None:
        profile = shift_offpeak(profile, lever.shift_offpeak, card.offpeak)
    return profile


def shift_offpeak(profile: UsageProfile, share: Fraction, window: OffPeakWindow) -> UsageProfile:
    """`share` of every model's peak use moved into the off-peak window (same tokens, other hours)."""

    def shift(line: UsageLine) -> list[UsageLine]:
        if line.window == "offpeak":
            return [line]
        moved = line.quantities.scaled(share)
        return [
            line._replace(quantities=line.quantities.scaled(1 - share)),
            UsageLine(line.model, "offpeak", moved),
        ]

    shifted = _rewrite(profile, shift)
    old = profile.offpeak_share
    return shifted._replace(
        offpeak_share=None if old is None else old + share * (1 - old),
        hours_utc=None if profile.hours_utc is None else _shift_hours(profile.hours_utc, share, window),
    )


def _shift_hours(hours: tuple[Fraction, ...], share: Fraction, window: OffPeakWindow) -> tuple[Fraction, ...]:
    """Hour weights with `share` of the peak part of each hour moved into the off-peak hours.

    The moved weight goes to the off-peak parts in proportion to the use already there (or evenly over the
    window's minutes when there is none).
    """
    inside = [hour_in_window(hour, window) for hour in range(len(hours))]
    moved = sum((w * (1 - f) * share for w, f in zip(hours, inside, strict=True)), Fraction(0))
    receivers = [w * f for w, f in zip(hours, inside, strict=True)]
    if not any(receivers):
        receivers = inside
    total = sum(receivers, Fraction(0))
    return tuple(
        w - w * (1 - f) * share + moved * r / total for w, f, r in zip(hours, inside, receivers, strict=True)
    )


def move_work(profile: UsageProfile, target: str, share: Fraction, card: RateCard) -> UsageProfile:
    """`share` of every other language model's tokens moved to `target`, kind by kind and window by window.

    The same requests, answered by another model: for a profile that uses one model, `--mix
    mimo-v2.5=70%` means mimo-v2.5 does 70 % of the work.
    """
    model = card.model(target)
    if model.kind != "llm":
        raise BadInputError(
            f"{model.name} is not a language model ({model.kind}); work moves to a language model",
            field="mix",
        )

    def move(line: UsageLine) -> list[UsageLine]:
        if line.model == model.name or card.model(line.model).kind != "llm" or not line.quantities.tokens:
            return [line]
        return [
            line._replace(quantities=line.quantities.scaled(1 - share)),
            UsageLine(model.name, line.window, line.quantities.scaled(share)),
        ]

    moved = _rewrite(profile, move)
    if moved.usage == profile.usage and all(a == b for a, b in zip(moved.days, profile.days, strict=True)):
        raise BadInputError(f"no other language model's work to move to {model.name}", field="mix")
    return moved


def _rewrite(profile: UsageProfile, rewrite: Callable[[UsageLine], list[UsageLine]]) -> UsageProfile:
    """The profile with every usage line (totals and each observed day) replaced by `rewrite(line)`."""

    def usage(value: Usage) -> Usage:
        return Usage.of(new for line in value.lines for new in rewrite(line))

    return profile._replace(
        usage=usage(profile.usage),
        days=tuple(day._replace(usage=usage(day.usage)) for day in profile.days),
    )
