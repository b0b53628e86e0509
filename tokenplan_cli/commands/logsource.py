"""The options of every command that reads tools' logs, and the one function that turns them into usage.

`usage report` and `usage profile` take these options as one `LogRequest` (`option_group("logs",
LOG_OPTIONS)`), and `estimate`, `simulate` and `check` as part of their usage options; they call
`read_logs` (a scan, for reports) or `log_profile` (a `UsageProfile` with its days, for planning).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenplan_cli.app.logs import LogRequest, ObservedLogs, no_usage_found, read_logs
from tokenplan_cli.commands.groups import Group
from tokenplan_cli.readers.logs import LOG_READERS

if TYPE_CHECKING:  # the scanner and the aggregation load only when logs are read (estimate stays fast)
    from tokenplan_cli.core.profile import UsageProfile
    from tokenplan_cli.core.ratecard import RateCard

FromOption = Annotated[
    list[str] | None,
    typer.Option(
        "--from",
        metavar="TOOL",
        help=f"Read these tools' logs: {', '.join(LOG_READERS)} (repeat or comma-separate; "
        "default: every tool found on this machine).",
        show_default=False,
    ),
]
PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATH",
        help="Log files or folders of the one --from tool (default: where the tool keeps them).",
        show_default=False,
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="PATTERN=MODEL",
        help="Charge logged models matching a glob as a card model: 'claude-opus-*=mimo-v2.5-pro' "
        "(repeatable, first match wins; unmatched models are charged as the dearer model and listed as "
        "assumed).",
        show_default=False,
    ),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="First day to count (YYYY-MM-DD, in --tz).", show_default=False)
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="Last day to count, included (YYYY-MM-DD, in --tz).", show_default=False),
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz", help="Time zone of days and hours, e.g. Asia/Shanghai (default: UTC).", show_default=False
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict", help="Exit 2 if any log line or file could not be read (default: skip and count)."
    ),
]
NoIndexOption = Annotated[
    bool,
    typer.Option(
        "--no-index",
        help="Read every log file from its first byte, without the log index (also TOKENPLAN_NO_INDEX=1).",
    ),
]


LOG_OPTIONS = Group(
    {
        "paths": (PathsArgument, None),
        "tools": (FromOption, None),
        "maps": (MapOption, None),
        "since": (SinceOption, None),
        "until": (UntilOption, None),
        "tz": (TzOption, None),
        "strict": (StrictOption, False),
        "no_index": (NoIndexOption, False),
    },
    LogRequest,
)


def log_profile(
    card: RateCard, as_of: datetime, request: LogRequest, *, now: datetime, progress: bool = False
) -> UsageProfile:
    """The logs asked for as a usage profile of the observed days (with the days filled)."""
    logs = read_logs(card, request, now=now, progress=progress)
    return profile_of(logs, card, as_of)


def profile_of(logs: ObservedLogs, card: RateCard, as_of: datetime) -> UsageProfile:
    """The logs read as a usage profile; its `observed` table says where and how they were read."""
    from tokenplan_cli.core.usagelog import profile_from_tally, report_usage

    summary = report_usage(
        logs.scan.tally, card, as_of=as_of, mapping=logs.mapping, by="tool", zone=logs.zone,
        zone_name=logs.zone_name, days=logs.days,
    )  # fmt: skip
    if not summary.total.requests:
        raise no_usage_found(logs)
    observed = {
        "sources": [tool.tool for tool in logs.scan.tools],
        "start": summary.first_day,
        "end": summary.last_day,
        "days": summary.days,
        "records": summary.total.requests,
        "duplicates": logs.scan.duplicates,
        "skipped_lines": logs.skipped,
        "bare_total_lines": logs.scan.skips.bare_totals,
        "assumed_models": list(summary.assumed_models),
        "mapping": list(logs.mapping.texts()),
    }
    return profile_from_tally(
        logs.scan.tally, card, as_of=as_of, mapping=logs.mapping, zone=logs.zone, zone_name=logs.zone_name,
        days=logs.days, name=f"{logs.label}, {summary.first_day} to {summary.last_day}", source=logs.label,
        observed=observed,
    )  # fmt: skip
