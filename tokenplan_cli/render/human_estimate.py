"""`estimate` for a person: credits by model, every plan, and the recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tokenplan_cli.render.numbers import pct, price, short
from tokenplan_cli.render.terminal import table_box

KIND_LABELS = {
    "cache_hit": "cache hit",
    "cache_miss": "cache miss",
    "cache_write": "cache write",
    "output": "output",
    "reasoning": "reasoning",
    "audio": "audio",
}


def render(doc: Mapping[str, Any], console: Console) -> None:
    console.print(_credits_table(doc, console))
    for note in doc["notes"]:
        console.print(Text(f"note: {note}", style="yellow"))
    console.print(_plans_table(doc, console))
    _recommendation(doc, console)


def _credits_table(doc: Mapping[str, Any], console: Console) -> Table:
    kinds = [k for k, v in doc["credits_by_kind"].items() if v]
    table = Table(
        title=f"Credits per month ({doc['source']}, rules as of {doc['as_of'][:10]})",
        box=table_box(console),
        title_justify="left",
    )
    table.add_column("model")
    table.add_column("charged as")
    for kind in kinds:
        table.add_column(KIND_LABELS[kind], justify="right")
    table.add_column("off-peak", justify="right")
    table.add_column("credits", justify="right", style="bold")
    for model in doc["models"]:
        charged = model["charged_as"]
        status = "" if model["status"] == "active" else f" ({model['status']})"
        table.add_row(
            model["model"],
            charged + status,
            *(short(model["credits_by_kind"][k]) for k in kinds),
            short(model["credits_offpeak"]),
            short(model["credits"]),
        )
    share = f" ({pct(doc['offpeak_share'])} of use off-peak)" if doc["offpeak_share"] else ""
    table.add_row(
        "total",
        "",
        *(short(doc["credits_by_kind"][k]) for k in kinds),
        short(doc["credits_offpeak"]),
        short(doc["credits_per_month"]),
        style="bold",
    )
    table.caption = f"{doc['credits_per_month']:,} credits a month{share}"
    return table


def _plans_table(doc: Mapping[str, Any], console: Console) -> Table:
    symbol = doc["currency_symbol"]
    table = Table(
        title=f"Plans ({pct(doc['headroom'], 0)} headroom to fit)",
        box=table_box(console),
        title_justify="left",
    )
    columns = ("tier", "cycle", "quota", "use", "used", "fits", "runs out", "price", "/ month", "/ B used")
    for name in columns:
        table.add_column(name, justify="left" if name in ("tier", "cycle") else "right", no_wrap=True)
    best = doc["recommended"] or {}
    for plan in doc["plans"]:
        chosen = plan["tier"] == best.get("tier") and plan["cycle"] == best.get("cycle")
        runs_out = f"day {plan['runs_out_day']}/{plan['cycle_days']}" if plan["runs_out_day"] else "lasts"
        table.add_row(
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
            style="bold green" if chosen else ("dim" if not plan["fits"] else None),
        )
    return table


def _recommendation(doc: Mapping[str, Any], console: Console) -> None:
    best = doc["recommended"]
    if best is None:
        console.print(Text("No plan fits this usage.", style="bold red"))
    else:
        console.print(Text(f"Recommended: {best['tier']} {best['cycle']}", style="bold green"))
    for reason in doc["reasons"]:
        console.print(f"  {reason}", soft_wrap=True)
