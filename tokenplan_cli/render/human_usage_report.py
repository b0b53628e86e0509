"""`usage report` for a person: tokens and credits by group, the models and how they were charged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Column, Para, Row, Surface, Table, para
from tokenplan_cli.render.human_lifecycle import notes
from tokenplan_cli.render.numbers import pct, short

# (field, header, priority): the least important columns are left out first on a narrow terminal.
COLUMNS = (
    ("requests", "requests", 2),
    ("cache_hit", "cache hit", 3),
    ("cache_miss", "cache miss", 3),
    ("cache_write", "cache write", 4),
    ("output", "output", 3),
    ("reasoning", "reasoning", 4),
    ("credits_offpeak", "off-peak cr.", 1),
    ("credits", "credits", 0),
)


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    # A report always has usage: with none, the command exits 2 saying where it looked.
    tables: list[Block] = [_groups_table(doc), _models_table(doc), _summary(doc)]
    return [*tables, *_skipped(doc["skipped"]), *notes(doc["notes"])]


def _summary(doc: Mapping[str, Any]) -> Para:
    totals, period = doc["totals"], doc["period"]
    share = f", {pct(totals['offpeak_share'])} of it off-peak" if totals["offpeak_share"] else ""
    return para(
        f"{totals['credits']:,} credits over {period['days']} days ({period['first_day']} to "
        f"{period['last_day']}){share}; {doc['records']:,} requests, {doc['duplicates']:,} duplicate "
        f"copies dropped.",
        headline=True,
    )


def _groups_table(doc: Mapping[str, Any]) -> Table:
    by = doc["by"]
    totals = doc["totals"]
    shown = [
        (key, label, rank) for key, label, rank in COLUMNS if key in ("requests", "credits") or totals[key]
    ]
    columns = (Column(by), *(Column(label, "right", priority=rank) for _, label, rank in shown))
    rows = [
        Row(
            (f"{row[by]:02d}:00" if by == "hour" else str(row[by]), *(_cell(row, key) for key, _, _ in shown))
        )
        for row in doc["rows"]
    ]
    rows.append(Row(("total", *(_cell(totals, key) for key, _, _ in shown)), "total"))
    title = f"Usage by {'hour of day' if by == 'hour' else by} ({doc['source']}, {doc['timezone']})"
    return Table(title, columns, tuple(rows))


def _models_table(doc: Mapping[str, Any]) -> Table:
    columns = (
        Column("model"),
        Column("charged as", priority=1, under="model"),
        Column("requests", "right", priority=2),
        Column("tokens", "right", priority=3),
        Column("credits", "right"),
    )
    rows = tuple(
        Row(
            (
                model["model"],
                model["charged_as"] + (" (assumed)" if model["assumed"] else ""),
                f"{model['requests']:,}",
                short(model["tokens"]),
                short(model["credits"]),
            )
        )
        for model in doc["models"]
    )
    return Table("Models", columns, rows)


def _cell(row: Mapping[str, Any], name: str) -> str:
    return f"{row[name]:,}" if name == "requests" else short(row[name])


def _skipped(skipped: Mapping[str, Any]) -> list[Para]:
    if not skipped["total"]:
        return []
    lines = [
        para(
            f"skipped {skipped['total']} unreadable line(s) or file(s) (--strict makes this an error):",
            "note",
        )
    ]
    for entry in skipped["files"]:
        numbers = [str(n) for n in entry["lines"] if n]
        more = " …" if entry["count"] > len(entry["lines"]) else ""
        where = f" line {', '.join(numbers)}{more}" if numbers else ""
        reasons = ", ".join(entry["reasons"])
        lines.append(para(f"{entry['path']}:{where} ({reasons}; {entry['count']} in all)", indent=2))
    return lines
