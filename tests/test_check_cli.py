"""`tokenplan check`: exit 0 within every limit, 1 when one is broken (saying which and by how much), 2 on bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import AS_OF, Cli

BASE = ["check", "--as-of", AS_OF, "-m", "mimo-v2.5", "--cache-miss", "75M"]  # 7.5 B credits a month


def test_within_every_limit_exits_0(cli: Cli) -> None:
    doc = cli.json([*BASE, "--tier", "Standard", "--max-utilization", "70%", "--max-risk", "5%"])
    assert doc["ok"] is True and doc["violations"] == []
    assert (doc["tier"], doc["cycle"], doc["utilization"]) == ("Standard", "monthly", Decimal("0.681818"))
    assert doc["p_runs_out"] == 0 and doc["runs"] == 10_000


def test_a_broken_utilization_limit_exits_1_with_the_violation(cli: Cli) -> None:
    doc = cli.json([*BASE, "--tier", "standard", "--max-utilization", "60%"], code=1)
    assert doc["ok"] is False
    assert doc["violations"] == [
        {"limit": "max_utilization", "value": Decimal("0.681818"), "allowed": Decimal("0.6")}
    ]
    assert doc["p_runs_out"] is None and doc["runs"] is None  # no simulation without --max-risk


def test_a_broken_risk_limit_is_simulated_and_reported(cli: Cli) -> None:
    args = [*BASE, "--tier", "Standard", "--max-risk", "5%", "--max-utilization", "90%", "--spread", "150%"]
    doc = cli.json(args, code=1)
    [violation] = doc["violations"]
    assert violation["limit"] == "max_risk" and violation["value"] > Decimal("0.05")
    assert violation["value"] == doc["p_runs_out"]
    out = cli.run(args, code=1).stdout
    assert f"✗ {violation['value'] * 100:.1f} % risk of running out: over the limit of 5.0 % by" in out
    assert "✓ 68.2 % of the quota used: within the limit of 90.0 %" in out
    assert "Standard monthly: 1 limit broken" in out


def test_the_verdict_counts_the_limits_broken_in_words(cli: Cli) -> None:
    args = [*BASE, "--tier", "Lite", "--max-risk", "5%", "--max-utilization", "90%", "--spread", "40%"]
    assert len(cli.json(args, code=1)["violations"]) == 2
    assert cli.run(args, code=1).stdout.splitlines()[-1] == "Lite monthly: 2 limits broken"


def test_an_annual_plan_is_checked_on_its_year(cli: Cli) -> None:
    doc = cli.json([*BASE, "--tier", "Lite", "--cycle", "annual", "--max-utilization", "100%"], code=1)
    assert doc["usage"] == 90_000_000_000 and doc["quota"] == 49_200_000_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--tier", "Standard"], "nothing to check: give a limit, e.g. --max-utilization 90% or --max-risk 5%", id="no-limit"),
        pytest.param(["--tier", "Standrd", "--max-risk", "5%"], "unknown tier 'Standrd'; did you mean 'Standard'?", id="unknown-tier"),
        pytest.param(["--tier", "Pro", "--cycle", "weekly", "--max-risk", "5%"], "unknown cycle 'weekly' (known: monthly, annual)", id="unknown-cycle"),
        pytest.param(["--tier", "Pro", "--max-risk", "105%"], "--max-risk: 105% is outside 0–100 %", id="risk-above-100"),
        pytest.param(["--tier", "Pro", "--max-utilization", "-1%"], "--max-utilization: -1% is outside 0–100 %", id="negative-limit"),
        pytest.param(["--tier", "Pro", "--max-risk", "5%", "--runs", "0"], "--runs: expected 1 to 1,000,000 simulated cycles, got 0", id="runs-zero"),
        pytest.param(["--max-risk", "5%"], "missing option '--tier' (see 'tokenplan check --help')", id="no-tier"),
    ],
)  # fmt: skip
def test_bad_input_exits_2(cli: Cli, args: list[str], message: str) -> None:
    assert cli.error([*BASE, *args]) == message
