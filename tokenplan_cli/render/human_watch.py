"""`watch` for a person: a dashboard redrawn in place, the terminal left clean on Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from tokenplan_cli.render.human_lifecycle import money
from tokenplan_cli.render.numbers import short
from tokenplan_cli.render.statusline import fields
from tokenplan_cli.render.terminal import make_console, table_box

Document = dict[str, Any]
BAR_WIDTH = 50


def dashboard(run: Callable[[Callable[[Document], None]], None], interval: float) -> None:
    """Run the loop `run(show)`, drawing each document it shows; Ctrl-C ends it with exit code 0."""
    console = make_console()
    with Live(console=console, auto_refresh=False, transient=False) as live:

        def show(document: Document) -> None:
            live.update(frame(document, interval, console), refresh=True)
            if document["events"]:
                console.bell()

        try:
            run(show)
        except KeyboardInterrupt:
            pass


def render(document: Mapping[str, Any], console: Console) -> None:
    """One frame, printed (for `watch --once` on a terminal, and tests)."""
    console.print(frame(document, None, console))


def frame(doc: Mapping[str, Any], interval: float | None, console: Console) -> RenderableType:
    text = fields(doc)
    live = doc["live"]
    title = Text(f"{doc['tier']} {doc['cycle']}", style="bold")
    title.append(f"  expires {text['expires']} ({doc['days_left']} d left)", style="default")
    parts: list[RenderableType] = [title, usage_bar(doc), Text("")]
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
    table = Table(box=table_box(console), show_header=False, pad_edge=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for key, value in rows:
        table.add_row(key, value)
    parts.append(table)
    if live["today_by_model"]:
        parts.append(_models_today(live["today_by_model"], console))
    for event in doc["events"]:
        parts.append(Text(f"reached {threshold_text(event)}", style="bold red"))
    for note in doc.get("watch_notes", []):
        parts.append(Text(f"note: {note}", style="yellow"))
    footer = f"source {doc['source']}"
    if interval is not None:
        footer += f" · every {interval:g} s · Ctrl-C to stop"
    parts.append(Text(footer, style="dim"))
    return Group(*parts)


def usage_bar(doc: Mapping[str, Any], width: int = BAR_WIDTH) -> Text:
    """`[██████████████████████████████░░░░░░░|░░░░░░░░░░|]` with marks at 50, 90 and 100 %."""
    used = min(Decimal(doc["used_fraction"] or 0), Decimal(1))
    filled = int(used * width)
    marks = {int(Decimal(str(r["threshold"])) * width) for r in doc["reminders"]}
    style = (
        "red"
        if used >= Decimal("0.9") or doc["stops_early"]
        else "yellow"
        if used >= Decimal("0.5")
        else "green"
    )
    bar = Text("[")
    for cell in range(width):
        if cell in marks and cell > 0:
            bar.append("|", style="bold")
        bar.append("█" if cell < filled else "░", style=style if cell < filled else "dim")
    bar.append("|]" if width in marks else "]")
    bar.append(f" {used * 100:.1f} %")
    return bar


def _models_today(models: list[Mapping[str, Any]], console: Console) -> Table:
    table = Table(title="Today by model", box=table_box(console), title_justify="left")
    table.add_column("model")
    table.add_column("charged as")
    table.add_column("credits", justify="right")
    for model in models:
        table.add_row(model["model"], model["charged_as"], short(model["credits"]))
    return table


def threshold_text(event: Mapping[str, Any]) -> str:
    share = Decimal(str(event["threshold"])) * 100
    return f"{share:.0f} % of the credits used ({event['at'].replace('T', ' ').replace('Z', ' UTC')})"
