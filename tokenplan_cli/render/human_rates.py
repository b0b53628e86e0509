"""`rates` for a person: the card as tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from tokenplan_cli.render.numbers import pct, short
from tokenplan_cli.render.terminal import table_box


def render(doc: Mapping[str, Any], console: Console) -> None:
    console.print(_models(doc, console))
    console.print(_tiers(doc, console))
    console.print(_discounts(doc, console))
    offpeak = doc["offpeak"]
    console.print(f"Off-peak: {offpeak['window']}, consumption coefficient {offpeak['coefficient']}")
    reminders = doc["reminders"]
    thresholds = ", ".join(pct(t, 0) for t in reminders["usage_thresholds"])
    days = ", ".join(f"{d} days before" if d else "on the day" for d in reminders["expiry_days_before"])
    console.print(f"Reminders: usage at {thresholds}; expiry {days} (auto-renewal off)")
    validity = doc["validity"]
    console.print(
        f"Validity: ends {validity['expires_at_utc']} UTC on the same day of the next month (or year); "
        f"month end: {validity['month_end']}"
    )
    for warning in doc["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")


def _models(doc: Mapping[str, Any], console: Console) -> Table:
    table = Table(
        title=f"Models (status as of {doc['as_of'][:10]}; credits per token)",
        box=table_box(console),
        title_justify="left",
    )
    for name in ("model", "kind", "cache hit", "cache miss", "output", "audio / hour", "status"):
        table.add_column(name, justify="left" if name in ("model", "kind", "status") else "right")
    for model in doc["models"]:
        rates = model["rates"] or {}
        status = model["status"]
        if model["charged_as"] != model["model"]:
            status += f" → {model['charged_as']}"
        if model["promotion"]:
            status += f" ({model['promotion']})"
        table.add_row(
            model["model"],
            model["kind"],
            *(str(rates.get(k, "")) for k in ("cache_hit", "cache_miss", "output")),
            short(model["credits_per_audio_hour"]) if model["credits_per_audio_hour"] else "",
            status,
        )
    return table


def _tiers(doc: Mapping[str, Any], console: Console) -> Table:
    currencies = list(doc["tiers"][0]["monthly"]["prices"])
    table = Table(title="Tiers", box=table_box(console), title_justify="left")
    table.add_column("tier")
    for cycle in ("monthly", "annual"):
        table.add_column(f"{cycle} credits", justify="right")
        for code in currencies:
            table.add_column(f"{cycle} {code}", justify="right")
    for tier in doc["tiers"]:
        cells = [tier["tier"]]
        for cycle in ("monthly", "annual"):
            cells.append(short(tier[cycle]["credits"]))
            cells += [tier[cycle]["prices"][code] for code in currencies]
        table.add_row(*cells)
    table.caption = f"annual = 12 × monthly × {doc['annual_price_factor']}, one pool of credits for the year"
    return table


def _discounts(doc: Mapping[str, Any], console: Console) -> Table:
    table = Table(title="Discounts", box=table_box(console), title_justify="left")
    for name in ("discount", "multiplier", "cycles", "once per account"):
        table.add_column(name)
    for discount in doc["discounts"]:
        table.add_row(
            discount["label"],
            f"×{discount['multiplier']}",
            ", ".join(discount["cycles"]),
            "yes" if discount["once_per_account"] else "no",
        )
    groups = "; ".join(" / ".join(group) for group in doc["mutually_exclusive"])
    table.caption = f"mutually exclusive: {groups}" if groups else None
    return table
