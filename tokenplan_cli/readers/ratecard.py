"""The rate card reader: `rates.toml` bytes to a validated `RateCard`.

Every fault names the file, the key and what is wrong, e.g.
`my.toml: tiers[2].monthly.price.USD: expected a number, got a string ('six')`.
"""

from __future__ import annotations

from datetime import time
from fractions import Fraction
from pathlib import Path
from typing import Any

from tokenplan_cli.core.errors import did_you_mean
from tokenplan_cli.core.money import round_money
from tokenplan_cli.core.ratecard import (
    CYCLES,
    PRICED_TOKEN_KINDS,
    CompensationRule,
    Currency,
    CycleRule,
    Defaults,
    Discount,
    Event,
    Forward,
    LegacyRates,
    Limits,
    Model,
    OffPeakWindow,
    PlanTerms,
    RateCard,
    Reminders,
    Series,
    Tier,
    TokenRates,
    Validity,
)
from tokenplan_cli.folders import builtin_card_path
from tokenplan_cli.readers.ratecard_endpoints import parse_endpoints
from tokenplan_cli.readers.ratecard_payg import parse_payg
from tokenplan_cli.readers.tomlfields import FileError, Table, load_toml

SCHEMA_VERSION = 1
MODEL_KINDS = ("llm", "asr", "tts")
# Bounds of the card's whole numbers. Each drives work or dates (10**minor_units in every rounding, a
# cycle's months in every expiry), so an absurd one would hang or leave the calendar instead of failing.
MAX_MINOR_UNITS = 8  # no currency has more than 4
MAX_CYCLE_MONTHS = 12  # core/dates.py keeps a year of room at each end of the calendar for one cycle
MAX_CYCLE_DAYS = 366
MAX_SEED = 2**64 - 1  # numpy's generators take 64 bits (core/simulation.py checks --seed the same way)


def load_rate_card(path: Path | None = None) -> RateCard:
    """Read and validate the card at `path` (the built-in card when None)."""
    path = path or builtin_card_path()
    return parse_rate_card(load_toml(path, "rate card"), str(path))


def parse_rate_card(document: dict[str, Any], source: str) -> RateCard:
    root = Table(document, "", source)
    version = root.raw("schema_version", required=True)
    if version != SCHEMA_VERSION:
        root.fail("schema_version", f"this tokenplan reads version {SCHEMA_VERSION}, got {version!r}")
    currencies = _currencies(root.table("currencies"))
    cycles, annual_factor = _cycles(root.table("cycles"))
    tiers = _tiers(root, currencies, cycles)
    discounts = _discounts(root.table("discounts"), cycles)
    rules = root.table("discount_rules", required=False)
    exclusive = _exclusive_groups(rules, discounts)
    rules.finish()
    series = _series(root.table("series"))
    models = _models(root.table("models"), series)
    limits = _limits(root.table("limits"))
    card = RateCard(
        name=root.string("name", "rate card"),
        source=source,
        updated=str(root.raw("updated", "")),
        currencies=currencies,
        cycles=cycles,
        annual_price_factor=annual_factor,
        tiers=tiers,
        discounts=discounts,
        exclusive_groups=exclusive,
        offpeak=_offpeak(root.table("offpeak")),
        reminders=_reminders(root.table("reminders")),
        validity=_validity(root.table("validity")),
        charging=_charging(root.table("charging", required=False)),
        models=models,
        series=series,
        events=tuple(_event(t) for t in root.tables("events")),
        defaults=_defaults(root.table("defaults"), currencies, models, limits),
        limits=limits,
        compensation=_compensation(root.table("compensation", required=False), currencies),
        endpoints=parse_endpoints(root.table("endpoints", required=False), models),
        payg=parse_payg(root.table("payg", required=False), models, currencies),
    )
    root.finish()
    return _with_warnings(card)


