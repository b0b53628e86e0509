"""`watch` for a person: the dashboard as blocks, redrawn in place (`terminal.redrawn`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from tokenplan_cli.render.blocks import Block, Chart, Column, Gap, Line, Row, Surface, Table, para
from tokenplan_cli.render.human_lifecycle import key_values, money, notes
from tokenplan_cli.render.numbers import short
from tokenplan_cli.render.statusline import fields

Document = dict[str, Any]
BAR_MAX = 60  # cells of the usage bar at most


def dashboard(run: Callable[[Callable[[Document], None]], None], interval: float) -> None:
    """Run the loop `run(show)`, drawing each document it shows in place; Ctrl-C ends it, exit code 0,
    the terminal left as it was with the last frame on it."""
    from tokenplan_cli.render.terminal import make_console, redrawn, surface

    console = make_console()
    with redrawn(console) as redraw:

        def show(document: Document) -> None:
            redraw(blocks(document, surface(console), interval), bell=bool(document["events"]))

        try:
            run(show)
        except KeyboardInterrupt:
            pass


def blocks(doc: Mapping[str, Any], surface: Surface, interval: float | None = None) -> list[Block]:
    text = fields(doc)
    rows = [
        ("used", f"{short(doc['credits_used'])} of {short(doc['credits_total'])} ({text['used']})"),
        ("left", short(doc["credits_left"])),
        ("burn", f"last hour {text['hour']} · today {text['today']} · cycle {text['burn']}"),
        ("run-out", text["runout"]),
        ("off-peak", text["offpeak"] or "–"),
        ("next reminder", text["reminder"] or "–"),
    ]
    action = doc["action"]
    if action is not None:
        rows.append(
            ("cheapest action", f"upgrade to {action['tier']} now: {money(doc, action['amount_due'])}")
        )
    title = f"{doc['tier']} {doc['cycle']}: expires {text['expires']} ({doc['days_left']} d left)"
    out: list[Block] = [para(title, "title"), Chart(None, (usage_bar(doc, surface),)), Gap(),
                        key_values("", rows)]  # fmt: skip
    models = doc["live"]["today_by_model"]
    if models:
        out.append(_models_today(models))
    out += [para(f"reached {threshold_text(event)}", "bad") for event in doc["events"]]
    out += notes(doc.get("watch_notes", []))
    footer = f"source {doc['source']}" + (f" · every {interval:g} s · Ctrl-C to stop" if interval else "")
    return [*out, para(footer, "dim")]


def usage_bar(doc: Mapping[str, Any], surface: Surface) -> Line:
    """`[██████████|░░░░░░░░|░░]` (ASCII: `#` and `.`) with a mark at each reminder threshold."""
    width = max(10, min(BAR_MAX, surface.width - 12))
    used = min(Decimal(doc["used_fraction"] or 0), Decimal(1))
    filled = int(used * width)
    marks = {int(Decimal(str(r["threshold"])) * width) for r in doc["reminders"]}
    full, empty = ("█", "░") if surface.unicode else ("#", ".")
    kind = (
        "bad"
        if used >= Decimal("0.9") or doc["stops_early"]
        else ("limit" if used >= Decimal("0.5") else "good")
    )
    pieces: list[tuple[str, str]] = [("[", "")]
    for cell in range(width):
        if cell in marks and cell > 0:
            pieces.append(("|", "strong"))
        pieces.append((full, kind) if cell < filled else (empty, "dim"))
    pieces.append(("|]" if width in marks else "]", ""))
    pieces.append((f" {used * 100:.1f} %", "strong"))
    return tuple(pieces)


def _models_today(models: list[Mapping[str, Any]]) -> Table:
    columns = (Column("model"), Column("charged as", priority=1), Column("credits", align="right"))
    rows = tuple(Row((m["model"], m["charged_as"], short(m["credits"]))) for m in models)
    return Table("Today by model", columns, rows)


def threshold_text(event: Mapping[str, Any]) -> str:
    share = Decimal(str(event["threshold"])) * 100
    return f"{share:.0f} % of the credits used ({event['at'].replace('T', ' ').replace('Z', ' UTC')})"
