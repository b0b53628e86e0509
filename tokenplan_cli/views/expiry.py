"""The `expiry` document (schema in docs/json.md)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.core.validity import Expiry
from tokenplan_cli.views import envelope
from tokenplan_cli.views.lifecycle import instant, local_instants


def expiry_document(expiry: Expiry, zone: tzinfo) -> dict[str, Any]:
    """The expiry of a plan; before its purchase (`state` `not-started`) nothing has elapsed or is left."""
    window, now = expiry.window, expiry.now
    started = window.has_started(now)
    return envelope(
        "expiry",
        cycle=window.cycle,
        start=instant(window.start),
        expires_at=instant(window.expires_at),
        now=instant(now),
        state=window.state(now),
        active=window.is_active(now),
        days_total=window.days_total,
        days_until_start=None if started else window.days_until_start(now),
        days_elapsed=window.days_elapsed(now) if started else None,
        days_left=window.days_left(now) if started else None,
        seconds_left=window.seconds_left(now) if started else None,
        reminders=[
            {"days_before": r.days_before, "date": r.day.isoformat(), "fired": expiry.reminder_fired(r)}
            for r in expiry.reminders
        ],
        local=local_instants(zone, start=window.start, expires_at=window.expires_at, now=now),
        notes=list(expiry.notes),
    )
