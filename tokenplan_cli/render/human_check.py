"""`check` for a person: one line per limit, and the verdict."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.text import Text

from tokenplan_cli.render.numbers import pct, short

MEASURED = {
    "max_utilization": ("utilization", "of the quota used"),
    "max_risk": ("p_runs_out", "risk of running out"),
}


def render(doc: Mapping[str, Any], console: Console) -> None:
    plan = f"{doc['tier']} {doc['cycle']}"
    console.print(
        f"{plan}: {short(doc['usage'])} of {short(doc['quota'])} credits a cycle expected ({doc['source']})",
        soft_wrap=True,
    )
    for note in doc["notes"]:
        console.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)
    broken = {v["limit"]: v for v in doc["violations"]}
    for limit, allowed in doc["limits"].items():
        if allowed is None:
            continue
        field, words = MEASURED[limit]
        value = doc[field]
        if limit in broken:
            over = (Decimal(value) - Decimal(allowed)) * 100
            line = f"  ✗ {pct(value)} {words}: over the limit of {pct(allowed)} by {over:.1f} points"
            console.print(Text(line, style="bold red"))
        else:
            console.print(
                Text(f"  ✓ {pct(value)} {words}: within the limit of {pct(allowed)}", style="green")
            )
    verdict = "within every limit" if doc["ok"] else f"{len(doc['violations'])} limit(s) broken"
    console.print(Text(f"{plan}: {verdict}", style="bold green" if doc["ok"] else "bold red"))
