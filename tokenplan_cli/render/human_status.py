"""`status` for a person: where the plan stands, a burn-down chart, and what to do if it stops early."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Chart, Gap, Para, Surface
from tokenplan_cli.render.burndown import ASCII, UNICODE, chart_rows, legend
from tokenplan_cli.render.human_expiry import days_left
from tokenplan_cli.render.human_lifecycle import credits, explain, key_values, money, when
from tokenplan_cli.render.numbers import pct


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    glyphs = UNICODE if surface.unicode else ASCII
    chart = [tuple(row) for row in chart_rows(doc, surface.width, glyphs)]
    return [
        key_values(_title(doc), _rows(doc)),
        # a rounded table ends on its border; a plain one with an empty line
        *([Gap()] if surface.unicode else []),
        Chart(None, tuple(chart)),
        Para(tuple(legend(glyphs, doc["stops_early"]))),
        Gap(),
        *explain(doc),
    ]


def _title(doc: Mapping[str, Any]) -> str:
    verdict = "stops early" if doc["stops_early"] else ("expired" if not doc["active"] else "lasts")
    return f"{doc['tier']} {doc['cycle']}: {pct(doc['used_fraction'])} used, {verdict}"


def _rows(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [
        ("bought", when(doc, "start")),
        ("now", when(doc, "now")),
        ("expires", when(doc, "expires_at")),
        ("days left", days_left(doc)),
        ("credits used", credits(doc["credits_used"])),
        ("credits left", credits(doc["credits_left"])),
        ("burn rate", f"{credits(doc['burn_per_day'])} a day ({doc['burn_source']})"),
        ("credits run out", when(doc, "runs_out_at") if doc["runs_out_at"] else "not before expiry"),
    ]
    for reminder in doc["reminders"]:
        at = reminder["at"] and reminder["at"].replace("T", " ").replace("Z", " UTC")
        state = f"sent {at}" if reminder["fired"] else (f"due {at}" if at else "not before expiry")
        rows.append((f"{pct(reminder['threshold'], 0)} reminder", state))
    action = doc["action"]
    if action is not None:
        lasts = "lasts" if action["lasts"] else f"still runs out {action['runs_out_at'][:10]}"
        rows.append(
            (
                "cheapest action",
                f"upgrade to {action['tier']} now: {money(doc, action['amount_due'])}, {lasts}",
            )
        )
    return rows
