"""`expiry` for a person: the expiry instant, the reminders and what is left."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Surface
from tokenplan_cli.render.human_lifecycle import explain, key_values, when


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    rows = [
        ("bought", when(doc, "start")),
        ("expires", when(doc, "expires_at")),
        ("now", when(doc, "now")),
        ("days left", days_left(doc)),
        *(
            (
                "reminder on the day"
                if r["days_before"] == 0
                else f"reminder {r['days_before']} days before",
                r["date"] + (" (sent)" if r["fired"] else ""),
            )
            for r in doc["reminders"]
        ),
    ]
    bought = "to be bought" if doc["state"] == "not-started" else "bought"
    return [key_values(f"A {doc['cycle']} plan {bought} {doc['start'][:10]}", rows), *explain(doc)]


def days_left(doc: Mapping[str, Any]) -> str:
    if doc["state"] == "not-started":
        until = doc["days_until_start"]
        when = "today" if until == 0 else f"in {until} day{'s' if until != 1 else ''}"
        return f"not started yet (bought {when})"
    if not doc["active"]:
        return "0 (expired)"
    if doc["days_left"] == 0:
        return "0 (the last day: it expires today)"
    return f"{doc['days_left']} of {doc['days_total']}"
