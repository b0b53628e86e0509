"""`--compare-to BASELINE.json` on estimate, simulate and usage report: what changed, and bad baselines."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, Cli

CLAUDE = str(Path(__file__).parent / "fixtures" / "logs" / "claude")
SMALL = ["--model", "mimo-v2.5-pro", "--cache-miss", "10M", "--as-of", AS_OF]
LARGER = ["--model", "mimo-v2.5-pro", "--cache-miss", "14M", "--output", "1M", "--as-of", AS_OF]


def _baseline(cli: Cli, tmp_path: Path, args: list[str]) -> Path:
    path = tmp_path / "baseline.json"
    path.write_text(cli.run([*args, "--json"]).stdout)
    return path


def _changes(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {change["metric"]: change for change in doc["comparison"]["changes"]}


def test_without_a_baseline_the_comparison_is_null(cli: Cli) -> None:
    assert cli.json(["estimate", *SMALL])["comparison"] is None


def test_estimate_shows_credits_plan_price_fullness_and_payg(cli: Cli, tmp_path: Path) -> None:
    baseline = _baseline(cli, tmp_path, ["estimate", *SMALL])
    doc = cli.json(["estimate", *LARGER, "--compare-to", str(baseline)])
    changes = _changes(doc)
    assert changes["credits_per_month"] == {
        "metric": "credits_per_month", "label": "credits a month", "kind": "credits",
        "before": 3_000_000_000, "after": 4_800_000_000, "change": 1_800_000_000, "change_share": Decimal("0.6"),
    }  # fmt: skip
    assert changes["recommended"]["before"] == "Lite annual"
    assert changes["recommended"]["after"] == "Standard annual" and changes["recommended"]["changed"] is True
    assert (
        changes["recommended_price_per_month"]["before"],
        changes["recommended_price_per_month"]["change"],
    ) == ("5.28", "8.80")
    # the old plan would now be over its quota
    assert changes["baseline_plan_utilization"]["after"] == Decimal("1.170732")
    assert changes["payg_cost_per_month"]["change"] == "2.61"
    assert doc["comparison"]["models"] == [
        {"model": "mimo-v2.5-pro", "before": 3_000_000_000, "after": 4_800_000_000, "change": 1_800_000_000}
    ]
    text = cli.run(["estimate", *LARGER, "--compare-to", str(baseline)]).stdout
    assert f"Against {baseline} of {AS_OF}" in text
    assert "+1.8B (+60.0 %)" in text and "+$8.80 (+166.7 %)" in text and "+43.9 pts" in text


def test_the_same_run_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    baseline = _baseline(cli, tmp_path, ["estimate", *SMALL])
    changes = _changes(cli.json(["estimate", *SMALL, "--compare-to", str(baseline)]))
    assert "baseline_plan_utilization" not in changes  # the same plan: its row would repeat the one above
    assert changes["recommended"]["changed"] is False
    assert all(c.get("change") in (0, "0.00") for c in changes.values() if c["kind"] != "plan")


def test_another_currency_leaves_money_uncompared(cli: Cli, tmp_path: Path) -> None:
    baseline = _baseline(cli, tmp_path, ["estimate", *SMALL])
    doc = cli.json(["estimate", *SMALL, "--currency", "CNY", "--compare-to", str(baseline)])
    price = _changes(doc)["recommended_price_per_month"]
    assert price["before"] is None and price["change"] is None
    assert doc["comparison"]["notes"] == ["the baseline is in USD, this run in CNY: money is not compared"]


def test_simulate_compares_the_risk(cli: Cli, tmp_path: Path) -> None:
    args = [
        "simulate",
        "--model",
        "mimo-v2.5",
        "--cache-miss",
        "30M",
        "--spread",
        "30%",
        "--runs",
        "300",
        "--as-of",
        AS_OF,
    ]
    baseline = _baseline(cli, tmp_path, args)
    more = [*args[:4], "38M", *args[5:]]
    changes = _changes(cli.json([*more, "--compare-to", str(baseline)]))
    assert changes["credits_per_month"]["change"] == 800_000_000
    assert "recommended_p_runs_out" in changes


def test_usage_report_compares_credits_and_models(cli: Cli, tmp_path: Path) -> None:
    report = ["usage", "report", "--from", "claude-code", CLAUDE]
    baseline = _baseline(cli, tmp_path, report)
    doc = cli.json([*report, "--map", "claude-*=mimo-v2.5", "--compare-to", str(baseline)])
    changes = _changes(doc)
    assert changes["requests"]["change"] == 0 and changes["tokens"]["change"] == 0
    assert changes["credits"]["change"] < 0  # the same requests charged as the cheaper model
    models = {m["model"]: m for m in doc["comparison"]["models"]}
    assert models["mimo-v2.5-pro"]["change"] == 0


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        pytest.param("{not json", "not JSON (line 1, column 2", id="not-json"),
        pytest.param("[1, 2]", "not a tokenplan JSON document", id="a-list"),
        pytest.param(
            '{"schema_version": 1, "error": {"code": 2, "message": "x"}}',
            "holds an error document",
            id="error-document",
        ),
        pytest.param(
            '{"schema_version": 9, "command": "estimate"}',
            "schema_version 9; this tokenplan reads version 1",
            id="schema",
        ),
        pytest.param(
            '{"schema_version": 1, "command": "simulate"}',
            "written by 'tokenplan simulate --json'; --compare-to here takes an earlier 'tokenplan estimate --json'",
            id="other-command",
        ),
        pytest.param("[" * 100_000, "nested too deep", id="deep"),
    ],
)
def test_a_baseline_that_cannot_be_used_is_one_line_and_exit_2(
    cli: Cli, tmp_path: Path, content: str, fault: str
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content)
    message = cli.error(["estimate", *SMALL, "--compare-to", str(path)])
    assert message.startswith(f"{path}: ") and fault in message


def test_a_missing_baseline_is_named(cli: Cli, tmp_path: Path) -> None:
    assert cli.error(["estimate", *SMALL, "--compare-to", str(tmp_path / "nope.json")]).endswith(
        "nope.json: no such baseline file"
    )


def test_a_baseline_is_checked_before_the_logs_are_read(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"schema_version": 1, "command": "estimate"}))
    message = cli.error(
        ["usage", "report", "--from", "claude-code", str(tmp_path / "no-logs"), "--compare-to", str(path)]
    )
    assert "written by 'tokenplan estimate --json'" in message
