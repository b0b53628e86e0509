"""`status` for a person, with where its plan and use came from: the held plan's cycle, the console
reading, and the logs read (tools, requests, credits by model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render import human_status
from tokenplan_cli.render.blocks import Block, Column, Row, Surface, Table, para
from tokenplan_cli.render.numbers import short


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    return [*human_status.blocks(doc, surface), *source_blocks(doc)]


def source_blocks(doc: Mapping[str, Any]) -> list[Block]:
    out: list[Block] = []
    if doc.get("cycle_number") and doc["cycle_number"] > 1:
        out.append(para(f"held plan, cycle {doc['cycle_number']} (renewed automatically)", "dim"))
    calibration = doc.get("calibration")
    if calibration is not None:
        at = calibration["at"].replace("T", " ").replace("Z", " UTC")
        out.append(
            para(f"console reading: {calibration['given']} used at {at}, plus the logs after it", "dim")
        )
    logs = doc.get("logs")
    if logs is None:
        return out
    tools = ", ".join(f"{t['tool']} ({t['files']} files)" for t in logs["tools"]) or "none found"
    since = logs["since"].replace("T", " ").replace("Z", " UTC")
    out.append(para(f"logs: {tools}; {logs['records']} requests since {since}", "dim"))
    if logs["by_model"]:
        columns = (Column("model"), Column("charged as", priority=1), Column("requests", align="right"),
                   Column("credits", align="right"))  # fmt: skip
        rows = tuple(
            Row(
                (
                    m["model"],
                    m["charged_as"] + (" (assumed)" if m["assumed"] else ""),
                    str(m["requests"]),
                    short(m["credits"]),
                )
            )  # fmt: skip
            for m in logs["by_model"]
        )
        out.append(Table("This cycle by model", columns, rows))
    return out
