"""Charts: usage report's credits per day and the held plan's cycle, simulate's hours, risks and run-out
days; block characters on a colour terminal, plain characters in a pipe and under NO_COLOR."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from test_widths import CLAUDE, gateway_log

from conftest import AS_OF, Cli

REPORT = ["usage", "report", "--as-of", AS_OF]
SIMULATE = ["simulate", "--as-of", AS_OF, "--runs", "500"]


def chart(text: str, title: str) -> list[str]:
    """The chart titled `title…`: its title (on one line, however it wrapped), its rows, its axis and
    what is under it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    body = next(i for i in range(start, len(lines)) if re.search(r"[|┤│]", lines[i]))
    axis = next(i for i in range(body, len(lines)) if re.match(r"^\s*0 [+└]", lines[i]))
    end = axis + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return [" ".join(" ".join(lines[start:body]).split()), *lines[body:end]]


def test_credits_per_day_stack_peak_under_off_peak(cli: Cli) -> None:
    """10-01: 554,775 credits peak and 454,800 off-peak; 10-02: 642,500 peak (the fixture's days)."""
    doc = cli.json([*REPORT, "--from", "claude-code", CLAUDE, "--by", "model"])
    assert doc["daily"] == [
        {"day": "2026-10-01", "credits": 1_009_575, "credits_peak": 554_775, "credits_offpeak": 454_800},
        {"day": "2026-10-02", "credits": 642_500, "credits_peak": 642_500, "credits_offpeak": 0},
    ]
    drawn = chart(
        cli.run([*REPORT, "--from", "claude-code", CLAUDE, "--by", "model"]).stdout, "Credits per day"
    )
    assert drawn[0] == "Credits per day (UTC): peak #, off-peak +"
    # eight rows up to the tallest day: 10-01 is 4.4 rows of peak and 3.6 of off-peak, 10-02 5.1 of peak
    columns = ["".join(line.ljust(12)[7 + 3 * c] for line in drawn[1:9]) for c in (0, 1)]
    assert columns == ["++++####", "   #####"]


def test_days_without_use_are_gaps_and_a_long_period_shows_its_last_days(cli: Cli, tmp_path: Path) -> None:
    log = tmp_path / "gateway.csv"
    rows = ["timestamp,model,cache_hit,cache_miss,output,audio_seconds,id"]
    first = datetime(2026, 6, 1, 10, tzinfo=UTC)
    rows += [
        f"{first + timedelta(days=d):%Y-%m-%dT%H:%M:%SZ},mimo-v2.5,0,1000000,0,,r{d}" for d in (0, 2, 99)
    ]
    log.write_text("\n".join(rows) + "\n")
    text = cli.run([*REPORT, "--from", "csv", str(log)], env={"COLUMNS": "60"}).stdout
    drawn = chart(text, "Credits per day")
    assert drawn[0] == "Credits per day (the last 50 of 100 days, UTC): peak #, off-peak +"
    text = cli.run([*REPORT, "--from", "csv", str(log), "--until", "2026-06-03"]).stdout
    bottom = chart(text, "Credits per day")[8]
    assert bottom.endswith("|##    ##")  # 06-01, nothing on 06-02, 06-03


def test_a_held_plan_draws_its_cycle_against_the_quota_and_the_reminders(
    cli: Cli, config_file: Path, tmp_path: Path
) -> None:
    start = (datetime.now(UTC) - timedelta(days=12)).date()
    cli.run(["plan", "set", "Max", "--start", start.isoformat()])
    args = ["usage", "report", "--from", "csv", str(gateway_log(tmp_path / "gateway.csv", 11))]
    doc = cli.json(args)
    plan = doc["plan"]
    assert (plan["tier"], plan["quota"], plan["thresholds"]) == (
        "Max",
        82_000_000_000,
        [Decimal("0.5"), Decimal("0.9"), 1],
    )
    assert plan["credits_used"] == doc["totals"]["credits"] == sum(day["credits"] for day in plan["by_day"])
    assert plan["cycle_start"] == f"{start}T00:00:00Z" and plan["credits_before_logs"] == 0
    drawn = chart(cli.run(args, env={"COLUMNS": "80"}).stdout, "Max monthly, this cycle:")
    assert drawn[0].startswith(
        f"Max monthly, this cycle: {Decimal(plan['used_fraction']) * 100:.1f} % of 82B"
    )
    assert drawn[1].endswith("- 100 %") and drawn[2].endswith("- 90 %") and drawn[6].endswith("- 50 %")
    assert drawn[-1].split() == [start.isoformat(), "today", plan["expires_at"][:10]]


