"""`tokenplan estimate` through the CLI: the JSON document, CSV, and every bad input."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import AS_OF, Cli

BASE = ["estimate", "--as-of", AS_OF]
# The README's first example: the usage of a month, 30 % of it off-peak.
README_USAGE = "--model mimo-v2.5-pro --cache-hit 50M --cache-miss 10M --output 2M --offpeak 30%".split()


def plan(doc: dict, tier: str, cycle: str) -> dict:
    return next(p for p in doc["plans"] if p["tier"] == tier and p["cycle"] == cycle)


def test_the_readme_example(cli: Cli) -> None:
    doc = cli.json([*BASE, *README_USAGE])
    # (50M x 2.5 + 10M x 300 + 2M x 600) x (70 % + 30 % x 0.8)
    assert doc["schema_version"] == 1 and doc["command"] == "estimate"
    assert doc["credits_per_month"] == 4_065_500_000
    assert doc["credits_offpeak"] == Decimal("1038000000") and doc["offpeak_share"] == Decimal("0.3")
    assert doc["models"] == [
        {
            "model": "mimo-v2.5-pro",
            "charged_as": "mimo-v2.5-pro",
            "status": "active",
            "promotion": None,
            "credits": 4_065_500_000,
            "credits_peak": 3_027_500_000,
            "credits_offpeak": 1_038_000_000,
            "credits_by_kind": {"cache_hit": 117_500_000, "cache_miss": 2_820_000_000, "cache_write": 0,
                                "output": 1_128_000_000, "reasoning": 0, "audio": 0},
            "quantities": {"cache_hit": 50_000_000, "cache_miss": 10_000_000, "cache_write": 0, "output": 2_000_000,
                           "reasoning": 0, "audio_seconds": 0},
            "notes": [],
        }
    ]  # fmt: skip
    assert plan(doc, "Lite", "monthly") == {
        "tier": "Lite", "cycle": "monthly", "quota": 4_100_000_000, "usage": 4_065_500_000,
        "utilization": Decimal("0.991585"), "fits": False, "runs_out_day": None, "cycle_days": 30,
        "price": "6.00", "price_per_month": "6.00", "price_per_billion_used": "1.48", "currency": "USD",
    }  # fmt: skip
    assert plan(doc, "Standard", "annual")["price_per_month"] == "14.08"
    assert doc["recommended"] == {
        "tier": "Standard",
        "cycle": "annual",
        "price": "168.96",
        "price_per_month": "14.08",
        "currency": "USD",
    }
    assert (
        doc["recommended_monthly"]["tier"] == "Standard" and doc["recommended_monthly"]["cycle"] == "monthly"
    )
    assert doc["shortfall"] is None


def test_plans_cover_every_tier_and_cycle_in_order(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5", "--output", "1M"])
    assert [(p["tier"], p["cycle"]) for p in doc["plans"]] == [
        (t, c) for c in ("monthly", "annual") for t in ("Lite", "Standard", "Pro", "Max")
    ]


def test_seed_example_ten_million_misses_fit_lite(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5-pro", "--cache-miss", "10M"])
    assert doc["credits_per_month"] == 3_000_000_000
    assert plan(doc, "Lite", "monthly")["utilization"] == Decimal("0.731707")
    assert doc["recommended"]["tier"] == "Lite" and doc["recommended"]["cycle"] == "annual"


def test_runs_out_day_is_the_day_the_straight_line_crosses_the_quota(cli: Cli) -> None:
    # 8.2B a month against Lite's 4.1B: half the month.
    doc = cli.json([*BASE, "-m", "mimo-v2.5", "--cache-miss", "82M"])
    assert doc["credits_per_month"] == 8_200_000_000
    assert plan(doc, "Lite", "monthly")["runs_out_day"] == 15
    assert plan(doc, "Lite", "annual")["runs_out_day"] == 183  # ceil(49.2B / (98.4B / 365))
    assert plan(doc, "Standard", "monthly")["runs_out_day"] is None


def test_nothing_fits_says_by_how_much_max_falls_short(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5-pro", "--cache-miss", "300M"])  # 90B a month
    assert doc["recommended"] is None and doc["recommended_monthly"] is None
    # Max monthly keeps 10 % headroom: 73.8B usable; 90B - 73.8B = 16.2B short.
    assert doc["shortfall"] == {
        "tier": "Max",
        "cycle": "monthly",
        "credits": 16_200_000_000,
        "fraction": Decimal("0.219512"),
    }
    assert doc["reasons"][0].startswith("no plan fits: Max monthly falls short by 22.0 %")


def test_per_day_with_active_days(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5", "--output", "1M", "--per", "day", "--days", "22"])
    assert doc["credits_per_month"] == 22 * 200_000_000


def test_per_week_scales_by_thirty_sevenths(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5", "--output", "7M", "--per", "week"])
    assert doc["credits_per_month"] == 30 * 200_000_000


def test_audio_hours_go_to_the_asr_model(cli: Cli) -> None:
    doc = cli.json([*BASE, "--audio-hours", "136"])
    assert doc["models"][0]["model"] == "mimo-v2.5-asr"
    assert doc["credits_per_month"] == 136 * 30_000_000
    assert plan(doc, "Lite", "monthly")["fits"] is False  # 136 h is 99.5 % of Lite: inside the 10 % headroom


def test_tokens_and_audio_together(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5", "--output", "1M", "--audio-hours", "1"])
    assert [m["model"] for m in doc["models"]] == ["mimo-v2.5-asr", "mimo-v2.5"]
    assert doc["credits_per_month"] == 200_000_000 + 30_000_000


def test_currency_cny(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5", "--output", "1M", "--currency", "cny"])
    assert doc["currency"] == "CNY" and doc["currency_symbol"] == "¥"
    assert (
        plan(doc, "Lite", "annual")["price"] == "411.84"
        and plan(doc, "Lite", "annual")["price_per_month"] == "34.32"
    )


def test_headroom_changes_what_fits(cli: Cli) -> None:
    args = [*BASE, "-m", "mimo-v2.5-pro", "--cache-miss", "12M"]  # 3.6B: 87.8 % of Lite
    assert plan(cli.json(args), "Lite", "monthly")["fits"] is True
    assert plan(cli.json([*args, "--headroom", "20%"]), "Lite", "monthly")["fits"] is False


def test_discontinued_v2_model_is_charged_as_its_successor_with_a_note(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2-pro", "--cache-miss", "1M"])
    assert doc["models"][0]["charged_as"] == "mimo-v2.5-pro" and doc["models"][0]["status"] == "discontinued"
    assert doc["credits_per_month"] == 300_000_000
    assert doc["notes"] == [
        "mimo-v2-pro was discontinued at 2026-06-29 16:00 UTC; charged as its successor mimo-v2.5-pro"
    ]


def test_as_of_before_the_forward_uses_the_legacy_v2_rates(cli: Cli) -> None:
    doc = cli.json(["estimate", "--as-of", "2026-05-01", "-m", "mimo-v2-pro", "--cache-miss", "1M"])
    assert doc["models"][0]["status"] == "legacy" and doc["credits_per_month"] == 700_000_000


def test_tts_is_free_and_marked_as_a_promotion(cli: Cli) -> None:
    doc = cli.json([*BASE, "-m", "mimo-v2.5-tts", "--output", "1M"])
    assert doc["credits_per_month"] == 0
    assert doc["models"][0]["promotion"] == "free for a limited time"
    assert plan(doc, "Lite", "monthly")["price_per_billion_used"] is None
    assert doc["recommended"]["tier"] == "Lite"


def test_profile_gives_the_same_answer_as_the_flags(cli: Cli, write: Callable[[str, str], Path]) -> None:
    profile = write(
        "usage.toml",
        'schema_version = 1\noffpeak_share = "30%"\n[[models]]\nmodel = "mimo-v2.5-pro"\ncache_hit = "50M"\ncache_miss = "10M"\noutput = "2M"\n',
    )
    from_profile = cli.json([*BASE, "--profile", str(profile)])
    from_flags = cli.json([*BASE, *README_USAGE])
    assert from_profile["plans"] == from_flags["plans"]
    assert from_profile["source"] == f"profile {profile}"


def test_csv_prints_the_plans(cli: Cli) -> None:
    out = cli.run([*BASE, "-m", "mimo-v2.5", "--output", "1M", "--csv"]).stdout.splitlines()
    assert (
        out[0]
        == "tier,cycle,quota,usage,utilization,fits,runs_out_day,cycle_days,price,price_per_month,price_per_billion_used,currency"
    )
    assert out[1] == "Lite,monthly,4100000000,200000000,0.04878,true,,30,6.00,6.00,30.00,USD"
    assert len(out) == 9


def test_human_output_is_plain_when_piped(cli: Cli) -> None:
    out = cli.run([*BASE, "-m", "mimo-v2.5", "--output", "1M"]).stdout
    assert "\x1b[" not in out
    assert "Recommended: Lite annual" in out and "| Lite     | monthly |" in out


def test_custom_card_changes_the_answer(cli: Cli, write: Callable[[str, str], Path]) -> None:
    from tokenplan_cli.readers.ratecard import builtin_card_path

    text = (
        builtin_card_path()
        .read_text(encoding="utf-8")
        .replace("cache_miss = 300, output = 600", "cache_miss = 600, output = 600")
    )
    card = write("rates.toml", text)
    args = [*BASE, "-m", "mimo-v2.5-pro", "--cache-miss", "1M"]
    assert cli.json([*args, "--rates", str(card)])["credits_per_month"] == 600_000_000
    assert cli.json(args, env={"TOKENPLAN_RATES": str(card)})["credits_per_month"] == 600_000_000


BAD_INPUT = [
    pytest.param(["-m", "mimo-v25-pro", "--output", "1M"], "unknown model 'mimo-v25-pro'; did you mean 'mimo-v2.5-pro' or", id="unknown-model"),
    pytest.param(["-m", "mimo-v2.5", "--output", "-1M"], "--output: -1M is negative", id="negative"),
    pytest.param(["-m", "mimo-v2.5", "--output", "lots"], "--output: 'lots' is not a number", id="non-numeric"),
    pytest.param(["-m", "mimo-v2.5", "--output", "5000T"], "--output: 5,000,000,000,000,000 is more than the limit", id="absurd"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--offpeak", "130%"], "--offpeak: 130% is outside 0–100 %", id="share-over-100"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--offpeak", "30"], "write 30% for a percentage", id="share-bare"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--headroom", "100%"], "headroom must be at least 0 % and below 100 %", id="headroom-100"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--currency", "EUR"], "unknown currency 'EUR'", id="currency"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--per", "year"], "--per: expected one of day, week, month", id="per"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--per", "day", "--days", "40"], "--days: expected 1 to 30", id="days-range"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--days", "20"], "--days counts active days for amounts --per day", id="days-without-per-day"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--days", "x"], "'x' is not a whole number", id="days-not-int"),
    pytest.param(["-m", "mimo-v2.5"], "no usage given", id="no-usage"),
    pytest.param([], "no usage given", id="nothing"),
    pytest.param(["--output", "1M"], "token amounts need a model", id="tokens-without-model"),
    pytest.param(["-m", "mimo-v2.5-asr", "--output", "1M"], "charged by audio duration: use --audio-hours", id="tokens-on-asr"),
    pytest.param(["-m", "mimo-v2.5", "--output", "0"], "no usage given", id="all-zero"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--as-of", "2026-02-30"], "--as-of: '2026-02-30' is not a valid date (day is out of range for month)", id="bad-date"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--as-of", "soon"], "--as-of: 'soon' is not a valid date", id="unparseable-date"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--json", "--csv"], "--json and --csv exclude each other", id="two-formats"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--frobnicate"], "no such option: --frobnicate", id="unknown-option"),
    pytest.param(["--profile", "/nonexistent/usage.toml"], "/nonexistent/usage.toml: no such usage profile file", id="missing-profile"),
    pytest.param(["--profile", "/dev/null", "-m", "mimo-v2.5"], "--profile takes the usage from the file; drop --model", id="profile-and-flags"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--rates", "/nonexistent/rates.toml"], "/nonexistent/rates.toml: no such rate card file", id="missing-card"),
    pytest.param(["-m", "mimo-v2.2", "--output", "1M"], "did you mean", id="did-you-mean-close"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--tz", "Nowhere/Zone"], "--tz only shapes a read of the tools' logs: name the logs with --from, or drop it", id="tz-without-logs"),
    pytest.param(["-m", "mimo-v2.5", "--output", "1M", "--map", "claude-*=mimo-v2.5", "--since", "2026-11-01"], "--map, --since only shape a read of the tools' logs", id="log-options-without-logs"),
    pytest.param(["--profile", str(Path(__file__).parent.parent / "examples" / "usage.toml"), "--strict"], "--strict only shapes a read", id="log-option-with-a-profile"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error([*BASE, *args])


def test_malformed_profile_is_one_line(cli: Cli, write: Callable[[str, str], Path]) -> None:
    path = write("usage.toml", "schema_version = 1\n[[models]\n")
    assert cli.error([*BASE, "--profile", str(path)]).startswith(f"{path}: TOML syntax error")


def test_bad_input_under_json_also_prints_the_error_document(cli: Cli) -> None:
    result = cli.run([*BASE, "-m", "nope", "--output", "1", "--json"], code=2)
    import json

    assert json.loads(result.stdout) == {
        "schema_version": 1,
        "error": {
            "code": 2,
            "message": "unknown model 'nope' (known: mimo-v2.5-pro, mimo-v2.5, mimo-v2.5-asr, mimo-v2.5-tts, mimo-v2.5-tts-voiceclone, mimo-v2.5-tts-voicedesign, mimo-v2-pro, mimo-v2-omni, mimo-v2-tts)",
        },
    }
