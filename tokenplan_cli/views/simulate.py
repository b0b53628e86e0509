"""The `simulate` document (schema in docs/json.md)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from tokenplan_cli.core.dates import iso_utc
from tokenplan_cli.core.money import RATIO_DECIMALS, round_half_up
from tokenplan_cli.core.offpeak import HOURS_PER_DAY, hour_in_window
from tokenplan_cli.core.plans import PlanFit
from tokenplan_cli.core.ratecard import Currency, OffPeakWindow
from tokenplan_cli.core.simulation import P10, P50, PlanRisk, RiskRecommendation, Scenario, Simulation
from tokenplan_cli.views import credits, envelope, money, ratio
from tokenplan_cli.views.estimate import plan_choice
from tokenplan_cli.views.payg import comparison_document


def simulate_document(sim: Simulation) -> dict[str, Any]:
    currency, base, settings = sim.currency, sim.baseline, sim.settings
    average = sim.by_average.best
    return envelope(
        "simulate",
        as_of=iso_utc(sim.as_of),
        source=sim.source,
        currency=currency.code,
        currency_symbol=currency.symbol,
        runs=settings.runs,
        seed=settings.seed,
        risk=ratio(settings.risk),
        spread=None if base.days.kind == "observed" else ratio(settings.spread),
        model=base.days.kind,
        observed_days=base.days.observed_days,
        active_days=credits(base.days.active_days),
        month_days=base.days.month_days,
        offpeak_window=sim.offpeak.label(),
        offpeak_hours=offpeak_hours(sim.offpeak),
        **scenario_fields(base, currency),
        recommended_by_average=None if average is None else _average_choice(average, currency),
        headroom=ratio(sim.headroom),
        whatifs=[whatif_document(w, base, currency) for w in sim.whatifs],
        reasons=list(base.recommendation.reasons),
        notes=list(sim.notes),
        payg=comparison_document(sim.payg),
        comparison=None,  # set under --compare-to (views/compare.py)
    )


def scenario_fields(scenario: Scenario, currency: Currency) -> dict[str, Any]:
    """What a scenario (the baseline or a what-if) shows: its use, hours, plans and recommendation."""
    rec = scenario.recommendation
    return {
        "credits_per_month": credits(scenario.credits_per_month),
        "offpeak_share": ratio(scenario.days.monthly.offpeak_share),
        "hours_utc": _hours(scenario.hours_utc),
        "plans": [plan_document(p, currency) for p in scenario.plans],
        "recommended": _choice(rec.best, currency),
        "recommended_monthly": _choice(rec.best_monthly, currency),
        "safest": _choice(rec.safest, currency),
    }


def whatif_document(scenario: Scenario, baseline: Scenario, currency: Currency) -> dict[str, Any]:
    chosen = baseline.recommendation.best
    same = next(
        (p for p in scenario.plans if chosen and (p.tier, p.cycle) == (chosen.tier, chosen.cycle)), None
    )
    return {
        "lever": scenario.lever.name,
        "label": scenario.lever.label,
        **scenario_fields(scenario, currency),
        "saving_per_month": money(_saving(baseline.recommendation, scenario.recommendation), currency),
        "baseline_choice_p_runs_out": None if same is None else ratio(same.p_runs_out),
    }


def plan_document(plan: PlanRisk, currency: Currency) -> dict[str, Any]:
    return {
        "tier": plan.tier,
        "cycle": plan.cycle,
        "quota": credits(plan.quota),
        "cycle_days": plan.cycle_days,
        "month": plan.month,
        "price": money(plan.price, currency),
        "price_per_month": money(plan.price_per_month, currency),
        "currency": currency.code,
        "p_runs_out": ratio(plan.p_runs_out),
        "p_runs_out_stderr": standard_error(plan.p_runs_out, plan.runs),
        "runs_out_day_p10": plan.runs_out_day(P10),
        "runs_out_day_p50": plan.runs_out_day(P50),
        "expected_used_credits": credits(plan.expected_used),
        "expected_unused_credits": credits(plan.expected_unused),
        "expected_price_per_billion_used": money(plan.expected_price_per_billion_used, currency),
        "runs_out_days": [
            {"day": day, "runs": count} for day, count in enumerate(plan.runs_out_days, start=1) if count
        ],
    }


def standard_error(p: Fraction, runs: int) -> Decimal:
    """The Monte Carlo standard error of a probability, sqrt(p (1 - p) / runs), to six decimals.

    >>> standard_error(Fraction(1, 2), 10_000)
    Decimal('0.005')
    """
    with localcontext() as context:
        context.prec = 28
        variance = p * (1 - p) / runs
        root = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    rounded = round_half_up(Fraction(root), RATIO_DECIMALS)
    return rounded.to_integral_value() if rounded == rounded.to_integral_value() else rounded.normalize()


def offpeak_hours(window: OffPeakWindow) -> list[Any]:
    """For each UTC hour, the share of it inside the off-peak window (1 for 16:00–24:00's hours)."""
    return [ratio(hour_in_window(hour, window)) for hour in range(HOURS_PER_DAY)]


def _hours(hours: tuple[Fraction, ...] | None) -> list[Any] | None:
    if hours is None:
        return None
    total = sum(hours, Fraction(0))
    return [ratio(weight / total) for weight in hours]


def _choice(plan: PlanRisk | None, currency: Currency) -> dict[str, Any] | None:
    choice = plan_choice(plan, currency)
    if choice is None or plan is None:
        return None
    return {**choice, "p_runs_out": ratio(plan.p_runs_out)}


def _average_choice(plan: PlanFit, currency: Currency) -> dict[str, Any]:
    return {
        "tier": plan.tier,
        "cycle": plan.cycle,
        "price_per_month": money(plan.price_per_month, currency),
        "utilization": ratio(plan.utilization),
        "currency": currency.code,
    }


def _saving(baseline: RiskRecommendation, whatif: RiskRecommendation) -> Fraction | None:
    if baseline.best is None or whatif.best is None:
        return None
    return baseline.best.price_per_month - whatif.best.price_per_month