def test_no_plan_held_no_cycle_chart(cli: Cli) -> None:
    doc = cli.json([*REPORT, "--from", "claude-code", CLAUDE])
    assert doc["plan"] is None
    assert "this cycle" not in cli.run([*REPORT, "--from", "claude-code", CLAUDE]).stdout


def test_the_hour_chart_only_when_it_says_something(cli: Cli) -> None:
    flat = cli.run([*SIMULATE, "-m", "mimo-v2.5", "--cache-miss", "10M", "--offpeak", "30%"]).stdout
    assert (
        "Use by hour of day: 30.0 % off-peak (16:00–24:00 UTC); no chart: the source gives only an off-peak share"
        in flat
    )
    observed = cli.run([*SIMULATE, "--from", "claude-code", CLAUDE], env={"COLUMNS": "80"}).stdout
    drawn = chart(observed, "Use by hour of day (UTC")
    assert drawn[-2].strip() == "~~ " * 7 + "~~"  # the off-peak hours, 16 to 23, marked
    assert drawn[-1].split() == [f"{h:02d}" for h in range(24)]
    peaks = [h for h in range(24) if drawn[2].ljust(80)[6 + 3 * h] == "#"]
    assert peaks == [8, 15, 16]  # the hours the fixture's requests were made in


def test_each_plans_risk_is_a_bar_with_the_limit_marked(cli: Cli) -> None:
    args = [*SIMULATE, "-m", "mimo-v2.5", "--cache-miss", "99M", "--spread", "60%"]
    doc = cli.json(args)
    lines = cli.run(args, env={"COLUMNS": "80"}).stdout.splitlines()
    bars = lines[lines.index("Risk of running out in a cycle") + 1 :][:9]
    for plan, line in zip(doc["plans"], bars, strict=False):
        label, rest = line[2:19].strip(), line[19:]
        assert label == f"{plan['tier']} {plan['cycle']}"
        assert rest.count("#") == round(Decimal(plan["p_runs_out"]) * 50)
    assert bars[-1].strip() == "^ 5.0 % risk limit" and bars[-1].index("^") == 19 + 2


def test_run_out_days_are_drawn_with_axes(cli: Cli) -> None:
    args = [*SIMULATE, "-m", "mimo-v2.5", "--cache-miss", "99M", "--spread", "60%"]
    text = cli.run(args, env={"COLUMNS": "80"}).stdout
    drawn = chart(text, "Standard monthly: runs out in")
    assert re.match(r"^ *\d+\.\d % \|", drawn[1])  # the y axis, labelled with the tallest day's share
    assert drawn[-1].split() == ["1", "15", "30"]  # the x axis: days of the cycle


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "blocks"), [(False, True), (True, False)], ids=["colour", "no-color"])
def test_no_color_and_pipes_get_plain_characters(cli: Cli, no_color: bool, blocks: bool) -> None:
    from tokenplan_cli.render.human_simulate import blocks as simulate_blocks
    from tokenplan_cli.render.terminal import show, surface

    doc = cli.json([*SIMULATE, "--from", "claude-code", CLAUDE])
    console = Console(file=FakeTerminal(), force_terminal=True, no_color=no_color, width=80)
    show(simulate_blocks(doc, surface(console)), console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert ("█" in out and "┤" in out and "▔" in out) is blocks
    assert re.search(r"[█▒┤└▔╭│]", out) is None if not blocks else True
    piped = cli.run([*SIMULATE, "--from", "claude-code", CLAUDE]).stdout
    assert re.search(r"[█▒┤└▔╭│▁▂▃▄▅▆▇]", piped) is None
