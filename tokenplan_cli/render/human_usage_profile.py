"""`usage profile -o FILE` for a person: one line saying what was written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Surface, para
from tokenplan_cli.render.numbers import short


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    assumed = f"; assumed: {', '.join(doc['assumed_models'])}" if doc["assumed_models"] else ""
    written = (
        f"wrote {doc['output']}: {doc['days']} days ({doc['first_day']} to {doc['last_day']}) of "
        f"{doc['source']}, {doc['records']:,} requests, {short(doc['credits_per_month'])} credits a month"
        f"{assumed}"
    )
    skipped = doc["skipped_lines"]
    return [para(written), *([para(f"skipped {skipped} unreadable line(s) or file(s)")] if skipped else [])]
