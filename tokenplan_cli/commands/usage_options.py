"""The usage options of `estimate`, `simulate` and `check`: token flags, a usage profile or tools' logs.

The three commands take them as one `UsageRequest` (`option_group("usage", USAGE_OPTIONS)`) and hand it
to `read_usage`, which returns a `UsageProfile` whichever way the usage was given.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from tokenplan_cli.commands.groups import Group
from tokenplan_cli.commands.logsource import LOG_OPTIONS, LogRequest
from tokenplan_cli.core.amounts import parse_amount, parse_share
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import Period, Quantities, UsageSource, usage_from_flags

if TYPE_CHECKING:  # a profile is loaded only when one is read (estimate from flags stays fast)
    from tokenplan_cli.core.profile import UsageProfile

PER_CHOICES = ("day", "week", "month")
NO_LOGS = LogRequest()  # no --from: the usage comes from a profile or the flags

ModelOption = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Model the token amounts are for: {models}.", show_default=False),
]
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


class UsageRequest(NamedTuple):
    """How a command was told the usage: a profile file, tools' logs (`--from`) or the token flags."""

    profile: Path | None
    flags: UsageFlags
    logs: LogRequest = NO_LOGS

    @property
    def from_logs(self) -> bool:
        return bool(self.logs.tools or self.logs.paths)


def _usage_request(profile: Path | None, **values: object) -> UsageRequest:
    flags = UsageFlags(**{name: values.pop(name) for name in UsageFlags._fields})  # type: ignore[arg-type]
    return UsageRequest(profile, flags, LogRequest(**values))  # type: ignore[arg-type]


USAGE_OPTIONS = Group(
    {
        "model": (ModelOption, None),
        "cache_hit": (CacheHitOption, None),
        "cache_miss": (CacheMissOption, None),
        "output": (OutputTokensOption, None),
        "audio_hours": (AudioHoursOption, None),
        "offpeak": (OffpeakOption, None),
        "per": (PerOption, "month"),
        "days": (DaysOption, None),
        "profile": (ProfileOption, None),
        **LOG_OPTIONS.options,
    },
    _usage_request,
)


def read_usage(
    card: RateCard, request: UsageRequest, *, as_of: datetime, progress: bool = False
) -> UsageProfile:
    """The usage of `--profile FILE`, of the tools' logs (`--from`), or of the flags (no observed days).

    A profile read from a file or from logs carries a note for each logged model charged by default.
    """
    profile, flags, logs = request
    if profile is None and not request.from_logs:
        from tokenplan_cli.core.profile import profile_from_source

        return profile_from_source(flag_source(card, flags))
    given = flags.given()
    stray = _stray_word(request, given)
    if stray is not None:
        raise BadInputError(
            f"unexpected argument {str(stray)!r}: log files and folders follow --from TOOL "
            "(the usage flags take no words)"
        )
    if profile is not None and request.from_logs:
        raise BadInputError("give either --profile or --from, not both")
    what = (
        "--profile takes the usage from the file"
        if profile is not None
        else "--from reads the usage from logs"
    )
    if given:
        raise BadInputError(f"{what}; drop {', '.join(given)}")
    if profile is not None:
        from tokenplan_cli.readers.profile import load_profile

        recorded = load_profile(profile, card, as_of)
    else:
        from tokenplan_cli.commands.common import now_utc
        from tokenplan_cli.commands.logsource import log_profile

        recorded = log_profile(card, as_of, logs, now=now_utc(), progress=progress)
    from tokenplan_cli.core.usagelog import assumed_notes, bare_total_note, default_model

    assumed = recorded.observed.get("assumed_models", ())
    bare = recorded.observed.get("bare_total_lines", 0)
    notes = (*assumed_notes(assumed, default_model(card)), *((bare_total_note(bare),) if bare else ()))
    return recorded._replace(notes=notes)


def _stray_word(request: UsageRequest, given: list[str]) -> Path | None:
    """A word typed beside the usage flags with no --from: a slip, not a log path (it would otherwise be
    blamed on --from)."""
    paths = list(request.logs.paths or ())
    if not paths or request.logs.tools:
        return None
    if given or request.profile is not None:
        return paths[0]
    return next((path for path in paths if not path.exists()), None)


def read_usage_source(
    card: RateCard, request: UsageRequest, *, as_of: datetime, progress: bool = False
) -> UsageSource:
    """The usage as `estimate` prices it (the totals of `read_usage`, with their period)."""
    if request.profile is None and not request.from_logs:
        return flag_source(card, request.flags)
    recorded = read_usage(card, request, as_of=as_of, progress=progress)
    return recorded.to_source()._replace(label=usage_label(request, recorded))


def usage_label(request: UsageRequest, usage: UsageProfile) -> str:
    """How the usage's source is named in output: `flags`, `profile usage.toml` or `logs claude-code`."""
    return f"profile {request.profile}" if request.profile is not None else usage.source


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
