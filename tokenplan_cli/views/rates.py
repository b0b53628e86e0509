"""The `rates` documents: the card as data, and the verdict of `rates validate`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tokenplan_cli.core.dates import iso_utc
from tokenplan_cli.core.lifecycle import resolve_model
from tokenplan_cli.core.ratecard import PRICED_TOKEN_KINDS, RateCard, TokenRates
from tokenplan_cli.views import credits, envelope, exact, money


def card_document(card: RateCard, as_of: datetime) -> dict[str, Any]:
    return envelope(
        "rates",
        source=card.source,
        name=card.name,
        updated=card.updated,
        as_of=iso_utc(as_of),
        models=[_model(card, name, as_of) for name in card.models],
        tiers=[
            {
                "tier": tier.name,
                **{
                    cycle: {
                        "credits": credits(terms.credits),
                        "prices": {code: money(p, card.currencies[code]) for code, p in terms.prices.items()},
                    }
                    for cycle, terms in tier.terms.items()
                },
            }
            for tier in card.tiers
        ],
        discounts=[
            {
                "name": d.name,
                "label": d.label,
                "multiplier": exact(d.multiplier),
                "cycles": list(d.cycles),
                "once_per_account": d.once_per_account,
            }
            for d in card.discounts.values()
        ],
        mutually_exclusive=[list(group) for group in card.exclusive_groups],
        annual_price_factor=exact(card.annual_price_factor),
        offpeak={"window": card.offpeak.label(), "coefficient": exact(card.offpeak.coefficient)},
        reminders={
            "usage_thresholds": [exact(t) for t in card.reminders.usage_thresholds],
            "expiry_days_before": list(card.reminders.expiry_days_before),
        },
        validity={
            "expires_at_utc": card.validity.expires_at.strftime("%H:%M:%S"),
            "month_end": card.validity.month_end,
        },
        charging=dict(card.charging),
        compensation=_compensation(card),
        endpoints=_endpoints(card),
        payg=_payg(card),
        warnings=list(card.warnings),
    )


def _model(card: RateCard, name: str, as_of: datetime) -> dict[str, Any]:
    model = card.models[name]
    resolved = resolve_model(card, name, as_of)
    discontinued = card.series[model.series].discontinued_at
    return {
        "model": name,
        "kind": model.kind,
        "series": model.series,
        "description": model.description,
        "status": resolved.status,
        "charged_as": resolved.charged_as,
        "rates": _rates(resolved.rates),
        "credits_per_audio_hour": None
        if resolved.credits_per_audio_hour is None
        else credits(resolved.credits_per_audio_hour),
        "promotion": resolved.promotion,
        "forward": None
        if model.forward is None
        else {"to": model.forward.to, "from": iso_utc(model.forward.since)},
        "discontinued_at": None if discontinued is None else iso_utc(discontinued),
        "legacy_rates": [{**_rates(item.rates), "until": iso_utc(item.until)} for item in model.legacy],
        "notes": list(resolved.notes),
    }


def _rates(rates: TokenRates | None) -> dict[str, Any] | None:
    return None if rates is None else {kind: exact(rates.of(kind)) for kind in PRICED_TOKEN_KINDS}


def validation_document(card: RateCard) -> dict[str, Any]:
    return envelope(
        "rates validate",
        valid=True,
        source=card.source,
        models=len(card.models),
        tiers=len(card.tiers),
        discounts=len(card.discounts),
        warnings=list(card.warnings),
    )


def _compensation(card: RateCard) -> dict[str, Any]:
    rule = card.compensation_rule()
    return {"currency": rule.currency, "unit": exact(rule.unit)}


def _endpoints(card: RateCard) -> dict[str, Any] | None:
    if card.endpoints is None:
        return None
    endpoints = card.endpoints
    return {
        "key_prefix": endpoints.key_prefix,
        "model": endpoints.model,
        "small_model": endpoints.small_model,
        "clusters": [
            {"cluster": c.name, "label": c.label, **c.base_urls} for c in endpoints.clusters.values()
        ],
    }


def _payg(card: RateCard) -> dict[str, Any] | None:
    if card.payg is None:
        return None
    per = card.payg.per_tokens
    return {
        "per_tokens": per,
        "note": card.payg.note or None,
        "prices": [
            {
                "model": p.model,
                "currency": p.currency,
                "rates": None
                if p.rates is None
                else {kind: exact(p.rates.of(kind) * per) for kind in ("cache_hit", "cache_miss", "output")},
                "per_audio_hour": None if p.per_audio_hour is None else exact(p.per_audio_hour),
                "official": p.official,
                "source": p.source,
                "as_of": f"{p.as_of:%Y-%m-%d}",
            }
            for p in card.payg.prices
        ],
        "unpriced_models": [
            name
            for name, model in card.models.items()
            if model.forward is None and not any(p.model == name for p in card.payg.prices)
        ],
    }
