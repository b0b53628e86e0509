"""`usage report` for a person: tokens and credits by group, the models and how they were charged."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tokenplan_cli.render.blocks import Block, Chart, Column, Gap, Para, Row, Surface, Table, para
from tokenplan_cli.render.charts import column_chart, spacing
from tokenplan_cli.render.human_compare import comparison_blocks
from tokenplan_cli.render.human_lifecycle import notes
from tokenplan_cli.render.numbers import pct, short

# (field, header, priority): the least important columns are left out first on a narrow terminal.
COLUMNS = (
    ("requests", "requests", 2),
    ("cache_hit", "cache hit", 3),
    ("cache_miss", "cache miss", 3),
    ("cache_write", "cache write", 4),
    ("output", "output", 3),
    ("reasoning", "reasoning", 4),
    ("credits_offpeak", "off-peak cr.", 1),
    ("credits", "credits", 0),
)


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    # A report always has usage: with none, the command exits 2 saying where it looked.
    tables: list[Block] = [_groups_table(doc), _models_table(doc), _summary(doc)]
    charts = [
        block
        for chart in (*daily_chart(doc, surface), *cycle_chart(doc, surface))
        for block in (Gap(), chart)
    ]
    return [
        *comparison_blocks(doc),
        *tables,
        *charts,
        *_skipped(doc["skipped"]),
        *_bare_totals(doc["bare_totals"]),
        *notes(doc["notes"]),
    ]


def _summary(doc: Mapping[str, Any]) -> Para:
    totals, period = doc["totals"], doc["period"]
    share = f", {pct(totals['offpeak_share'])} of it off-peak" if totals["offpeak_share"] else ""
    return para(
        f"{totals['credits']:,} credits over {period['days']} days ({period['first_day']} to "
        f"{period['last_day']}){share}; {doc['records']:,} requests, {doc['duplicates']:,} duplicate "
        f"copies dropped.",
        headline=True,
    )


def _groups_table(doc: Mapping[str, Any]) -> Table:
    by = doc["by"]
    totals = doc["totals"]
    shown = [
        (key, label, rank) for key, label, rank in COLUMNS if key in ("requests", "credits") or totals[key]
    ]
    columns = (Column(by), *(Column(label, "right", priority=rank) for _, label, rank in shown))
    rows = [
        Row(
            (f"{row[by]:02d}:00" if by == "hour" else str(row[by]), *(_cell(row, key) for key, _, _ in shown))
        )
        for row in doc["rows"]
    ]
    rows.append(Row(("total", *(_cell(totals, key) for key, _, _ in shown)), "total"))
    title = f"Usage by {'hour of day' if by == 'hour' else by} ({doc['source']}, {doc['timezone']})"
    return Table(title, columns, tuple(rows))


def _models_table(doc: Mapping[str, Any]) -> Table:
    """The models by name, the names they were logged under where those differ, and what priced them."""
    logged = ["\n".join(name for name in m["logged_as"] if name != m["model"]) for m in doc["models"]]
    columns = (
        Column("model"),
        *((Column("logged as", priority=4, under="model"),) if any(logged) else ()),
        Column("charged as", priority=1, under="model"),
        Column("requests", "right", priority=2),
        Column("tokens", "right", priority=3),
        Column("credits", "right"),
    )
    rows = tuple(
        Row(
            (
                model["model"],
                *((names,) if any(logged) else ()),
                model["charged_as"] + (" (assumed)" if model["assumed"] else ""),
                f"{model['requests']:,}",
                short(model["tokens"]),
                short(model["credits"]),
            )
        )
        for model, names in zip(doc["models"], logged, strict=True)
    )
    return Table("Models", columns, rows)


def _cell(row: Mapping[str, Any], name: str) -> str:
    return f"{row[name]:,}" if name == "requests" else short(row[name])


def _bare_totals(bare: Mapping[str, Any]) -> list[Para]:
    """The lines booked as output for want of a split, and where they are."""
    if not bare["lines"]:
        return []
    lines = [para(f"booked as output, for want of a split of the total ({bare['lines']} in all):", "note")]
    lines.extend(para(f"{entry['path']}:{_where(entry)}", indent=2) for entry in bare["files"])
    return lines


def _where(entry: Mapping[str, Any]) -> str:
    """` line 3, 7 …` (nothing for a whole file): the first lines of a file's entry, `…` if there are more."""
    numbers = [str(n) for n in entry["lines"] if n]
    more = " …" if entry["count"] > len(entry["lines"]) else ""
    return f" line {', '.join(numbers)}{more}" if numbers else ""


