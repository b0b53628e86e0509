"""`--compare-to` for a person: what changed against the baseline, before the report itself."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokenplan_cli.render.blocks import Block, Column, Row, Table, para
from tokenplan_cli.render.numbers import pct, price, short

COLUMNS = (
    Column("", wrap=True),
    Column("before", "right"),
    Column("after", "right"),
    Column("change", "right"),
)


def comparison_blocks(doc: Mapping[str, Any]) -> list[Block]:
    comparison = doc.get("comparison")
    if comparison is None:
        return []
    symbol = doc.get("currency_symbol", "")
    shown = [
        c
        for c in comparison["changes"]
        if c["kind"] == "plan" or c["before"] is not None or c["after"] is not None
    ]
    rows = [_row(change, symbol) for change in shown]
    for model in comparison["models"]:
        values = (short(model["before"]), short(model["after"]), _signed(model["change"], short))
        rows.append(Row((f"credits: {model['model']}", *values), "" if model["change"] else "muted"))
    when = f" of {comparison['baseline_as_of'][:10]}" if comparison["baseline_as_of"] else ""
    title = f"Against {comparison['baseline']}{when}"
    notes = [para(f"note: {note}", "note") for note in comparison["notes"]]
    return [Table(title, COLUMNS, tuple(rows)), *notes]


def _row(change: Mapping[str, Any], symbol: str) -> Row:
    kind, before, after = change["kind"], change["before"], change["after"]
    if kind == "plan":
        verdict = "changed" if change["changed"] else "same"
        return Row(
            (change["label"], before or "none", after or "none", verdict),
            "chosen" if change["changed"] else "",
        )
    show = _shower(kind, symbol)
    delta = change["change"]
    if delta is None:
        moved = "–"
    elif not Decimal(delta):
        moved = "0"
    elif kind == "ratio":
        moved = f"{Decimal(delta) * 100:+.1f} pts"
    else:
        moved = _signed(delta, show)
        if change["change_share"] is not None and Decimal(delta):
            moved += f" ({'+' if Decimal(delta) > 0 else ''}{pct(change['change_share'])})"
    return Row((change["label"], show(before), show(after), moved), "" if delta else "muted")


def _shower(kind: str, symbol: str) -> Any:
    if kind == "money":
        return lambda value: price(value, symbol)
    if kind == "ratio":
        return pct
    if kind == "count":
        return lambda value: "–" if value is None else f"{value:,}"
    return short


def _signed(value: Any, show: Any) -> str:
    number = Decimal(value)
    if number == 0:
        return "0"
    text = show(str(abs(number)) if isinstance(value, str) else abs(number))
    return ("+" if number > 0 else "-") + text
