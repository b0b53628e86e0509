"""`plan set|show|clear|calibrate|defaults` through the CLI, the config file's defaults in every command,
and each bad config or bad input: one line, exit 2, the old file left whole."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Cli

SET = ["plan", "set", "Standard", "--start", "2026-11-01", "--now", "2026-11-12T12:00Z"]
NOW = ["--now", "2026-11-12T12:00Z"]


def test_no_plan_held_and_the_defaults_of_the_card(cli: Cli, config_file: Path) -> None:
    doc = cli.json(["plan", "show"])
    assert doc["plan"] is None
    assert doc["config"] == {"path": str(config_file), "exists": False, "from_env": True}
    assert doc["settings"] == {
        "currency": {"value": "USD", "origin": "card"},
        "timezone": {"value": "UTC", "origin": "card"},
        "tools": {"value": [], "origin": "built-in"},
        "map": {"value": [], "origin": "built-in"},
    }
    assert not config_file.exists()


def test_set_then_show(cli: Cli, config_file: Path) -> None:
    cli.json([*SET, "--paid", "11.20"])
    doc = cli.json(["plan", "show", *NOW])
    assert doc["command"] == "plan show"
    plan = doc["plan"]
    assert {
        k: plan[k] for k in ("tier", "cycle", "bought_at", "auto_renew", "credits", "paid", "paid_assumed")
    } == {
        "tier": "Standard",
        "cycle": "monthly",
        "bought_at": "2026-11-01T00:00:00Z",
        "auto_renew": True,
        "credits": 11_000_000_000,
        "paid": "11.20",
        "paid_assumed": False,
    }
    assert (plan["cycle_number"], plan["cycle_start"], plan["expires_at"]) == (
        1,
        "2026-11-01T00:00:00Z",
        "2026-12-01T23:59:59Z",
    )
    assert plan["active"] and not plan["expired"] and plan["days_left"] == 19
    assert 'paid_currency = "USD"' in config_file.read_text()


def test_the_held_plan_rolls_into_its_next_cycle_month_end_clamped(cli: Cli, config_file: Path) -> None:
    cli.json(["plan", "set", "Standard", "--start", "2026-01-31", "--now", "2026-02-01"])
    plan = cli.json(["plan", "show", "--now", "2026-03-15"])["plan"]
    assert (plan["cycle_number"], plan["cycle_start"], plan["expires_at"]) == (
        2,
        "2026-03-01T00:00:00Z",
        "2026-03-28T23:59:59Z",
    )
    assert plan["paid_assumed"]


def test_without_auto_renewal_an_expired_plan_says_what_to_do(cli: Cli, config_file: Path) -> None:
    cli.json(["plan", "set", "Lite", "--start", "2026-03-28", "--auto-renew", "off", "--now", "2026-04-01"])
    doc = cli.json(["plan", "show", "--now", "2026-05-10"])
    assert doc["plan"]["expired"] and not doc["plan"]["active"]
    assert doc["plan"]["expires_at"] == "2026-04-28T23:59:59Z"
    assert any("buy any tier again" in note for note in doc["notes"])


def test_a_paid_price_in_another_currency_is_the_same_share_of_its_list_price(
    cli: Cli, config_file: Path
) -> None:
    cli.json([*SET, "--paid", "8.00"])  # half the $16.00 list price
    plan = cli.json(["plan", "show", *NOW, "--currency", "CNY"])["plan"]
    assert plan["currency"] == "CNY"
    assert Decimal(plan["paid"]) * 2 == Decimal(plan["list_price"])


def test_calibrate_records_the_console_reading(cli: Cli, config_file: Path) -> None:
    cli.json(SET)
    doc = cli.json(["plan", "calibrate", "--used", "63%", "--at", "2026-11-10T08:00Z", *NOW])
    reading = doc["plan"]["reading"]
    assert reading == {
        "at": "2026-11-10T08:00:00Z",
        "given": "63%",
        "credits_used": 6_930_000_000,
        "used_fraction": Decimal("0.63"),
    }
    assert doc["settings"]["currency"] == {"value": "USD", "origin": "card"}  # no flag gave it
    cli.json(["plan", "calibrate", "--used", "7.2B", "--at", "2026-11-11T08:00Z", *NOW])
    shown = cli.json(["plan", "show", *NOW])["plan"]
    assert shown["reading"]["given"] == "7.2B" and shown["readings"] == 2


def test_setting_another_plan_drops_the_readings_of_the_old_one(cli: Cli, config_file: Path) -> None:
    cli.json(SET)
    cli.json(["plan", "calibrate", "--used", "10%", "--at", "2026-11-05", *NOW])
    cli.json(["plan", "set", "Pro", "--start", "2026-11-10", *NOW])
    assert cli.json(["plan", "show", *NOW])["plan"]["readings"] == 0


def test_clear_forgets_the_plan_and_keeps_the_defaults(cli: Cli, config_file: Path) -> None:
    cli.json(SET)
    cli.json(["plan", "defaults", "--currency", "CNY"])
    doc = cli.json(["plan", "clear"])
    assert doc["plan"] is None and doc["message"] == "forgot Standard monthly"
    assert doc["settings"]["currency"] == {"value": "CNY", "origin": "config"}


def test_defaults_of_the_config_are_every_commands_defaults_and_a_flag_wins(
    cli: Cli, config_file: Path
) -> None:
    cli.json(["plan", "defaults", "--currency", "cny", "--tz", "Asia/Shanghai"])
    quote = cli.json(["quote", "Standard", "--start", "2026-11-01"])
    assert quote["currency"] == "CNY" and quote["local"]["timezone"] == "Asia/Shanghai"
    flagged = cli.json(["quote", "Standard", "--start", "2026-11-01", "--currency", "USD", "--tz", "UTC"])
    assert flagged["currency"] == "USD" and flagged["local"]["timezone"] == "UTC"
    settings = cli.json(["plan", "show"])["settings"]
    assert settings["currency"] == {"value": "CNY", "origin": "config"}
    assert settings["timezone"] == {"value": "Asia/Shanghai", "origin": "config"}


def test_log_defaults_of_the_config_are_used_when_logs_are_read(cli: Cli, config_file: Path) -> None:
    logs = "tests/fixtures/logs/claude"
    cli.json(["plan", "defaults", "--from", "claude-code", "--map", "claude-*=mimo-v2.5"])
    report = cli.json(["usage", "report", logs])
    assert report["mapping"] == ["claude-*=mimo-v2.5"]
    flagged = cli.json(["usage", "report", "--from", "claude-code", logs, "--map", "claude-*=mimo-v2.5-pro"])
    assert flagged["mapping"] == ["claude-*=mimo-v2.5-pro"]
    cli.json(["plan", "defaults", "--unset", "map"])
    assert cli.json(["plan", "show"])["settings"]["map"] == {"value": [], "origin": "built-in"}


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fault"),
    [
        pytest.param(["plan", "set", "Standrd", "--start", "2026-11-01"], "did you mean 'Standard'", id="tier"),
        pytest.param(["plan", "set", "Standard", "--start", "2026-11-01", "--cycle", "weekly"], "unknown cycle",
                     id="cycle"),
        pytest.param([*SET[:5], "--start", "2026-12-01", *NOW], "after now", id="future-start"),
        pytest.param([*SET, "--paid", "17"], "more than the list price", id="paid-above-list"),
        pytest.param([*SET, "--paid", "ten"], "--paid", id="paid-not-a-number"),
        pytest.param([*SET, "--auto-renew", "maybe"], "expected on or off", id="auto-renew"),
        pytest.param(["plan", "calibrate", "--used", "10%"], "no plan is held", id="calibrate-without-plan"),
        pytest.param(["plan", "defaults"], "give a default", id="no-default"),
        pytest.param(["plan", "defaults", "--unset", "colour"], "unknown default", id="unset-unknown"),
        pytest.param(["plan", "defaults", "--currency", "EUR"], "unknown currency", id="currency"),
        pytest.param(["plan", "defaults", "--tz", "Mars/Olympus"], "Mars/Olympus", id="zone"),
        pytest.param(["plan", "defaults", "--from", "vim"], "unknown log source", id="tool"),
        pytest.param(["plan", "defaults", "--map", "claude"], "PATTERN=MODEL", id="map"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(cli: Cli, config_file: Path, args: list[str], fault: str) -> None:
    assert fault in cli.error(args)
    assert not config_file.exists()


@pytest.mark.parametrize(
    ("used", "at", "fault"),
    [
        pytest.param("10%", "2026-11-13", "after now", id="future"),
        pytest.param("12B", "2026-11-10", "more than the plan's quota", id="above-quota"),
        pytest.param("101%", "2026-11-10", "outside 0–100 %", id="above-100-percent"),
        pytest.param("10%", "2026-10-30", "before", id="before-the-cycle"),
        pytest.param("lots", "2026-11-10", "--used", id="not-a-number"),
    ],
)
def test_a_calibration_that_cannot_be_true_is_refused(
    cli: Cli, config_file: Path, used: str, at: str, fault: str
) -> None:
    cli.json(SET)
    before = config_file.read_bytes()
    assert fault in cli.error(["plan", "calibrate", "--used", used, "--at", at, *NOW])
    assert config_file.read_bytes() == before


BAD_CONFIGS = [
    pytest.param("schema_version = 1\n[plan\n", "TOML syntax error", id="malformed"),
    pytest.param("schema_version = 2\n", "newer than this tokenplan reads", id="newer-schema"),
    pytest.param("[defaults]\ncurrency = 'USD'\n", "missing key 'schema_version'", id="no-schema"),
    pytest.param("schema_version = 1\ncolour = 'red'\n", "colour: unknown key", id="unknown-key"),
    pytest.param("schema_version = 1\n[defaults]\ncurency = 'USD'\n", "did you mean 'currency'", id="typo"),
    pytest.param("schema_version = 1\n[plan]\ntier = 'Standard'\n", "plan: missing key 'start'", id="no-start"),
    pytest.param("schema_version = 1\n[plan]\ntier = 'Standard'\nstart = 'soon'\n", "plan.start",
                 id="start-text"),
    pytest.param("schema_version = 1\n[defaults]\ntools = 'codex'\n", "defaults.tools: expected an array",
                 id="tools-not-array"),
    pytest.param("schema_version = 1\n[plan]\ntier = 'Standard'\nstart = 2026-11-01\n"
                 "[[plan.readings]]\nat = 2026-11-02\nused = 'most'\n", "plan.readings[0].used", id="reading"),
    pytest.param("schema_version = 1\n[plan]\ntier = 'Standard'\nstart = 2026-11-01\npaid = '3'\n",
                 "paid and paid_currency go together", id="paid-without-currency"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "fault"), BAD_CONFIGS)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["plan", "show"], id="show"),
        pytest.param([*SET], id="set"),
        pytest.param(["plan", "clear"], id="clear"),
        pytest.param(["quote", "Standard"], id="quote"),
    ],
)
def test_a_bad_config_is_one_line_exit_2_and_left_whole(
    cli: Cli, config_file: Path, text: str, fault: str, args: list[str]
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(text)
    message = cli.error(args)
    assert fault in message and str(config_file) in message
    assert config_file.read_text() == text


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        pytest.param("schema_version = 1\n[defaults]\ncurrency = 'EUR'\n", "defaults.currency: unknown currency",
                     id="currency"),
        pytest.param("schema_version = 1\n[defaults]\ntimezone = 'Mars/Olympus'\n", "defaults.timezone",
                     id="zone"),
        pytest.param("schema_version = 1\n[plan]\ntier = 'Gold'\nstart = 2026-11-01\n", "plan.tier: unknown tier",
                     id="tier"),
    ],
)  # fmt: skip
def test_a_bad_value_in_the_config_names_the_file_and_key(
    cli: Cli, config_file: Path, text: str, fault: str
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(text)
    message = cli.error(["plan", "show"])
    assert message.startswith(str(config_file)) and fault in message


def test_a_config_folder_that_cannot_be_made_is_one_line(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TOKENPLAN_CONFIG", str(blocker / "tokenplan" / "config.toml"))
    assert "cannot write the config" in cli.error(SET)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_config_leaves_the_old_file_whole(cli: Cli, config_file: Path) -> None:
    cli.json(SET)
    before = config_file.read_bytes()
    config_file.parent.chmod(0o500)
    try:
        assert "cannot write" in cli.error(["plan", "set", "Pro", "--start", "2026-11-02", *NOW])
    finally:
        config_file.parent.chmod(0o700)
    assert config_file.read_bytes() == before


def test_a_folder_where_the_config_belongs_is_one_line(cli: Cli, config_file: Path) -> None:
    config_file.mkdir(parents=True)
    assert "not a regular file" in cli.error(["plan", "show"])


def test_the_suite_never_touches_the_users_config(session_config: Path) -> None:
    assert os.environ["TOKENPLAN_CONFIG"] == str(session_config)
    assert Path.home() not in session_config.parents


def test_a_write_that_fails_leaves_the_old_file_whole(
    cli: Cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.json(SET)
    before = config_file.read_bytes()

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    assert "cannot write: Permission denied" in cli.error(
        ["plan", "set", "Pro", "--start", "2026-11-02", *NOW]
    )
    assert config_file.read_bytes() == before
    assert [p.name for p in config_file.parent.iterdir()] == ["config.toml"]  # no temporary left
