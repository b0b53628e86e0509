"""The `watch` document (docs/json.md): the `status` document and what a live view adds (the off-peak
window, the last hour, today); `statusline` draws its line from the same document."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.app.live import LiveView
from tokenplan_cli.core.dates import days_between
from tokenplan_cli.views import credits, exact
from tokenplan_cli.views.held_status import held_status_document
from tokenplan_cli.views.lifecycle import instant


def live_document(view: LiveView, zone: tzinfo, command: str = "watch") -> dict[str, Any]:
    document = held_status_document(view.report, zone)
    document["command"] = command
    offpeak = view.offpeak
    document["live"] = {
        "offpeak": {
            "on": offpeak.on,
            "coefficient": exact(offpeak.coefficient),
            "changes_at": instant(offpeak.changes_at),
        },
        "last_hour_credits": credits(view.last_hour),
        "today_credits": credits(view.today),
        "today_since": instant(view.today_since),
        "today_by_model": [
            {
                "model": use.model,
                "logged_as": list(use.logged),
                "charged_as": use.charged_as,
                "credits": credits(use.credits.total),
            }
            for use in view.today_by_model
        ],
        "days_early": _days_early(view),
    }
    return document


def _days_early(view: LiveView) -> int | None:
    """Whole days from the run-out to the end of validity, when the credits run out first."""
    status = view.report.status
    if not status.stops_early or status.runs_out_at is None:
        return None
    days = days_between(status.runs_out_at, status.window.ends_at)
    return days.numerator // days.denominator
