"""`usage index` for a person: what the log index holds, by tool, and where it lives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Column, Row, Surface, Table, para
from tokenplan_cli.render.human_lifecycle import notes
from tokenplan_cli.render.numbers import short


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    totals = doc["totals"]
    summary = para(
        f"{doc['path']}: {short(doc['size_bytes'])} bytes on disk for {short(totals['bytes'])} bytes of logs "
        f"in {totals['files']:,} files, {totals['requests']:,} requests.",
        headline=True,
    )
    shown: list[Block] = [*notes([doc["note"]] if doc["note"] else [])]
    if doc["searches"]:
        columns = (
            Column("tool"),
            Column("files", "right"),
            Column("log bytes", "right"),
            Column("requests", "right"),
            Column("last used", priority=1),
        )
        rows = tuple(
            Row((s["tool"], f"{s['files']:,}", short(s["bytes"]), f"{s['requests']:,}", s["last_used"]))
            for s in doc["searches"]
        )
        shown.append(Table("Log index", columns, rows))
    elif doc["action"] == "cleared":
        shown.append(para("The log index was deleted; the next command that reads logs builds it again."))
    else:
        shown.append(para("The log index is empty: the next command that reads logs fills it."))
    return [*shown, summary]
