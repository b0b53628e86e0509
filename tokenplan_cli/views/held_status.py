"""The `status` document (docs/json.md): the engine's status, and where its plan and use came from."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.app.status import LoggedCredits, StatusReport
from tokenplan_cli.views import credits
from tokenplan_cli.views.lifecycle import instant
from tokenplan_cli.views.status import status_document


def held_status_document(report: StatusReport, zone: tzinfo) -> dict[str, Any]:
    document = status_document(report.status, zone, report.history_source)
    held = report.held
    document.update(
        source=report.source,
        plan_source="config" if held is not None else "flags",
        cycle_number=None if held is None else held.cycle.number,
        auto_renew=None if held is None else held.plan.auto_renew,
        calibration=None if held is None or held.reading is None else {
            "at": instant(held.reading.at),
            "given": held.reading.given,
            "credits_used": credits(held.reading_used),
        },
        logs=None if report.logs is None or report.logged is None else _logs(report),
    )  # fmt: skip
    if held is not None and held.plan.auto_renew:
        # the provider sends the dated expiry reminders only with auto-renewal off
        document["next_reminder"] = _next_usage_reminder(document)
    document["notes"] = [*document["notes"], *report.notes]
    return document


def _next_usage_reminder(document: dict[str, Any]) -> dict[str, Any] | None:
    due = [r for r in document["reminders"] if not r["fired"] and r["at"] is not None]
    if not due:
        return None
    first = min(due, key=lambda r: r["at"])
    return {"kind": "usage", "date": first["at"][:10], "at": first["at"], "threshold": first["threshold"],
            "days_before": None}  # fmt: skip


def _logs(report: StatusReport) -> dict[str, Any]:
    from tokenplan_cli.views.usage import skipped_document

    scan, future, logged = report.logs.scan, report.logs.future, report.logged  # type: ignore[union-attr]
    assert logged is not None
    return {
        "since": instant(logged.since),
        "until": instant(logged.until),
        "tools": [{"tool": t.tool, "files": t.files, "bytes": t.bytes} for t in scan.tools],
        "records": logged.report.total.requests,
        "duplicates": scan.duplicates,
        "mapping": list(report.logs.mapping.texts()),  # type: ignore[union-attr]
        "assumed_models": list(logged.report.assumed_models),
        "credits": credits(logged.total),
        "by_model": _by_model(logged),
        "by_day": [
            {"day": row.key, "requests": row.requests, "credits": credits(row.credits.total)}
            for row in logged.report.rows
        ],  # fmt: skip
        "skipped": skipped_document(scan.skips.total, scan.skips.by_file(), future),
    }


def _by_model(logged: LoggedCredits) -> list[dict[str, Any]]:
    return [
        {
            "model": use.model,
            "logged_as": list(use.logged),
            "charged_as": use.charged_as,
            "assumed": use.assumed,
            "requests": use.requests,
            "credits": credits(use.credits.total),
        }
        for use in logged.models
    ]
