"""Usage observed in tools' logs: a tally of deduplicated records, grouped and priced, or made a profile.

The scanner (`tokenplan_cli.readers.logs.scanner`) feeds each kept request into a `LogTally` under its
`BucketKey`: the tool, the model as logged, the quarter hour (UTC) it fell in and its window (peak or
off-peak, decided by the request's own instant, so the off-peak coefficient applies exactly per record).
Every report is derived from these buckets: a quarter hour never straddles a local day or hour, since
every UTC offset in use is a multiple of fifteen minutes, so grouping by day, week, month or hour of day
in any zone is exact. Models are charged as the card's models through a `ModelMap` (`--map`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from tokenplan_cli.core.credits import CreditBreakdown, compute_base_credits, compute_credits
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.lifecycle import resolve_model
from tokenplan_cli.core.offpeak import HOURS_PER_DAY, window_at
from tokenplan_cli.core.profile import DayUsage, UsageProfile
from tokenplan_cli.core.ratecard import OffPeakWindow, RateCard
from tokenplan_cli.core.records import UsageRecord, normalise_model, version_hyphens
from tokenplan_cli.core.usage import ZERO, Period, Quantities, Usage, UsageLine, Window
from tokenplan_cli.tuples import NamedTuple

SLOT = timedelta(minutes=15)
SLOT_SECONDS = 15 * 60
SLOTS_PER_DAY = 24 * 60 * 60 // SLOT_SECONDS
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
KINDS = ("cache_hit", "cache_miss", "cache_write", "output", "reasoning")
GROUPINGS = ("day", "week", "month", "hour", "model", "tool")


class BucketKey(NamedTuple):
    tool: str
    model: str  # as logged (normalised), before --map
    slot: int  # quarter hours since 1970-01-01T00:00Z
    window: Window


def bucket_of(record: UsageRecord, offpeak: OffPeakWindow) -> BucketKey:
    """Where a record is tallied: its tool, model, quarter hour and window (as `window_at` decides)."""
    return bucketer_for(offpeak).bucket(record)


@lru_cache(maxsize=4)
def bucketer_for(offpeak: OffPeakWindow) -> Bucketer:
    return Bucketer(offpeak)


class Bucketer:
    """`bucket_of` for many records: the window is looked up in a table of the day's minutes (hot path)."""

    def __init__(self, offpeak: OffPeakWindow) -> None:
        self.offpeak_by_minute = tuple(
            window_at(EPOCH + timedelta(minutes=minute), offpeak) == "offpeak" for minute in range(24 * 60)
        )

    def bucket(self, record: UsageRecord) -> BucketKey:
        since = record.timestamp - EPOCH  # days and seconds: integer arithmetic, no timedelta division
        window: Window = "offpeak" if self.offpeak_by_minute[since.seconds // 60] else "peak"
        slot = since.days * SLOTS_PER_DAY + since.seconds // SLOT_SECONDS
        return tuple.__new__(BucketKey, (record.tool, record.model, slot, window))  # a hot path


def counts_of(record: UsageRecord) -> tuple[int, int, int, int, int, int]:
    """(requests, cache_hit, cache_miss, cache_write, output, reasoning) of one record."""
    return (1, record.cache_hit, record.cache_miss, record.cache_write, record.output, record.reasoning)


def slot_start(slot: int) -> datetime:
    return EPOCH + slot * SLOT


class FutureRecords(NamedTuple):
    """Requests dated after `after` (now plus the clock skew allowed): skipped, and counted here."""

    records: int
    after: datetime


NO_FUTURE_RECORDS = FutureRecords(0, EPOCH)


class LogTally:
    """Requests and tokens by bucket (and audio seconds, rarely present), added and taken back exactly."""

    def __init__(self) -> None:
        self.counts: dict[BucketKey, list[int]] = {}
        self.audio: dict[BucketKey, Fraction] = {}

    def add(self, key: BucketKey, counts: Sequence[int], audio: Fraction = ZERO, sign: int = 1) -> None:
        """Add (or, with `sign=-1`, take back) one record's counts (see `counts_of`)."""
        requests, hit, miss, write, output, reasoning = counts  # the order of `counts_of`
        totals = self.counts.get(key)
        if totals is None:
            self.counts[key] = [sign * value for value in counts]
        else:  # spelt out, in place: this runs once per bucket of every file read
            totals[0] += sign * requests
            totals[1] += sign * hit
            totals[2] += sign * miss
            totals[3] += sign * write
            totals[4] += sign * output
            totals[5] += sign * reasoning
        if audio:
            self.audio[key] = self.audio.get(key, ZERO) + sign * audio

    def drop_after(self, latest: datetime) -> FutureRecords:
        """Take out the buckets of the quarter hours that begin after `latest`, and count their requests.

        `latest` is now plus the clock skew allowed (`future_limit`): a record dated later has a clock
        set wrong, and counting it would stretch every observed period to its date.
        """
        last_slot = (latest - EPOCH) // SLOT
        late = [key for key in self.counts if key.slot > last_slot]
        dropped = sum(self.counts[key][0] for key in late)
        for key in late:
            del self.counts[key]
            self.audio.pop(key, None)
        return FutureRecords(dropped, latest)

    def quantities(self, key: BucketKey) -> Quantities:
        return _quantities(self.counts[key][1:], self.audio.get(key, ZERO))

    def requests(self, key: BucketKey) -> int:
        return self.counts[key][0]


class ModelMap(NamedTuple):
    """`--map PATTERN=MODEL` rules (glob on the normalised name, first match wins) and the default model.

    A dot between two digits and a hyphen there are the same to a pattern (`claude-sonnet-4.5*` and
    `claude-sonnet-4-5*` match the same names): gateways write versions both ways.
    """

    rules: tuple[tuple[str, str], ...]
    default: str  # charged for a model no rule names and the card does not know
    card_models: frozenset[str]

    def charge(self, logged: str) -> tuple[str, bool]:
        """(the card model a model logged as `logged` maps to, whether that was assumed for want of a
        rule); forwards are the card's to apply, at the instant that is priced."""
        return _charge(self, normalise_model(logged))

    def texts(self) -> tuple[str, ...]:
        return tuple(f"{pattern}={target}" for pattern, target in self.rules)


@lru_cache(maxsize=4096)
def _charge(mapping: ModelMap, model: str) -> tuple[str, bool]:
    hyphenated = version_hyphens(model)
    for pattern, target in mapping.rules:
        if fnmatch.fnmatchcase(hyphenated, version_hyphens(pattern)):
            return target, False
    if model in mapping.card_models:
        return model, False
    return mapping.default, True


def parse_mapping(texts: Iterable[str], card: RateCard) -> ModelMap:
    """`claude-opus-*=mimo-v2.5-pro` rules, checked against the card (a typo gets a did-you-mean)."""
    rules = []
    for text in texts:
        pattern, equals, target = text.partition("=")
        if not equals or not pattern.strip() or not target.strip():
            raise BadInputError(
                f"expected PATTERN=MODEL (e.g. 'claude-opus-*=mimo-v2.5-pro'), got {text!r}", field="maps"
            )
        rules.append((pattern.strip().lower(), card.model(target.strip()).name))
    return ModelMap(tuple(rules), default_model(card), frozenset(card.models))


def future_limit(now: datetime, card: RateCard) -> datetime:
    """The latest instant a logged request may carry: `now` plus the card's allowance for clock skew."""
    return now + timedelta(minutes=card.limits.clock_skew_minutes)


def default_model(card: RateCard) -> str:
    """The card's `unmapped_model`, else its dearest language model (by output rate)."""
    if card.defaults.unmapped_model:
        return card.defaults.unmapped_model
    llms = [m for m in card.models.values() if m.kind == "llm" and m.rates is not None and m.forward is None]
    if not llms:
        raise BadInputError("the rate card has no language model to charge logged requests as")
    return max(llms, key=lambda m: (m.rates.output, m.rates.cache_miss) if m.rates else (ZERO, ZERO)).name


class Pricer:
    """Prices logged buckets: each under the rules in force at its own quarter hour (`as_of` None), or
    all under those in force at `as_of` (a what-if, `--as-of`).

    The card's rules change only at a few instants (`rule_changes`: a forward, the end of legacy rates,
    a discontinuation), so buckets are priced by epoch, the time between two changes, at one instant of
    it: exact, since nothing changes inside an epoch. A change between two quarter hours takes effect
    from the first quarter hour that starts at or after it (the card's instants all fall on one).
    """

    def __init__(self, card: RateCard, as_of: datetime | None) -> None:
        from tokenplan_cli.core.lifecycle import rule_changes

        self.card = card
        self.as_of = as_of
        self.changes = rule_changes(card) if as_of is None else ()
        self.change_slots = tuple(-(-(change - EPOCH) // SLOT) for change in self.changes)  # ceiling
        self.count = len(self.changes) + 1  # epochs
        self.resolved: dict[tuple[str, int], str] = {}  # (card model, epoch) -> the model charged

    def epoch(self, slot: int) -> int:
        """The epoch of the quarter hour `slot`: how many changes took effect at or before it."""
        from bisect import bisect_right

        return bisect_right(self.change_slots, slot) if self.changes else 0

    def charged_as(self, model: str, epoch: int) -> str:
        """The card model whose rates price `model` in `epoch` (its successor once forwarded)."""
        found = self.resolved.get((model, epoch))
        if found is None:
            found = self.resolved[model, epoch] = resolve_model(
                self.card, model, self.instant(epoch)
            ).charged_as
        return found

    def instant(self, epoch: int) -> datetime:
        """An instant whose rules are those of `epoch`."""
        if self.as_of is not None:
            return self.as_of
        return slot_start(self.change_slots[epoch - 1]) if epoch else EPOCH

    def credits(self, cells: Iterable[BucketKey], tally: LogTally, mapping: ModelMap) -> CreditBreakdown:
        """The credits of regrouped cells (`slot` = group × epochs + epoch), each epoch at its rules."""
        by_epoch: dict[int, list[BucketKey]] = {}
        for cell in cells:
            by_epoch.setdefault(cell.slot % self.count, []).append(cell)
        parts = [
            compute_credits(charged_usage(members, tally, mapping), self.card, self.instant(epoch))
            for epoch, members in sorted(by_epoch.items())
        ]
        return CreditBreakdown(tuple(model for part in parts for model in part.models))


class DayRange(NamedTuple):
    """Local dates from `first` to `last`, both included (None: open)."""

    first: date | None = None
    last: date | None = None

    def contains(self, day: date) -> bool:
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)


ALL_DAYS = DayRange()


class Grouped(NamedTuple):
    """One group of a report: its key, requests, quantities (charged kinds) and credits."""

    key: Any
    requests: int
    quantities: Quantities
    credits: CreditBreakdown


class ModelUse(NamedTuple):
    """A logged model's use that one card model's rates priced (one model may be priced by two, either
    side of a forward)."""

    model: str  # normalised (`normalise_model`)
    logged: tuple[str, ...]  # the names as logged that normalise to it, sorted
    charged_as: str  # the card model whose rates priced it: after --map and any forward in force
    assumed: bool  # charged by default, for want of a --map rule
    requests: int
    quantities: Quantities
    credits: CreditBreakdown

    @property
    def label(self) -> str:
        """`claude-haiku-4-5-20251001 (logged as jp.anthropic.claude-haiku-4-5-20251001-v1:0)`: the
        name, and the names logged where they differ from it."""
        others = [name for name in self.logged if name != self.model]
        return f"{self.model} (logged as {', '.join(others)})" if others else self.model


class UsageReport(NamedTuple):
    by: str
    timezone: str
    first_day: date | None  # of the period observed (or asked for)
    last_day: date | None
    rows: tuple[Grouped, ...]
    total: Grouped
    models: tuple[ModelUse, ...]
    assumed_models: tuple[str, ...]

    @property
    def days(self) -> int:
        if self.first_day is None or self.last_day is None:
            return 0
        return (self.last_day - self.first_day).days + 1


class LocalClock:
    """Local dates and hours of quarter-hour slots in one zone, computed once per slot."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._cache: dict[int, datetime] = {}

    def local(self, slot: int) -> datetime:
        found = self._cache.get(slot)
        if found is None:
            found = self._cache[slot] = slot_start(slot).astimezone(self.zone)
        return found

    def day(self, slot: int) -> date:
        return self.local(slot).date()


def _group_key(by: str, clock: LocalClock) -> Callable[[BucketKey], Any]:
    if by == "day":
        return lambda key: clock.day(key.slot).isoformat()
    if by == "week":
        return lambda key: "{}-W{:02d}".format(*clock.day(key.slot).isocalendar()[:2])
    if by == "month":
        return lambda key: clock.local(key.slot).strftime("%Y-%m")
    if by == "hour":
        return lambda key: clock.local(key.slot).hour
    if by == "model":
        return lambda key: normalise_model(key.model)
    check_grouping(by)
    return lambda key: key.tool


def report_usage(
    tally: LogTally,
    card: RateCard,
    *,
    as_of: datetime | None,
    mapping: ModelMap,
    by: str,
    zone: tzinfo,
    zone_name: str,
    days: DayRange = ALL_DAYS,
) -> UsageReport:
    """Credits of the tallied usage by `by` (day, week, month, hour of day in `zone`, model or tool).

    Each bucket is priced in its own window, under the rules in force at its own quarter hour, or, with
    `as_of`, under those in force then (a what-if).
    """
    clock = LocalClock(zone)
    pricer = Pricer(card, as_of)
    keys = kept_keys(tally, clock, days)
    names, grouped = _regrouped(keys, tally, _group_key(by, clock), pricer)
    groups: dict[int, list[BucketKey]] = {}
    per_model: dict[tuple[str, str], list[BucketKey]] = {}
    for key in grouped.counts:
        groups.setdefault(key.slot // pricer.count, []).append(key)
        charged_as = pricer.charged_as(mapping.charge(key.model)[0], key.slot % pricer.count)
        per_model.setdefault((normalise_model(key.model), charged_as), []).append(key)
    rows = tuple(
        _grouped(name, groups[index], grouped, mapping, pricer) for name, index in sorted(names.items())
    )
    models = tuple(
        _model_use(name, charged_as, members, grouped, mapping, pricer)
        for (name, charged_as), members in sorted(per_model.items())
    )
    observed = {clock.day(slot) for slot in {key.slot for key in keys}}
    return UsageReport(
        by=by,
        timezone=zone_name,
        first_day=days.first or (min(observed) if observed else None),
        last_day=days.last or (max(observed) if observed else None),
        rows=rows,
        total=_grouped("total", list(grouped.counts), grouped, mapping, pricer),
        models=models,
        assumed_models=tuple(dict.fromkeys(m.model for m in models if m.assumed)),
    )


def _regrouped(
    keys: list[BucketKey], tally: LogTally, group_of: Callable[[BucketKey], Any], pricer: Pricer
) -> tuple[dict[Any, int], LogTally]:
    """The buckets summed by group, rule epoch, logged model and window: a tally whose `slot` is the
    group's number × the epochs + the epoch.

    Pricing works on these few hundred sums, not on thousands of quarter hours (exact: the counts are
    whole numbers, added before any rate is applied).
    """
    names: dict[Any, int] = {}
    grouped = LogTally()
    epochs: dict[int, int] = {}  # slot -> epoch
    for key in keys:
        index = names.setdefault(group_of(key), len(names))
        epoch = epochs.get(key.slot)
        if epoch is None:
            epoch = epochs[key.slot] = pricer.epoch(key.slot)
        cell = tuple.__new__(BucketKey, (key.tool, key.model, index * pricer.count + epoch, key.window))
        grouped.add(cell, tally.counts[key], tally.audio.get(key, ZERO))
    return names, grouped


def kept_keys(tally: LogTally, clock: LocalClock, days: DayRange) -> list[BucketKey]:
    """The buckets with requests on the days asked for (a bucket emptied by a dedupe has none)."""
    return [key for key in tally.counts if tally.requests(key) and days.contains(clock.day(key.slot))]


def local_hour_weights(
    tally: LogTally, card: RateCard, *, as_of: datetime, mapping: ModelMap, zone: tzinfo, days: DayRange
) -> tuple[Fraction, ...]:
    """24 weights by local hour of `zone` (what a profile's `hours` holds): credits before the coefficient."""
    clock = LocalClock(zone)
    return hour_weights(
        kept_keys(tally, clock, days), tally, card, mapping, as_of, lambda slot: clock.local(slot).hour
    )


def assumed_notes(models: Iterable[str], default: str) -> tuple[str, ...]:
    """One note per logged model charged by default, so no output hides the assumption."""
    return tuple(f"{name}: no --map rule names it; charged as {default} (assumed)" for name in models)


def bare_total_note(lines: int) -> str:
    """The note that says some logged use was booked as output for want of a split."""
    return (
        f"{lines} log line(s) held only a total token count, no split into input, cache and output: "
        "booked as output, the dearest kind"
    )


def check_grouping(by: str) -> str:
    if by not in GROUPINGS:
        raise BadInputError(f"expected one of {', '.join(GROUPINGS)}, got {by!r}", field="by")
    return by


def charged_usage(keys: Iterable[BucketKey], tally: LogTally, mapping: ModelMap) -> Usage:
    """The buckets' quantities by charged model and window: what the credit engine prices."""
    counts: dict[tuple[str, Window], list[int]] = {}
    audio: dict[tuple[str, Window], Fraction] = {}
    charged: dict[str, str] = {}  # logged model -> card model: the --map globs once per model
    for key in keys:  # whole numbers first: Fraction arithmetic per bucket was most of a report's time
        model = charged.get(key.model)
        if model is None:
            model = charged[key.model] = mapping.charge(key.model)[0]
        line = (model, key.window)
        _, hit, miss, write, output, reasoning = tally.counts[key]  # the order of `counts_of`
        totals = counts.get(line)
        if totals is None:
            counts[line] = [hit, miss, write, output, reasoning]  # the order of KINDS
        else:  # spelt out: this runs for every bucket of every group of a report
            totals[0] += hit
            totals[1] += miss
            totals[2] += write
            totals[3] += output
            totals[4] += reasoning
        if key in tally.audio:
            audio[line] = audio.get(line, ZERO) + tally.audio[key]
    return Usage.of(
        UsageLine(model, window, _quantities(totals, audio.get((model, window), ZERO)))
        for (model, window), totals in counts.items()
    )


def _quantities(totals: list[int], audio: Fraction) -> Quantities:
    hit, miss, write, output, reasoning = totals
    return Quantities(
        Fraction(hit), Fraction(miss), Fraction(write), Fraction(output), Fraction(reasoning), audio
    )


def _grouped(name: Any, keys: list[BucketKey], tally: LogTally, mapping: ModelMap, pricer: Pricer) -> Grouped:
    totals = [0] * 6  # the order of `counts_of`: whole numbers, summed before any Fraction is made
    audio = ZERO
    for key in keys:
        for kind, value in enumerate(tally.counts[key]):
            totals[kind] += value
        if key in tally.audio:
            audio += tally.audio[key]
    requests, *tokens = totals
    return Grouped(name, requests, _quantities(tokens, audio), pricer.credits(keys, tally, mapping))


def _model_use(
    name: str, charged_as: str, keys: list[BucketKey], tally: LogTally, mapping: ModelMap, pricer: Pricer
) -> ModelUse:
    grouped = _grouped(name, keys, tally, mapping, pricer)
    logged = tuple(sorted({key.model for key in keys}))
    assumed = mapping.charge(logged[0])[1]
    return ModelUse(name, logged, charged_as, assumed, grouped.requests, grouped.quantities, grouped.credits)


def profile_from_tally(
    tally: LogTally,
    card: RateCard,
    *,
    as_of: datetime,
    mapping: ModelMap,
    zone: tzinfo,
    zone_name: str,
    days: DayRange = ALL_DAYS,
    name: str = "observed usage",
    source: str = "logs",
    observed: Mapping[str, Any] = MappingProxyType({}),
) -> UsageProfile:
    """The observed usage as a profile: totals over the period's days, exact off-peak parts, the days.

    The period runs from the first to the last day with use (or the days asked for), in `zone`; a month
    is then the card's nominal month scaled from it. `hours_utc` weighs each UTC hour by the credits it
    used before the off-peak coefficient.
    """
    clock = LocalClock(zone)
    keys = kept_keys(tally, clock, days)
    if not keys:
        raise BadInputError("no usage found in the logs for the period asked")
    observed_days = sorted({clock.day(key.slot) for key in keys})
    first, last = days.first or observed_days[0], days.last or observed_days[-1]
    by_day: dict[date, list[BucketKey]] = {}
    for key in keys:
        by_day.setdefault(clock.day(key.slot), []).append(key)
    series = tuple(
        DayUsage(day, charged_usage(by_day.get(day, ()), tally, mapping))
        for day in (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    )
    usage = charged_usage(keys, tally, mapping)
    credits = compute_credits(usage, card, as_of)
    hours = hour_weights(keys, tally, card, mapping, as_of, lambda slot: slot_start(slot).hour)
    return UsageProfile(
        source=source,
        name=name,
        period=Period("days", days=Fraction(len(series))),
        timezone=zone_name,
        usage=usage,
        offpeak_share=credits.offpeak_share,
        hours_utc=hours if any(hours) else None,
        days=series,
        observed=MappingProxyType(dict(observed)),
    )


def hour_weights(
    keys: Iterable[BucketKey],
    tally: LogTally,
    card: RateCard,
    mapping: ModelMap,
    as_of: datetime,
    hour_of: Callable[[int], int],
) -> tuple[Fraction, ...]:
    """24 weights: the credits (before the off-peak coefficient) used in each hour given by `hour_of`."""
    weights = [ZERO] * HOURS_PER_DAY
    resolved: dict[str, Any] = {}
    for key in keys:
        charged = mapping.charge(key.model)[0]
        model = resolved.get(charged)
        if model is None:
            model = resolved[charged] = resolve_model(card, charged, as_of)
        base = compute_base_credits(tally.quantities(key), model, card)
        weights[hour_of(key.slot)] += sum(base.values(), ZERO)
    return tuple(weights)


def slot_of(instant: datetime) -> int:
    """The quarter hour (since 1970-01-01T00:00Z) holding `instant`."""
    since = instant - EPOCH
    return since.days * SLOTS_PER_DAY + since.seconds // SLOT_SECONDS


def tally_between(tally: LogTally, since: datetime, until: datetime) -> tuple[LogTally, int]:
    """The buckets from the quarter hour holding `since` to the one holding `until` (both included),
    and the first of those quarter hours: the tally keeps no finer time than a quarter hour."""
    first, last = slot_of(since), slot_of(until)
    kept = LogTally()
    for key, counts in tally.counts.items():
        if first <= key.slot <= last:
            kept.counts[key] = counts
            if key in tally.audio:
                kept.audio[key] = tally.audio[key]
    return kept, first
