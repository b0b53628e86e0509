"""`rates validate` for a person: one line, and the warnings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console


def render(doc: Mapping[str, Any], console: Console) -> None:
    console.print(
        f"{doc['source']}: valid rate card ({doc['models']} models, {doc['tiers']} tiers, "
        f"{doc['discounts']} discounts)",
        highlight=False,
        markup=False,
    )
    for warning in doc["warnings"]:
        console.print(f"warning: {warning}", markup=False)