def _currencies(table: Table) -> dict[str, Currency]:
    currencies = {}
    for code, entry in table.subtables():
        if not (len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
            table.fail(code, "a currency code is three capital letters (USD, CNY)")
        currencies[code] = Currency(
            code,
            entry.integer("minor_units", minimum=0, maximum=MAX_MINOR_UNITS),
            entry.string("symbol", code),
        )
        entry.finish()
    if not currencies:
        table.fail("", "no currencies")
    return currencies


def _cycles(table: Table) -> tuple[dict[str, CycleRule], Fraction]:
    """The cycles, and the annual price factor against twelve monthly prices (checked, not applied)."""
    cycles = {}
    annual_factor = Fraction(1)
    for name in CYCLES:
        entry = table.table(name)
        cycles[name] = CycleRule(
            name,
            entry.integer("months", minimum=1, maximum=MAX_CYCLE_MONTHS),
            entry.integer("nominal_days", minimum=1, maximum=MAX_CYCLE_DAYS),
        )
        entry.raw("pool")  # documentation only: an annual plan has one pool for the whole year
        if name == "annual":
            annual_factor = entry.number("price_factor_vs_monthly", default=Fraction(1), positive=True)
        entry.finish()
    table.finish()
    return cycles, annual_factor


def _tiers(root: Table, currencies: dict[str, Currency], cycles: dict[str, CycleRule]) -> tuple[Tier, ...]:
    tiers: list[Tier] = []
    names: set[str] = set()  # casefolded: a set keeps a card of thousands of tiers linear to check
    for rank, entry in enumerate(root.tables("tiers", required=True)):
        name = entry.string("name")
        if name.casefold() in names:
            entry.fail("name", f"tier {name!r} is defined twice")
        names.add(name.casefold())
        entry.where = f"tiers.{name}"
        terms = {cycle: _plan_terms(entry.table(cycle), currencies) for cycle in cycles}
        entry.finish()
        tiers.append(Tier(name, rank, terms))
    if not tiers:
        root.fail("tiers", "no tiers")
    return tuple(tiers)


def _plan_terms(table: Table, currencies: dict[str, Currency]) -> PlanTerms:
    if not table.has("credits"):
        table.fail("credits", "missing: a tier needs its credits per cycle")
    credits = table.number("credits", positive=True)
    price_table = table.table("price")
    prices = {code: price_table.number(code) for code in currencies}
    price_table.finish()
    table.finish()
    return PlanTerms(credits, prices)


def _discounts(table: Table, cycles: dict[str, CycleRule]) -> dict[str, Discount]:
    discounts = {}
    for name, entry in table.subtables():
        multiplier = entry.number("multiplier", positive=True, at_most=Fraction(1))
        applies = entry.strings("cycles", list(cycles))
        if not all(c in cycles for c in applies):
            entry.fail("cycles", f"expected a list of cycles among {', '.join(cycles)}, got {applies!r}")
        discounts[name] = Discount(
            name=name,
            label=entry.string("label", name.replace("_", " ")),
            multiplier=multiplier,
            cycles=tuple(applies),
            once_per_account=entry.boolean("once_per_account", True),
        )
        entry.finish()
    return discounts


def _exclusive_groups(rules: Table, discounts: dict[str, Discount]) -> tuple[tuple[str, ...], ...]:
    groups = rules.raw("mutually_exclusive", [])
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        rules.fail("mutually_exclusive", "expected a list of lists of discount names")
    for group in groups:
        for name in rules.check_strings("mutually_exclusive", group):
            if name not in discounts:
                rules.fail("mutually_exclusive", f"unknown discount {name!r}")
    return tuple(tuple(g) for g in groups)


def _clock(text: str, parts: int) -> list[int] | None:
    """`"16:00"` -> [16, 0] (or [h, m, s] for three parts); None unless two digits a part."""
    pieces = text.split(":")
    if len(pieces) != parts or not all(len(p) == 2 and p.isdigit() for p in pieces):
        return None
    return [int(p) for p in pieces]


def _minute_of_day(table: Table, key: str) -> int:
    text = table.string(key)
    clock = _clock(text, 2)
    if clock is None or clock[1] > 59 or clock[0] * 60 + clock[1] > 24 * 60:
        table.fail(key, f"expected a time HH:MM between 00:00 and 24:00, got {text!r}")
        raise AssertionError
    return clock[0] * 60 + clock[1]


def _offpeak(table: Table) -> OffPeakWindow:
    window = OffPeakWindow(
        start_minute=_minute_of_day(table, "start"),
        end_minute=_minute_of_day(table, "end"),
        # The engine's law "off-peak never costs more" holds only for a coefficient of at most 1.
        coefficient=table.number("coefficient", at_most=Fraction(1)),
    )
    if window.start_minute % (24 * 60) == window.end_minute % (24 * 60):
        table.fail("end", "the window is empty (start equals end)")
    table.finish()
    return window


def _reminders(table: Table) -> Reminders:
    thresholds = table.raw("usage_thresholds", required=True)
    if not isinstance(thresholds, list):
        table.fail("usage_thresholds", "expected a list of shares between 0 and 1")
    shares = tuple(
        table.check_number("usage_thresholds", value, positive=True, at_most=Fraction(1))
        for value in thresholds
    )
    if list(shares) != sorted(set(shares)):
        table.fail("usage_thresholds", "thresholds must rise and not repeat")
    days = table.raw("expiry_days_before", [])
    if not isinstance(days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_CYCLE_DAYS for d in days
    ):
        table.fail(
            "expiry_days_before", f"expected a list of whole days (0 to {MAX_CYCLE_DAYS}), got {days!r}"
        )
    table.finish()
    return Reminders(shares, tuple(sorted(days, reverse=True)))


def _validity(table: Table) -> Validity:
    text = table.string("expires_at")
    clock = _clock(text, 3)
    if clock is None or clock[0] > 23 or clock[1] > 59 or clock[2] > 59:
        table.fail("expires_at", f"expected a UTC time HH:MM:SS, got {text!r}")
        raise AssertionError
    month_end = table.string("month_end", "clamp")
    if month_end != "clamp":
        table.fail("month_end", f"only 'clamp' is known, got {month_end!r}")
    table.finish()
    return Validity(time(*clock), month_end)


def _charging(table: Table) -> dict[str, str]:
    charging = {}
    for kind in ("cache_write", "reasoning"):
        target = table.string(kind, {"cache_write": "cache_miss", "reasoning": "output"}[kind])
        if target not in PRICED_TOKEN_KINDS:
            table.fail(kind, f"expected one of {', '.join(PRICED_TOKEN_KINDS)}, got {target!r}")
        charging[kind] = target
    table.finish()
    return charging


def _series(table: Table) -> dict[str, Series]:
    series = {}
    for name, entry in table.subtables():
        series[name] = Series(name, entry.instant("discontinued_at", required=False))
        entry.finish()
    return series


def _token_rates(table: Table) -> TokenRates:
    rates = TokenRates(*(table.number(kind) for kind in PRICED_TOKEN_KINDS))
    return rates


def _models(table: Table, series: dict[str, Series]) -> dict[str, Model]:
    models = {name: _model(name, entry, series) for name, entry in table.subtables()}
    for name, model in models.items():
        if name != name.lower():
            table.fail(name, "model names are lower case")
        if model.forward is not None:
            _check_forward(table, models, name)
    if not models:
        table.fail("", "no models")
    return models


def _model(name: str, entry: Table, series: dict[str, Series]) -> Model:
    kind = entry.string("kind")
    if kind not in MODEL_KINDS:
        entry.fail("kind", f"expected one of {', '.join(MODEL_KINDS)}, got {kind!r}")
    series_name = entry.string("series")
    if series_name not in series:
        entry.fail("series", f"unknown series {series_name!r} (add a [series.{series_name}] table)")
    rates = None
    if entry.has("rates"):
        rate_table = entry.table("rates")
        rates = _token_rates(rate_table)
        rate_table.finish()
    per_hour = entry.number("credits_per_audio_hour") if entry.has("credits_per_audio_hour") else None
    forward = None
    if entry.has("forward"):
        fwd = entry.table("forward")
        forward = Forward(fwd.string("to"), fwd.instant("from"))  # type: ignore[arg-type]
        fwd.finish()
    legacy = []
    for item in entry.tables("legacy_rates"):
        until = item.instant("until")
        legacy.append(LegacyRates(_token_rates(item), until))  # type: ignore[arg-type]
        item.finish()
    if kind == "asr" and rates is not None:
        entry.fail("rates", "an ASR model is charged by audio duration: use credits_per_audio_hour")
    if kind != "asr" and per_hour is not None:
        entry.fail("credits_per_audio_hour", f"only ASR models are charged by audio duration, not {kind}")
    if rates is None and per_hour is None and forward is None:
        entry.fail("rates", "missing: a model needs rates, credits_per_audio_hour or a forward")
    model = Model(
        name=name,
        kind=kind,  # type: ignore[arg-type]
        series=series_name,
        description=entry.string("description", ""),
        rates=rates,
        credits_per_audio_hour=per_hour,
        promotion=entry.optional_string("promotion"),
        forward=forward,
        legacy=tuple(sorted(legacy, key=lambda item: item.until)),
    )
    entry.finish()
    return model


def _check_forward(table: Table, models: dict[str, Model], name: str) -> None:
    seen = [name]
    model = models[name]
    while model.forward is not None:
        target = model.forward.to
        if target not in models:
            table.fail(name, "forward", "to", f"unknown model {target!r}")
        if target in seen:
            table.fail(name, "forward", "to", f"forwards loop: {' -> '.join([*seen, target])}")
        if models[target].kind != models[name].kind:
            table.fail(
                name,
                "forward",
                "to",
                f"{target} is a {models[target].kind} model, {name} is {models[name].kind}",
            )
        seen.append(target)
        model = models[target]


def _event(table: Table) -> Event:
    event = Event(table.string("name"), table.instant("at"), table.string("description", ""))  # type: ignore[arg-type]
    table.finish()
    return event


def _defaults(
    table: Table, currencies: dict[str, Currency], models: dict[str, Model], limits: Limits
) -> Defaults:
    currency = table.string("currency")
    if currency not in currencies:
        table.fail("currency", f"{currency!r} is not among [currencies] ({', '.join(currencies)})")
    headroom = table.number("headroom")
    if headroom >= 1:
        table.fail("headroom", "must be below 1 (a share of the quota)")
    window = (
        table.integer("burn_window_days", minimum=1, maximum=MAX_CYCLE_DAYS)
        if table.has("burn_window_days")
        else None
    )
    unmapped = table.string("unmapped_model", "")
    if unmapped and (unmapped not in models or models[unmapped].kind != "llm"):
        llms = [name for name, model in models.items() if model.kind == "llm"]
        hint = did_you_mean(unmapped, llms)
        table.fail(
            "unmapped_model",
            f"{unmapped!r} is not a language model of the card" + (f"; did you mean {hint}?" if hint else ""),
        )
    risk = table.number("risk")
    if risk > 1:
        table.fail("risk", "must be at most 1 (a probability)")
    defaults = Defaults(
        currency,
        headroom,
        table.string("timezone", "UTC"),
        risk=risk,
        runs=table.integer("runs", minimum=1, maximum=limits.max_runs),
        seed=table.integer("seed", minimum=0, maximum=MAX_SEED),
        burn_window_days=window,
        unmapped_model=unmapped,
    )
    table.finish()
    return defaults


def _compensation(table: Table, currencies: dict[str, Currency]) -> CompensationRule | None:
    if not table.data:
        return None
    currency = table.string("currency")
    if currency not in currencies:
        table.fail("currency", f"{currency!r} is not among [currencies] ({', '.join(currencies)})")
    rule = CompensationRule(currency, table.number("unit", default=Fraction(1), positive=True))
    table.finish()
    return rule


def _limits(table: Table) -> Limits:
    limits = Limits(
        table.number("max_amount", positive=True),
        table.number("max_audio_hours", positive=True),
        max_runs=table.integer("max_runs", minimum=1),
        max_spread=table.number("max_spread", positive=True),
        clock_skew_minutes=table.integer("clock_skew_minutes", minimum=0),
    )
    table.finish()
    return limits


def _with_warnings(card: RateCard) -> RateCard:
    """Note annual prices that are not 12 × monthly × the annual factor to the cent (not an error)."""
    warnings = []
    months = card.cycles["annual"].months
    for tier in card.tiers:
        for currency in card.currencies.values():
            monthly = tier.on("monthly").prices[currency.code]
            annual = tier.on("annual").prices[currency.code]
            expected = monthly * months * card.annual_price_factor
            stated, computed = (round_money(x, currency.minor_units) for x in (annual, expected))
            if stated != computed:
                factor = _decimal(card.annual_price_factor)
                rule = f"{months} × monthly × {factor} = {computed}"
                warnings.append(f"{tier.name} annual {currency.code}: {stated} is not {rule}")
    return card._replace(warnings=tuple(warnings)) if warnings else card


def _decimal(value: Fraction) -> str:
    return str(round_money(value, 6).normalize())


__all__ = ["FileError", "builtin_card_path", "load_rate_card", "parse_rate_card"]
