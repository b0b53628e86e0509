"""The plan a user holds: set, shown, cleared and calibrated, and its state at an instant.

Everything here takes values (a tier's name, instants, exact amounts) and returns typed results; the
config file is read and written through `app.config`.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

from tokenplan_cli.app.config import ConfigFile, current_config, save_config
from tokenplan_cli.app.settings import Setting
from tokenplan_cli.core.dates import utc_text
from tokenplan_cli.core.errors import BadInputError, TokenplanError
from tokenplan_cli.core.quotes import PlanPrice, plan_price
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.core.status import counting_start
from tokenplan_cli.core.subscription import Cycle, Reading, Subscription, check_reading, cycle_at, reading_in
from tokenplan_cli.core.userconfig import UserConfig
from tokenplan_cli.tuples import NamedTuple


class NoPlanError(BadInputError):
    """No plan is held: `plan set` first (or give the plan with flags)."""

    def __init__(self, file: ConfigFile, alternative: str = "", mentions: tuple[str, ...] = ()) -> None:
        self.file = file
        super().__init__(
            f"no plan is held (config {file.where}): run 'tokenplan plan set TIER --start DATE' first"
            + (f", {alternative}" if alternative else ""),
            mentions=mentions,
        )


class HeldState(NamedTuple):
    """The held plan at `now`: what it is, its cycle then, and what its credits are counted from."""

    file: ConfigFile
    plan: Subscription
    price: PlanPrice  # in `currency`
    currency: Currency
    cycle: Cycle
    now: datetime
    counted_from: datetime  # the cycle's start, or a usage reset inside it
    reading: Reading | None  # the latest console reading since `counted_from`
    paid: Fraction | None  # what was paid for this cycle, in `currency` (None: the list price)
    notes: tuple[str, ...]

    @property
    def reading_used(self) -> Fraction | None:
        return None if self.reading is None else self.reading.used_of(self.price.credits)

    @property
    def counts_from(self) -> datetime:
        """Where logs are read from: the latest reading, else `counted_from`."""
        return self.reading.at if self.reading is not None else self.counted_from


def held_state(
    card: RateCard, now: datetime, currency: Currency, file: ConfigFile | None = None
) -> HeldState:
    """The held plan of the config file at `now`, or `NoPlanError`."""
    file = file or current_config()
    plan = file.config.plan
    if plan is None:
        raise NoPlanError(file)
    price = _in_file(file, "plan.tier", lambda: plan_price(card, plan.tier, plan.cycle, currency))
    cycle = cycle_at(plan, card.cycle(plan.cycle), card.validity, now)
    counted_from = reset_within(card, cycle, now)
    reading = reading_in(file.config.readings, counted_from, now)
    paid, paid_notes = _paid(card, plan, cycle, price, currency)
    return HeldState(
        file, plan, price, currency, cycle, now, counted_from, reading, paid,
        (*_cycle_notes(plan, cycle), *paid_notes),
    )  # fmt: skip


def reset_within(card: RateCard, cycle: Cycle, now: datetime) -> datetime:
    """The cycle's start, or the last usage reset of the card that fell while the cycle served."""
    return counting_start(card, cycle.window, now)


def set_plan(
    card: RateCard,
    *,
    tier: str,
    cycle: str,
    start: datetime,
    now: datetime,
    auto_renew: bool,
    paid: Fraction | None,
    currency: Currency,
) -> HeldState:
    """Hold `tier` on `cycle`, bought at `start`; readings of another plan are dropped."""
    price = plan_price(card, tier, cycle, currency)
    if start > now:
        raise BadInputError(
            f"start: {utc_text(start)} is after now ({utc_text(now)}); for a plan bought later, "
            "see 'tokenplan quote TIER --start DATE'"
        )
    if paid is not None and paid > price.list_price:
        raise BadInputError(
            f"paid: {currency.show(paid)} is more than the list price of {price.label} "
            f"({currency.show(price.list_price)}); a discount only lowers it"
        )
    file = current_config()
    plan = Subscription(
        price.tier.name, price.cycle, start, auto_renew, paid, None if paid is None else currency.code
    )
    old = file.config
    same_plan = old.plan is not None and old.plan[:3] == plan[:3]
    config = old._replace(plan=plan, readings=old.readings if same_plan else ())
    saved = save_config(file, config)
    return held_state(card, now, currency, saved)


