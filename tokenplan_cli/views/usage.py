"""The `usage report` and `usage profile` documents (schema in docs/json.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tokenplan_cli.app.report import CycleUse, LoggedReport
from tokenplan_cli.core.dates import iso_utc
from tokenplan_cli.core.usagelog import (
    NO_FUTURE_RECORDS,
    FutureRecords,
    Grouped,
    ModelUse,
    UsageReport,
    assumed_notes,
    bare_total_note,
)
from tokenplan_cli.readers.logs import SkippedFile, Skips
from tokenplan_cli.readers.logs.scanner import ScanResult

if TYPE_CHECKING:
    from tokenplan_cli.readers.logs.index import IndexInfo
from tokenplan_cli.views import credits, envelope, quantity, ratio


def logged_report_document(logged: LoggedReport) -> dict[str, Any]:
    """The document of `usage report` (what `app.report.usage_report` returned)."""
    logs = logged.logs
    return usage_report_document(
        logged.report, logs.scan, future=logs.future, as_of=logged.as_of, source=logs.label,
        mapping=logs.mapping.texts(), default_model=logs.mapping.default, since=logs.days.first,
        until=logs.days.last, daily=logged.daily, cycle=logged.cycle,
    )  # fmt: skip


def usage_report_document(
    report: UsageReport,
    scan: ScanResult,
    *,
    future: FutureRecords,
    as_of: datetime | None,
    source: str,
    mapping: Sequence[str],
    default_model: str,
    since: Any,
    until: Any,
    daily: UsageReport | None = None,
    cycle: CycleUse | None = None,
) -> dict[str, Any]:
    """The report; `daily` the same logs by day (for the chart, when grouped by something else), `cycle`
    the held plan's current cycle."""
    return envelope(
        "usage report",
        as_of=None if as_of is None else iso_utc(as_of),
        pricing="as-of" if as_of is not None else "each-request",
        source=source,
        by=report.by,
        timezone=report.timezone,
        since=_day(since),
        until=_day(until),
        period=period_fields(report),
        tools=[{"tool": t.tool, "files": t.files, "bytes": t.bytes} for t in scan.tools],
        records=report.total.requests,
        duplicates=scan.duplicates,
        mapping=list(mapping),
        default_model=default_model,
        assumed_models=list(report.assumed_models),
        totals=group_fields(report.total),
        rows=[{report.by: row.key, **group_fields(row)} for row in report.rows],
        models=[_model(model) for model in report.models],
        skipped=skipped_document(scan.skips.total, scan.skips.by_file(), future),
        bare_totals=bare_totals_document(scan.skips),
        notes=report_notes(report, default_model, scan.skips.bare_totals),
        daily=[{"day": str(row.key), **_credit_split(row)} for row in (daily or report).rows],
        plan=None if cycle is None else cycle_fields(cycle),
        comparison=None,  # set under --compare-to (views/compare.py)
    )


def _credit_split(group: Grouped) -> dict[str, Any]:
    breakdown = group.credits
    return {
        "credits": credits(breakdown.total),
        "credits_peak": credits(breakdown.peak),
        "credits_offpeak": credits(breakdown.offpeak),
    }


def cycle_fields(cycle: CycleUse) -> dict[str, Any]:
    """The held plan's cycle in a report: its window, quota and use so far, by UTC day."""
    held = cycle.held
    window = held.cycle.window
    quota = held.price.credits
    return {
        "tier": held.price.tier.name,
        "cycle": held.price.cycle,
        "cycle_number": held.cycle.number,
        "quota": credits(quota),
        "cycle_start": iso_utc(window.start),
        "expires_at": iso_utc(window.expires_at),
        "counted_from": iso_utc(cycle.logged.since),
        "until": iso_utc(cycle.logged.until),
        "credits_before_logs": credits(cycle.base),
        "credits_used": credits(cycle.used),
        "used_fraction": ratio(cycle.used / quota),
        "thresholds": [ratio(threshold) for threshold in cycle.thresholds],
        "by_day": [
            {"day": day.day.isoformat(), "credits": credits(day.credits)} for day in cycle.logged.days
        ],
    }


