"""The `renewal-quote` document (schema in docs/json.md)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from tokenplan_cli.core.quotes import RenewalQuote
from tokenplan_cli.views import credits, envelope, money
from tokenplan_cli.views.lifecycle import (
    currency_fields,
    discount_fields,
    held_fields,
    instant,
    local_instants,
    offset_fields,
    plan_fields,
)


def renewal_document(quote: RenewalQuote, zone: tzinfo) -> dict[str, Any]:
    currency, window = quote.currency, quote.window
    return envelope(
        "renewal-quote",
        **currency_fields(currency),
        **{"from": held_fields(quote.held, currency)},
        to={**plan_fields(quote.target, currency), "price": money(quote.price, currency)},
        **discount_fields(quote.discounts),
        **offset_fields(quote.offset, currency),
        credits_before=credits(quote.credits_before),
        credits_after=credits(quote.credits_after),
        loses_value=quote.loses_value,
        starts=quote.starts,
        start=instant(window.start),
        expires_at=instant(window.expires_at),
        local=local_instants(zone, start=window.start, expires_at=window.expires_at),
        reasons=list(quote.reasons),
        notes=list(quote.notes),
    )
