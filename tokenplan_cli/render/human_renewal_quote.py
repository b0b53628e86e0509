"""`renewal-quote` for a person: what is paid and what is credited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Surface
from tokenplan_cli.render.human_lifecycle import compensation, credits, explain, key_values, money, when
from tokenplan_cli.render.numbers import pct


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    held, target = doc["from"], doc["to"]
    rows = [
        ("from", f"{held['tier']} {held['cycle']}, {pct(held['used_fraction'])} used"),
        ("remaining value", money(doc, doc["remaining_value"])),
        ("to", f"{target['tier']} {target['cycle']}"),
        ("price", money(doc, target["price"]) + (f" ({doc['discount_label']})" if doc["discount"] else "")),
        ("to pay", money(doc, doc["amount_due"])),
        *compensation(doc),
        ("credits after", credits(doc["credits_after"])),
        ("new plan expires", when(doc, "expires_at")),
    ]
    title = f"Renew as {target['tier']} {target['cycle']}: {money(doc, doc['amount_due'])}"
    return [key_values(title, rows), *explain(doc)]
