"""`renewal-quote` for a person: what is paid and what is credited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Surface
from tokenplan_cli.render.human_lifecycle import (
    compensation,
    credits,
    explain,
    held_expiry,
    key_values,
    loss,
    money,
    when,
)
from tokenplan_cli.render.numbers import pct

STARTS = {
    "at-once": "at once, replacing the plan held",
    "at-expiry": "at the old expiry (auto-renewal)",
    "after-lapse": "now: the plan held lapsed",
}


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    held, target = doc["from"], doc["to"]
    rows = [
        ("from", f"{held['tier']} {held['cycle']}, {pct(held['used_fraction'])} used"),
        *held_expiry(doc),
        ("remaining value", money(doc, doc["remaining_value"])),
        ("to", f"{target['tier']} {target['cycle']}"),
        ("price", money(doc, target["price"]) + (f" ({doc['discount_label']})" if doc["discount"] else "")),
        ("to pay", money(doc, doc["amount_due"])),
        *compensation(doc),
        ("credits after", credits(doc["credits_after"])),
        *loss(doc, doc["credits_before"]),
        ("new plan starts", STARTS[doc["starts"]]),
        ("new plan expires", when(doc, "expires_at")),
    ]
    title = f"Renew as {target['tier']} {target['cycle']}: {money(doc, doc['amount_due'])}" + (
        " (loses value)" if doc["loses_value"] else ""
    )
    return [key_values(title, rows), *explain(doc)]
