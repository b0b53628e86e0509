"""A usage profile: a described usage (hand-written, or observed in logs) as the planner reads it.

The file format is documented in docs/usage-profile.md; `tokenplan_cli.readers.profile` parses it and
`tokenplan usage profile` writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from tokenplan_cli.core.usage import Period, Usage, UsageSource
from tokenplan_cli.tuples import NamedTuple


class DayUsage(NamedTuple):
    """One observed day: what each model used in each window."""

    day: date
    usage: Usage


class UsageProfile(NamedTuple):
    source: str  # the file it came from
    name: str
    period: Period
    timezone: str
    usage: Usage  # per period, split into windows
    offpeak_share: Fraction | None  # the share applied to models without an exact off-peak part
    hours_utc: tuple[Fraction, ...] | None  # 24 weights by UTC hour, if the profile has hours
    days: tuple[DayUsage, ...] = ()
    observed: Mapping[str, Any] = MappingProxyType({})
    notes: tuple[str, ...] = ()  # assumptions a reader of any output must see (e.g. assumed models)

    def to_source(self) -> UsageSource:
        return UsageSource(
            usage=self.usage,
            period=self.period,
            label=f"profile {self.source}",
            offpeak_share=self.offpeak_share,
            hours=dict(enumerate(self.hours_utc)) if self.hours_utc else None,
            notes=self.notes,
        )


def profile_from_source(source: UsageSource) -> UsageProfile:
    """A source without observed days (e.g. the flags of `estimate`) as a profile, for the simulation."""
    hours = tuple(source.hours[hour] for hour in range(len(source.hours))) if source.hours else None
    return UsageProfile(
        source=source.label,
        name=source.label,
        period=source.period,
        timezone="UTC",
        usage=source.usage,
        offpeak_share=source.offpeak_share,
        hours_utc=hours,
    )
