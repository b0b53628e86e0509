"""`simulate` for a person: the hours of use, every plan's risk, when the credits run out, the what-ifs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tokenplan_cli.render.numbers import pct, price, short
from tokenplan_cli.render.terminal import table_box

BLOCKS = " ▁▂▃▄▅▆▇█"
HOUR_ROWS = 6  # height of the hour-of-day chart, in lines
MAX_COLUMNS = 61  # run-out chart width: a year is drawn in buckets of 6 days
PEAK_STYLE, OFFPEAK_STYLE = "cyan", "magenta"


def render(doc: Mapping[str, Any], console: Console) -> None:
    console.print(_title(doc), soft_wrap=True)
    _hours(doc, console)
    console.print(_plans_table(doc, console))
    _runs_out_chart(doc, console)
    _recommendation(doc, console)
    if doc["whatifs"]:
        console.print(_whatifs_table(doc, console))
    for note in doc["notes"]:
        console.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)


def _title(doc: Mapping[str, Any]) -> Text:
    if doc["model"] == "observed":
        how = f"days resampled from {doc['observed_days']} observed days"
    else:
        how = f"day-to-day spread {pct(doc['spread'], 0)}"
    return Text.assemble(
        (f"{doc['credits_per_month']:,} credits a month on average", "bold"),
        f" ({doc['source']}; {how}; {doc['runs']:,} simulated cycles per plan, seed {doc['seed']})",
    )


def _hours(doc: Mapping[str, Any], console: Console) -> None:
    """24 columns, one per UTC hour, the off-peak ones in their own colour and marked underneath."""
    share = doc["offpeak_share"]
    hours = doc["hours_utc"]
    inside = [Decimal(x) for x in doc["offpeak_hours"]]
    if hours is None:  # only a share is known: spread it evenly over each window's hours
        peak_hours = sum(1 - x for x in inside) or 1
        off_hours = sum(inside) or 1
        off = Decimal(share or 0)
        hours = [(1 - x) * (1 - off) / peak_hours + x * off / off_hours for x in inside]
        caption = "flat within each window: the source gives only an off-peak share"
    else:
        caption = "share of use by hour"
    values = [Decimal(h) for h in hours]
    top = max(values) or 1
    console.print(Text(f"Use by hour of day (UTC), {pct(share)} off-peak ({caption})", style="bold"))
    for row in range(HOUR_ROWS, 0, -1):
        line = Text("  ")
        for value, off in zip(values, inside, strict=True):
            eighths = int(value / top * HOUR_ROWS * 8) - (row - 1) * 8
            cell = BLOCKS[max(0, min(8, eighths))] * 2
            line.append(cell + " ", style=OFFPEAK_STYLE if off else PEAK_STYLE)
        console.print(line)
    console.print(Text("  " + "".join(f"{h:02d} " for h in range(len(values))), style="dim"))
    marks = "".join(("▔▔ " if off else "   ") for off in inside)
    console.print(Text("  " + marks + f"off-peak {doc['offpeak_window']}", style=OFFPEAK_STYLE))


def _plans_table(doc: Mapping[str, Any], console: Console) -> Table:
    symbol = doc["currency_symbol"]
    table = Table(
        title=f"Plans against {doc['runs']:,} simulated cycles (risk limit {pct(doc['risk'])})",
        box=table_box(console),
        title_justify="left",
    )
    columns = ("tier", "cycle", "/ month", "runs out", "10 % by", "median", "unused (avg)", "/ B used")
    for name in columns:
        table.add_column(name, justify="left" if name in ("tier", "cycle") else "right", no_wrap=True)
    best = doc["recommended"] or {}
    for plan in doc["plans"]:
        chosen = (plan["tier"], plan["cycle"]) == (best.get("tier"), best.get("cycle"))
        risky = Decimal(plan["p_runs_out"]) > Decimal(doc["risk"])
        table.add_row(
            plan["tier"],
            plan["cycle"] + (f" (month {plan['month']})" if plan["month"] != 1 else ""),
            price(plan["price_per_month"], symbol),
            _risk(plan),
            _day(plan["runs_out_day_p10"], plan["cycle_days"]),
            _day(plan["runs_out_day_p50"], plan["cycle_days"]),
            short(plan["expected_unused_credits"]),
            price(plan["expected_price_per_billion_used"], symbol),
            style="bold green" if chosen else ("dim" if risky else None),
        )
    return table


def _risk(plan: Mapping[str, Any]) -> str:
    error = Decimal(plan["p_runs_out_stderr"])
    return pct(plan["p_runs_out"]) + (f" ±{error * 100:.1f}" if error else "")


def _day(day: int | None, cycle_days: int) -> str:
    return "lasts" if day is None else f"day {day}/{cycle_days}"


def _runs_out_chart(doc: Mapping[str, Any], console: Console) -> None:
    """For each plan that ever runs out: how many cycles ran out on each day, as a bar of blocks."""
    plans = [p for p in doc["plans"] if p["runs_out_days"]]
    if not plans:
        console.print(Text("No simulated cycle ran out of credits on any plan.", style="green"))
        return
    console.print(
        Text("Day the credits run out (height: share of the cycles out that day; · none)", style="bold")
    )
    width = max(len(f"{p['tier']} {p['cycle']}") for p in plans)
    for plan in plans:
        counts = _buckets(plan["runs_out_days"], plan["cycle_days"])
        top = max(counts)
        bar = "".join(BLOCKS[-(-8 * c // top)] if c else "·" for c in counts)
        label = f"{plan['tier']} {plan['cycle']}".ljust(width)
        tail = f" day 1–{plan['cycle_days']}, out in {pct(plan['p_runs_out'])}"
        console.print(Text.assemble(f"  {label} ", (bar, "red"), tail))


def _buckets(days: Sequence[Mapping[str, int]], cycle_days: int) -> list[int]:
    size = -(-cycle_days // MAX_COLUMNS)
    counts = [0] * -(-cycle_days // size)
    for entry in days:
        counts[(entry["day"] - 1) // size] += entry["runs"]
    return counts


def _recommendation(doc: Mapping[str, Any], console: Console) -> None:
    best = doc["recommended"]
    if best is None:
        console.print(Text(f"No plan keeps the risk at or below {pct(doc['risk'])}.", style="bold red"))
    else:
        console.print(Text(f"Recommended: {best['tier']} {best['cycle']}", style="bold green"))
    for reason in doc["reasons"]:
        console.print(f"  {reason}", soft_wrap=True)
    average = doc["recommended_by_average"]
    if average is not None:
        same = best is not None and (average["tier"], average["cycle"]) == (best["tier"], best["cycle"])
        verdict = "the same plan" if same else f"{average['tier']} {average['cycle']}"
        console.print(
            f"  by the average alone (estimate, {pct(doc['headroom'], 0)} headroom): {verdict}, "
            f"{price(average['price_per_month'], doc['currency_symbol'])} a month, "
            f"{pct(average['utilization'])} of its quota used",
            soft_wrap=True,
        )


def _whatifs_table(doc: Mapping[str, Any], console: Console) -> Table:
    symbol = doc["currency_symbol"]
    table = Table(title="What-ifs, each beside the baseline", box=table_box(console), title_justify="left")
    columns = ("what if", "credits / month", "recommended", "/ month", "saves / month", "pick's risk")
    for name in columns:
        table.add_column(name, justify="left" if name in ("what if", "recommended") else "right")
    rows = [({"label": "as measured", **doc, "saving_per_month": None, "baseline_choice_p_runs_out": None})]
    for whatif in [*rows, *doc["whatifs"]]:
        best = whatif["recommended"]
        table.add_row(
            whatif["label"],
            short(whatif["credits_per_month"]),
            "none within the risk" if best is None else f"{best['tier']} {best['cycle']}",
            price(None if best is None else best["price_per_month"], symbol),
            price(whatif["saving_per_month"], symbol),
            pct(whatif["baseline_choice_p_runs_out"]),
        )
    return table
