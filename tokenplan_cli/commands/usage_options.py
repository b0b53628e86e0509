"""The usage options of `estimate`, `simulate` and `check`: token flags or a usage profile.

Each command declares the same options (these aliases) and hands their values to `read_usage`, which
returns a `UsageProfile` whichever way the usage was given.
"""

from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from tokenplan_cli.core.amounts import parse_amount, parse_share
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.profile import UsageProfile, profile_from_source
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import Period, Quantities, UsageSource, usage_from_flags

PER_CHOICES = ("day", "week", "month")

ModelOption = Annotated[str | None, typer.Option("--model", "-m", help="Model the token amounts are for.")]
CacheHitOption = Annotated[
    str | None,
    typer.Option("--cache-hit", help="Input tokens served from cache (e.g. 50M).", show_default=False),
]
CacheMissOption = Annotated[
    str | None, typer.Option("--cache-miss", help="Input tokens not in cache.", show_default=False)
]
OutputTokensOption = Annotated[
    str | None, typer.Option("--output", help="Output tokens (reasoning included).", show_default=False)
]
AudioHoursOption = Annotated[
    str | None,
    typer.Option("--audio-hours", help="Hours of audio for speech recognition.", show_default=False),
]
OffpeakOption = Annotated[
    str | None,
    typer.Option("--offpeak", help="Share of use in the off-peak window (30% or 0.3).", show_default=False),
]
PerOption = Annotated[str, typer.Option("--per", help="The amounts are per day, week or month.")]
DaysOption = Annotated[
    int | None,
    typer.Option("--days", help="Active days a month, with --per day (default 30).", show_default=False),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option("--profile", help="A usage-profile TOML instead of the flags.", show_default=False),
]


class UsageFlags(NamedTuple):
    """The values of the usage options, as typed."""

    model: str | None = None
    cache_hit: str | None = None
    cache_miss: str | None = None
    output: str | None = None
    audio_hours: str | None = None
    offpeak: str | None = None
    per: str = "month"
    days: int | None = None

    def given(self) -> list[str]:
        """The flags given, as a person typed them (`--per` only when not the default)."""
        names = [f"--{name.replace('_', '-')}" for name, value in self._asdict().items() if value is not None]
        return [name for name in names if name != "--per" or self.per != "month"]


def read_usage(card: RateCard, profile: Path | None, flags: UsageFlags, *, as_of: datetime) -> UsageProfile:
    """The usage of `--profile FILE`, or of the flags (a profile without observed days)."""
    if profile is None:
        return profile_from_source(flag_source(card, flags))
    return _load_profile(card, profile, flags, as_of)


def read_usage_source(
    card: RateCard, profile: Path | None, flags: UsageFlags, *, as_of: datetime
) -> UsageSource:
    """The usage of `--profile FILE` or of the flags, as `estimate` prices it."""
    if profile is None:
        return flag_source(card, flags)
    return _load_profile(card, profile, flags, as_of).to_source()


def source_label(profile: Path | None) -> str:
    """How the usage's source is named in output: `flags` or `profile usage.toml`."""
    return "flags" if profile is None else f"profile {profile}"


def _load_profile(card: RateCard, path: Path, flags: UsageFlags, as_of: datetime) -> UsageProfile:
    given = flags.given()
    if given:
        raise BadInputError(f"--profile takes the usage from the file; drop {', '.join(given)}")
    from tokenplan_cli.readers.profile import load_profile

    return load_profile(path, card, as_of)


def flag_source(card: RateCard, flags: UsageFlags) -> UsageSource:
    """The usage the token flags describe, with its period (`--per`, `--days`)."""
    if flags.per not in PER_CHOICES:
        raise BadInputError(f"--per: expected one of {', '.join(PER_CHOICES)}, got {flags.per!r}")
    month_days = card.cycles["monthly"].nominal_days
    if flags.days is not None and not 1 <= flags.days <= month_days:
        raise BadInputError(f"--days: expected 1 to {month_days} active days a month, got {flags.days}")
    if flags.days is not None and flags.per != "day":
        raise BadInputError("--days counts active days for amounts --per day; add --per day")
    limit = card.limits.max_amount
    tokens = Quantities(
        cache_hit=_amount(flags.cache_hit, "--cache-hit", limit),
        cache_miss=_amount(flags.cache_miss, "--cache-miss", limit),
        output=_amount(flags.output, "--output", limit),
    )
    offpeak = flags.offpeak
    return usage_from_flags(
        card,
        model=flags.model,
        tokens=tokens,
        audio_hours=_amount(flags.audio_hours, "--audio-hours", card.limits.max_audio_hours),
        offpeak_share=parse_share(offpeak, what="--offpeak") if offpeak is not None else Fraction(0),
        period=Period(flags.per, active_days=flags.days),  # type: ignore[arg-type]
    )


def _amount(text: str | None, flag: str, limit: Fraction) -> Fraction:
    return parse_amount(text, what=flag, limit=limit) if text is not None else Fraction(0)
