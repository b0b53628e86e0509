"""`check`: does a usage stay within the limits set for one plan? The CI gate, as data.

Two limits: the expected use of a cycle as a share of the plan's quota (`max_utilization`, the average
that `estimate` measures) and the probability that the credits run out within a cycle (`max_risk`, from
the simulation; only computed when that limit is set).
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from tokenplan_cli.core.daily import day_model
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.montecarlo import Kernel
from tokenplan_cli.core.plans import PlanFit, evaluate_plans
from tokenplan_cli.core.profile import UsageProfile
from tokenplan_cli.core.ratecard import Currency, RateCard
from tokenplan_cli.core.simulation import PlanRisk, SimulationSettings, simulate_scenario, validate_settings
from tokenplan_cli.core.whatifs import BASELINE
from tokenplan_cli.tuples import NamedTuple


class CheckLimits(NamedTuple):
    max_utilization: Fraction | None = None  # share of the quota the expected use may take
    max_risk: Fraction | None = None  # probability of running out within a cycle


class Violation(NamedTuple):
    limit: str  # a field of CheckLimits
    value: Fraction
    allowed: Fraction

    @property
    def excess(self) -> Fraction:
        return self.value - self.allowed


class CheckResult(NamedTuple):
    as_of: datetime
    source: str
    currency: Currency
    plan: PlanFit  # the plan checked, against the expected use
    risk: PlanRisk | None  # the simulated plan, when --max-risk is set
    settings: SimulationSettings
    limits: CheckLimits
    violations: tuple[Violation, ...]
    notes: tuple[str, ...] = ()  # the usage's assumptions (e.g. logged models charged by default)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_plan(
    card: RateCard,
    profile: UsageProfile,
    *,
    source: str,
    tier: str,
    cycle: str,
    limits: CheckLimits,
    as_of: datetime,
    currency: Currency,
    settings: SimulationSettings,
    kernel: Kernel | None = None,
) -> CheckResult:
    """Measure `profile` on the plan `tier` × `cycle` against every limit set in `limits`."""
    if limits == CheckLimits():
        raise BadInputError(
            "nothing to check: give a limit, e.g. `max_utilization` 90% or `max_risk` 5%",
            mentions=("max_utilization", "max_risk"),
        )
    tier_name, cycle_name = card.tier(tier).name, card.cycle(cycle).name
    validate_settings(card, settings)
    days = day_model(profile, card, as_of, spread=settings.spread)
    plans = evaluate_plans(card, days.monthly_credits, currency, card.defaults.headroom)
    plan = next(p for p in plans if (p.tier, p.cycle) == (tier_name, cycle_name))
    risk = None
    if limits.max_risk is not None:
        scenario = simulate_scenario(
            card, profile, BASELINE, as_of=as_of, currency=currency, settings=settings, kernel=kernel
        )
        risk = next(p for p in scenario.plans if (p.tier, p.cycle) == (tier_name, cycle_name))
    measured = {"max_utilization": plan.utilization, "max_risk": None if risk is None else risk.p_runs_out}
    violations = tuple(
        Violation(name, value, allowed)
        for name, allowed in limits._asdict().items()
        if allowed is not None and (value := measured[name]) is not None and value > allowed
    )
    return CheckResult(as_of, source, currency, plan, risk, settings, limits, violations, profile.notes)
