"""The pay-as-you-go comparison for a person, under `estimate` and `simulate`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Column, Row, Table, para
from tokenplan_cli.render.numbers import pct, price, short

COLUMNS = (
    Column("tier"),
    Column("cycle"),
    Column("/ month", "right"),
    Column("cheaper from", "right"),
    Column("of quota", "right", priority=1),
    Column("cheaper now", "right", priority=2),
)


def payg_blocks(payg: Mapping[str, Any] | None, symbol: str) -> list[Block]:
    """A table of each plan's break-even, or why there is none; the prices' caveats as notes."""
    if payg is None:
        return []
    notes = [para(f"note: {note}", "note") for note in payg["notes"]]
    cost = payg["cost_per_month"]
    if cost is None or not payg["plans"]:
        return [para("Against pay-as-you-go: no comparison", "title"), *notes]
    basis = "official" if payg["official"] else "unofficial"
    title = f"Against pay-as-you-go ({basis} prices): the same use costs {price(cost, symbol)} a month"
    rows = []
    for plan in payg["plans"]:
        never = plan["never_cheaper"]
        cells = (
            plan["tier"],
            plan["cycle"],
            price(plan["price_per_month"], symbol),
            "never" if never else short(plan["break_even_credits_per_month"]),
            "" if never else pct(plan["break_even_share_of_quota"]),
            "plan" if plan["cheaper_than_payg"] else "pay as you go",
        )
        rows.append(Row(cells, "" if plan["cheaper_than_payg"] else "muted"))
    caption = "a plan is the cheaper way from that many credits a month of this use, up to its quota"
    return [Table(title, COLUMNS, tuple(rows), caption=caption, keys=2), *notes]