def _skipped(skipped: Mapping[str, Any]) -> list[Para]:
    if not skipped["total"]:
        return []
    lines = [
        para(
            f"skipped {skipped['total']} line(s) or file(s) that could not be counted "
            "(--strict makes this an error):",
            "note",
        )
    ]
    for entry in skipped["files"]:
        reasons = ", ".join(entry["reasons"])
        lines.append(para(f"{entry['path']}:{_where(entry)} ({reasons}; {entry['count']} in all)", indent=2))
    future = skipped["future"]
    if future["records"]:
        after = future["after"].replace("T", " ").removesuffix("Z")
        lines.append(
            para(
                f"{future['records']} request(s) dated after {after} UTC (now, plus the clock skew "
                "allowed): is a clock set wrong?",
                indent=2,
            )
        )
    return lines


DAY_ROWS = 8  # height of the credits-per-day chart
CYCLE_ROWS = 10  # height of the held plan's cycle chart
WINDOW_GLYPHS = {"peak": ("█", "#"), "offpeak": ("▒", "+")}
USE_GLYPHS = {"actual": ("█", "#")}


def daily_chart(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    """Credits per day, peak and off-peak stacked, every day of the period (the last ones that fit)."""
    period = doc["period"]
    if not period["first_day"] or period["days"] < 2:
        return []
    by_day = {row["day"]: row for row in doc["daily"]}
    first, last = date.fromisoformat(period["first_day"]), date.fromisoformat(period["last_day"])
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    room = max(surface.width - 10, 10)
    bar, gap = spacing(len(days), room)
    shown = days[-((room + gap) // (bar + gap)) :]
    columns: list[list[tuple[Any, str]]] = []
    labels: list[tuple[int, str]] = []
    step = -(-6 // (bar + gap))  # a label ("10-01") every few days
    for n, day in enumerate(shown):
        row = by_day.get(day.isoformat())
        if n % step == 0 or n == len(shown) - 1:
            labels.append((len(columns), day.isoformat()[5:]))
        columns.append(
            [(0, "peak")]
            if row is None
            else [(row["credits_peak"], "peak"), (row["credits_offpeak"], "offpeak")]
        )
    rows = column_chart(
        columns, height=DAY_ROWS, surface=surface, glyphs=WINDOW_GLYPHS, y_label=short,
        x_labels=labels, bar=bar, gap=gap, fine=False,
    )  # fmt: skip
    peak, offpeak = (WINDOW_GLYPHS[k][0 if surface.unicode else 1] for k in ("peak", "offpeak"))
    part = f"the last {len(shown)} of {len(days)} days, " if len(shown) < len(days) else ""
    title = f"Credits per day ({part}{doc['timezone']}): peak {peak}, off-peak {offpeak}"
    return [Chart(title, tuple(rows))]


def cycle_chart(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    """With a held plan: the cycle's credits used so far, day by day, against its quota and the usage
    reminders (50, 90, 100 %)."""
    plan = doc["plan"]
    if plan is None:
        return []
    start = date.fromisoformat(plan["cycle_start"][:10])
    end = date.fromisoformat(plan["expires_at"][:10])
    today = date.fromisoformat(plan["until"][:10])
    span = (end - start).days + 1
    room = max(surface.width - 20, 10)  # the y labels (6), and the rules' labels (12) at the right
    size = -(-span // room)  # days a column holds
    bar = 2 if span * 2 <= room else 1
    used_by_day = {row["day"]: Decimal(row["credits"]) for row in plan["by_day"]}
    total = Decimal(plan["credits_before_logs"])
    columns: list[list[tuple[Any, str]]] = []
    for first in range(0, span, size):
        bucket = [start + timedelta(days=n) for n in range(first, min(first + size, span))]
        total += sum((used_by_day.get(day.isoformat(), Decimal(0)) for day in bucket), Decimal(0))
        columns.append([(total if bucket[0] <= today else 0, "actual")])
    quota = Decimal(plan["quota"])
    rules = [(quota * Decimal(t), pct(t, 0)) for t in plan["thresholds"]]
    labels = [(0, start.isoformat()), (len(columns) - 1, end.isoformat())]
    if start <= today <= end:
        labels.insert(1, ((today - start).days // size, "today"))
    rows = column_chart(
        columns, height=CYCLE_ROWS, surface=surface, glyphs=USE_GLYPHS, y_label=short, x_labels=labels,
        top=max(quota, Decimal(plan["credits_used"])), rules=rules, bar=bar,
    )  # fmt: skip
    title = (
        f"{plan['tier']} {plan['cycle']}, this cycle: {pct(plan['used_fraction'])} of "
        f"{short(plan['quota'])} credits used so far (cumulative, by UTC day)"
    )
    return [Chart(title, tuple(rows))]
