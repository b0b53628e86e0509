"""`tokenplan estimate`: which tier and cycle carries a usage, and at what price."""

from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AsOfOption,
    CsvOption,
    CurrencyOption,
    JsonOption,
    RatesOption,
    command_app,
    headroom_or_default,
    load_card,
    output_format,
    resolve_as_of,
    resolve_currency,
)
from tokenplan_cli.commands.logsource import (
    FromOption,
    LogRequest,
    MapOption,
    PathsArgument,
    SinceOption,
    StrictOption,
    TzOption,
    UntilOption,
)
from tokenplan_cli.core.amounts import parse_amount, parse_share
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.estimate import estimate_plans
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import Period, Quantities, UsageSource, usage_from_flags
from tokenplan_cli.render import OutputFormat, emit
from tokenplan_cli.views.estimate import estimate_document, plan_rows

app = command_app()

PER_CHOICES = ("day", "week", "month")


@app.command()
def estimate(
    paths: PathsArgument = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model the token amounts are for.")
    ] = None,
    cache_hit: Annotated[
        str | None,
        typer.Option("--cache-hit", help="Input tokens served from cache (e.g. 50M).", show_default=False),
    ] = None,
    cache_miss: Annotated[
        str | None, typer.Option("--cache-miss", help="Input tokens not in cache.", show_default=False)
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", help="Output tokens (reasoning included).", show_default=False)
    ] = None,
    audio_hours: Annotated[
        str | None,
        typer.Option("--audio-hours", help="Hours of audio for speech recognition.", show_default=False),
    ] = None,
    offpeak: Annotated[
        str | None,
        typer.Option(
            "--offpeak", help="Share of use in the off-peak window (30% or 0.3).", show_default=False
        ),
    ] = None,
    per: Annotated[str, typer.Option("--per", help="The amounts are per day, week or month.")] = "month",
    days: Annotated[
        int | None,
        typer.Option("--days", help="Active days a month, with --per day (default 30).", show_default=False),
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option("--profile", help="A usage-profile TOML instead of the flags.", show_default=False),
    ] = None,
    tools: FromOption = None,
    maps: MapOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = None,
    strict: StrictOption = False,
    headroom: Annotated[
        str | None,
        typer.Option(
            "--headroom",
            help="Quota share a plan must leave unused to fit (default 10%).",
            show_default=False,
        ),
    ] = None,
    currency: CurrencyOption = None,
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Price a usage in credits and show which tier and cycle carries it, cheapest first."""
    fmt = output_format(json_output, csv_output)
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    flags = {
        "--model": model,
        "--cache-hit": cache_hit,
        "--cache-miss": cache_miss,
        "--output": output,
        "--audio-hours": audio_hours,
        "--offpeak": offpeak,
        "--days": days,
    }
    logs = LogRequest(tools, paths, maps, since, until, tz, strict)
    if profile is not None or tools or paths:
        given = [name for name, value in flags.items() if value is not None]
        what = (
            "--profile takes the usage from the file"
            if profile is not None
            else "--from reads the usage from logs"
        )
        if given or per != "month":
            raise BadInputError(f"{what}; drop {', '.join(given) or '--per'}")
        source = _recorded_source(card, instant, profile, logs, fmt)
    else:
        source = _flag_source(card, model, cache_hit, cache_miss, output, audio_hours, offpeak, per, days)
    result = estimate_plans(
        card,
        source,
        as_of=instant,
        currency=resolve_currency(card, currency),
        headroom=headroom_or_default(card, headroom),
    )
    emit(estimate_document(result), fmt, human="estimate", csv_rows=plan_rows)


def _recorded_source(
    card: RateCard, instant: datetime, profile: Path | None, logs: LogRequest, fmt: OutputFormat
) -> UsageSource:
    """The usage of a profile file, or of the tools' logs (`--from`)."""
    from tokenplan_cli.core.usagelog import assumed_notes, default_model

    if profile is not None:
        if logs.tools or logs.paths:
            raise BadInputError("give either --profile or --from, not both")
        from tokenplan_cli.readers.profile import load_profile

        recorded = load_profile(profile, card, instant)
        label = f"profile {profile}"
    else:
        from tokenplan_cli.commands.logsource import log_profile

        recorded = log_profile(card, instant, logs, progress=fmt is OutputFormat.HUMAN)
        label = recorded.source
    notes = assumed_notes(recorded.observed.get("assumed_models", ()), default_model(card))
    return recorded.to_source()._replace(label=label, notes=notes)


def _flag_source(
    card: RateCard,
    model: str | None,
    cache_hit: str | None,
    cache_miss: str | None,
    output: str | None,
    audio_hours: str | None,
    offpeak: str | None,
    per: str,
    days: int | None,
) -> UsageSource:
    if per not in PER_CHOICES:
        raise BadInputError(f"--per: expected one of {', '.join(PER_CHOICES)}, got {per!r}")
    month_days = card.cycles["monthly"].nominal_days
    if days is not None and not 1 <= days <= month_days:
        raise BadInputError(f"--days: expected 1 to {month_days} active days a month, got {days}")
    if days is not None and per != "day":
        raise BadInputError("--days counts active days for amounts --per day; add --per day")
    limit = card.limits.max_amount
    tokens = Quantities(
        cache_hit=_amount(cache_hit, "--cache-hit", limit),
        cache_miss=_amount(cache_miss, "--cache-miss", limit),
        output=_amount(output, "--output", limit),
    )
    return usage_from_flags(
        card,
        model=model,
        tokens=tokens,
        audio_hours=_amount(audio_hours, "--audio-hours", card.limits.max_audio_hours),
        offpeak_share=parse_share(offpeak, what="--offpeak") if offpeak is not None else Fraction(0),
        period=Period(per, active_days=days),  # type: ignore[arg-type]
    )


def _amount(text: str | None, flag: str, limit: Fraction) -> Fraction:
    return parse_amount(text, what=flag, limit=limit) if text is not None else Fraction(0)
