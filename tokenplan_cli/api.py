"""tokenplan from Python: the CLI's answers as typed results, with the CLI's `--json` documents.

Each function takes Python values (exact numbers: `int`, `Decimal` or `Fraction`, never a float; a
`Share` of a whole; `datetime`s and `date`s; paths), calls the same application layer as the command of
the same name, and returns a `Result`: `.value` is the engine's typed result, `.document()` the document
`tokenplan COMMAND --json` prints for the same input, `.to_json()` that document as the CLI writes it.

Defaults come from where the CLI takes them: the config file (`TOKENPLAN_CONFIG`, `tokenplan plan set`
and `plan defaults`), then the rate card (`rates=`, else `TOKENPLAN_RATES`, else the built-in one). An
instant not given is the clock's; a `datetime` without a zone is UTC, a `date` 00:00 UTC. A value that
cannot be used raises `BadInputError` (a `TokenplanError`), whose message names the parameter
(`used: 120 % is outside 0–100 %`). See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from tokenplan_cli.app.logs import LogRequest as Logs
from tokenplan_cli.app.quotes import HeldGiven, HeldUse
from tokenplan_cli.app.usage import UsageRequest as Usage
from tokenplan_cli.core.amounts import Number, Share, parse_money, parse_share, portion_value
from tokenplan_cli.core.errors import BadInputError, ExitCode, TokenplanError

if TYPE_CHECKING:
    from tokenplan_cli.app.report import LoggedReport
    from tokenplan_cli.app.status import StatusReport
    from tokenplan_cli.core.check import CheckResult
    from tokenplan_cli.core.estimate import Estimate
    from tokenplan_cli.core.quotes import PurchaseQuote, RenewalQuote, UpgradeQuote
    from tokenplan_cli.core.ratecard import Currency, RateCard
    from tokenplan_cli.core.simulation import Simulation
    from tokenplan_cli.core.validity import Expiry

__all__ = [
    "BadInputError",
    "ExitCode",
    "Logs",
    "Result",
    "Share",
    "TokenplanError",
    "Usage",
    "check",
    "estimate",
    "expiry",
    "quote",
    "renewal_quote",
    "simulate",
    "status",
    "upgrade_quote",
    "usage_report",
]

Value = TypeVar("Value")
Instant = datetime | date


class Result(NamedTuple, Generic[Value]):
    """An answer: the engine's typed result (`value`) and how the CLI's `--json` writes it."""

    value: Value
    build: Callable[[Value], dict[str, Any]]  # the view that makes the document of `value`
    exit_code: ExitCode = ExitCode.OK  # what the CLI exits with (`check`: 1 when a limit is broken)

    def document(self) -> dict[str, Any]:
        """The document `tokenplan COMMAND --json` prints (schema in docs/json.md)."""
        return self.build(self.value)

    def to_json(self) -> str:
        """The document as the CLI writes it (money as two-decimal strings, credits as exact numbers);
        the CLI ends it with a newline."""
        from tokenplan_cli.render.jsonout import dumps

        return dumps(self.document())


# -- sizing a usage -------------------------------------------------------------------------------


def estimate(
    usage: Usage,
    *,
    headroom: Number | None = None,
    currency: str | None = None,
    as_of: Instant | None = None,
    now: Instant | None = None,
    rates: Path | None = None,
) -> Result[Estimate]:
    """`tokenplan estimate`: `usage` in credits a month and every tier and cycle against it, cheapest
    first. `headroom`: the share of the quota a plan must leave unused (default: the card's, 10 %);
    `as_of`: the rules in force then (default: now); `now`: the clock, for logs."""
    from tokenplan_cli.app.estimate import estimate as estimate_usage
    from tokenplan_cli.views.estimate import estimate_document

    card, clock = _card(rates), _now(now)
    instant = _instant(as_of, "as_of") or clock
    result = estimate_usage(
        card, usage, as_of=instant, now=clock, currency=_currency(card, currency), headroom=headroom
    )
    return Result(result, estimate_document)


def simulate(
    usage: Usage,
    *,
    spread: Number | None = None,
    runs: int | None = None,
    seed: int | None = None,
    risk: Number | None = None,
    shift_offpeak: Number | None = None,
    growth: Number | None = None,
    mix: tuple[str, Number] | None = None,
    active_days: int | None = None,
    currency: str | None = None,
    as_of: Instant | None = None,
    now: Instant | None = None,
    rates: Path | None = None,
) -> Result[Simulation]:
    """`tokenplan simulate`: every plan against `runs` simulated billing cycles of `usage`, and the
    cheapest whose risk of running out is at most `risk`. `spread`: the day-to-day coefficient of
    variation, for usage without observed days. The what-ifs: `shift_offpeak` (a share of peak use moved
    off-peak), `growth` (a month), `mix` (a model and the share of the other models' work moved to it),
    `active_days` (a month)."""
    from tokenplan_cli.app.simulation import simulate as simulate_usage
    from tokenplan_cli.app.simulation import simulation_settings
    from tokenplan_cli.core.whatifs import Lever, mix_value
    from tokenplan_cli.views.simulate import simulate_document

    card, clock = _card(rates), _now(now)
    settings = simulation_settings(card, runs=runs, seed=seed, risk=risk, spread=spread)
    lever = Lever(
        shift_offpeak=_share(shift_offpeak, "shift_offpeak"),
        growth=_share(growth, "growth"),
        mix=None if mix is None else mix_value(card, mix[0], parse_share(mix[1], field="mix")),
        active_days=active_days,
    )
    result = simulate_usage(
        card, usage, as_of=_instant(as_of, "as_of") or clock, now=clock, currency=_currency(card, currency),
        settings=settings, lever=lever,
    )  # fmt: skip
    return Result(result, simulate_document)


def check(
    usage: Usage,
    *,
    tier: str,
    cycle: str = "monthly",
    max_utilization: Number | None = None,
    max_risk: Number | None = None,
    spread: Number | None = None,
    runs: int | None = None,
    seed: int | None = None,
    currency: str | None = None,
    as_of: Instant | None = None,
    now: Instant | None = None,
    rates: Path | None = None,
) -> Result[CheckResult]:
    """`tokenplan check`: `usage` on one plan against the limits set (a share of the quota used, a
    chance of running out). `.value.ok` says whether it keeps within them; `.exit_code` is the CLI's
    (0 within them, 1 when one is broken)."""
    from tokenplan_cli.app.simulation import check as check_usage
    from tokenplan_cli.app.simulation import simulation_settings
    from tokenplan_cli.core.check import CheckLimits
    from tokenplan_cli.views.check import check_document

    card, clock = _card(rates), _now(now)
    limits = CheckLimits(_share(max_utilization, "max_utilization"), _share(max_risk, "max_risk"))
    settings = simulation_settings(card, runs=runs, seed=seed, spread=spread)
    result = check_usage(
        card, usage, tier=tier, cycle=cycle, limits=limits, as_of=_instant(as_of, "as_of") or clock,
        now=clock, currency=_currency(card, currency), settings=settings,
    )  # fmt: skip
    return Result(result, check_document, ExitCode.OK if result.ok else ExitCode.CHECK_FAILED)


def usage_report(
    logs: Logs = Logs(),  # noqa: B008 - a NamedTuple: immutable
    *,
    by: str = "day",
    as_of: Instant | None = None,
    now: Instant | None = None,
    rates: Path | None = None,
) -> Result[LoggedReport]:
    """`tokenplan usage report`: the tokens and credits of the logged requests, `by` day, week, month,
    hour (of day), model or tool, split into peak and off-peak; each request priced by the rules of its
    own instant, or all of them by those in force at `as_of`."""
    from tokenplan_cli.app.report import usage_report as report
    from tokenplan_cli.views.usage import logged_report_document

    card = _card(rates)
    result = report(card, logs, by=by, as_of=_instant(as_of, "as_of"), now=_now(now))
    return Result(result, logged_report_document)


# -- a plan's life ---------------------------------------------------------------------------------


def quote(
    tier: str,
    *,
    cycle: str = "monthly",
    first_purchase: bool = False,
    auto_renew: str | None = None,
    start: Instant | None = None,
    currency: str | None = None,
    tz: str | None = None,
    rates: Path | None = None,
) -> Result[PurchaseQuote]:
    """`tokenplan quote`: what buying `tier` on `cycle` at `start` (default: now) costs, with the
    discounts that apply (`auto_renew`: "new-user" or "existing-user", its first activation)."""
    from tokenplan_cli.app.quotes import purchase_quote
    from tokenplan_cli.views.quote import quote_document

    card = _card(rates)
    result = purchase_quote(
        card, tier, cycle=cycle, first_purchase=first_purchase, auto_renew=auto_renew,
        start=_instant(start, "start") or _now(None), currency=_currency(card, currency),
    )  # fmt: skip
    return Result(result, _in_zone(quote_document, _zone(card, tz)))


def upgrade_quote(
    from_tier: str,
    to_tier: str,
    *,
    used: Number | Share | None = None,
    remaining: Number | Share | None = None,
    paid: Number | None = None,
    cycle: str = "monthly",
    to_cycle: str | None = None,
    start: Instant | None = None,
    currency: str | None = None,
    now: Instant | None = None,
    tz: str | None = None,
    rates: Path | None = None,
) -> Result[UpgradeQuote]:
    """`tokenplan upgrade-quote`: upgrading the plan held (`from_tier` on `cycle`, its credits `used` or
    `remaining`: counts, or a `Share`; `paid` for it if a discount made it less than its list price;
    bought at `start`, if known) to `to_tier` at `now`: new price − (remaining / total) × price paid."""
    from tokenplan_cli.app.quotes import upgrade_quote as upgrade
    from tokenplan_cli.views.upgrade_quote import upgrade_document

    card = _card(rates)
    held = HeldGiven(from_tier, cycle, _held_use(used, remaining, paid), _instant(start, "start"))
    result = upgrade(card, held, to_tier, to_cycle, _now(now), _currency(card, currency))
    return Result(result, _in_zone(upgrade_document, _zone(card, tz)))


def renewal_quote(
    from_tier: str,
    to_tier: str | None = None,
    *,
    used: Number | Share | None = None,
    remaining: Number | Share | None = None,
    paid: Number | None = None,
    cycle: str = "monthly",
    to_cycle: str | None = None,
    start: Instant | None = None,
    auto_renew: str | None = None,
    currency: str | None = None,
    now: Instant | None = None,
    tz: str | None = None,
    rates: Path | None = None,
) -> Result[RenewalQuote]:
    """`tokenplan renewal-quote`: renewing (or buying again) while the plan held keeps value: its
    remaining value offsets the new price (`to_tier`, default the same). `auto_renew`: "on" (on at the
    expiry), "off", or "existing-user" (activating it for the first time)."""
    from tokenplan_cli.app.quotes import renewal_quote as renewal
    from tokenplan_cli.views.renewal_quote import renewal_document

    card = _card(rates)
    held = HeldGiven(from_tier, cycle, _held_use(used, remaining, paid), _instant(start, "start"))
    result = renewal(card, held, to_tier, to_cycle, auto_renew, _now(now), _currency(card, currency))
    return Result(result, _in_zone(renewal_document, _zone(card, tz)))


def expiry(
    start: Instant,
    *,
    cycle: str = "monthly",
    now: Instant | None = None,
    tz: str | None = None,
    rates: Path | None = None,
) -> Result[Expiry]:
    """`tokenplan expiry`: when a plan bought at `start` expires (23:59:59 UTC), its reminder dates and
    the days left at `now`."""
    from tokenplan_cli.core.validity import compute_expiry
    from tokenplan_cli.views.expiry import expiry_document

    card = _card(rates)
    bought = _instant(start, "start")
    assert bought is not None  # `start` is required
    result = compute_expiry(card, bought, cycle, _now(now))
    return Result(result, _in_zone(expiry_document, _zone(card, tz)))


def status(
    *,
    tier: str | None = None,
    start: Instant | None = None,
    cycle: str | None = None,
    used: Number | Share | None = None,
    remaining: Number | Share | None = None,
    paid: Number | None = None,
    history: Path | None = None,
    logs: Logs | None = None,
    currency: str | None = None,
    now: Instant | None = None,
    tz: str | None = None,
    rates: Path | None = None,
) -> Result[StatusReport]:
    """`tokenplan status`: where a plan stands at `now`: credits used and left, the burn rate, the
    run-out against the expiry, the reminders, and the cheapest upgrade if the credits run out first.

    The plan is `tier` bought at `start` (on `cycle`), else the one held (`tokenplan plan set`); the use
    is `used` or `remaining` (counts, or a `Share`), a `history` file of daily credits, or else the
    tools' `logs` since the cycle started. `.value.status.stops_early` is what `status --check` fails on.
    """
    from tokenplan_cli.app.status import PlanGiven, UseGiven, plan_status
    from tokenplan_cli.views.held_status import held_status_document

    card = _card(rates)
    use = _held_use(used, remaining, paid)
    result = plan_status(
        card, _now(now), _currency(card, currency),
        plan=PlanGiven(tier, _instant(start, "start"), cycle),
        use=UseGiven(use.used, use.remaining, history), paid=use.paid, logs=logs,
    )  # fmt: skip
    return Result(result, _in_zone(held_status_document, _zone(card, tz)))


# -- values in -------------------------------------------------------------------------------------


def _card(path: Path | None) -> RateCard:
    from tokenplan_cli.app.settings import load_card

    return load_card(None if path is None else Path(path))


def _now(value: Instant | None) -> datetime:
    from tokenplan_cli.app.settings import now_utc

    return _instant(value, "now") or now_utc()


def _instant(value: Instant | None, field: str) -> datetime | None:
    from tokenplan_cli.core.dates import instant_value

    return None if value is None else instant_value(value, field=field)


def _share(value: Number | None, field: str) -> Fraction | None:
    return None if value is None else parse_share(value, field=field)


def _held_use(used: Number | Share | None, remaining: Number | Share | None, paid: Number | None) -> HeldUse:
    return HeldUse(
        used=None if used is None else portion_value(used, field="used"),
        remaining=None if remaining is None else portion_value(remaining, field="remaining"),
        paid=None if paid is None else parse_money(paid, field="paid"),
    )


def _currency(card: RateCard, code: str | None) -> Currency:
    from tokenplan_cli.app.settings import resolve_currency

    return resolve_currency(card, code)


def _zone(card: RateCard, name: str | None) -> tzinfo:
    from tokenplan_cli.app.settings import resolve_zone

    return resolve_zone(card, name)


def _in_zone(
    view: Callable[[Value, tzinfo], dict[str, Any]], zone: tzinfo
) -> Callable[[Value], dict[str, Any]]:
    """A view that shows instants in `zone` beside UTC, as one of a value alone."""
    return lambda value: view(value, zone)
