"""`usage report` for a person: tokens and credits by group, the models and how they were charged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tokenplan_cli.render.numbers import pct, short
from tokenplan_cli.render.terminal import table_box

COLUMNS = (
    ("requests", "requests"),
    ("cache_hit", "cache hit"),
    ("cache_miss", "cache miss"),
    ("cache_write", "cache write"),
    ("output", "output"),
    ("reasoning", "reasoning"),
    ("credits_offpeak", "off-peak cr."),
    ("credits", "credits"),
)


def render(doc: Mapping[str, Any], console: Console) -> None:
    period = doc["period"]
    if not doc["tools"]:
        console.print("No tool logs found; name them with --from TOOL PATH (see --help).", markup=False)
    elif not doc["records"]:
        console.print(f"No usage found in the {doc['source']} for the days asked.", markup=False)
    else:
        console.print(_groups_table(doc, console))
        console.print(_models_table(doc, console))
        totals = doc["totals"]
        share = f", {pct(totals['offpeak_share'])} of it off-peak" if totals["offpeak_share"] else ""
        console.print(
            f"{totals['credits']:,} credits over {period['days']} days ({period['first_day']} to "
            f"{period['last_day']}){share}; {doc['records']:,} requests, {doc['duplicates']:,} duplicate "
            f"copies dropped.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    _skipped(doc["skipped"], console)
    for note in doc["notes"]:
        console.print(Text(f"note: {note}", style="yellow"))


def _columns(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    totals = doc["totals"]
    return [(key, label) for key, label in COLUMNS if key in ("requests", "credits") or totals[key]]


def _groups_table(doc: Mapping[str, Any], console: Console) -> Table:
    by = doc["by"]
    title = f"Usage by {'hour of day' if by == 'hour' else by} ({doc['source']}, {doc['timezone']})"
    table = Table(title=title, box=table_box(console), title_justify="left")
    columns = _columns(doc)
    table.add_column(by)
    for _, label in columns:
        table.add_column(label, justify="right")
    for row in doc["rows"]:
        key = f"{row[by]:02d}:00" if by == "hour" else str(row[by])
        table.add_row(key, *(_cell(row, name) for name, _ in columns))
    table.add_row("total", *(_cell(doc["totals"], name) for name, _ in columns), style="bold")
    return table


def _models_table(doc: Mapping[str, Any], console: Console) -> Table:
    table = Table(title="Models", box=table_box(console), title_justify="left")
    for name in ("model", "charged as", "requests", "tokens", "credits"):
        table.add_column(name, justify="left" if name in ("model", "charged as") else "right")
    for model in doc["models"]:
        charged = model["charged_as"] + (" (assumed)" if model["assumed"] else "")
        table.add_row(
            model["model"], charged, f"{model['requests']:,}", short(model["tokens"]), short(model["credits"])
        )
    return table


def _cell(row: Mapping[str, Any], name: str) -> str:
    return f"{row[name]:,}" if name == "requests" else short(row[name])


def _skipped(skipped: Mapping[str, Any], console: Console) -> None:
    if not skipped["total"]:
        return
    console.print(
        Text(
            f"skipped {skipped['total']} unreadable line(s) or file(s) (--strict makes this an error):",
            style="yellow",
        )
    )
    for entry in skipped["files"]:
        lines = [str(n) for n in entry["lines"] if n]
        where = (
            f" line {', '.join(lines)}{' …' if entry['count'] > len(entry['lines']) else ''}" if lines else ""
        )
        console.print(
            f"  {entry['path']}:{where} ({', '.join(entry['reasons'])}; {entry['count']} in all)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
