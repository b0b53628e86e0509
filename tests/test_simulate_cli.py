"""`tokenplan simulate` through the CLI: the document, reproducibility, pictures, files, bad input."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import AS_OF, Cli

BASE = ["simulate", "--as-of", AS_OF, "--runs", "2000"]
USAGE = ["-m", "mimo-v2.5", "--cache-miss", "99M"]  # 9.9 B credits a month: 90 % of Standard monthly

DAYS_PROFILE = """
schema_version = 1
period_days = 5
[[models]]
model = "mimo-v2.5"
output = "30M"
[[days]]
date = 2026-10-01
[[days.models]]
model = "mimo-v2.5"
output = "10M"
[[days]]
date = 2026-10-02
[[days.models]]
model = "mimo-v2.5"
output = "20M"
offpeak = { output = "5M" }
"""


def plan(doc: dict, tier: str, cycle: str) -> dict:
    return next(p for p in doc["plans"] if p["tier"] == tier and p["cycle"] == cycle)


def test_the_document_has_every_plan_and_the_risk_aware_choice(cli: Cli) -> None:
    doc = cli.json([*BASE, *USAGE, "--spread", "150%"])
    assert doc["schema_version"] == 1 and doc["command"] == "simulate"
    assert (doc["runs"], doc["seed"], doc["risk"], doc["spread"]) == (
        2000,
        20260612,
        Decimal("0.05"),
        Decimal("1.5"),
    )
    assert doc["credits_per_month"] == 9_900_000_000 and doc["model"] == "mean"
    assert [(p["tier"], p["cycle"]) for p in doc["plans"]] == [
        (t, c) for c in ("monthly", "annual") for t in ("Lite", "Standard", "Pro", "Max")
    ]
    standard = plan(doc, "Standard", "monthly")
    assert set(standard) >= {"p_runs_out", "runs_out_day_p50", "runs_out_day_p10", "expected_unused_credits"}
    assert 0 < standard["p_runs_out"] < Decimal("0.5") and standard["runs_out_day_p50"] is None
    assert sum(d["runs"] for d in standard["runs_out_days"]) == standard["p_runs_out"] * 2000
    assert plan(doc, "Lite", "monthly")["p_runs_out"] == 1
    # estimate fits Standard annual on the average (its 132 B carry 119 B); at a 5 % risk it is too tight
    assert doc["recommended_by_average"]["tier"] == "Standard"
    assert doc["recommended"] == {"tier": "Pro", "cycle": "annual", "price": "528.00", "price_per_month": "44.00",
                                  "p_runs_out": 0, "currency": "USD"}  # fmt: skip


def test_zero_spread_gives_estimates_plans(cli: Cli) -> None:
    sim = cli.json([*BASE, *USAGE])
    estimate = cli.json(["estimate", "--as-of", AS_OF, *USAGE, "--headroom", "0%"])
    for fit, risk in zip(estimate["plans"], sim["plans"], strict=True):
        assert risk["p_runs_out"] == (0 if fit["runs_out_day"] is None else 1)
        assert risk["runs_out_day_p10"] == risk["runs_out_day_p50"] == fit["runs_out_day"]
        assert risk["expected_price_per_billion_used"] == fit["price_per_billion_used"]
        assert risk["p_runs_out_stderr"] == 0


def test_the_default_seed_makes_output_reproducible_and_seed_changes_it(cli: Cli) -> None:
    args = [*BASE, *USAGE, "--spread", "150%"]
    assert cli.run(args).stdout == cli.run(args).stdout
    assert cli.json(args)["plans"] != cli.json([*args, "--seed", "1"])["plans"]


def test_whatifs_sit_beside_the_baseline(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5-pro", "--cache-miss", "30M", "--spread", "40%",
                    "--shift-offpeak", "20%", "--mix", "mimo-v2.5=70%", "--growth", "5%", "--active-days", "22"])  # fmt: skip
    assert [w["lever"] for w in doc["whatifs"]] == [
        "shift_offpeak",
        "growth",
        "mix",
        "active_days",
        "combined",
    ]
    by_lever = {w["lever"]: w for w in doc["whatifs"]}
    assert by_lever["mix"]["label"] == "move 70.0 % of the work to mimo-v2.5"
    assert by_lever["mix"]["credits_per_month"] == 30_000_000 * (90 + 70)
    assert by_lever["active_days"]["credits_per_month"] == 9_000_000_000 * 22 // 30
    assert by_lever["shift_offpeak"]["offpeak_share"] == Decimal("0.2")
    assert by_lever["mix"]["saving_per_month"] is not None


def test_a_profile_with_days_is_resampled(cli: Cli, write: Callable[[str, str], Path]) -> None:
    doc = cli.json([*BASE, "--profile", str(write("u.toml", DAYS_PROFILE))])
    assert (doc["model"], doc["observed_days"], doc["spread"]) == ("observed", 5, None)
    # (10M + 15M) x 200 + 5M x 200 x 0.8 = 5.8 B over 5 days: 34.8 B a month
    assert doc["credits_per_month"] == 34_800_000_000 and doc["active_days"] == 12


def test_a_person_sees_the_hours_the_risks_and_the_run_out_days(cli: Cli) -> None:
    out = cli.run([*BASE, *USAGE, "--spread", "150%", "--growth", "10%"]).stdout
    assert "Use by hour of day: 0.0 % off-peak (16:00–24:00 UTC); no chart" in out
    assert "Recommended: Pro annual" in out and "Risk of running out in a cycle" in out
    assert "Standard monthly: runs out in" in out
    assert "by the average alone (estimate, 10 % headroom): Standard annual" in out
    assert "use grows 10.0 % a month" in out and "\x1b[" not in out


def test_the_whatif_risk_column_names_whose_risk_it_is(cli: Cli) -> None:
    """The column is the risk of the plan picked for the usage as measured, under each what-if."""
    args = [*BASE, *USAGE, "--spread", "60%", "--growth", "10%"]
    pick = cli.json(args)["recommended"]
    header = next(line for line in cli.run(args).stdout.splitlines() if line.startswith("| what if"))
    assert header.rstrip(" |").endswith(f"risk on {pick['tier']} {pick['cycle']}")


def test_svg_and_html_keep_what_was_shown(cli: Cli, tmp_path: Path) -> None:
    svg, html = tmp_path / "risk.svg", tmp_path / "risk.html"
    cli.run([*BASE, *USAGE, "--svg", str(svg), "--html", str(html)])
    assert svg.read_text().startswith("<svg") and "Recommended" in html.read_text()
    message = cli.error([*BASE, *USAGE, "--svg", str(svg)])
    assert message == f"{svg}: already exists; add --force to overwrite it"
    cli.run([*BASE, *USAGE, "--svg", str(svg), "--force"])


BAD_INPUT = [
    pytest.param([*USAGE, "--spread", "-10%"], "--spread: -10% is below zero", id="spread-below-zero"),
    pytest.param([*USAGE, "--spread", "400%"], "--spread: 400.0 % is more than the limit of 300.0 %", id="spread-too-large"),
    pytest.param([*USAGE, "--risk", "130%"], "--risk: 130% is outside 0–100 %", id="risk-above-100"),
    pytest.param([*USAGE, "--risk", "-1%"], "--risk: -1% is outside 0–100 %", id="risk-below-0"),
    pytest.param([*USAGE, "--runs", "0"], "--runs: expected 1 to 1,000,000 simulated cycles, got 0", id="runs-zero"),
    pytest.param([*USAGE, "--runs", "5000000"], "--runs: expected 1 to 1,000,000 simulated cycles, got 5,000,000", id="runs-absurd"),
    pytest.param([*USAGE, "--seed", "-1"], "--seed: expected a whole number from 0 to 2**64 - 1, got -1", id="seed-negative"),
    pytest.param([*USAGE, "--mix", "mimo-v2.5-pro=10%", "--mix", "mimo-v2.5=20%"], "conflicting what-ifs: --mix is given 2 times (mimo-v2.5-pro=10%, mimo-v2.5=20%); move work to one model at a time", id="conflicting-mix"),
    pytest.param([*USAGE, "--mix", "mimo-v2.5=70%"], "--mix: no other language model's work to move to mimo-v2.5", id="mix-nothing-to-move"),
    pytest.param([*USAGE, "--mix", "mimo-v2.5-asr=70%"], "--mix: mimo-v2.5-asr is not a language model (asr); work moves to a language model", id="mix-to-asr"),
    pytest.param([*USAGE, "--mix", "mimo-v25=70%"], "unknown model 'mimo-v25'; did you mean 'mimo-v2.5' or 'mimo-v2.5-tts' or 'mimo-v2.5-pro'?", id="mix-unknown-model"),
    pytest.param([*USAGE, "--mix", "70%"], "--mix: expected MODEL=SHARE (e.g. mimo-v2.5=70%), got '70%'", id="mix-no-model"),
    pytest.param([*USAGE, "--active-days", "31"], "--active-days: expected 1 to 30 days a month, got 31", id="active-days-31"),
    pytest.param([*USAGE, "--shift-offpeak", "120%"], "--shift-offpeak: 120% is outside 0–100 %", id="shift-above-100"),
    pytest.param([*USAGE, "--growth", "-5%"], "--growth: -5% is outside 0–100 %", id="negative-growth"),
    pytest.param([*USAGE, "--svg", "out.svg", "--json"], "--svg and --html save what a person is shown; drop --json", id="svg-with-json"),
    pytest.param([], "no usage given: add --cache-hit/--cache-miss/--output, --audio-hours, or --profile FILE", id="no-usage"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: list[str], message: str) -> None:
    assert cli.error([*BASE, *args]) == message


EMPTY_PROFILE = 'schema_version = 1\n[[models]]\nmodel = "mimo-v2.5"\noutput = 0\n'
EMPTY_DAYS = EMPTY_PROFILE.replace("output = 0", "output = 10") + (
    '[[days]]\ndate = 2026-10-01\n[[days]]\ndate = 2026-10-02\n[[days.models]]\nmodel = "mimo-v2.5"\noutput = 0\n'
)


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        pytest.param(EMPTY_PROFILE, [], "models: no usage: every amount is zero (or no [[models]] entries)", id="empty-profile"),
        pytest.param(EMPTY_DAYS, [], "every day in [[days]] is empty: there is no use to simulate", id="profile-with-no-days"),
        pytest.param(DAYS_PROFILE, ["--spread", "40%"], "the observed days give the day-to-day variation; --spread is for usage without [[days]]", id="spread-and-days"),
        pytest.param(DAYS_PROFILE.replace("2026-10-02", "2026-10-01"), [], "day 2026-10-01 is listed twice in [[days]]", id="repeated-day"),
        pytest.param(DAYS_PROFILE.replace("period_days = 5", "period_days = 1"), [], "period_days is 1 but [[days]] lists 2 days", id="span-too-short"),
    ],
)  # fmt: skip
def test_bad_profiles_are_one_line_and_exit_2(
    cli: Cli, write: Callable[[str, str], Path], text: str, extra: list[str], message: str
) -> None:
    path = write("usage.toml", text)
    assert cli.error([*BASE, "--profile", str(path), *extra]) == f"{path}: {message}"
