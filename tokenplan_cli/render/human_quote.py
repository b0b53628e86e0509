"""`quote` for a person: the price, the discount and why, the credits and the validity window."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Surface
from tokenplan_cli.render.human_lifecycle import credits, explain, key_values, money, when


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    discount = doc["discount_label"]
    rows = [
        ("list price", money(doc, doc["list_price"])),
        ("discount", f"{discount}: −{money(doc, doc['discount_amount'])}" if discount else "none"),
        ("price", money(doc, doc["price"])),
        ("credits", credits(doc["credits"])),
        ("per billion credits", money(doc, doc["price_per_billion"])),
        ("starts", when(doc, "start")),
        ("expires", when(doc, "expires_at")),
    ]
    return [key_values(f"{doc['tier']} {doc['cycle']}: {money(doc, doc['price'])}", rows), *explain(doc)]
