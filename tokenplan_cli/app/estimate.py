"""Which tier and cycle carries a usage, and at what price (`estimate`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tokenplan_cli.app.usage import UsageRequest, read_usage_source
from tokenplan_cli.core.amounts import Number, parse_share

if TYPE_CHECKING:
    from tokenplan_cli.core.estimate import Estimate
    from tokenplan_cli.core.ratecard import Currency, RateCard


def estimate(
    card: RateCard,
    usage: UsageRequest,
    *,
    as_of: datetime,
    now: datetime,
    currency: Currency,
    headroom: Number | None = None,
    progress: bool = False,
) -> Estimate:
    """`usage` priced in credits under the rules in force at `as_of`, and every plan against it;
    `headroom`: the share of the quota a plan must leave unused to fit (default: the card's)."""
    from tokenplan_cli.core.estimate import estimate_plans

    return estimate_plans(
        card,
        read_usage_source(card, usage, as_of=as_of, now=now, progress=progress),
        as_of=as_of,
        currency=currency,
        headroom=card.defaults.headroom if headroom is None else parse_share(headroom, field="headroom"),
    )
