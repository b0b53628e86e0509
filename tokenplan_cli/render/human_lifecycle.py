"""What the lifecycle commands (quote, upgrade-quote, renewal-quote, expiry, status) draw alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tokenplan_cli.render.numbers import price, short
from tokenplan_cli.render.terminal import table_box


def key_values(title: str, rows: Sequence[tuple[str, str]], console: Console) -> Table:
    """A two-column table: what, and its value."""
    table = Table(title=title, box=table_box(console), title_justify="left", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for key, value in rows:
        table.add_row(key, value)
    return table


def when(doc: Mapping[str, Any], key: str) -> str:
    """An instant of the document in UTC and, on a second line, in the user's zone when that is another."""
    utc = doc[key]
    if utc is None:
        return "–"
    text = utc.replace("T", " ").replace("Z", " UTC")
    local = doc["local"]
    if local["timezone"] == "UTC" or local.get(key) is None:
        return text
    return f"{text}\n{local[key][:19].replace('T', ' ')} {local['timezone']}"


def money(doc: Mapping[str, Any], amount: str | None) -> str:
    return price(amount, doc["currency_symbol"])


def credits(amount: Any) -> str:
    """`11B (11,000,000,000)`: short, then exact."""
    if amount is None:
        return "–"
    return f"{short(amount)} ({amount:,})" if abs(amount) >= 1000 else str(amount)


def explain(doc: Mapping[str, Any], console: Console) -> None:
    """The reasons ("why"), then the notes (assumptions), one a line."""
    for reason in doc.get("reasons", []):
        console.print(f"  {reason}", soft_wrap=True)
    for note in doc.get("notes", []):
        console.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)


def compensation(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The compensation-credits row of a quote, when there are any."""
    if not doc["compensation_credits"]:
        return []
    return [("compensation credits", credits(doc["compensation_credits"]))]
