"""What the lifecycle commands (quote, upgrade-quote, renewal-quote, expiry, status) draw alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tokenplan_cli.render.blocks import Column, Para, Row, Table, para
from tokenplan_cli.render.numbers import price, short


def key_values(title: str, rows: Sequence[tuple[str, str]]) -> Table:
    """A two-column table: what, and its value (wrapped between words when the width is short)."""
    columns = (Column("what", kind="strong"), Column("value", wrap=True))
    return Table(title, columns, tuple(Row((key, value)) for key, value in rows), header=False)


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


def explain(doc: Mapping[str, Any]) -> list[Para]:
    """The reasons ("why"), then the notes (assumptions), one a paragraph."""
    reasons = [para(reason, indent=2) for reason in doc.get("reasons", [])]
    return [*reasons, *notes(doc.get("notes", []))]


def notes(texts: Sequence[str]) -> list[Para]:
    return [para(f"note: {text}", "note") for text in texts]


def held_expiry(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The row of the plan held's expiry, when its start was given."""
    held = doc["from"]
    if held["expires_at"] is None:
        return []
    return [("held plan expires", held["expires_at"].replace("T", " ").replace("Z", " UTC"))]


def loss(doc: Mapping[str, Any], before: Any) -> list[tuple[str, str]]:
    """The row that says a change leaves fewer credits than are held now."""
    if not doc["loses_value"]:
        return []
    return [("loses value", f"{credits(before - doc['credits_after'])} credits fewer than held now")]


def compensation(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The compensation-credits row of a quote, when there are any."""
    if not doc["compensation_credits"]:
        return []
    return [("compensation credits", credits(doc["compensation_credits"]))]
