"""The `plan` documents (`plan set`, `plan show`, `plan clear`, `plan calibrate`; docs/json.md)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.app.plan import HeldState, PlanOverview
from tokenplan_cli.views import credits, envelope, money, ratio
from tokenplan_cli.views.lifecycle import currency_fields, instant, local_instants


def plan_document(command: str, overview: PlanOverview, zone: tzinfo, message: str) -> dict[str, Any]:
    file = overview.file
    return envelope(
        command,
        message=message,
        config={"path": str(file.path), "exists": file.exists, "from_env": file.from_env},
        plan=None if overview.state is None else held_document(overview.state, zone),
        settings={
            name: {"value": list(s.value) if isinstance(s.value, tuple) else s.value, "origin": s.origin}
            for name, s in overview.settings.items()
        },
        notes=[] if overview.state is None else list(overview.state.notes),
    )


def held_document(state: HeldState, zone: tzinfo) -> dict[str, Any]:
    plan, price, window, now = state.plan, state.price, state.cycle.window, state.now
    currency = state.currency
    reading = state.reading
    used = state.reading_used
    return {
        "tier": price.tier.name,
        "cycle": price.cycle,
        "bought_at": instant(plan.start),
        "auto_renew": plan.auto_renew,
        "credits": credits(price.credits),
        **currency_fields(currency),
        "list_price": money(price.list_price, currency),
        "paid": money(state.paid if state.paid is not None else price.list_price, currency),
        "paid_assumed": state.paid is None,
        "cycle_number": state.cycle.number,
        "cycle_start": instant(window.start),
        "expires_at": instant(window.expires_at),
        "active": window.is_active(now),
        "expired": state.cycle.expired,
        "days_left": window.days_left(now),
        "counted_from": instant(state.counted_from),
        "reading": None
        if reading is None or used is None
        else {
            "at": instant(reading.at),
            "given": reading.given,
            "credits_used": credits(used),
            "used_fraction": ratio(used / price.credits) if price.credits else None,
        },
        "readings": len(state.file.config.readings),
        "now": instant(now),
        "local": local_instants(
            zone, bought_at=plan.start, cycle_start=window.start, expires_at=window.expires_at
        ),  # fmt: skip
    }
