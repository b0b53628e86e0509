"""The usage-profile reader: a `usage.toml` (docs/usage-profile.md) to a validated `UsageProfile`."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from tokenplan_cli.core.amounts import parse_amount, parse_share
from tokenplan_cli.core.errors import TokenplanError
from tokenplan_cli.core.offpeak import HOURS_PER_DAY, local_hours_to_utc, offpeak_share_of_hours
from tokenplan_cli.core.profile import DayUsage, UsageProfile
from tokenplan_cli.core.ratecard import SECONDS_PER_HOUR, RateCard
from tokenplan_cli.core.usage import (
    QUANTITY_NAMES,
    Period,
    Quantities,
    Usage,
    UsageLine,
    split_by_share,
)
from tokenplan_cli.readers.tomlfields import FileError, Table, load_toml
from tokenplan_cli.readers.zones import load_zone, utc_offset_minutes

SCHEMA_VERSION = 1
PERIODS = ("day", "week", "month")
OBSERVED_KEYS = (
    "sources",
    "start",
    "end",
    "days",
    "records",
    "duplicates",
    "skipped_lines",
    "bare_total_lines",
    "assumed_models",
    "mapping",
)


def load_profile(path: Path, card: RateCard, as_of: datetime) -> UsageProfile:
    """Read and validate the profile at `path`; time-zone offsets are taken at `as_of`."""
    return parse_profile(load_toml(path, "usage profile"), str(path), card, as_of)


def parse_profile(document: dict[str, Any], source: str, card: RateCard, as_of: datetime) -> UsageProfile:
    root = Table(document, "", source)
    version = root.raw("schema_version", required=True)
    if version != SCHEMA_VERSION:
        root.fail("schema_version", f"this tokenplan reads version {SCHEMA_VERSION}, got {version!r}")
    period = _period(root, card.cycles["monthly"].nominal_days)
    zone_name = root.string("timezone", "UTC")
    hours_utc, share = _hours_and_share(root, zone_name, card, as_of)
    usage = _usage(root.tables("models", required=True), card, share)
    if usage.is_empty():
        root.fail("models", "no usage: every amount is zero (or no [[models]] entries)")
    days = tuple(_day(table, card, share) for table in root.tables("days"))
    observed = root.table("observed", required=False)
    for key in OBSERVED_KEYS:
        observed.raw(key)
    observed.finish()
    profile = UsageProfile(
        source=source,
        name=root.string("name", Path(source).stem),
        period=period,
        timezone=zone_name,
        usage=usage,
        offpeak_share=share,
        hours_utc=hours_utc,
        days=days,
        observed=dict(observed.data),
    )
    root.finish()
    return profile


def _period(root: Table, month_days: int) -> Period:
    if root.has("period_days"):
        if root.has("per"):
            root.fail("per", "give either per or period_days, not both")
        days = root.number("period_days", positive=True)
        return Period("days", days=days)
    per = root.string("per", "month")
    if per not in PERIODS:
        root.fail("per", f"expected one of {', '.join(PERIODS)}, got {per!r}")
    # As --days: a month has at most as many active days as the card's month is long.
    active = root.integer("active_days", minimum=1, maximum=month_days) if root.has("active_days") else None
    if active is not None and per != "day":
        root.fail("active_days", 'active days only apply to amounts per "day"')
    return Period(per, active_days=active)  # type: ignore[arg-type]


def _hours_and_share(
    root: Table, zone_name: str, card: RateCard, as_of: datetime
) -> tuple[tuple[Fraction, ...] | None, Fraction]:
    """The UTC hour weights (if given) and the off-peak share they imply (or the explicit share)."""
    hours = root.raw("hours")
    if hours is not None and root.has("offpeak_share"):
        root.fail("offpeak_share", "give either hours or offpeak_share, not both")
    if hours is None:
        share = _wrap(root, "offpeak_share", lambda: parse_share(root.raw("offpeak_share", Fraction(0))))
        return None, share
    if not isinstance(hours, list) or len(hours) != HOURS_PER_DAY:
        root.fail("hours", f"expected {HOURS_PER_DAY} weights, one per hour of the day from 00:00")
    weights = [root.check_number("hours", weight) for weight in hours]
    if not any(weights):
        root.fail("hours", "every weight is zero")
    zone = _wrap(root, "timezone", lambda: load_zone(zone_name))
    offset = utc_offset_minutes(zone, as_of)
    return local_hours_to_utc(weights, offset), offpeak_share_of_hours(weights, offset, card.offpeak)


def _day(table: Table, card: RateCard, share: Fraction) -> DayUsage:
    day = DayUsage(table.day("date"), _usage(table.tables("models"), card, share))
    table.finish()
    return day


def _usage(entries: list[Table], card: RateCard, share: Fraction) -> Usage:
    lines: list[UsageLine] = []
    for entry in entries:
        name = _wrap(entry, "model", lambda e=entry: card.model(e.string("model")).name)  # type: ignore[misc]
        total = _quantities(entry, card)
        if entry.has("offpeak"):
            offpeak_table = entry.table("offpeak")
            offpeak = _quantities(offpeak_table, card)
            offpeak_table.finish()
            peak = _subtract(offpeak_table, total, offpeak)
            lines += [UsageLine(name, "peak", peak), UsageLine(name, "offpeak", offpeak)]
        else:
            lines += split_by_share(name, total, share).lines
        entry.finish()
    return Usage.of(lines)


def _quantities(table: Table, card: RateCard) -> Quantities:
    values = {}
    for name in QUANTITY_NAMES:
        if table.has(name):
            values[name] = _amount(table, name, card.limits.max_amount)
    if table.has("audio_hours"):
        if "audio_seconds" in values:
            table.fail("audio_hours", "give either audio_hours or audio_seconds, not both")
        values["audio_seconds"] = (
            _amount(table, "audio_hours", card.limits.max_audio_hours) * SECONDS_PER_HOUR
        )
    return Quantities(**values)


def _amount(table: Table, key: str, limit: Fraction) -> Fraction:
    value = table.raw(key)
    amount: Fraction = _wrap(table, key, lambda: parse_amount(value, what="amount", limit=limit))
    return amount


def _subtract(part_table: Table, total: Quantities, part: Quantities) -> Quantities:
    rest = {}
    for name, (whole, piece) in zip(
        QUANTITY_NAMES, zip(total.values(), part.values(), strict=True), strict=True
    ):
        if piece > whole:
            part_table.fail(name, f"the off-peak part ({piece}) exceeds the total ({whole})")
        rest[name] = whole - piece
    return Quantities(**rest)


def _wrap(table: Table, key: str, read: Any) -> Any:
    """Run `read`, turning a bare input error into one that names the file and key."""
    try:
        return read()
    except FileError:
        raise
    except TokenplanError as exc:
        message = exc.message.removeprefix("amount: ").removeprefix("share: ")
        table.fail(key, message)
    raise AssertionError  # pragma: no cover
