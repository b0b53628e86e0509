"""`check` for a person: one line per limit, and the verdict."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokenplan_cli.render.blocks import Block, Para, Surface, para
from tokenplan_cli.render.human_lifecycle import notes
from tokenplan_cli.render.numbers import pct, short

MEASURED = {
    "max_utilization": ("utilization", "of the quota used"),
    "max_risk": ("p_runs_out", "risk of running out"),
}


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    plan = f"{doc['tier']} {doc['cycle']}"
    usage = (
        f"{plan}: {short(doc['usage'])} of {short(doc['quota'])} credits a cycle expected ({doc['source']})"
    )
    return [para(usage), *notes(doc["notes"]), *limit_lines(doc), verdict(doc)]


def limit_lines(doc: Mapping[str, Any]) -> list[Para]:
    broken = {v["limit"] for v in doc["violations"]}
    lines = []
    for limit, allowed in doc["limits"].items():
        if allowed is None:
            continue
        field, words = MEASURED[limit]
        value = doc[field]
        if limit in broken:
            over = (Decimal(value) - Decimal(allowed)) * 100
            text = f"✗ {pct(value)} {words}: over the limit of {pct(allowed)} by {over:.1f} points"
            lines.append(para(text, "fail", indent=2))
        else:
            lines.append(para(f"✓ {pct(value)} {words}: within the limit of {pct(allowed)}", "ok", indent=2))
    return lines


def verdict(doc: Mapping[str, Any]) -> Para:
    plan = f"{doc['tier']} {doc['cycle']}"
    if doc["ok"]:
        return para(f"{plan}: within every limit", "good", headline=True)
    count = len(doc["violations"])
    return para(f"{plan}: {count} {'limit' if count == 1 else 'limits'} broken", "bad", headline=True)
