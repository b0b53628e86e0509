"""The `upgrade-quote` document (schema in docs/json.md)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.core.quotes import UpgradeQuote
from tokenplan_cli.views import credits, envelope, money
from tokenplan_cli.views.lifecycle import (
    currency_fields,
    held_fields,
    instant,
    local_instants,
    offset_fields,
    plan_fields,
)


def upgrade_document(quote: UpgradeQuote, zone: tzinfo) -> dict[str, Any]:
    currency, window = quote.currency, quote.window
    return envelope(
        "upgrade-quote",
        **currency_fields(currency),
        **{"from": held_fields(quote.held, currency)},
        to=plan_fields(quote.target, currency),
        **offset_fields(quote.offset, currency),
        credits_after=credits(quote.credits_after),
        credits_gained=credits(quote.credits_gained),
        loses_value=quote.loses_value,
        cost_per_extra_billion=money(quote.cost_per_extra_billion, currency),
        start=instant(window.start),
        expires_at=instant(window.expires_at),
        local=local_instants(zone, start=window.start, expires_at=window.expires_at),
        reasons=list(quote.reasons),
        notes=list(quote.notes),
    )
