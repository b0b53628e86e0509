"""The `quote` document (schema in docs/json.md)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.core.quotes import PurchaseQuote
from tokenplan_cli.views import envelope, money
from tokenplan_cli.views.lifecycle import (
    currency_fields,
    discount_fields,
    instant,
    local_instants,
    plan_fields,
)


def quote_document(quote: PurchaseQuote, zone: tzinfo) -> dict[str, Any]:
    currency, window = quote.currency, quote.window
    plan = plan_fields(quote.plan, currency)
    return envelope(
        "quote",
        tier=plan.pop("tier"),
        cycle=plan.pop("cycle"),
        **currency_fields(currency),
        list_price=plan.pop("list_price"),
        **discount_fields(quote.discounts),
        discount_amount=money(quote.discount_amount, currency),
        price=money(quote.price, currency),
        credits=plan.pop("credits"),
        price_per_billion=money(quote.price_per_billion, currency),
        start=instant(window.start),
        expires_at=instant(window.expires_at),
        days_total=window.days_total,
        local=local_instants(zone, start=window.start, expires_at=window.expires_at),
        reasons=list(quote.reasons),
        notes=list(quote.notes),
    )
