"""`simulate` for a person: the hours of use, every plan's risk, when the credits run out, the what-ifs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from tokenplan_cli.render.blocks import Block, Chart, Column, Para, Row, Surface, Table, para
from tokenplan_cli.render.charts import bar_chart, column_chart, spacing
from tokenplan_cli.render.human_compare import comparison_blocks
from tokenplan_cli.render.human_lifecycle import notes
from tokenplan_cli.render.human_payg import payg_blocks
from tokenplan_cli.render.numbers import pct, price, short

HOUR_ROWS = 6  # height of the hour-of-day chart, in lines
RUN_OUT_ROWS = 3  # height of each plan's run-out-day chart
HOUR_GLYPHS = {"peak": ("█", "#"), "offpeak": ("█", "#")}
DAY_GLYPHS = {"risk": ("█", "#")}


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    return [
        *comparison_blocks(doc),
        _title(doc),
        *_hours(doc, surface),
        _plans_table(doc),
        *_risk_bars(doc, surface),
        *_runs_out_charts(doc, surface),
        *_recommendation(doc),
        *([_whatifs_table(doc)] if doc["whatifs"] else []),
        *payg_blocks(doc["payg"], doc["currency_symbol"]),
        *notes(doc["notes"]),
    ]


def _title(doc: Mapping[str, Any]) -> Para:
    if doc["model"] == "observed":
        how = f"days resampled from {doc['observed_days']} observed days"
    else:
        how = f"day-to-day spread {pct(doc['spread'], 0)}"
    return Para(
        (
            (f"{doc['credits_per_month']:,} credits a month on average", "strong"),
            (f" ({doc['source']}; {how}; {doc['runs']:,} simulated cycles per plan, seed {doc['seed']})", ""),
        )
    )


def _hours(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    """24 columns, one per UTC hour, the off-peak ones marked; only when the source gives its hours and
    they are not all alike (a flat chart says nothing a sentence does not)."""
    share, window = pct(doc["offpeak_share"]), doc["offpeak_window"]
    hours = doc["hours_utc"]
    if hours is None or len({Decimal(h) for h in hours}) == 1:
        why = "the source gives only an off-peak share" if hours is None else "use is even across the day"
        return [para(f"Use by hour of day: {share} off-peak ({window}); no chart: {why}", "dim")]
    inside = [Decimal(x) > 0 for x in doc["offpeak_hours"]]
    bar, gap = spacing(24, surface.width - 8)
    every = 1 if bar + gap >= 3 else 3  # an hour's label ("07") needs three columns
    rows = column_chart(
        [[(value, "offpeak" if off else "peak")] for value, off in zip(hours, inside, strict=True)],
        height=HOUR_ROWS,
        surface=surface,
        glyphs=HOUR_GLYPHS,
        y_label=lambda v: pct(v, 0),
        x_labels=[(hour, f"{hour:02d}") for hour in range(0, 24, every)],
        bar=bar,
        gap=gap,
        marked=(inside, "offpeak"),
    )
    mark = "▔" if surface.unicode else "~"
    title = f"Use by hour of day (UTC, share of use), {share} off-peak ({window}, marked {mark})"
    return [Chart(title, tuple(rows))]


def _plans_table(doc: Mapping[str, Any]) -> Table:
    symbol = doc["currency_symbol"]
    columns = (
        Column("tier"),
        Column("cycle"),
        Column("/ month", "right", priority=2),
        Column("runs out", "right"),
        Column("10 % by", "right", priority=1),
        Column("median", "right", priority=3),
        Column("unused (avg)", "right", priority=4),
        Column("/ B used", "right", priority=5),
    )
    best = doc["recommended"] or {}
    rows = []
    for plan in doc["plans"]:
        chosen = (plan["tier"], plan["cycle"]) == (best.get("tier"), best.get("cycle"))
        risky = Decimal(plan["p_runs_out"]) > Decimal(doc["risk"])
        cells = (
            plan["tier"],
            plan["cycle"] + (f" (month {plan['month']})" if plan["month"] != 1 else ""),
            price(plan["price_per_month"], symbol),
            _risk(plan),
            _day(plan["runs_out_day_p10"], plan["cycle_days"]),
            _day(plan["runs_out_day_p50"], plan["cycle_days"]),
            short(plan["expected_unused_credits"]),
            price(plan["expected_price_per_billion_used"], symbol),
        )
        rows.append(Row(cells, "chosen" if chosen else ("muted" if risky else "")))
    title = f"Plans against {doc['runs']:,} simulated cycles (risk limit {pct(doc['risk'])})"
    return Table(title, columns, tuple(rows), keys=2)


def _risk(plan: Mapping[str, Any]) -> str:
    error = Decimal(plan["p_runs_out_stderr"])
    return pct(plan["p_runs_out"]) + (f" ±{error * 100:.1f}" if error else "")


def _day(day: int | None, cycle_days: int) -> str:
    return "lasts" if day is None else f"day {day}/{cycle_days}"


def _risk_bars(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    """Each plan's risk of running out as a bar, the risk limit marked under them."""
    limit = Decimal(doc["risk"])
    items = [
        (
            f"{plan['tier']} {plan['cycle']}",
            plan["p_runs_out"],
            "risk" if Decimal(plan["p_runs_out"]) > limit else "safe",
            pct(plan["p_runs_out"]),
        )
        for plan in doc["plans"]
    ]
    rows = bar_chart(items, surface=surface, marker=(limit, f"{pct(limit)} risk limit"))
    return [Chart("Risk of running out in a cycle", tuple(rows))]


