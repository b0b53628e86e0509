"""`quote`, `upgrade-quote` and `renewal-quote` through the CLI: the JSON documents and every bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import NOW, Cli

NOW_FLAG = ["--now", "2026-11-23T10:00:00Z"]


def test_quote_document(cli: Cli) -> None:
    doc = cli.json(
        ["quote", "Standard", "--first-purchase", "--auto-renew", "new-user", "--start", "2026-01-31T10:00Z", "--tz", "Asia/Shanghai"]
    )  # fmt: skip
    exclusion = (
        "the first purchase discount (12.0 % off) is mutually exclusive with the first auto-renewal "
        "(new user) discount (23.0 % off), which is taken instead"
    )
    assert doc == {
        "schema_version": 1,
        "command": "quote",
        "tier": "Standard",
        "cycle": "monthly",
        "currency": "USD",
        "currency_symbol": "$",
        "list_price": "16.00",
        "discount": "auto_renew_new_user",
        "discount_label": "first auto-renewal (new user)",
        "discount_multiplier": Decimal("0.77"),
        "excluded": [{"name": "first_purchase", "label": "first purchase", "reason": exclusion}],
        "discount_amount": "3.68",
        "price": "12.32",
        "credits": 11_000_000_000,
        "price_per_billion": "1.12",
        "start": "2026-01-31T10:00:00Z",
        "expires_at": "2026-02-28T23:59:59Z",
        "days_total": 28,
        "local": {
            "timezone": "Asia/Shanghai",
            "start": "2026-01-31T18:00:00+08:00",
            "expires_at": "2026-03-01T07:59:59+08:00",
        },
        "reasons": [
            "Standard monthly list price $16.00; $12.32 after the discount",
            "first auto-renewal (new user) discount: 23.0 % off the list price (once per account)",
            exclusion,
        ],
        "notes": [
            "validity counts UTC days: bought on 2026-01-31 (UTC), the plan serves until 23:59:59 UTC on "
            "2026-02-28, that second included",
            "February 2026 has no day 31: the plan expires on the month's last day, 2026-02-28",
        ],
    }


def test_quote_annual_in_cny_takes_no_purchase_discount(cli: Cli) -> None:
    doc = cli.json(
        [
            "quote",
            "lite",
            "--cycle",
            "annual",
            "--currency",
            "cny",
            "--first-purchase",
            "--start",
            "2028-02-29",
        ]
    )
    assert (doc["tier"], doc["price"], doc["list_price"], doc["currency"]) == (
        "Lite",
        "411.84",
        "411.84",
        "CNY",
    )
    assert doc["discount"] is None and doc["discount_multiplier"] is None and doc["discount_amount"] == "0.00"
    assert doc["excluded"][0]["reason"] == "the first purchase discount does not apply to annual plans"
    assert doc["expires_at"] == "2029-02-28T23:59:59Z"
    assert doc["price_per_billion"] == "8.37"  # 411.84 / 49.2


def test_quote_starts_now_by_default(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tokenplan_cli.app.settings.now_utc", lambda: NOW)  # the clock, read only there
    doc = cli.json(["quote", "Pro"])
    assert (doc["start"], doc["expires_at"], doc["price"]) == (
        "2026-11-23T00:00:00Z",
        "2026-12-23T23:59:59Z",
        "50.00",
    )


def test_upgrade_quote_document(cli: Cli) -> None:
    doc = cli.json(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--remaining", "2.9B", *NOW_FLAG])
    assert doc["from"] == {
        "tier": "Lite",
        "cycle": "monthly",
        "credits": 4_100_000_000,
        "list_price": "6.00",
        "paid": "6.00",
        "paid_assumed": True,
        "used": 1_200_000_000,
        "remaining": 2_900_000_000,
        "used_fraction": Decimal("0.292683"),
        "start": None,
        "expires_at": None,
    }
    assert doc["to"] == {"tier": "Pro", "cycle": "monthly", "credits": 38_000_000_000, "list_price": "50.00"}
    assert {k: doc[k] for k in ("remaining_value", "price_difference", "amount_due", "currency")} == {
        "remaining_value": "4.24",
        "price_difference": "45.76",
        "amount_due": "45.76",
        "currency": "USD",
    }
    assert (doc["credits_gained"], doc["compensation_credits"], doc["cost_per_extra_billion"]) == (
        35_100_000_000,
        0,
        "1.30",
    )
    assert (doc["start"], doc["expires_at"]) == ("2026-11-23T10:00:00Z", "2026-12-23T23:59:59Z")
    assert doc["reasons"][1] == "price difference = new price − remaining value = $50.00 − $4.24 = $45.76"


@pytest.mark.parametrize(
    ("args", "value", "difference"),
    [
        pytest.param(["--used", "63%"], "36.63", "292.37", id="standard-pro-used-share"),
        pytest.param(["--remaining", "4.07B"], "36.63", "292.37", id="standard-pro-remaining"),
        pytest.param(["--used", "63%", "--paid", "69.30"], "25.64", "303.36", id="paid-at-a-discount"),
    ],
)
def test_upgrade_quote_in_cny(cli: Cli, args: list[str], value: str, difference: str) -> None:
    doc = cli.json(
        ["upgrade-quote", "--from", "Standard", "--to", "Pro", "--currency", "CNY", *args, *NOW_FLAG]
    )
    assert (doc["remaining_value"], doc["price_difference"], doc["currency"]) == (value, difference, "CNY")


def test_upgrade_quote_to_another_cycle_states_the_assumption(cli: Cli) -> None:
    doc = cli.json(
        [
            "upgrade-quote",
            "--from",
            "Standard",
            "--to",
            "Pro",
            "--to-cycle",
            "annual",
            "--used",
            "0",
            *NOW_FLAG,
        ]
    )
    assert doc["to"]["cycle"] == "annual" and doc["price_difference"] == "512.00"  # 528 - 16
    assert doc["notes"][0].startswith(
        "changing cycle on upgrade (monthly to annual) is not described by the provider"
    )
    assert doc["expires_at"] == "2027-11-23T23:59:59Z"


def test_renewal_quote_with_compensation(cli: Cli) -> None:
    doc = cli.json(["renewal-quote", "--from", "Pro", "--to", "Lite", "--used", "10%", *NOW_FLAG])
    assert {k: doc[k] for k in ("remaining_value", "price_difference", "amount_due", "compensation_credits", "credits_after")} == {
        "remaining_value": "45.00",
        "price_difference": "-39.00",
        "amount_due": "0.00",
        "compensation_credits": 26_650_000_000,
        "credits_after": 30_750_000_000,
    }  # fmt: skip
    assert doc["to"] == {
        "tier": "Lite",
        "cycle": "monthly",
        "credits": 4_100_000_000,
        "list_price": "6.00",
        "price": "6.00",
    }
    assert doc["discount"] is None


def test_renewal_quote_of_the_same_plan_with_the_auto_renewal_discount(cli: Cli) -> None:
    doc = cli.json(
        [
            "renewal-quote",
            "--from",
            "Standard",
            "--remaining",
            "20%",
            "--auto-renew",
            "existing-user",
            *NOW_FLAG,
        ]
    )
    assert (doc["to"]["tier"], doc["to"]["price"], doc["discount"]) == (
        "Standard",
        "11.20",
        "auto_renew_existing_user",
    )
    assert (doc["remaining_value"], doc["amount_due"], doc["compensation_credits"]) == ("3.20", "8.00", 0)


def test_human_quotes_are_plain_when_piped(cli: Cli) -> None:
    out = cli.run(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--remaining", "2.9B", *NOW_FLAG]).stdout
    assert "\x1b[" not in out
    assert "Upgrade Lite → Pro: $45.76" in out and "| remaining value   | $4.24" in out
    out = cli.run(["renewal-quote", "--from", "Pro", "--to", "Lite", "--used", "10%", *NOW_FLAG]).stdout
    assert "| compensation credits | 26.6B (26,650,000,000)" in out
    out = cli.run(["quote", "Max", "--cycle", "annual", "--first-purchase", "--start", "2026-11-23"]).stdout
    assert "| discount            | none" in out and "does not apply to annual plans" in out


BAD_INPUT = [
    pytest.param(["quote", "Standrd"], "unknown tier 'Standrd'; did you mean 'Standard'?", id="quote-unknown-tier"),
    pytest.param(["quote"], "missing argument 'tier'", id="quote-no-tier"),
    pytest.param(["quote", "Pro", "--cycle", "weekly"], "unknown cycle 'weekly'", id="quote-bad-cycle"),
    pytest.param(["quote", "Pro", "--currency", "EUR"], "unknown currency 'EUR'", id="quote-bad-currency"),
    pytest.param(["quote", "Pro", "--auto-renew", "old-user"], "--auto-renew: expected new-user or existing-user", id="quote-bad-auto-renew"),
    pytest.param(["quote", "Pro", "--start", "2026-02-30"], "--start: '2026-02-30' is not a valid date (day is out of range for month)", id="quote-date-that-does-not-exist"),
    pytest.param(["quote", "Pro", "--start", "2026-02-29"], "--start: '2026-02-29' is not a valid date", id="quote-feb-29-not-leap"),
    pytest.param(["quote", "Pro", "--tz", "Asia/Shangai"], "unknown time zone 'Asia/Shangai'; did you mean 'Asia/Shanghai'", id="quote-bad-zone"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Prox", "--used", "1B"], "unknown tier 'Prox'; did you mean 'Pro'", id="upgrade-unknown-tier"),
    pytest.param(["upgrade-quote", "--to", "Pro", "--used", "1B"], "missing option '--from'", id="upgrade-no-from"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro"], "give --used or --remaining", id="upgrade-no-usage"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "-1B"], "--used: -1B is negative", id="upgrade-negative"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "5B"], "--used: 5,000,000,000 is more than the plan's 4,100,000,000 credits", id="upgrade-over-quota"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--remaining", "120%"], "--remaining: 120% is outside 0–100 %", id="upgrade-share-over"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1.2B", "--remaining", "3B"], "--used 1,200,000,000 and --remaining 3,000,000,000 disagree", id="upgrade-disagree"),
    pytest.param(["upgrade-quote", "--from", "Pro", "--to", "Lite", "--used", "1B"], "Pro to Lite is a downgrade", id="upgrade-downgrade"),
    pytest.param(["upgrade-quote", "--from", "Pro", "--to", "pro", "--used", "1B"], "Pro is the tier you hold", id="upgrade-same-tier"),
    pytest.param(["upgrade-quote", "--from", "Max", "--to", "Max", "--used", "1B"], "Max is the highest package", id="upgrade-from-max"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1B", "--paid", "7"], "--paid: 7 is more than the list price of Lite monthly ($6.00)", id="upgrade-paid-too-much"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1B", "--paid", "-1"], "--paid: -1 is negative", id="upgrade-paid-negative"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1B", "--to-cycle", "yearly"], "unknown cycle 'yearly'", id="upgrade-bad-to-cycle"),
    pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1B", "--now", "2026-13-01"], "--now: '2026-13-01' is not a valid date", id="upgrade-bad-now"),
    pytest.param(["renewal-quote", "--from", "Pro", "--used", "1B", "--auto-renew", "new-user"], "the new-user discount is for accounts that never subscribed", id="renewal-new-user"),
    pytest.param(["renewal-quote", "--from", "Pro", "--to", "Mx", "--used", "1B"], "unknown tier 'Mx'; did you mean 'Max'", id="renewal-unknown-tier"),
    pytest.param(["renewal-quote", "--from", "Pro", "--used", "39B"], "--used: 39,000,000,000 is more than the plan's", id="renewal-over-quota"),
    pytest.param(["renewal-quote", "--from", "Pro", "--used", "1B", "--remaining", "1B"], "disagree", id="renewal-disagree"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error(args)


def test_bad_input_under_json_prints_the_error_document(cli: Cli) -> None:
    doc = cli.json(["upgrade-quote", "--from", "Max", "--to", "Max", "--used", "1B"], code=2)
    assert doc["error"]["code"] == 2 and doc["error"]["message"].startswith("Max is the highest package")
