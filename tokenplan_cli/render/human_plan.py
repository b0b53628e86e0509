"""`plan set|show|clear|calibrate|defaults` for a person: the plan held, its cycle, the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Surface, para
from tokenplan_cli.render.human_lifecycle import credits, explain, key_values, money, when

ORIGINS = {"flag": "flag", "config": "config file", "card": "rate card", "built-in": "built-in default"}


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    out: list[Block] = [para(doc["message"], headline=True)] if doc["message"] else []
    plan = doc["plan"]
    if plan is None:
        out.append(para("No plan held: 'tokenplan plan set TIER --start DATE' remembers the one you hold."))
    else:
        out.append(key_values(f"{plan['tier']} {plan['cycle']}", _plan_rows(plan)))
    settings = [
        (name, f"{_value(setting['value'])}  ({ORIGINS.get(setting['origin'], setting['origin'])})")
        for name, setting in doc["settings"].items()
    ]
    config = doc["config"]
    where = " (TOKENPLAN_CONFIG)" if config["from_env"] else ""
    written = "" if config["exists"] else " (not written yet)"
    return [
        *out,
        key_values("Defaults", settings),
        para(f"config file: {config['path']}{where}{written}"),
        *explain(doc),
    ]


def _plan_rows(plan: Mapping[str, Any]) -> list[tuple[str, str]]:
    paid = money(plan, plan["paid"]) + (" (list price assumed)" if plan["paid_assumed"] else "")
    state = "expired" if plan["expired"] else ("active" if plan["active"] else "not serving")
    rows = [
        ("credits", credits(plan["credits"])),
        ("paid", paid),
        ("bought", when(plan, "bought_at")),
        ("auto-renewal", "on" if plan["auto_renew"] else "off"),
        ("cycle", f"{plan['cycle_number']} ({state})"),
        ("cycle started", when(plan, "cycle_start")),
        ("expires", when(plan, "expires_at")),
        ("days left", str(plan["days_left"])),
    ]
    reading = plan["reading"]
    if reading is not None:
        rows.append(("latest reading", f"{reading['given']} at {reading['at'].replace('T', ' ')}"))
    return rows


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value) if value else "–"
    return str(value)
