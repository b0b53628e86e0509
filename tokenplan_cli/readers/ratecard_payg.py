"""The card's `[payg]`: pay-as-you-go prices per model and currency, each with its source and date."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from tokenplan_cli.core.ratecard import PRICED_TOKEN_KINDS, Currency, Model, PaygCard, PaygPrice, TokenRates
from tokenplan_cli.readers.tomlfields import Table


def parse_payg(
    table: Table, models: Mapping[str, Model], currencies: Mapping[str, Currency]
) -> PaygCard | None:
    """`[payg]`, validated; None when the card has none (outputs then make no comparison)."""
    if not table.data:
        return None
    per_tokens = table.integer("per_tokens", minimum=1)
    prices: list[PaygPrice] = []
    for entry in table.tables("prices"):
        price = _price(entry, per_tokens, models, currencies)
        if any((p.model, p.currency) == (price.model, price.currency) for p in prices):
            entry.fail("model", f"{price.model} has two {price.currency} prices")
        prices.append(price)
    card = PaygCard(per_tokens, tuple(prices), table.string("note", ""))
    table.finish()
    return card


def _price(
    entry: Table, per_tokens: int, models: Mapping[str, Model], currencies: Mapping[str, Currency]
) -> PaygPrice:
    name = entry.string("model")
    model = models.get(name)
    if model is None:
        entry.fail("model", f"unknown model {name!r} (not in [models])")
        raise AssertionError
    currency = entry.string("currency")
    if currency not in currencies:
        entry.fail("currency", f"{currency!r} is not among [currencies] ({', '.join(currencies)})")
    rates = None
    if entry.has("rates"):
        if model.kind == "asr":
            entry.fail("rates", f"{name} is billed by audio: use per_audio_hour")
        table = entry.table("rates")
        rates = TokenRates(*(table.number(kind) / per_tokens for kind in PRICED_TOKEN_KINDS))
        table.finish()
    per_hour: Fraction | None = entry.number("per_audio_hour") if entry.has("per_audio_hour") else None
    if per_hour is not None and model.kind != "asr":
        entry.fail("per_audio_hour", f"{name} is billed by tokens: use rates")
    if rates is None and per_hour is None:
        entry.fail("rates", "missing: a price needs rates (per_tokens tokens) or per_audio_hour")
    source = entry.string("source")
    if not source.strip():
        entry.fail("source", "say where the price comes from")
    price = PaygPrice(
        model=name,
        currency=currency,
        rates=rates,
        per_audio_hour=per_hour,
        official=entry.boolean("official", False),
        source=source,
        as_of=entry.day("as_of"),
    )
    entry.finish()
    return price
