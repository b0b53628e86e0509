"""`upgrade-quote` for a person: the seeds' formula worked through, and what the upgrade buys."""

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


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    held, target = doc["from"], doc["to"]
    rows = [
        ("from", f"{held['tier']} {held['cycle']}, {pct(held['used_fraction'])} used"),
        *held_expiry(doc),
        ("credits left", credits(held["remaining"])),
        ("paid", money(doc, held["paid"]) + (" (list price assumed)" if held["paid_assumed"] else "")),
        ("remaining value", money(doc, doc["remaining_value"])),
        ("to", f"{target['tier']} {target['cycle']}, {money(doc, target['list_price'])}"),
        ("price difference", money(doc, doc["price_difference"])),
        ("to pay now", money(doc, doc["amount_due"])),
        *compensation(doc),
        ("credits gained", credits(doc["credits_gained"])),
        *loss(doc, held["remaining"]),
        ("per extra billion", money(doc, doc["cost_per_extra_billion"])),
        ("new plan expires", when(doc, "expires_at")),
    ]
    title = f"Upgrade {held['tier']} → {target['tier']}: {money(doc, doc['amount_due'])}" + (
        " (loses value)" if doc["loses_value"] else ""
    )
    return [key_values(title, rows), *explain(doc)]
