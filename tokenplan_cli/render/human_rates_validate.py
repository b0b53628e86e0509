"""`rates validate` for a person: one line, and the warnings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Surface, para


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    summary = (
        f"{doc['source']}: valid rate card ({doc['models']} models, {doc['tiers']} tiers, "
        f"{doc['discounts']} discounts)"
    )
    return [para(summary), *(para(f"warning: {warning}") for warning in doc["warnings"])]
