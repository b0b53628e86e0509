"""A `UsageProfile` observed in logs as a `usage.toml` (docs/usage-profile.md) that the profile reader reads.

Every model entry (totals and each day's) carries its exact off-peak part, so the file prices to the
credit what the logs did; `hours` (local hours of `timezone`) are rounded to whole credits, as weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tokenplan_cli.core.money import round_half_up
from tokenplan_cli.core.profile import UsageProfile
from tokenplan_cli.core.usage import QUANTITY_NAMES, Quantities, Usage

SCHEMA_VERSION = 1
# Audio seconds that do not end in a decimal are written to this many places.
AUDIO_DECIMALS = 6


def profile_to_toml(profile: UsageProfile, local_hours: Sequence[Fraction]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "name": profile.name,
        "period_days": int(profile.period.days or 0),
        "timezone": profile.timezone,
    }
    weights = [int(round_half_up(weight, 0)) for weight in local_hours]
    if any(weights):
        document["hours"] = weights
    document["models"] = _models(profile.usage)
    document["days"] = [
        {"date": day.day, **({"models": _models(day.usage)} if not day.usage.is_empty() else {})}
        for day in profile.days
    ]
    document["observed"] = {key: value for key, value in profile.observed.items() if value is not None}
    return document


def _models(usage: Usage) -> list[dict[str, Any]]:
    by_model: dict[str, dict[str, Quantities]] = {}
    for line in usage.lines:
        windows = by_model.setdefault(line.model, {})
        windows[line.window] = windows.get(line.window, Quantities()).plus(line.quantities)
    entries = []
    for model, windows in by_model.items():
        offpeak = windows.get("offpeak", Quantities())
        total = windows.get("peak", Quantities()).plus(offpeak)
        if total.is_zero():
            continue
        entries.append({"model": model, **_amounts(total), "offpeak": _amounts(offpeak)})
    return entries


def _amounts(quantities: Quantities) -> dict[str, Any]:
    return {name: _number(value) for name, value in zip(QUANTITY_NAMES, quantities, strict=True) if value}


def _number(value: Fraction) -> int | Decimal:
    if value.denominator == 1:
        return value.numerator
    return round_half_up(value, AUDIO_DECIMALS).normalize()
