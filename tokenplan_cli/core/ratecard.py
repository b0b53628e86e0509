"""The rate card as validated, immutable values.

`tokenplan_cli.readers.ratecard` builds a `RateCard` from TOML; everything else reads it. All amounts are
`Fraction`s (exact); times are aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from fractions import Fraction
from typing import Literal

from tokenplan_cli.core.endpoints import Endpoints
from tokenplan_cli.core.errors import BadInputError, UnknownNameError
from tokenplan_cli.core.money import round_money
from tokenplan_cli.tuples import NamedTuple

ModelKind = Literal["llm", "asr", "tts"]
Cycle = Literal["monthly", "annual"]
CYCLES: tuple[Cycle, ...] = ("monthly", "annual")

# The kinds of quantity a usage record can hold. The rate table prices the first three token kinds;
# `[charging]` in the card says how cache writes and reasoning tokens are charged.
TOKEN_KINDS = ("cache_hit", "cache_miss", "cache_write", "output", "reasoning")
PRICED_TOKEN_KINDS = ("cache_hit", "cache_miss", "output")
SECONDS_PER_HOUR = 3600


class TokenRates(NamedTuple):
    """Credits per token, by priced kind."""

    cache_hit: Fraction
    cache_miss: Fraction
    output: Fraction

    def of(self, priced_kind: str) -> Fraction:
        rate: Fraction = getattr(self, priced_kind)
        return rate


class LegacyRates(NamedTuple):
    """Rates a model was charged at before `until` (e.g. the V2 rates of the Subscription Instructions)."""

    rates: TokenRates
    until: datetime


class Forward(NamedTuple):
    """From `since` on, requests for the model are served (and charged) as `to`."""

    to: str
    since: datetime


class Model(NamedTuple):
    name: str
    kind: ModelKind
    series: str
    description: str = ""
    rates: TokenRates | None = None  # llm and tts
    credits_per_audio_hour: Fraction | None = None  # asr
    promotion: str | None = None  # e.g. "free for a limited time"
    forward: Forward | None = None
    legacy: tuple[LegacyRates, ...] = ()


class Series(NamedTuple):
    name: str
    discontinued_at: datetime | None = None


class CycleRule(NamedTuple):
    name: Cycle
    months: int
    nominal_days: int


class PlanTerms(NamedTuple):
    """One tier on one cycle: its credits and its list price in each currency."""

    credits: Fraction
    prices: Mapping[str, Fraction]


class Tier(NamedTuple):
    name: str
    rank: int  # 0 for the lowest; a higher rank is a higher package
    terms: Mapping[str, PlanTerms]  # by cycle

    def on(self, cycle: str) -> PlanTerms:
        return self.terms[cycle]


class Discount(NamedTuple):
    name: str
    label: str
    multiplier: Fraction
    cycles: tuple[str, ...]
    once_per_account: bool


class Currency(NamedTuple):
    code: str
    minor_units: int
    symbol: str

    def show(self, amount: Fraction) -> str:
        """`$45.50` (`−$39.00` below zero): an amount for a message, rounded to the minor unit."""
        sign = "−" if amount < 0 else ""
        return f"{sign}{self.symbol}{round_money(abs(amount), self.minor_units)}"

    def rounded(self, amount: Fraction) -> Fraction:
        """`amount` rounded half-up to the minor unit, still a `Fraction`: money as it is charged.

        Quotes round a price and a remaining value here, once, and derive the rest from them, so the
        figures of an explanation add up to the cent as printed.
        """
        return Fraction(round_money(amount, self.minor_units))


class OffPeakWindow(NamedTuple):
    """A daily window in UTC, minutes after midnight; `end` may be 1440 (24:00) or wrap past midnight."""

    start_minute: int
    end_minute: int
    coefficient: Fraction

    def minutes(self) -> tuple[tuple[int, int], ...]:
        """The window as non-wrapping [start, end) spans within one day."""
        if self.start_minute < self.end_minute:
            return ((self.start_minute, self.end_minute),)
        return ((self.start_minute, 24 * 60), (0, self.end_minute))

    def contains_minute(self, minute_of_day: int) -> bool:
        return any(lo <= minute_of_day < hi for lo, hi in self.minutes())

    def label(self) -> str:
        def hhmm(m: int) -> str:
            return f"{m // 60:02d}:{m % 60:02d}"

        return f"{hhmm(self.start_minute)}–{hhmm(self.end_minute)} UTC"


class Reminders(NamedTuple):
    usage_thresholds: tuple[Fraction, ...]
    expiry_days_before: tuple[int, ...]


class Validity(NamedTuple):
    expires_at: time  # UTC time of day on the expiry date
    month_end: str  # "clamp"


class Event(NamedTuple):
    name: str
    at: datetime
    description: str


class Defaults(NamedTuple):
    currency: str
    headroom: Fraction
    timezone: str
    risk: Fraction  # simulate/check: acceptable probability of running out within a cycle
    runs: int  # simulate: cycles simulated per plan
    seed: int  # simulate: the random seed when none is given
    # Days of a --history that `status` takes its burn rate from; None: every day of the plan so far.
    burn_window_days: int | None = None
    # The model that logged requests of a model no `--map` rule names are charged as (the dearer one, so
    # an estimate never understates); "" when the card names none (tokenplan then takes its dearest LLM).
    unmapped_model: str = ""


class CompensationRule(NamedTuple):
    """How value beyond a new plan's price becomes credits: reckoned in `currency` whatever the quote's,
    and granted in whole multiples of `unit` credits, rounded down."""

    currency: str
    unit: Fraction


class Limits(NamedTuple):
    max_amount: Fraction
    max_audio_hours: Fraction
    max_runs: int  # simulate --runs
    max_spread: Fraction  # simulate --spread (a coefficient of variation)
    clock_skew_minutes: int  # how far after now a logged request may be dated (a clock a little ahead)


class PaygPrice(NamedTuple):
    """One model's pay-as-you-go price in one currency (rates per token, for the engine)."""

    model: str
    currency: str
    rates: TokenRates | None  # per token; None for a model billed by audio
    per_audio_hour: Fraction | None
    official: bool  # the provider's own price list, or not
    source: str
    as_of: date


