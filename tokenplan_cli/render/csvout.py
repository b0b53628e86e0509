"""CSV for scripts: one header row, then one row per record; nested values are left out."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from tokenplan_cli.render.jsonout import dumps


def write_csv(rows: Sequence[Mapping[str, Any]], stream: TextIO) -> None:
    """Write `rows` (dicts with the same keys) as CSV; Decimals keep their exact digits."""
    if not rows:
        return
    writer = csv.writer(stream, lineterminator="\n")
    header = [key for key, value in rows[0].items() if not isinstance(value, Mapping | list)]
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in header])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return dumps(value, indent=0)
