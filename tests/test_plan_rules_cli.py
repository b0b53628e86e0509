"""The plan rules' edge cases of issue 10 through the CLI: the 2026-05-27 usage reset only for plans valid
then, expired plans, reminders that would fall after the end, a purchase planned ahead, money that adds
up, compensation credits, contradictory discounts, audio on a TTS model, history days split where the
rules change, and quotes that know when the held plan ends."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

Write = Callable[[str, str], Path]


def status(cli: Cli, tier: str, start: str, now: str, *extra: str) -> Any:
    return cli.json(["status", "--tier", tier, "--start", start, "--now", now, *extra])


# -- the usage reset, and expired plans ------------------------------------------------------------


def test_a_plan_expired_before_the_reset_is_not_reset_and_says_what_to_do(cli: Cli) -> None:
    # Lite bought 2026-04-20 expired 2026-05-20 23:59:59, a week before the reset (2026-05-26 16:00 UTC).
    doc = status(cli, "Lite", "2026-04-20", "2026-05-27", "--used", "50%")
    assert doc["counted_from"] == "2026-04-20T00:00:00Z" == doc["burn_since"]
    assert (doc["state"], doc["active"], doc["action"], doc["stops_early"]) == ("expired", False, None, False)
    instants = [p["at"] for p in doc["burn_down"]["actual"]]
    assert instants == ["2026-04-20T00:00:00Z", "2026-05-21T00:00:00Z"]  # forwards in time, to the end
    assert doc["burn_per_day"] == Decimal("66129032.26")  # 2.05B over the 31 days it served
    assert doc["reasons"][1:] == [
        "the plan expired at 2026-05-20 23:59:59 UTC: its credits can no longer be used",
        "after a plan expires the provider sells any tier again ('tokenplan quote TIER'); an expired plan "
        "cannot be upgraded",
    ]
    assert not any("usage reset" in note for note in doc["notes"])


def test_a_plan_valid_at_the_reset_counts_from_it_even_once_expired(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-05-01", "2026-06-05", "--used", "10%")
    assert (doc["counted_from"], doc["state"]) == ("2026-05-26T16:00:00Z", "expired")
    assert [p["at"] for p in doc["burn_down"]["actual"]] == ["2026-05-26T16:00:00Z", "2026-06-02T00:00:00Z"]


def test_an_expired_plan_is_never_offered_an_upgrade(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-09-01", "2026-11-01", "--used", "100%", "--check")
    assert (doc["action"], doc["next_reminder"]) == (None, None)
    assert not any("upgrade now" in reason for reason in doc["reasons"])


@pytest.mark.parametrize(
    ("now", "used"),
    [
        pytest.param("2026-05-26T16:00:00Z", "50%", id="at-the-reset"),
        pytest.param("2026-05-27T00:00:00+08:00", "1B", id="at-the-reset-in-beijing"),
        pytest.param("2026-05-01T00:00:00Z", "1B", id="at-the-purchase"),
    ],
)
def test_credits_used_in_no_time_are_refused(cli: Cli, now: str, used: str) -> None:
    message = cli.error(["status", "--tier", "Lite", "--start", "2026-05-01", "--used", used, "--now", now])
    assert message.startswith("--used: at the ")
    assert "nothing" in message and "give a --now after" in message


def test_nothing_used_at_the_reset_instant_is_a_status(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-05-01", "2026-05-26T16:00:00Z", "--used", "0")
    assert (doc["counted_from"], doc["credits_used"], doc["burn_per_day"]) == (
        "2026-05-26T16:00:00Z",
        0,
        None,
    )


# -- usage reminders never fall after the plan ends ------------------------------------------------


def test_a_threshold_reached_only_as_the_plan_ended_was_never_sent(cli: Cli) -> None:
    # Half used on a straight line that ends when the plan stops serving: 50 % is met at 2026-05-21 00:00,
    # one second after the expiry; no reminder goes out for a plan that has ended.
    doc = status(cli, "Lite", "2026-04-20", "2026-05-27", "--used", "50%")
    assert doc["reminders"][0] == {"threshold": Decimal("0.5"), "fired": False, "at": None}
    out = cli.run(
        ["status", "--tier", "Lite", "--start", "2026-04-20", "--used", "50%", "--now", "2026-05-27"]
    )
    assert "sent 2026-05-21" not in out.stdout


def test_a_threshold_reached_before_the_end_was_sent_then(cli: Cli) -> None:
    doc = status(cli, "Lite", "2026-04-20", "2026-05-27", "--used", "60%")
    assert doc["reminders"][0] == {"threshold": Decimal("0.5"), "fired": True, "at": "2026-05-15T20:00:00Z"}


def test_a_reminder_the_projection_meets_at_the_end_is_not_due(cli: Cli) -> None:
    # Half used in half of the 31 days: the projection meets 100 % exactly when the plan stops serving.
    doc = status(cli, "Standard", "2026-11-01", "2026-11-16T12:00Z", "--used", "50%")
    assert doc["stops_early"] is False
    assert doc["reminders"][2] == {"threshold": 1, "fired": False, "at": None}
    assert doc["reminders"][1]["at"] == "2026-11-28T21:36:00Z"  # 90 %, at 27.9 days, is still due


# -- expiry of a purchase planned ahead -------------------------------------------------------------


def test_expiry_of_a_plan_not_started_yet(cli: Cli) -> None:
    doc = cli.json(["expiry", "--start", "2026-12-01", "--now", "2026-11-23T10:00Z"])
    assert (doc["state"], doc["active"], doc["expires_at"]) == ("not-started", False, "2027-01-01T23:59:59Z")
    assert (doc["days_until_start"], doc["days_total"]) == (8, 31)
    assert (doc["days_elapsed"], doc["days_left"], doc["seconds_left"]) == (None, None, None)
    assert doc["reminders"] == [
        {"days_before": 2, "date": "2026-12-30", "fired": False},
        {"days_before": 0, "date": "2027-01-01", "fired": False},
    ]
    out = cli.run(["expiry", "--start", "2026-12-01", "--now", "2026-11-23T10:00Z"]).stdout
    assert "| days left              | not started yet (bought in 8 days)" in out
    assert "A monthly plan to be bought 2026-12-01" in out


def test_expiry_states_through_a_plans_life(cli: Cli) -> None:
    def state(now: str) -> tuple[str, int | None]:
        doc = cli.json(["expiry", "--start", "2026-12-01T10:00Z", "--now", now])
        return doc["state"], doc["days_left"]

    assert state("2026-12-01T09:59:59Z") == ("not-started", None)
    assert state("2026-12-01T10:00:00Z") == ("active", 31)
    assert state("2027-01-02T00:00:00Z") == ("expired", 0)


def test_status_still_refuses_a_plan_not_bought_yet(cli: Cli) -> None:
    message = cli.error(
        ["status", "--tier", "Lite", "--start", "2026-12-01", "--used", "0", "--now", "2026-11-23"]
    )
    assert "is after --now" in message and "tokenplan expiry --start DATE" in message


# -- money in an explanation adds up to the cent ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        # Remaining values of exactly half a cent: 0.005 and 0.125 round up, and the difference is taken
        # from the rounded figure (before: $50.00 − $0.01 = $50.00 and ¥99.00 − ¥0.13 = ¥98.88).
        pytest.param(
            ["upgrade-quote", "--from", "Standard", "--to", "Pro", "--remaining", "3437500"],
            "price difference = new price − remaining value = $50.00 − $0.01 = $49.99",
            id="upgrade-usd",
        ),
        pytest.param(
            ["renewal-quote", "--from", "Lite", "--to", "Standard", "--currency", "CNY", "--paid", "25", "--remaining", "0.5%"],
            "price difference = new price − remaining value = ¥99.00 − ¥0.13 = ¥98.87",
            id="renewal-cny",
        ),
    ],
)  # fmt: skip
def test_new_price_less_remaining_value_is_the_difference_to_the_cent(
    cli: Cli, args: list[str], line: str
) -> None:
    doc = cli.json([*args, "--now", "2026-11-23"])
    assert line in doc["reasons"]
    new_price = Decimal(doc["to"].get("price", doc["to"]["list_price"]))
    assert new_price - Decimal(doc["remaining_value"]) == Decimal(doc["price_difference"])
    assert line in cli.run([*args, "--now", "2026-11-23"]).stdout


def test_a_discounted_price_and_its_discount_add_up_to_the_list_price(cli: Cli) -> None:
    doc = cli.json(
        ["quote", "Lite", "--auto-renew", "new-user", "--currency", "CNY", "--start", "2026-11-23"]
    )
    assert (doc["list_price"], doc["price"], doc["discount_amount"]) == ("39.00", "30.03", "8.97")


def test_paid_finer_than_the_currency_is_refused(cli: Cli) -> None:
    message = cli.error(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1B", "--paid", "4.625"])
    assert message == "--paid: 4.625 has more decimals than USD has (2): give what was charged"


# -- compensation credits: the same in every currency, in whole credits -----------------------------

RENEW_PRO_TO_LITE = ["renewal-quote", "--from", "Pro", "--to", "Lite", "--now", "2026-11-23"]


@pytest.mark.parametrize(
    ("usage", "credits"),
    [
        pytest.param(["--used", "10%"], 26_650_000_000, id="whole"),
        # $45.01 − $6.00 = $39.01, × 4.1B / $6 = 26,656,833,333.33: rounded down to a whole credit.
        pytest.param(["--remaining", "34.2076B"], 26_656_833_333, id="rounded-down"),
    ],
)
def test_compensation_credits_do_not_depend_on_the_currency_shown(
    cli: Cli, usage: list[str], credits: int
) -> None:
    usd = cli.json([*RENEW_PRO_TO_LITE, *usage])
    cny = cli.json([*RENEW_PRO_TO_LITE, *usage, "--currency", "CNY"])
    assert usd["compensation_credits"] == cny["compensation_credits"] == credits
    assert usd["credits_after"] == cny["credits_after"] == 4_100_000_000 + credits
    assert any("reckoned in USD, the card's reference currency" in r for r in cny["reasons"])


def test_compensation_in_cny_names_the_reckoning_in_figures_that_add_up(cli: Cli) -> None:
    doc = cli.json([*RENEW_PRO_TO_LITE, "--used", "10%", "--currency", "CNY"])
    assert doc["reasons"][3] == (
        "the remaining value exceeds the new price by ¥257.10: nothing to pay; compensation credits are "
        "reckoned in USD, the card's reference currency, so that they do not depend on the currency shown: "
        "remaining value $45.00 − new price $6.00 = $39.00, and $39.00 / $6.00 × 4,100,000,000 = "
        "26,650,000,000 compensation credits (Lite monthly's credits for its list price, in whole credits "
        "rounded down)"
    )


def test_where_the_currencies_disagree_nothing_is_both_paid_and_credited(cli: Cli) -> None:
    # Standard with 38 % left is worth $6.08 (over Lite's $6.00) but ¥37.62 (under its ¥39.00).
    base = [
        "renewal-quote",
        "--from",
        "Standard",
        "--to",
        "Lite",
        "--remaining",
        "38%",
        "--now",
        "2026-11-23",
    ]
    usd = cli.json(base)
    assert (usd["amount_due"], usd["compensation_credits"]) == ("0.00", 54_666_666)
    cny = cli.json([*base, "--currency", "CNY"])
    assert (cny["amount_due"], cny["compensation_credits"]) == ("1.38", 0)
    # Pro with 11.9 % left is worth ¥39.15 (over ¥39.00) but $5.95 (under $6.00): nothing paid either way.
    pro = cli.json([*RENEW_PRO_TO_LITE, "--remaining", "11.9%", "--currency", "CNY"])
    assert (pro["amount_due"], pro["compensation_credits"]) == ("0.00", 0)
    assert pro["reasons"][3].endswith(
        "but not in USD, the card's reference currency for compensation credits ($5.95 against $6.00): "
        "nothing to pay, and no compensation credits"
    )


# -- upgrade-quote and renewal-quote know when the held plan ends -----------------------------------

UPGRADE = ["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "10%", "--start", "2026-10-01"]


def test_an_expired_plan_cannot_be_upgraded(cli: Cli) -> None:
    message = cli.error([*UPGRADE, "--now", "2026-11-02T00:00:00Z"])
    assert message == (
        "Lite monthly expired at 2026-11-01 23:59:59 UTC: an expired plan cannot be upgraded; buy any tier "
        "again ('tokenplan quote TIER')"
    )


def test_an_upgrade_in_the_last_second_of_validity_is_quoted(cli: Cli) -> None:
    doc = cli.json([*UPGRADE, "--now", "2026-11-01T23:59:59Z"])
    assert (doc["from"]["start"], doc["from"]["expires_at"]) == (
        "2026-10-01T00:00:00Z",
        "2026-11-01T23:59:59Z",
    )
    assert doc["amount_due"] == "44.60"  # 50 − 0.9 × 6


def test_a_change_before_the_plan_was_bought_is_refused(cli: Cli) -> None:
    message = cli.error([*UPGRADE, "--now", "2026-09-30"])
    assert message.startswith("the upgrade at 2026-09-30 00:00:00 UTC is before Lite monthly was bought")
    renewal = [
        "renewal-quote",
        "--from",
        "Lite",
        "--used",
        "0",
        "--start",
        "2026-10-01",
        "--now",
        "2026-09-30",
    ]
    assert cli.error(renewal).startswith("the renewal at 2026-09-30 00:00:00 UTC is before Lite monthly")


RENEW = ["renewal-quote", "--from", "Standard", "--used", "80%", "--start", "2026-10-23"]  # to 2026-11-23


@pytest.mark.parametrize(
    ("now", "auto_renew", "starts", "window", "value"),
    [
        pytest.param("2026-11-20", "on", "at-once", ("2026-11-20T00:00:00Z", "2026-12-20T23:59:59Z"), "3.20", id="before-expiry"),
        pytest.param("2026-11-23T23:59:59Z", "on", "at-expiry", ("2026-11-24T00:00:00Z", "2026-12-23T23:59:59Z"), "3.20", id="auto-at-the-expiry-second"),
        pytest.param("2026-11-26T10:00Z", "on", "at-expiry", ("2026-11-24T00:00:00Z", "2026-12-23T23:59:59Z"), "3.20", id="auto-after-expiry"),
        pytest.param("2026-11-23T23:59:59Z", "off", "at-once", ("2026-11-23T23:59:59Z", "2026-12-23T23:59:59Z"), "3.20", id="manual-in-the-last-second"),
        pytest.param("2026-11-26T10:00Z", "off", "after-lapse", ("2026-11-26T10:00:00Z", "2026-12-26T23:59:59Z"), "0.00", id="manual-after-lapse"),
        pytest.param("2026-11-26T10:00Z", None, "after-lapse", ("2026-11-26T10:00:00Z", "2026-12-26T23:59:59Z"), "0.00", id="off-by-default"),
    ],
)  # fmt: skip
def test_a_renewal_starts_by_when_the_held_plan_ends_and_auto_renewal(
    cli: Cli, now: str, auto_renew: str | None, starts: str, window: tuple[str, str], value: str
) -> None:
    doc = cli.json([*RENEW, "--now", now, *(["--auto-renew", auto_renew] if auto_renew else [])])
    assert (doc["starts"], (doc["start"], doc["expires_at"]), doc["remaining_value"]) == (
        starts,
        window,
        value,
    )
    assert doc["amount_due"] == str(Decimal("16.00") - Decimal(value))


def test_an_auto_renewal_chains_from_a_clamped_expiry(cli: Cli) -> None:
    # Bought Jan 31, expired Feb 28 (clamped): the renewal follows on to one month after Feb 28.
    args = ["renewal-quote", "--from", "Lite", "--used", "50%", "--start", "2026-01-31", "--auto-renew", "on"]
    doc = cli.json([*args, "--now", "2026-03-01"])
    assert (doc["start"], doc["expires_at"]) == ("2026-03-01T00:00:00Z", "2026-03-28T23:59:59Z")
    assert doc["notes"][0].startswith(
        "auto-renewal is on and the renewal falls at or after Lite monthly's expiry"
    )


def test_a_lapsed_plan_says_its_credits_went_with_it(cli: Cli) -> None:
    doc = cli.json([*RENEW, "--now", "2026-11-26T10:00Z"])
    assert doc["reasons"][1] == (
        "remaining value = $0.00: the plan held lapsed at its expiry, and its credits with it"
    )
    assert doc["credits_before"] == 0 and doc["loses_value"] is False
    out = cli.run([*RENEW, "--now", "2026-11-26T10:00Z"]).stdout
    assert "| new plan starts   | now: the plan held lapsed" in out


def test_renewal_auto_renew_takes_on_off_or_existing_user(cli: Cli) -> None:
    assert (
        cli.error([*RENEW, "--auto-renew", "maybe"])
        == "--auto-renew: expected on, off or existing-user, got 'maybe'"
    )
    doc = cli.json([*RENEW, "--now", "2026-11-20", "--auto-renew", "existing-user"])
    assert (doc["discount"], doc["to"]["price"]) == ("auto_renew_existing_user", "11.20")


# -- a change that loses value says so --------------------------------------------------------------

PRO_ANNUAL_TO_MAX_MONTHLY = [
    "upgrade-quote", "--from", "Pro", "--cycle", "annual", "--to", "Max", "--to-cycle", "monthly",
    "--start", "2026-06-01", "--now", "2026-11-23",
]  # fmt: skip


def test_pro_annual_to_max_monthly_loses_value_and_says_so(cli: Cli) -> None:
    doc = cli.json([*PRO_ANNUAL_TO_MAX_MONTHLY, "--used", "10%"])
    assert (doc["loses_value"], doc["credits_after"], doc["credits_gained"]) == (
        True,
        389_664_000_000,
        -20_736_000_000,
    )
    assert doc["reasons"][-1] == (
        "this change loses value: 410,400,000,000 credits are held now and 389,664,000,000 would be after "
        "it, 20,736,000,000 fewer, and they would expire on 2026-12-23 instead of 2027-06-01"
    )
    out = cli.run([*PRO_ANNUAL_TO_MAX_MONTHLY, "--used", "10%"]).stdout
    assert "Upgrade Pro → Max: $0.00 (loses value)" in out
    assert "| loses value          | 20.7B (20,736,000,000) credits fewer than held now" in out


def test_a_change_that_gains_credits_but_ends_sooner_says_that(cli: Cli) -> None:
    doc = cli.json([*PRO_ANNUAL_TO_MAX_MONTHLY, "--used", "99%"])
    assert doc["loses_value"] is False and doc["amount_due"] == "94.72"  # 100 − 1 % × 528
    assert doc["reasons"][-1] == (
        "the credits after this change expire on 2026-12-23 instead of 2027-06-01: they must be used sooner"
    )


def test_a_renewal_to_a_lower_tier_that_loses_credits_says_so(cli: Cli) -> None:
    doc = cli.json([*RENEW_PRO_TO_LITE, "--used", "10%"])
    assert (doc["loses_value"], doc["credits_before"], doc["credits_after"]) == (
        True,
        34_200_000_000,
        30_750_000_000,
    )
    assert (
        "Renew as Lite monthly: $0.00 (loses value)" in cli.run([*RENEW_PRO_TO_LITE, "--used", "10%"]).stdout
    )


# -- contradictions and audio where none is charged -------------------------------------------------


def test_a_first_purchase_by_an_existing_user_is_refused(cli: Cli) -> None:
    message = cli.error(["quote", "Standard", "--first-purchase", "--auto-renew", "existing-user"])
    assert message == (
        "--first-purchase and --auto-renew existing-user contradict each other: a first purchase is made by "
        "an account that never subscribed; use --auto-renew new-user"
    )
    doc = cli.json(
        ["quote", "Standard", "--first-purchase", "--auto-renew", "new-user", "--start", "2026-11-23"]
    )
    assert (doc["discount"], doc["price"]) == ("auto_renew_new_user", "12.32")


def test_the_readme_quote_example_runs_as_written(cli: Cli) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("$ tokenplan quote "))
    assert "existing-user" not in command or "--first-purchase" not in command
    cli.run(command.removeprefix("$ tokenplan ").split())


@pytest.mark.parametrize("command", ["estimate", "simulate", "check"])
@pytest.mark.parametrize("model", ["mimo-v2.5-tts", "mimo-v2-tts", "mimo-v2.5-tts-voiceclone"])
def test_audio_hours_on_a_tts_model_are_refused(cli: Cli, command: str, model: str) -> None:
    extra = ["--tier", "Lite", "--max-utilization", "90%"] if command == "check" else []
    message = cli.error([command, "--model", model, "--audio-hours", "10", *extra])
    assert message.startswith(
        f"--audio-hours: {model} is a speech synthesis model and charges no audio input"
    )
    assert "speech recognition is mimo-v2.5-asr" in message


def test_audio_hours_with_the_asr_model_or_none_still_price(cli: Cli) -> None:
    for args in (["--audio-hours", "10"], ["--model", "mimo-v2.5-asr", "--audio-hours", "10"]):
        assert cli.json(["estimate", *args, "--as-of", "2026-11-23"])["credits_per_month"] == 300_000_000


# -- the ASR choices docs/interpretations.md writes down -------------------------------------------


def test_asr_is_charged_by_the_second_pro_rata(cli: Cli, write: Write) -> None:
    profile = write(
        "asr.toml", 'schema_version = 1\n[[models]]\nmodel = "mimo-v2.5-asr"\naudio_seconds = 1\n'
    )
    doc = cli.json(["estimate", "--profile", str(profile), "--as-of", "2026-11-23"])
    assert doc["credits_per_month"] == Decimal("8333.33")  # 30M / 3600, not a whole minute or hour


def test_the_offpeak_coefficient_applies_to_asr(cli: Cli) -> None:
    doc = cli.json(["estimate", "--audio-hours", "1", "--offpeak", "100%", "--as-of", "2026-11-23"])
    assert doc["credits_per_month"] == 24_000_000


def test_asr_is_shown_active_before_the_upgrade_that_introduced_it(cli: Cli) -> None:
    doc = cli.json(["rates", "--as-of", "2026-05-01"])
    asr = next(m for m in doc["models"] if m["model"] == "mimo-v2.5-asr")
    assert (asr["status"], asr["credits_per_audio_hour"]) == ("active", 30_000_000)


# -- a history day that straddles the reset (and the V2 forward) is split at that instant ------------

STRADDLING = (
    "date,model,cache_miss\n2026-05-25,mimo-v2-pro,1M\n2026-05-26,mimo-v2-pro,3M\n2026-05-27,mimo-v2-pro,1M\n"
)


def test_a_history_day_straddling_the_reset_is_split_and_each_part_priced_by_its_rules(
    cli: Cli, write: Write
) -> None:
    # 2026-05-26: 16 of its 24 hours (2M tokens) before the reset and the forward, at mimo-v2-pro's legacy
    # 700 credits: left out; 8 hours (1M) after, at mimo-v2.5-pro's 300: counted. Before the fix the
    # whole day counted after the reset, at 700 (2.1B).
    path = write("h.csv", STRADDLING)
    doc = status(cli, "Pro", "2026-05-01", "2026-05-28", "--history", str(path))
    assert doc["counted_from"] == "2026-05-26T16:00:00Z"
    assert doc["credits_used"] == 300_000_000 + 300_000_000
    assert doc["history"] == {"source": str(path), "days": 2, "days_left_out": 1}
    assert [(p["at"], p["credits_left"]) for p in doc["burn_down"]["actual"]] == [
        ("2026-05-26T16:00:00Z", 38_000_000_000),
        ("2026-05-27T00:00:00Z", 37_700_000_000),
        ("2026-05-28T00:00:00Z", 37_400_000_000),
    ]
    assert (
        "history day 2026-05-26 is split at 16:00:00 UTC, where the card's rules change: each part is "
        "spread over its own hours and priced by the rules in force in it; the 1,400,000,000 credits "
        "before 2026-05-26 16:00:00 UTC are left out"
    ) in doc["notes"]


def test_todays_row_is_shared_by_the_hours_up_to_now(cli: Cli, write: Write) -> None:
    # Seen at 12:00 on the day of the forward, a row of that day is 12 hours of use, all before 16:00.
    path = write("h.csv", "date,model,cache_miss\n2026-05-26,mimo-v2-pro,3M\n")
    doc = status(cli, "Pro", "2026-05-01", "2026-05-26T12:00Z", "--history", str(path))
    assert doc["credits_used"] == 3 * 700_000_000
    # Seen at 20:00: 16 of its 20 hours before the reset (left out), 4 after, at the V2.5 rates.
    doc = status(cli, "Pro", "2026-05-01", "2026-05-26T20:00Z", "--history", str(path))
    assert doc["credits_used"] == Decimal("0.6") * 300_000_000
    assert doc["notes"][2].endswith("the 1,680,000,000 credits before 2026-05-26 16:00:00 UTC are left out")


def test_a_dated_row_on_a_straddling_day_belongs_to_its_side(cli: Cli, write: Write) -> None:
    path = write(
        "h.jsonl",
        '{"date": "2026-05-26T15:59:59Z", "model": "mimo-v2-pro", "cache_miss": 1000000}\n'
        '{"date": "2026-05-26T16:00:00Z", "model": "mimo-v2-pro", "cache_miss": 1000000}\n',
    )
    doc = status(cli, "Pro", "2026-05-01", "2026-05-27", "--history", str(path))
    assert doc["credits_used"] == 300_000_000  # the second row only, at the V2.5 rates
    assert doc["notes"][2].endswith("the 700,000,000 credits before 2026-05-26 16:00:00 UTC are left out")