def clear_plan() -> ConfigFile:
    """Forget the held plan and its readings (the defaults stay)."""
    file = current_config()
    if file.config.plan is None:
        return file
    return save_config(file, file.config._replace(plan=None, readings=()))


def calibrate(card: RateCard, reading: Reading, now: datetime, currency: Currency) -> HeldState:
    """Record the console's reading of the credits used: checked against the quota and the cycle."""
    file = current_config()
    state = held_state(card, now, currency, file)
    if state.cycle.expired:
        raise BadInputError(
            f"the held plan expired at {utc_text(state.cycle.window.expires_at)}: there is nothing to "
            "calibrate (set the plan you hold now with 'tokenplan plan set')"
        )
    check_reading(reading, state.price.credits, state.counted_from, now)
    kept = tuple(r for r in file.config.readings if r.at >= state.counted_from and r.at != reading.at)
    readings = tuple(sorted((*kept, reading), key=lambda r: r.at))
    saved = save_config(file, file.config._replace(readings=readings))
    return held_state(card, now, currency, saved)


def set_defaults(config: UserConfig, **values: object) -> UserConfig:
    """`config` with the defaults given (a value of `()` or "" unsets it)."""
    changes: dict[str, Any] = {key: (None if value in ((), "") else value) for key, value in values.items()}
    return config._replace(defaults=config.defaults._replace(**changes))


def _paid(
    card: RateCard, plan: Subscription, cycle: Cycle, price: PlanPrice, currency: Currency
) -> tuple[Fraction | None, tuple[str, ...]]:
    """What was paid for this cycle in `currency`: the recorded price applies to the cycle bought."""
    if plan.paid is None or plan.paid_currency is None:
        return None, ()
    bought_currency = card.currency(plan.paid_currency)
    if cycle.renewed:
        return None, (
            f"the price paid ({bought_currency.show(plan.paid)}) was for the first cycle; this renewed "
            "cycle is taken at its list price",
        )
    if plan.paid_currency == currency.code:
        return plan.paid, ()
    bought_in = plan_price(card, plan.tier, plan.cycle, bought_currency)
    if not bought_in.list_price:
        return None, ()
    # the same share of the list price in the other currency
    return plan.paid * price.list_price / bought_in.list_price, (
        f"paid {bought_currency.show(plan.paid)}: taken as the same share of the list "
        f"price in {currency.code}",
    )


def _cycle_notes(plan: Subscription, cycle: Cycle) -> tuple[str, ...]:
    window = cycle.window
    if cycle.expired:
        return (
            f"the plan expired at {utc_text(window.expires_at)} (auto-renewal off): the service stopped "
            "then; buy any tier again ('tokenplan quote TIER'), then 'tokenplan plan set TIER --start DATE'",
        )
    if cycle.renewed:
        return (
            f"auto-renewal: cycle {cycle.number}, renewed at {utc_text(window.start)} (bought "
            f"{plan.start:%Y-%m-%d}; each cycle runs a calendar month (or year) from the last expiry day)",
        )
    return ()


def _in_file(file: ConfigFile, key: str, use: object) -> PlanPrice:
    try:
        return use()  # type: ignore[operator, no-any-return]
    except TokenplanError as exc:
        raise BadInputError(f"{file.path}: {key}: {exc.message}") from None


class PlanOverview(NamedTuple):
    """What `plan show` shows: the config file, the held plan's state (if any) and every default with
    where it came from."""

    file: ConfigFile
    state: HeldState | None
    settings: dict[str, Setting]
    now: datetime


def plan_overview(card: RateCard, now: datetime, currency: Currency | None = None) -> PlanOverview:
    """The config as it applies at `now` (`currency` from a flag, else the defaults' own)."""
    from tokenplan_cli.app.settings import (
        currency_setting,
        maps_setting,
        resolve_currency,
        tools_setting,
        zone_setting,
    )

    file = current_config()
    settings = {
        "currency": currency_setting(card, None if currency is None else currency.code, file),
        "timezone": zone_setting(card, None, file),
        "tools": tools_setting(None, file),
        "map": maps_setting(None, file),
    }
    money = currency or resolve_currency(card, None)
    state = held_state(card, now, money, file) if file.config.plan is not None else None
    return PlanOverview(file, state, settings, now)
