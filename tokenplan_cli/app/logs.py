"""Reading the tools' logs a command asks for: the request (values as given), and the scan of them.

Every command that reads logs goes through `read_logs` (a scan, for reports) or `log_profile` (a
`UsageProfile` with its days, for planning): the tools, `maps` rules and zone come from the request,
else the config file's defaults (app.settings); lines that cannot be read are counted (an error under
`strict`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.tuples import NamedTuple

if TYPE_CHECKING:  # the scanner and the aggregation load only when logs are read
    from tokenplan_cli.core.grain import Grain
    from tokenplan_cli.core.profile import UsageProfile
    from tokenplan_cli.core.ratecard import RateCard
    from tokenplan_cli.core.usagelog import DayRange, FutureRecords, ModelMap
    from tokenplan_cli.readers.logs.scanner import ScanResult, Search


class LogRequest(NamedTuple):
    """Which logs to read and how to count them.

    `tools`: the tools' names (None: the config's default, else every tool found on this machine);
    `paths`: log files or folders of the one tool named (default: where it keeps them); `maps`:
    `PATTERN=MODEL` rules charging logged models as card models; `since`/`until`: the first and last day
    counted, in `tz` (a zone name; default the config's, else UTC); `strict`: an unreadable line is an
    error rather than skipped and counted; `no_index`: read every file from its first byte.
    """

    tools: Sequence[str] | None = None
    paths: Sequence[Path] | None = None
    maps: Sequence[str] | None = None
    since: date | None = None
    until: date | None = None
    tz: str | None = None
    strict: bool = False
    no_index: bool = False  # read every file from its first byte, without the log index


class ObservedLogs(NamedTuple):
    """The logs as read: the scan, the mapping and the days and zone they are seen in."""

    scan: ScanResult
    tools: tuple[str, ...]  # as asked (empty: every tool)
    mapping: ModelMap
    zone: tzinfo
    zone_name: str
    days: DayRange  # --until ends today at the latest (in `zone`)
    future: FutureRecords
    looked_in: tuple[Path, ...] = ()  # the folders and files searched

    @property
    def skipped(self) -> int:
        """Lines, files and records that could not be counted."""
        return self.scan.skips.total + self.future.records

    @property
    def label(self) -> str:
        """`logs claude-code, codex`: where the usage came from, for a document's `source`."""
        names = [tool.tool for tool in self.scan.tools] or list(self.tools)
        return "logs " + (", ".join(names) if names else "(none found)")


def read_logs(
    card: RateCard,
    request: LogRequest,
    *,
    now: datetime,
    progress: bool = False,
    by_minutes: int | None = None,
    cuts: Sequence[datetime] = (),
) -> ObservedLogs:
    """Find and read the logs asked for; unreadable lines are counted (an error under `strict`).

    A request dated after `now` (the clock) plus the card's allowance for clock skew is skipped and
    counted; `until` after today (in `tz`) stops at today.

    With `by_minutes` (60 or 1440), the tally may keep its time in units of that many minutes of local
    time, each within one UTC day, one rule epoch and one side of each of `cuts` (`core.grain`): what a
    report by hour or by day, and a cycle counted from an instant, need, in a fraction of the buckets.
    """
    from tokenplan_cli.app.settings import checked, maps_setting, tools_setting, zone_setting
    from tokenplan_cli.core.usagelog import DayRange, future_limit, parse_mapping
    from tokenplan_cli.readers.logs.scanner import log_searches, tool_names
    from tokenplan_cli.readers.zones import load_zone

    zone_choice = zone_setting(card, request.tz)
    zone_name = zone_choice.value
    zone = checked(zone_choice, "timezone", load_zone)
    days = DayRange(_day(request.since, "since"), _day(request.until, "until"))
    if days.first and days.last and days.first > days.last:
        raise BadInputError(f"`since` {days.first} is after `until` {days.last}", mentions=("since", "until"))
    if days.last is not None:  # days to come hold no use: they would only dilute the average
        days = days._replace(last=min(days.last, now.astimezone(zone).date()))
    mapping = checked(maps_setting(request.maps), "map", lambda rules: parse_mapping(rules, card))
    tools = checked(tools_setting(request.tools), "tools", tool_names)
    paths = list(request.paths or ())
    home = _home()
    skips = Skips()  # what finding the roots meets (a home directory there is none of)
    searches = log_searches(tools, paths, os.environ, home, skips)
    for path in paths:  # a path typed that is not there is a typo, not "no logs"
        if not os.path.lexists(path):
            raise BadInputError(f"{path}: no such file or folder")
    scan = None
    if not (request.no_index or os.environ.get("TOKENPLAN_NO_INDEX")):
        grain = _grain(card, zone, now, by_minutes, cuts) if by_minutes is not None else None
        scan = _indexed_scan(searches, bool(paths), card, skips, progress, grain)
    if scan is None:
        scan = _scan(searches, bool(paths), card, skips, progress)
    future = scan.tally.drop_after(future_limit(now, card))
    if request.strict and (scan.skips or future.records):
        raise BadInputError(strict_message(scan.skips, future), field="strict")
    looked_in = tuple(root for _, _, roots in searches for root in roots)
    return ObservedLogs(scan, tools, mapping, zone, zone_name, days, future, looked_in)


def _home() -> Path | None:
    """The user's home directory, or None when there is none (HOME unset and no passwd entry)."""
    try:
        return Path.home()
    except RuntimeError:
        return None


def _grain(card: RateCard, zone: tzinfo, now: datetime, minutes: int, cuts: Sequence[datetime]) -> Grain:
    """Units of `minutes` in `zone`, cut at `cuts`, at the card's rule changes and after the future
    limit (so that `drop_after` takes whole units)."""
    from tokenplan_cli.core.grain import report_grain
    from tokenplan_cli.core.usagelog import Pricer, future_limit, slot_of

    slots = [slot_of(cut) for cut in cuts]
    slots += [slot_of(future_limit(now, card)) + 1, *Pricer(card, None).change_slots]
    return report_grain(zone, minutes, slots)


def _indexed_scan(
    searches: Sequence[Search],
    explicit: bool,
    card: RateCard,
    skips: Skips,
    progress: bool,
    grain: Grain | None = None,
) -> ScanResult | None:
    """The scan through the log index, or None (after one note on stderr) when the index cannot serve."""
    from tokenplan_cli.readers.logs.index import IndexUnavailable, scan_with_index

    try:
        return scan_with_index(
            searches, explicit, card.offpeak, skips, progress=_progress(progress), grain=grain
        )
    except IndexUnavailable as exc:
        sys.stderr.write(f"tokenplan: note: {exc.note}\n")
        return None


def _progress(wanted: bool) -> Callable[[int, int], AbstractContextManager[Callable[[int], None]]] | None:
    """A progress bar's maker (files, bytes) when a person watches stderr, else None."""
    if not (wanted and sys.stderr.isatty()):
        return None
    from tokenplan_cli.render.progress import file_progress

    return file_progress


def _scan(
    searches: Sequence[Search], explicit: bool, card: RateCard, skips: Skips, progress: bool
) -> ScanResult:
    """Read every file from its first byte as the walk finds it; with a progress bar (on a terminal),
    find them all first: the bar needs their total."""
    from tokenplan_cli.readers.logs.scanner import POOL_FROM_BYTES, scan_files, walk_searches

    walk_skips = Skips()
    walk_skips.merge(skips)  # what finding the roots met (the index's attempt leaves `skips` as it was)
    files = walk_searches(searches, explicit, walk_skips)
    bar = _progress(progress)
    if bar is None:
        return scan_files(files, card.offpeak, walk_skips)
    found = list(files)
    total = sum(f.size for f in found)
    if total < POOL_FROM_BYTES:
        return scan_files(found, card.offpeak, walk_skips)
    with bar(len(found), total) as advance:
        return scan_files(found, card.offpeak, walk_skips, on_file=advance)


def strict_message(skips: Skips, future: FutureRecords) -> str:
    if not skips:
        return f"{future.records} log record(s) {future_reason(future)}"
    first = skips.by_file()[0]
    where = f"{first.path}:{first.lines[0]}" if first.lines and first.lines[0] else first.path
    files = len(skips.by_file())
    return (
        f"{skips.total + future.records} log line(s) or file(s) could not be read, in {files} "
        f"file(s); first: {where} ({first.reasons[0]})"
    )


def future_reason(future: FutureRecords) -> str:
    return f"dated after {future.after:%Y-%m-%d %H:%M} UTC (now, plus the clock skew allowed)"


def no_usage_found(logs: ObservedLogs) -> BadInputError:
    """The one error of every command that reads logs and finds no request in them (exit 2): what was
    asked, the days, what was skipped and where it looked."""
    return BadInputError(
        f"{logs.label}: no usage found{_period_note(logs.days)}{_skip_note(logs)}; "
        f"looked in {_places(logs.looked_in)}"
    )


PLACES_NAMED = 4  # folders that exist named in a "no usage found" message; the rest are counted


def _places(paths: Sequence[Path]) -> str:
    """Where the logs were looked for, in a line a person can read: the places that exist, under the
    home folder as `~/…` (the first few), and how many others do not exist.

    Every tool's default places come to some sixty folders (a dozen editors for each VS Code
    extension); listing them all made the one-line error a screenful.
    """
    home = str(_home() or "")
    places = list(dict.fromkeys(paths))
    existing = [_tilde(str(path), home) for path in places if os.path.lexists(path)]  # a link named too
    missing = len(places) - len(existing)
    if not existing:
        return f"{_count(missing, 'place')}, none of which exists" if missing else "no folder"
    named = ", ".join(existing[:PLACES_NAMED])
    more = len(existing) - PLACES_NAMED
    if more > 0:
        named += f" and {_count(more, 'other place')}"
    return named + (f" ({_count(missing, 'other place')} not found)" if missing else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _tilde(path: str, home: str) -> str:
    return "~" + path[len(home) :] if home not in ("", "/") and path.startswith(home + os.sep) else path


def _period_note(days: DayRange) -> str:
    if days.first or days.last:
        return f" between {days.first or 'the start'} and {days.last or 'today'}"
    return ""


def _skip_note(logs: ObservedLogs) -> str:
    if not logs.skipped:
        return ""
    reasons = dict.fromkeys(reason for entry in logs.scan.skips.by_file() for reason in entry.reasons)
    if logs.future.records:
        reasons[future_reason(logs.future)] = None
    return f" ({logs.skipped} line(s) or file(s) skipped: {', '.join(reasons)})"


def parse_day(text: str, field: str) -> date:
    """A day typed as `YYYY-MM-DD` (`--since`, `--until`)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(f"{text!r} is not a date (expected YYYY-MM-DD)", field=field) from None


def _day(value: date | None, field: str) -> date | None:
    """A day given as a value: a `date` (a datetime is refused: a day has no hour)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise BadInputError(f"expected a date, got {type(value).__name__} {value!r}", field=field)


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
