"""`usage profile -o FILE` for a person: one line saying what was written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console

from tokenplan_cli.render.numbers import short


def render(doc: Mapping[str, Any], console: Console) -> None:
    assumed = f"; assumed: {', '.join(doc['assumed_models'])}" if doc["assumed_models"] else ""
    console.print(
        f"wrote {doc['output']}: {doc['days']} days ({doc['first_day']} to {doc['last_day']}) of "
        f"{doc['source']}, {doc['records']:,} requests, {short(doc['credits_per_month'])} credits a month"
        f"{assumed}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if doc["skipped_lines"]:
        console.print(f"skipped {doc['skipped_lines']} unreadable line(s) or file(s)", markup=False)