def _runs_out_charts(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    """For each plan that ever runs out: the share of the cycles that ran out on each day of the cycle."""
    plans = [p for p in doc["plans"] if p["runs_out_days"]]
    if not plans:
        return [para("No simulated cycle ran out of credits on any plan.", "ok")]
    charts: list[Block] = []
    for plan in plans:
        days = plan["cycle_days"]
        room = max(surface.width - 12, 10)
        size = -(-days // room)  # days a column holds
        counts = _buckets(plan["runs_out_days"], days, size)
        bar = 2 if len(counts) * 2 <= room else 1
        runs = Decimal(doc["runs"])
        columns = [[(Decimal(count) / runs, "risk")] for count in counts]
        mid = (days + 1) // 2
        labels = [(0, "1"), ((mid - 1) // size, str(mid)), (len(counts) - 1, str(days))]
        span = f"each column {size} days, " if size > 1 else ""
        title = (
            f"{plan['tier']} {plan['cycle']}: runs out in {pct(plan['p_runs_out'])} of cycles; "
            f"the day it runs out ({span}share of cycles)"
        )
        rows = column_chart(
            columns,
            height=RUN_OUT_ROWS,
            surface=surface,
            glyphs=DAY_GLYPHS,
            y_label=lambda v: pct(v),
            x_labels=labels,
            bar=bar,
        )
        charts.append(Chart(title, tuple(rows)))
    return charts


def _buckets(days: Sequence[Mapping[str, int]], cycle_days: int, size: int) -> list[int]:
    counts = [0] * -(-cycle_days // size)
    for entry in days:
        counts[(entry["day"] - 1) // size] += entry["runs"]
    return counts


def _recommendation(doc: Mapping[str, Any]) -> list[Para]:
    best = doc["recommended"]
    if best is None:
        lines = [para(f"No plan keeps the risk at or below {pct(doc['risk'])}.", "bad", headline=True)]
    else:
        lines = [para(f"Recommended: {best['tier']} {best['cycle']}", "good", headline=True)]
    lines += [para(reason, indent=2) for reason in doc["reasons"]]
    average = doc["recommended_by_average"]
    if average is not None:
        same = best is not None and (average["tier"], average["cycle"]) == (best["tier"], best["cycle"])
        verdict = "the same plan" if same else f"{average['tier']} {average['cycle']}"
        text = (
            f"by the average alone (estimate, {pct(doc['headroom'], 0)} headroom): {verdict}, "
            f"{price(average['price_per_month'], doc['currency_symbol'])} a month, "
            f"{pct(average['utilization'])} of its quota used"
        )
        lines.append(para(text, indent=2))
    return lines


def _whatifs_table(doc: Mapping[str, Any]) -> Table:
    symbol = doc["currency_symbol"]
    baseline = doc["recommended"]
    whose = "risk" if baseline is None else f"risk on {baseline['tier']} {baseline['cycle']}"
    columns = (
        Column("what if", wrap=True),
        Column("credits / month", "right", priority=2),
        Column("recommended"),
        Column("/ month", "right"),
        Column("saves / month", "right", priority=1),
        Column(whose, "right", priority=1),
    )
    rows = []
    as_measured = {
        "label": "as measured",
        **doc,
        "saving_per_month": None,
        "baseline_choice_p_runs_out": None,
    }
    for whatif in [as_measured, *doc["whatifs"]]:
        best = whatif["recommended"]
        cells = (
            whatif["label"],
            short(whatif["credits_per_month"]),
            "none within the risk" if best is None else f"{best['tier']} {best['cycle']}",
            price(None if best is None else best["price_per_month"], symbol),
            price(whatif["saving_per_month"], symbol),
            pct(whatif["baseline_choice_p_runs_out"]),
        )
        rows.append(Row(cells))
    return Table("What-ifs, each beside the baseline", columns, tuple(rows))
