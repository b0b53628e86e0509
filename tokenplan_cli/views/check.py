"""The `check` document (schema in docs/json.md)."""

from __future__ import annotations

from typing import Any

from tokenplan_cli.core.check import CheckResult
from tokenplan_cli.core.dates import iso_utc
from tokenplan_cli.views import credits, envelope, money, ratio


def check_document(result: CheckResult) -> dict[str, Any]:
    plan, risk = result.plan, result.risk
    return envelope(
        "check",
        as_of=iso_utc(result.as_of),
        source=result.source,
        tier=plan.tier,
        cycle=plan.cycle,
        ok=result.ok,
        violations=[
            {"limit": v.limit, "value": ratio(v.value), "allowed": ratio(v.allowed)}
            for v in result.violations
        ],
        limits={name: ratio(value) for name, value in result.limits._asdict().items()},
        quota=credits(plan.quota),
        usage=credits(plan.usage),
        utilization=ratio(plan.utilization),
        p_runs_out=None if risk is None else ratio(risk.p_runs_out),
        runs=None if risk is None else result.settings.runs,
        seed=None if risk is None else result.settings.seed,
        price=money(plan.price, result.currency),
        currency=result.currency.code,
        notes=list(result.notes),
    )
