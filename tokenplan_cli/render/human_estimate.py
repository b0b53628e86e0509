"""`estimate` for a person: credits by model, every plan, and the recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Column, Para, Row, Surface, Table, para
from tokenplan_cli.render.human_compare import comparison_blocks
from tokenplan_cli.render.human_lifecycle import notes
from tokenplan_cli.render.human_payg import payg_blocks
from tokenplan_cli.render.numbers import pct, price, short

KIND_LABELS = {
    "cache_hit": "cache hit",
    "cache_miss": "cache miss",
    "cache_write": "cache write",
    "output": "output",
    "reasoning": "reasoning",
    "audio": "audio",
}


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    return [
        *comparison_blocks(doc),
        credits_table(doc),
        *notes(doc["notes"]),
        plans_table(doc),
        *recommendation(doc),
        *payg_blocks(doc["payg"], doc["currency_symbol"]),
    ]


def credits_table(doc: Mapping[str, Any]) -> Table:
    kinds = [k for k, v in doc["credits_by_kind"].items() if v]
    columns = (
        Column("model"),
        Column("charged as", priority=2, under="model"),
        *(Column(KIND_LABELS[kind], "right", priority=3) for kind in kinds),
        Column("off-peak", "right", priority=1),
        Column("credits", "right", kind="strong"),
    )
    rows = [
        Row(
            (
                model["model"],
                model["charged_as"] + ("" if model["status"] == "active" else f" ({model['status']})"),
                *(short(model["credits_by_kind"][k]) for k in kinds),
                short(model["credits_offpeak"]),
                short(model["credits"]),
            )
        )
        for model in doc["models"]
    ]
    total = (
        "total",
        "",
        *(short(doc["credits_by_kind"][k]) for k in kinds),
        short(doc["credits_offpeak"]),
        short(doc["credits_per_month"]),
    )
    share = f" ({pct(doc['offpeak_share'])} of use off-peak)" if doc["offpeak_share"] else ""
    return Table(
        f"Credits per month ({doc['source']}, rules as of {doc['as_of'][:10]})",
        columns,
        (*rows, Row(total, "total")),
        caption=f"{doc['credits_per_month']:,} credits a month{share}",
    )


PLAN_COLUMNS = (
    Column("tier"),
    Column("cycle"),
    Column("quota", "right", priority=3),
    Column("use", "right", priority=4),
    Column("used", "right"),
    Column("fits", "right", priority=2),
    Column("runs out", "right", priority=1),
    Column("price", "right"),
    Column("/ month", "right", priority=1),
    Column("/ B used", "right", priority=5),
)


def plans_table(doc: Mapping[str, Any]) -> Table:
    symbol = doc["currency_symbol"]
    best = doc["recommended"] or {}
    rows = []
    for plan in doc["plans"]:
        chosen = plan["tier"] == best.get("tier") and plan["cycle"] == best.get("cycle")
        runs_out = f"day {plan['runs_out_day']}/{plan['cycle_days']}" if plan["runs_out_day"] else "lasts"
        cells = (
            plan["tier"],
            plan["cycle"],
            short(plan["quota"]),
            short(plan["usage"]),
            pct(plan["utilization"]),
            "yes" if plan["fits"] else "no",
            runs_out,
            price(plan["price"], symbol),
            price(plan["price_per_month"], symbol),
            price(plan["price_per_billion_used"], symbol),
        )
        rows.append(Row(cells, "chosen" if chosen else ("muted" if not plan["fits"] else "")))
    title = f"Plans ({pct(doc['headroom'], 0)} headroom to fit)"
    return Table(title, PLAN_COLUMNS, tuple(rows), keys=2)


def recommendation(doc: Mapping[str, Any]) -> list[Para]:
    best = doc["recommended"]
    if best is None:
        verdict = para("No plan fits this usage.", "bad", headline=True)
    else:
        verdict = para(f"Recommended: {best['tier']} {best['cycle']}", "good", headline=True)
    return [verdict, *(para(reason, indent=2) for reason in doc["reasons"])]
