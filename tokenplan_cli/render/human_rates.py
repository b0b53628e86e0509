"""`rates` for a person: the card as tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Column, Row, Surface, Table, para
from tokenplan_cli.render.numbers import pct, short


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    offpeak = doc["offpeak"]
    reminders = doc["reminders"]
    thresholds = ", ".join(pct(t, 0) for t in reminders["usage_thresholds"])
    days = ", ".join(f"{d} days before" if d else "on the day" for d in reminders["expiry_days_before"])
    validity = doc["validity"]
    return [
        _models(doc),
        _tiers(doc),
        _discounts(doc),
        *_payg(doc),
        *_endpoints(doc),
        para(f"Off-peak: {offpeak['window']}, consumption coefficient {offpeak['coefficient']}"),
        para(f"Reminders: usage at {thresholds}; expiry {days} (auto-renewal off)"),
        para(
            f"Validity: ends {validity['expires_at_utc']} UTC on the same day of the next month (or year); "
            f"month end: {validity['month_end']}"
        ),
        *(para(f"warning: {warning}", "note") for warning in doc["warnings"]),
    ]


def _models(doc: Mapping[str, Any]) -> Table:
    columns = (
        Column("model"),
        Column("kind", priority=2),
        *(Column(name, "right") for name in ("cache hit", "cache miss", "output")),
        Column("audio / hour", "right", priority=1),
        Column("status", wrap=True),
    )
    rows = []
    for model in doc["models"]:
        rates = model["rates"] or {}
        status = model["status"]
        if model["charged_as"] != model["model"]:
            status += f" → {model['charged_as']}"
        if model["promotion"]:
            status += f" ({model['promotion']})"
        cells = (
            model["model"],
            model["kind"],
            *(str(rates.get(k, "")) for k in ("cache_hit", "cache_miss", "output")),
            short(model["credits_per_audio_hour"]) if model["credits_per_audio_hour"] else "",
            status,
        )
        rows.append(Row(cells))
    return Table(f"Models (status as of {doc['as_of'][:10]}; credits per token)", columns, tuple(rows))


def _tiers(doc: Mapping[str, Any]) -> Table:
    currencies = list(doc["tiers"][0]["monthly"]["prices"])
    columns = [Column("tier")]
    for cycle in ("monthly", "annual"):
        columns.append(Column(f"{cycle} credits", "right"))
        columns += [Column(f"{cycle} {code}", "right") for code in currencies]
    rows = []
    for tier in doc["tiers"]:
        cells = [tier["tier"]]
        for cycle in ("monthly", "annual"):
            cells.append(short(tier[cycle]["credits"]))
            cells += [tier[cycle]["prices"][code] for code in currencies]
        rows.append(Row(tuple(cells)))
    caption = f"annual = 12 × monthly × {doc['annual_price_factor']}, one pool of credits for the year"
    return Table("Tiers", tuple(columns), tuple(rows), caption=caption)


def _discounts(doc: Mapping[str, Any]) -> Table:
    columns = (
        Column("discount", wrap=True),
        Column("multiplier"),
        Column("cycles"),
        Column("once per account"),
    )
    rows = tuple(
        Row(
            (
                discount["label"],
                f"×{discount['multiplier']}",
                ", ".join(discount["cycles"]),
                "yes" if discount["once_per_account"] else "no",
            )
        )
        for discount in doc["discounts"]
    )
    groups = "; ".join(" / ".join(group) for group in doc["mutually_exclusive"])
    return Table("Discounts", columns, rows, caption=f"mutually exclusive: {groups}" if groups else None)


def _payg(doc: Mapping[str, Any]) -> list[Block]:
    payg = doc["payg"]
    if payg is None:
        return []
    columns = (
        Column("model"),
        Column("currency"),
        *(Column(name, "right") for name in ("cache hit", "cache miss", "output")),
        Column("official"),
        Column("as of", priority=1),
    )
    rows = []
    for price in payg["prices"]:
        rates = price["rates"] or {}
        cells = (
            price["model"],
            price["currency"],
            *(str(rates.get(k, "")) for k in ("cache_hit", "cache_miss", "output")),
            "yes" if price["official"] else "no",
            price["as_of"],
        )
        rows.append(Row(cells))
    unpriced = ", ".join(payg["unpriced_models"])
    caption = f"per {payg['per_tokens']:,} tokens" + (f"; no price known for {unpriced}" if unpriced else "")
    title = "Pay-as-you-go prices (sources in --json and the card)"
    return [Table(title, columns, tuple(rows), caption=caption, keys=2)] + (
        [para(f"note: {payg['note']}", "note")] if payg["note"] else []
    )


def _endpoints(doc: Mapping[str, Any]) -> list[Block]:
    endpoints = doc["endpoints"]
    if endpoints is None:
        return []
    columns = (Column("cluster"), Column("OpenAI-compatible"), Column("Anthropic-compatible"))
    rows = tuple(
        Row((f"{c['cluster']} ({c['label']})", c["openai"], c["anthropic"])) for c in endpoints["clusters"]
    )
    caption = (
        f"keys start with {endpoints['key_prefix']}; `tokenplan setup TOOL --cluster C` configures a tool"
    )
    return [Table("Endpoints", columns, rows, caption=caption)]
