"""The usage a plan is sized for: token amounts, a usage-profile file, or the tools' logs.

`estimate`, `simulate` and `check` (and `tokenplan_cli.api`'s functions of the same names) take it as one
`UsageRequest` and read it with `read_usage`, which returns a `UsageProfile` whichever way it was given.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from tokenplan_cli.app.logs import LogRequest
from tokenplan_cli.core.amounts import Number, parse_amount, parse_share
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:  # a profile is loaded only when one is read (estimate from amounts stays fast)
    from tokenplan_cli.core.profile import UsageProfile
    from tokenplan_cli.core.ratecard import RateCard
    from tokenplan_cli.core.usage import UsageSource

PER_CHOICES = ("day", "week", "month")
NO_LOGS = LogRequest()  # no tools: the usage comes from a profile or the amounts
AMOUNTS = ("model", "cache_hit", "cache_miss", "output", "audio_hours", "offpeak", "per", "days")


class UsageRequest(NamedTuple):
    """How the usage is given: token amounts of one `model` (and `audio_hours` of speech recognition),
    `per` day, week or month (`days` active a month, with `per="day"`), with an `offpeak` share of them;
    or a usage-profile TOML (`profile`); or the tools' logs (`logs`). Amounts are exact numbers (int,
    Decimal, Fraction); the share is one too, from 0 to 1."""

    model: str | None = None
    cache_hit: Number | None = None
    cache_miss: Number | None = None
    output: Number | None = None
    audio_hours: Number | None = None
    offpeak: Number | None = None
    per: str = "month"
    days: int | None = None
    profile: Path | None = None
    logs: LogRequest = NO_LOGS

    @property
    def from_logs(self) -> bool:
        return bool(self.logs.tools or self.logs.paths)

    def given(self) -> list[str]:
        """The amounts given, by field (`per` only when not the default)."""
        return [
            name
            for name in AMOUNTS
            if getattr(self, name) is not None and (name != "per" or self.per != "month")
        ]


def read_usage(
    card: RateCard, request: UsageRequest, *, as_of: datetime, now: datetime, progress: bool = False
) -> UsageProfile:
    """The usage of a profile file, of the tools' logs (read up to `now`), or of the amounts (no observed
    days). A profile read from a file or from logs carries a note for each logged model charged by
    default."""
    refuse_unused_log_options(request)
    if request.profile is None and not request.from_logs:
        from tokenplan_cli.core.profile import profile_from_source

        return profile_from_source(amounts_source(card, request))
    given = request.given()
    if request.profile is not None and request.from_logs:
        raise BadInputError("give either `profile` or `tools`, not both", mentions=("profile", "tools"))
    source = "profile" if request.profile is not None else "tools"
    what = "takes the usage from the file" if request.profile is not None else "reads the usage from logs"
    if given:
        raise BadInputError(
            f"`{source}` {what}; drop {', '.join(f'`{name}`' for name in given)}",
            mentions=(source, *given),
        )
    if request.profile is not None:
        from tokenplan_cli.readers.profile import load_profile

        recorded = load_profile(request.profile, card, as_of)
    else:
        from tokenplan_cli.app.logs import log_profile

        recorded = log_profile(card, as_of, request.logs, now=now, progress=progress)
    from tokenplan_cli.core.usagelog import assumed_notes, bare_total_note, default_model

    assumed = recorded.observed.get("assumed_models", ())
    bare = recorded.observed.get("bare_total_lines", 0)
    notes = (*assumed_notes(assumed, default_model(card)), *((bare_total_note(bare),) if bare else ()))
    return recorded._replace(notes=notes)


def read_usage_source(
    card: RateCard, request: UsageRequest, *, as_of: datetime, now: datetime, progress: bool = False
) -> UsageSource:
    """The usage as `estimate` prices it (the totals of `read_usage`, with their period)."""
    if request.profile is None and not request.from_logs:
        refuse_unused_log_options(request)
        return amounts_source(card, request)
    recorded = read_usage(card, request, as_of=as_of, now=now, progress=progress)
    return recorded.to_source()._replace(label=usage_label(request, recorded))


LOG_ONLY = ("maps", "since", "until", "tz", "strict", "no_index")  # the LogRequest fields that shape a read


def refuse_unused_log_options(request: UsageRequest) -> None:
    """Refuse what shapes a read of the logs when no logs are read: a `tz` typed beside token amounts or
    a profile would be ignored, however wrong (`America`, a typo), and the user would think it applied."""
    if request.from_logs:
        return
    given = [name for name in LOG_ONLY if getattr(request.logs, name) not in (None, False, (), [])]
    if given:
        names = ", ".join(f"`{name}`" for name in given)
        raise BadInputError(
            f"{names} only shape{'s' if len(given) == 1 else ''} a read of the tools' logs: name the logs "
            "with `tools`, or drop it",
            mentions=(*given, "tools"),
        )


def usage_label(request: UsageRequest, usage: UsageProfile) -> str:
    """How the usage's source is named in output: `flags`, `profile usage.toml` or `logs claude-code`."""
    return f"profile {request.profile}" if request.profile is not None else usage.source


def amounts_source(card: RateCard, request: UsageRequest) -> UsageSource:
    """The usage the amounts describe, with its period (`per`, `days`)."""
    from tokenplan_cli.core.usage import Period, Quantities, usage_from_amounts

    if request.per not in PER_CHOICES:
        raise BadInputError(f"expected one of {', '.join(PER_CHOICES)}, got {request.per!r}", field="per")
    month_days = card.cycles["monthly"].nominal_days
    days = request.days
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= month_days
    ):
        raise BadInputError(f"expected 1 to {month_days} active days a month, got {days}", field="days")
    if days is not None and request.per != "day":
        raise BadInputError(
            "`days` counts active days for amounts `per` day; add `per` day", mentions=("days", "per")
        )
    limit = card.limits.max_amount
    tokens = Quantities(
        cache_hit=_amount(request.cache_hit, "cache_hit", limit),
        cache_miss=_amount(request.cache_miss, "cache_miss", limit),
        output=_amount(request.output, "output", limit),
    )
    offpeak = request.offpeak
    return usage_from_amounts(
        card,
        model=request.model,
        tokens=tokens,
        audio_hours=_amount(request.audio_hours, "audio_hours", card.limits.max_audio_hours),
        offpeak_share=parse_share(offpeak, field="offpeak") if offpeak is not None else Fraction(0),
        period=Period(request.per, active_days=days),  # type: ignore[arg-type]
    )


def _amount(value: Number | None, field: str, limit: Fraction) -> Fraction:
    return parse_amount(value, field=field, limit=limit) if value is not None else Fraction(0)
