"""The options of every command that reads tools' logs, and the one function that turns them into usage.

`usage report` and `usage profile` take these options as one `LogRequest` (`option_group("logs",
LOG_OPTIONS)`), and `estimate`, `simulate` and `check` as part of their usage options; they call
`read_logs` (a scan, for reports) or `log_profile` (a `UsageProfile` with its days, for planning).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from tokenplan_cli.commands.groups import Group
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.readers.logs import LOG_READERS, Skips

if TYPE_CHECKING:  # the scanner and the aggregation load only when logs are read (estimate stays fast)
    from tokenplan_cli.core.profile import UsageProfile
    from tokenplan_cli.core.ratecard import RateCard
    from tokenplan_cli.core.usagelog import DayRange, ModelMap
    from tokenplan_cli.readers.logs.scanner import LogFile, ScanResult

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


class LogRequest(NamedTuple):
    """What the log options asked for, as given."""

    tools: Sequence[str] | None = None
    paths: Sequence[Path] | None = None
    maps: Sequence[str] | None = None
    since: str | None = None
    until: str | None = None
    tz: str | None = None
    strict: bool = False


LOG_OPTIONS = Group(
    {
        "paths": (PathsArgument, None),
        "tools": (FromOption, None),
        "maps": (MapOption, None),
        "since": (SinceOption, None),
        "until": (UntilOption, None),
        "tz": (TzOption, None),
        "strict": (StrictOption, False),
    },
    LogRequest,
)


class ObservedLogs(NamedTuple):
    """The logs as read: the scan, the mapping and the days and zone they are seen in."""

    scan: ScanResult
    tools: tuple[str, ...]  # as asked (empty: every tool)
    mapping: ModelMap
    zone: tzinfo
    zone_name: str
    days: DayRange

    @property
    def label(self) -> str:
        """`logs claude-code, codex`: where the usage came from, for a document's `source`."""
        names = [tool.tool for tool in self.scan.tools] or list(self.tools)
        return "logs " + (", ".join(names) if names else "(none found)")


def read_logs(card: RateCard, request: LogRequest, *, progress: bool = False) -> ObservedLogs:
    """Find and read the logs asked for; unreadable lines are counted (an error under --strict)."""
    from tokenplan_cli.app.settings import checked, maps_setting, tools_setting, zone_setting
    from tokenplan_cli.core.usagelog import DayRange, parse_mapping
    from tokenplan_cli.readers.logs.scanner import iter_log_files, tool_names
    from tokenplan_cli.readers.zones import load_zone

    zone_choice = zone_setting(card, request.tz)
    zone_name = zone_choice.value
    zone = checked(zone_choice, "timezone", load_zone)
    days = DayRange(_day(request.since, "--since"), _day(request.until, "--until"))
    if days.first and days.last and days.first > days.last:
        raise BadInputError(f"--since {days.first} is after --until {days.last}")
    mapping = checked(maps_setting(request.maps), "map", lambda rules: parse_mapping(rules, card))
    tools = checked(tools_setting(request.tools), "tools", tool_names)
    skips = Skips()
    files = iter_log_files(tools, list(request.paths or ()), os.environ, Path.home(), skips)
    scan = _scan(files, card, skips, progress)
    if request.strict and scan.skips:
        raise BadInputError(strict_message(scan.skips))
    return ObservedLogs(scan, tools, mapping, zone, zone_name, days)


def _scan(files: Iterable[LogFile], card: RateCard, skips: Skips, progress: bool) -> ScanResult:
    """Read the files as they are found; with a progress bar (on a terminal), find them all first: the
    bar needs their total."""
    from tokenplan_cli.readers.logs.scanner import POOL_FROM_BYTES, scan_files

    if not (progress and sys.stderr.isatty()):
        return scan_files(files, card.offpeak, skips)
    found = list(files)
    total = sum(f.size for f in found)
    if total < POOL_FROM_BYTES:
        return scan_files(found, card.offpeak, skips)
    from tokenplan_cli.render.progress import file_progress

    with file_progress(len(found), total) as advance:
        return scan_files(found, card.offpeak, skips, on_file=advance)


def strict_message(skips: Skips) -> str:
    first = skips.by_file()[0]
    where = f"{first.path}:{first.lines[0]}" if first.lines and first.lines[0] else first.path
    files = len(skips.by_file())
    return (
        f"--strict: {skips.total} log line(s) or file(s) could not be read, in {files} file(s); "
        f"first: {where} ({first.reasons[0]})"
    )


def log_profile(
    card: RateCard, as_of: datetime, request: LogRequest, *, progress: bool = False
) -> UsageProfile:
    """The logs asked for as a usage profile of the observed days (with the days filled)."""
    logs = read_logs(card, request, progress=progress)
    return profile_of(logs, card, as_of)


def profile_of(logs: ObservedLogs, card: RateCard, as_of: datetime) -> UsageProfile:
    """The logs read as a usage profile; its `observed` table says where and how they were read."""
    from tokenplan_cli.core.usagelog import profile_from_tally, report_usage

    summary = report_usage(
        logs.scan.tally, card, as_of=as_of, mapping=logs.mapping, by="tool", zone=logs.zone,
        zone_name=logs.zone_name, days=logs.days,
    )  # fmt: skip
    if not summary.total.requests:
        raise BadInputError(
            f"{logs.label}: no usage found" + _period_note(logs.days) + _skip_note(logs.scan.skips)
        )
    observed = {
        "sources": [tool.tool for tool in logs.scan.tools],
        "start": summary.first_day,
        "end": summary.last_day,
        "days": summary.days,
        "records": summary.total.requests,
        "duplicates": logs.scan.duplicates,
        "skipped_lines": logs.scan.skips.total,
        "assumed_models": list(summary.assumed_models),
        "mapping": list(logs.mapping.texts()),
    }
    return profile_from_tally(
        logs.scan.tally, card, as_of=as_of, mapping=logs.mapping, zone=logs.zone, zone_name=logs.zone_name,
        days=logs.days, name=f"{logs.label}, {summary.first_day} to {summary.last_day}", source=logs.label,
        observed=observed,
    )  # fmt: skip


def _period_note(days: DayRange) -> str:
    if days.first or days.last:
        return f" between {days.first or 'the start'} and {days.last or 'today'}"
    return ""


def _skip_note(skips: Skips) -> str:
    return f" ({skips.total} unreadable line(s) or file(s) skipped)" if skips else ""


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(f"{flag}: {text!r} is not a date (expected YYYY-MM-DD)") from None
