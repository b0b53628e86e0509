"""The `expiry` document (schema in docs/json.md)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.core.validity import Expiry
from tokenplan_cli.views import envelope
from tokenplan_cli.views.lifecycle import instant, local_instants


def expiry_document(expiry: Expiry, zone: tzinfo) -> dict[str, Any]:
    window, now = expiry.window, expiry.now
    return envelope(
        "expiry",
        cycle=window.cycle,
        start=instant(window.start),
        expires_at=instant(window.expires_at),
        now=instant(now),
        active=window.is_active(now),
        days_total=window.days_total,
        days_elapsed=window.days_elapsed(now),
        days_left=window.days_left(now),
        seconds_left=window.seconds_left(now),
        reminders=[
            {"days_before": r.days_before, "date": r.day.isoformat(), "fired": expiry.reminder_fired(r)}
            for r in expiry.reminders
        ],
        local=local_instants(zone, start=window.start, expires_at=window.expires_at, now=now),
        notes=list(expiry.notes),
    )
