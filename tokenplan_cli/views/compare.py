"""What changed against an earlier run's JSON (`--compare-to`), as infracost's diff shows a cost change.

Both sides are documents (the baseline as read, exact `Decimal`s; this run's as built), so the figures
compared are the ones each run printed. `estimate` and `simulate` compare the credits a month, the
recommended plan, its price and how full (or how risky) it is, the baseline's plan under this use, and
pay-as-you-go; `usage report` the credits, tokens, requests and days, and the held plan's share used.
Credits by model follow. Money is compared only in one currency.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

Metric = tuple[str, str, str, Any]  # (key, label, kind, value); kind: credits, count, money, ratio, plan


def comparison_document(
    current: Mapping[str, Any], baseline: Mapping[str, Any], source: str
) -> dict[str, Any]:
    """The `comparison` of `current` against `baseline` (the same command's documents)."""
    metrics = METRICS[current["command"]]
    before, after = dict(_keyed(metrics(baseline, baseline))), dict(_keyed(metrics(current, baseline)))
    notes = []
    money_comparable = current.get("currency") == baseline.get("currency")
    if not money_comparable:
        notes.append(
            f"the baseline is in {baseline.get('currency')}, this run in {current.get('currency')}: money is "
            "not compared"
        )
    if before.get("recommended") == after.get("recommended"):  # the baseline's plan is this run's too
        after = {key: value for key, value in after.items() if not key.startswith("baseline_plan_")}
    changes = []
    for key, (label, kind, value) in after.items():
        old = before.get(key, (label, kind, None))[2]
        if kind == "money" and not money_comparable:
            changes.append(_change(key, label, kind, None, None))
        else:
            changes.append(_change(key, label, kind, old, value))
    return {
        "baseline": source,
        "baseline_as_of": baseline.get("as_of"),
        "currency": current.get("currency"),
        "changes": changes,
        "models": _models(current, baseline),
        "notes": notes,
    }


def _keyed(metrics: list[Metric]) -> list[tuple[str, tuple[str, str, Any]]]:
    return [(key, (label, kind, value)) for key, label, kind, value in metrics]


def _change(key: str, label: str, kind: str, before: Any, after: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"metric": key, "label": label, "kind": kind, "before": before, "after": after}
    if kind == "plan":
        entry["changed"] = before != after
        return entry
    if before is None or after is None:
        entry.update(change=None, change_share=None)
        return entry
    old, new = Decimal(before), Decimal(after)
    change = new - old
    entry["change"] = str(change) if kind == "money" else change  # money stays a string, as printed
    entry["change_share"] = None if kind == "ratio" or not old else _share(change / old)
    return entry


def _share(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"))


def _plan_name(choice: Mapping[str, Any] | None) -> str | None:
    return None if choice is None else f"{choice['tier']} {choice['cycle']}"


def _plan_row(doc: Mapping[str, Any], choice: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if choice is None:
        return None
    return next(
        (p for p in doc["plans"] if (p["tier"], p["cycle"]) == (choice["tier"], choice["cycle"])), None
    )


def _field(row: Mapping[str, Any] | None, key: str) -> Any:
    return None if row is None else row.get(key)


def _planning(fullness: str, label: str) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list[Metric]]:
    """Metrics of `estimate` (how full: utilization) and `simulate` (how risky: p_runs_out)."""

    def metrics(doc: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[Metric]:
        chosen = doc["recommended"]
        held = baseline["recommended"]  # the baseline's plan, as this run measures it
        payg = doc.get("payg") or {}
        return [
            ("credits_per_month", "credits a month", "credits", doc["credits_per_month"]),
            ("recommended", "recommended plan", "plan", _plan_name(chosen)),
            ("recommended_price_per_month", "its price a month", "money", _field(chosen, "price_per_month")),
            (f"recommended_{fullness}", f"its {label}", "ratio", _field(_plan_row(doc, chosen), fullness)),
            (
                f"baseline_plan_{fullness}",
                f"{_plan_name(held) or 'the baseline plan'}: {label}",
                "ratio",
                _field(_plan_row(doc, held), fullness),
            ),
            ("payg_cost_per_month", "pay-as-you-go a month", "money", payg.get("cost_per_month")),
        ]

    return metrics


def _usage_report(doc: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[Metric]:
    totals, plan = doc["totals"], doc.get("plan")
    return [
        ("credits", "credits", "credits", totals["credits"]),
        ("tokens", "tokens", "count", totals["tokens"]),
        ("requests", "requests", "count", totals["requests"]),
        ("days", "days", "count", doc["period"]["days"]),
        ("offpeak_share", "share off-peak", "ratio", totals.get("offpeak_share")),
        ("plan_used_fraction", "held plan used", "ratio", None if plan is None else plan["used_fraction"]),
    ]


METRICS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], list[Metric]]] = {
    "estimate": _planning("utilization", "quota used"),
    "simulate": _planning("p_runs_out", "risk of running out"),
    "usage report": _usage_report,
}


def _models(current: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Credits by model on both sides (a model on one side only is 0 on the other)."""
    before = {m["model"]: m["credits"] for m in baseline.get("models", [])}
    after = {m["model"]: m["credits"] for m in current.get("models", [])}
    rows = []
    for model in dict.fromkeys([*after, *before]):
        old, new = Decimal(before.get(model, 0)), Decimal(after.get(model, 0))
        rows.append({"model": model, "before": old, "after": new, "change": new - old})
    return rows