def period_fields(report: UsageReport) -> dict[str, Any]:
    return {"first_day": _day(report.first_day), "last_day": _day(report.last_day), "days": report.days}


def group_fields(group: Grouped) -> dict[str, Any]:
    """Tokens by kind, requests and credits (split by window) of one group or of the total."""
    breakdown = group.credits
    return {
        "requests": group.requests,
        **{name: quantity(value) for name, value in group.quantities.as_dict().items()},
        "tokens": quantity(group.quantities.tokens),
        "credits": credits(breakdown.total),
        "credits_peak": credits(breakdown.peak),
        "credits_offpeak": credits(breakdown.offpeak),
        "offpeak_share": ratio(breakdown.offpeak_share),
        "credits_by_kind": {kind: credits(value) for kind, value in breakdown.by_kind().items()},
    }


def _model(model: ModelUse) -> dict[str, Any]:
    fields = group_fields(Grouped(model.model, model.requests, model.quantities, model.credits))
    return {
        "model": model.model,
        "logged_as": list(model.logged),
        "charged_as": model.charged_as,
        "assumed": model.assumed,
        **fields,
    }


def skipped_document(
    total: int, files: Sequence[SkippedFile], future: FutureRecords = NO_FUTURE_RECORDS
) -> dict[str, Any]:
    """What could not be read: counts, the first line numbers (0: the file itself) and reasons by file,
    and the requests dated in the future (a clock set wrong), which no file-by-file count holds."""
    return {
        "total": total + future.records,
        "files": [
            {"path": f.path, "count": f.count, "lines": list(f.lines), "reasons": list(f.reasons)}
            for f in files
        ],
        "future": {"records": future.records, "after": iso_utc(future.after) if future.records else None},
    }


def bare_totals_document(skips: Skips) -> dict[str, Any]:
    """The lines that held only a total token count, counted as output: how many, and where."""
    return {
        "lines": skips.bare_totals,
        "files": [
            {"path": f.path, "count": f.count, "lines": list(f.lines)} for f in skips.bare_totals_by_file()
        ],
    }


def report_notes(report: UsageReport, default_model: str, bare_totals: int = 0) -> list[str]:
    assumed = dict.fromkeys(model.label for model in report.models if model.assumed)  # with its logged names
    bare = [bare_total_note(bare_totals)] if bare_totals else []
    return [*assumed_notes(assumed, default_model), *bare, *report.total.credits.notes()]


def report_rows(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The CSV of `usage report --csv`: one row per group, then the total."""
    by = document["by"]
    rows: list[Mapping[str, Any]] = list(document["rows"])
    return [*rows, {by: "total", **document["totals"]}]


def profile_written_document(
    path: str, profile_observed: Mapping[str, Any], credits_per_month: Any, source: str
) -> dict[str, Any]:
    return envelope(
        "usage profile",
        output=path,
        source=source,
        first_day=_day(profile_observed.get("start")),
        last_day=_day(profile_observed.get("end")),
        days=profile_observed.get("days"),
        records=profile_observed.get("records"),
        duplicates=profile_observed.get("duplicates"),
        skipped_lines=profile_observed.get("skipped_lines"),
        bare_total_lines=profile_observed.get("bare_total_lines", 0),
        assumed_models=list(profile_observed.get("assumed_models", ())),
        credits_per_month=credits(credits_per_month),
    )


def index_document(info: IndexInfo, action: str) -> dict[str, Any]:
    """`usage index`: what the log index holds, by search (a tool's folders), and its size on disk."""
    from datetime import UTC, timedelta

    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    searches = [
        {
            "tool": search.tool,
            "files": search.files,
            "bytes": search.bytes,
            "requests": search.requests,
            "last_used": iso_utc(epoch + timedelta(microseconds=search.used_ns // 1000)),
        }
        for search in info.searches
    ]
    return envelope(
        "usage index",
        action=action,
        path=str(info.path),
        size_bytes=info.size,
        note=info.note,
        searches=searches,
        totals={
            "searches": len(searches),
            "files": sum(s.files for s in info.searches),
            "bytes": sum(s.bytes for s in info.searches),
            "requests": sum(s.requests for s in info.searches),
        },
    )


def _day(value: Any) -> str | None:
    return None if value is None else str(value)