class PaygCard(NamedTuple):
    per_tokens: int  # the card writes prices per this many tokens (a million)
    prices: tuple[PaygPrice, ...]
    note: str = ""  # what the card says of its prices as a whole (e.g. that no official list was found)

    def price(self, model: str, currency: str) -> PaygPrice | None:
        return next((p for p in self.prices if p.model == model and p.currency == currency), None)


class RateCard(NamedTuple):
    name: str
    source: str  # where it was loaded from, for messages
    currencies: Mapping[str, Currency]
    cycles: Mapping[str, CycleRule]
    annual_price_factor: Fraction
    tiers: tuple[Tier, ...]
    discounts: Mapping[str, Discount]
    exclusive_groups: tuple[tuple[str, ...], ...]
    offpeak: OffPeakWindow
    reminders: Reminders
    validity: Validity
    charging: Mapping[str, str]  # token kind -> priced kind it is charged as
    models: Mapping[str, Model]
    series: Mapping[str, Series]
    events: tuple[Event, ...]
    defaults: Defaults
    limits: Limits
    updated: str = ""
    warnings: tuple[str, ...] = ()
    compensation: CompensationRule | None = None  # None: in the default currency, whole credits
    endpoints: Endpoints | None = None  # None: a card without [endpoints] (then `setup` cannot run)
    payg: PaygCard | None = None  # None: a card without [payg] (no pay-as-you-go comparison)

    def model(self, name: str) -> Model:
        """The model called `name` (case-insensitive), or an error with a did-you-mean."""
        found = self.models.get(name) or self.models.get(name.lower())
        if found is None:
            raise UnknownNameError("model", name, self.models)
        return found

    def tier(self, name: str) -> Tier:
        """The tier called `name` (case-insensitive), or an error with a did-you-mean."""
        for tier in self.tiers:
            if tier.name.casefold() == name.casefold():
                return tier
        raise UnknownNameError("tier", name, (t.name for t in self.tiers))

    def currency(self, code: str) -> Currency:
        found = self.currencies.get(code.upper())
        if found is None:
            raise UnknownNameError("currency", code, self.currencies)
        return found

    def compensation_rule(self) -> CompensationRule:
        return self.compensation or CompensationRule(self.defaults.currency, Fraction(1))

    def cycle(self, name: str) -> CycleRule:
        found = self.cycles.get(name.lower())
        if found is None:
            raise UnknownNameError("cycle", name, self.cycles)
        return found

    def priced_kind(self, kind: str) -> str:
        """The rate-table kind a token kind is charged as (cache_write -> cache_miss, ...)."""
        return self.charging.get(kind, kind)

    def require_endpoints(self) -> Endpoints:
        """The card's endpoints, or an error saying the card has none."""
        if self.endpoints is None:
            raise BadInputError(f"{self.source}: the card has no [endpoints] table (base URLs per cluster)")
        return self.endpoints

    def asr_model(self) -> Model:
        """The card's speech-recognition model, for `--audio-hours` without `--model`."""
        asr = [m for m in self.models.values() if m.kind == "asr" and m.forward is None]
        if len(asr) != 1:
            names = ", ".join(m.name for m in asr) or "none"
            raise BadInputError(
                f"the card has {len(asr)} ASR models ({names}); name one with `model`", mentions=("model",)
            )
        return asr[0]
