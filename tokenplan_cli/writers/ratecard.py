"""A `RateCard` back to the TOML structure `readers.ratecard` reads (for `rates export`)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from tokenplan_cli.core.ratecard import PRICED_TOKEN_KINDS, PaygCard, RateCard, TokenRates
from tokenplan_cli.readers.ratecard import SCHEMA_VERSION


def card_to_toml(card: RateCard) -> dict[str, Any]:
    """The card as plain TOML values; reading the result back gives an equal card."""
    return {
        "schema_version": SCHEMA_VERSION,
        "name": card.name,
        **({"updated": _date_or_text(card.updated)} if card.updated else {}),
        "currencies": {
            c.code: {"minor_units": c.minor_units, "symbol": c.symbol} for c in card.currencies.values()
        },
        "cycles": {
            name: {
                "months": rule.months,
                "nominal_days": rule.nominal_days,
                **(
                    {"price_factor_vs_monthly": _number(card.annual_price_factor)} if name == "annual" else {}
                ),
            }
            for name, rule in card.cycles.items()
        },
        "tiers": [
            {
                "name": tier.name,
                **{
                    cycle: {
                        "credits": _number(terms.credits),
                        "price": {k: _number(v) for k, v in terms.prices.items()},
                    }
                    for cycle, terms in tier.terms.items()
                },
            }
            for tier in card.tiers
        ],
        "discounts": {
            d.name: {
                "label": d.label,
                "multiplier": _number(d.multiplier),
                "cycles": list(d.cycles),
                "once_per_account": d.once_per_account,
            }
            for d in card.discounts.values()
        },
        "discount_rules": {"mutually_exclusive": [list(group) for group in card.exclusive_groups]},
        "offpeak": {
            "start": _hhmm(card.offpeak.start_minute),
            "end": _hhmm(card.offpeak.end_minute),
            "coefficient": _number(card.offpeak.coefficient),
        },
        "reminders": {
            "usage_thresholds": [_number(t) for t in card.reminders.usage_thresholds],
            "expiry_days_before": list(card.reminders.expiry_days_before),
        },
        "validity": {
            "expires_at": card.validity.expires_at.strftime("%H:%M:%S"),
            "month_end": card.validity.month_end,
        },
        "charging": dict(card.charging),
        "models": {name: _model(card, name) for name in card.models},
        "series": {
            s.name: ({"discontinued_at": s.discontinued_at} if s.discontinued_at else {})
            for s in card.series.values()
        },
        "events": [{"name": e.name, "at": e.at, "description": e.description} for e in card.events],
        "defaults": {
            "currency": card.defaults.currency,
            "headroom": _number(card.defaults.headroom),
            "timezone": card.defaults.timezone,
            "risk": _number(card.defaults.risk),
            "runs": card.defaults.runs,
            "seed": card.defaults.seed,
            **(
                {"burn_window_days": card.defaults.burn_window_days}
                if card.defaults.burn_window_days is not None
                else {}
            ),
            **({"unmapped_model": card.defaults.unmapped_model} if card.defaults.unmapped_model else {}),
        },
        "limits": {
            "max_amount": _number(card.limits.max_amount),
            "max_audio_hours": _number(card.limits.max_audio_hours),
            "max_runs": card.limits.max_runs,
            "max_spread": _number(card.limits.max_spread),
            "clock_skew_minutes": card.limits.clock_skew_minutes,
        },
        **(
            {
                "compensation": {
                    "currency": card.compensation.currency,
                    "unit": _number(card.compensation.unit),
                }
            }
            if card.compensation is not None
            else {}
        ),
        **({"endpoints": _endpoints(card)} if card.endpoints is not None else {}),
        **({"payg": _payg(card.payg)} if card.payg is not None else {}),
    }


def _payg(payg: PaygCard) -> dict[str, Any]:
    prices = []
    for price in payg.prices:
        entry: dict[str, Any] = {"model": price.model, "currency": price.currency}
        if price.rates is not None:
            entry["rates"] = {k: _number(price.rates.of(k) * payg.per_tokens) for k in PRICED_TOKEN_KINDS}
        if price.per_audio_hour is not None:
            entry["per_audio_hour"] = _number(price.per_audio_hour)
        entry |= {"official": price.official, "as_of": price.as_of, "source": price.source}
        prices.append(entry)
    return {"per_tokens": payg.per_tokens, **({"note": payg.note} if payg.note else {}), "prices": prices}


def _endpoints(card: RateCard) -> dict[str, Any]:
    endpoints = card.require_endpoints()
    return {
        "key_prefix": endpoints.key_prefix,
        "other_key_prefixes": dict(endpoints.other_key_prefixes),
        "model": endpoints.model,
        "small_model": endpoints.small_model,
        "clusters": {c.name: {"label": c.label, **c.base_urls} for c in endpoints.clusters.values()},
    }


def _model(card: RateCard, name: str) -> dict[str, Any]:
    model = card.models[name]
    entry: dict[str, Any] = {"kind": model.kind, "series": model.series}
    if model.description:
        entry["description"] = model.description
    if model.rates is not None:
        entry["rates"] = _rates(model.rates)
    if model.credits_per_audio_hour is not None:
        entry["credits_per_audio_hour"] = _number(model.credits_per_audio_hour)
    if model.promotion:
        entry["promotion"] = model.promotion
    if model.forward is not None:
        entry["forward"] = {"to": model.forward.to, "from": model.forward.since}
    if model.legacy:
        entry["legacy_rates"] = [{**_rates(item.rates), "until": item.until} for item in model.legacy]
    return entry


def _rates(rates: TokenRates) -> dict[str, Any]:
    return {kind: _number(rates.of(kind)) for kind in PRICED_TOKEN_KINDS}


def _number(value: Fraction) -> int | Decimal:
    """An exact TOML number: an int when whole, else the decimal (cards hold terminating decimals)."""
    if value.denominator == 1:
        return value.numerator
    return Decimal(value.numerator) / Decimal(value.denominator)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _date_or_text(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        return text
