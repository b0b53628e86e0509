"""The usage options of `estimate`, `simulate` and `check`: token flags, a usage profile or tools' logs.

The three commands take them as one `app.usage.UsageRequest` (`option_group("usage", USAGE_OPTIONS)`),
each amount parsed here, and the application layer reads it (`app.usage.read_usage`).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer

from tokenplan_cli.app.usage import UsageRequest
from tokenplan_cli.commands.groups import Group
from tokenplan_cli.commands.logsource import LOG_OPTIONS, log_request
from tokenplan_cli.core.amounts import parse_amount, parse_share
from tokenplan_cli.core.errors import BadInputError

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


def _usage_request(
    profile: Path | None,
    *,
    model: str | None,
    cache_hit: str | None,
    cache_miss: str | None,
    output: str | None,
    audio_hours: str | None,
    offpeak: str | None,
    per: str,
    days: int | None,
    **logs: Any,
) -> UsageRequest:
    """The usage options as one request, each amount parsed (the card's limits are checked later)."""
    request = UsageRequest(
        model=model,
        cache_hit=_amount(cache_hit, "cache_hit"),
        cache_miss=_amount(cache_miss, "cache_miss"),
        output=_amount(output, "output"),
        audio_hours=_amount(audio_hours, "audio_hours"),
        offpeak=None if offpeak is None else parse_share(offpeak, field="offpeak"),
        per=per,
        days=days,
        profile=profile,
        logs=log_request(**logs),
    )
    stray = _stray_word(request)
    if stray is not None:
        raise BadInputError(
            f"unexpected argument {str(stray)!r}: log files and folders follow --from TOOL "
            "(the usage flags take no words)"
        )
    return request


def _amount(text: str | None, field: str) -> Fraction | None:
    return None if text is None else parse_amount(text, field=field)


def _stray_word(request: UsageRequest) -> Path | None:
    """A word typed beside the usage flags with no --from: a slip, not a log path (it would otherwise be
    blamed on --from)."""
    paths = list(request.logs.paths or ())
    if not paths or request.logs.tools:
        return None
    if request.given() or request.profile is not None:
        return paths[0]
    return next((path for path in paths if not path.exists()), None)


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
