"""The rate card reader: the built-in card, a round trip through export, and a table of bad cards."""

from __future__ import annotations

import os
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
import tomli_w

import tokenplan_cli
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.readers.ratecard import builtin_card_path, load_rate_card, parse_rate_card
from tokenplan_cli.readers.tomlfields import FileError
from tokenplan_cli.writers.ratecard import card_to_toml

BUILTIN = builtin_card_path().read_text(encoding="utf-8")


def test_builtin_card_is_inside_the_installed_package() -> None:
    # An installed tokenplan finds its card from any directory: it ships inside the package. (An editable
    # install of a checkout reads the top-level rates.toml instead; CI installs non-editable.)
    package = Path(tokenplan_cli.__file__).parent
    if (package.parent / "pyproject.toml").is_file():
        pytest.skip("running from a source checkout (editable install)")
    assert builtin_card_path() == package / "rates.toml"


def test_builtin_card_has_every_seed_model_and_tier(card: RateCard) -> None:
    assert list(card.models) == [
        "mimo-v2.5-pro", "mimo-v2.5", "mimo-v2.5-asr", "mimo-v2.5-tts", "mimo-v2.5-tts-voiceclone",
        "mimo-v2.5-tts-voicedesign", "mimo-v2-pro", "mimo-v2-omni", "mimo-v2-tts",
    ]  # fmt: skip
    assert [t.name for t in card.tiers] == ["Lite", "Standard", "Pro", "Max"]
    assert {d: str(card.discounts[d].multiplier) for d in card.discounts} == {
        "first_purchase": "22/25",
        "auto_renew_new_user": "77/100",
        "auto_renew_existing_user": "7/10",
    }
    assert card.offpeak.label() == "16:00–24:00 UTC" and card.offpeak.coefficient == Decimal("0.8")
    assert card.reminders.usage_thresholds == (Decimal("0.5"), Decimal("0.9"), 1)
    assert card.reminders.expiry_days_before == (2, 0)


def test_export_round_trips_to_an_equal_card(card: RateCard) -> None:
    exported = tomli_w.dumps(card_to_toml(card))
    again = parse_rate_card(tomllib.loads(exported, parse_float=Decimal), card.source)
    assert again == card


def card_with(old: str, new: str) -> str:
    assert old in BUILTIN, old
    return BUILTIN.replace(old, new, 1)


BAD_CARDS = [
    pytest.param(card_with("schema_version = 1", "schema_version = 1\nschema_version = 2"), "TOML syntax error", id="toml-syntax"),
    pytest.param(card_with("schema_version = 1", "schema_version = 7"), "schema_version: this tokenplan reads version 1", id="schema-version"),
    pytest.param(card_with('unmapped_model = "mimo-v2.5-pro"', 'unmapped_model = "mimo-v2.5-por"'), "defaults.unmapped_model: 'mimo-v2.5-por' is not a language model of the card; did you mean 'mimo-v2.5-pro'", id="unmapped-model-typo"),
    pytest.param(card_with('unmapped_model = "mimo-v2.5-pro"', 'unmapped_model = "mimo-v2.5-asr"'), "defaults.unmapped_model: 'mimo-v2.5-asr' is not a language model", id="unmapped-model-asr"),
    pytest.param(card_with('forward = { to = "mimo-v2.5-pro"', 'forward = { to = "mimo-v9"'), 'models.mimo-v2-pro.forward.to: unknown model', id="forward-unknown"),
    pytest.param(card_with("rates = { cache_hit = 2.5, cache_miss = 300", "rates = { cache_hit = -2.5, cache_miss = 300"), 'models."mimo-v2.5-pro".rates.cache_hit: must not be negative', id="negative-rate"),
    pytest.param(card_with("monthly = { credits = 4_100_000_000, ", "monthly = { "), "tiers.Lite.monthly.credits: missing", id="tier-without-credits"),
    pytest.param(card_with("price = { USD = 6, CNY = 39 }", 'price = { USD = "six", CNY = 39 }'), "tiers.Lite.monthly.price.USD: expected a number, got a string ('six')", id="price-not-number"),
    pytest.param(card_with("monthly = { credits = 4_100_000_000,", "monthly = { credits = 0,"), "must be greater than zero", id="zero-credits"),
    pytest.param(card_with("coefficient = 0.8", "coefficient = 1.2"), "offpeak.coefficient: must be at most 1", id="offpeak-dearer"),
    pytest.param(card_with('start = "16:00"', 'start = "25:00"'), "offpeak.start: expected a time HH:MM", id="offpeak-bad-time"),
    pytest.param(card_with("multiplier = 0.88 ", "multipler = 0.88 "), "missing key 'multiplier' (is 'multipler' a typo of it?)", id="typo-required-key"),
    pytest.param(card_with("once_per_account = true       # [FAQ][SUB] \"available", "once_per_acount = true       # [FAQ][SUB] \"available"), "once_per_acount: unknown key; did you mean 'once_per_account'?", id="typo-optional-key"),
    pytest.param(card_with('kind = "llm"', 'kind = "video"'), "expected one of llm, asr, tts", id="bad-kind"),
    pytest.param(card_with('series = "v2.5"', 'series = "v3"'), "unknown series 'v3'", id="unknown-series"),
    pytest.param(card_with('[defaults]\ncurrency = "USD"', '[defaults]\ncurrency = "EUR"'), "defaults.currency: 'EUR' is not among", id="default-currency"),
    pytest.param(card_with('[compensation]\ncurrency = "USD"', '[compensation]\ncurrency = "EUR"'), "compensation.currency: 'EUR' is not among [currencies] (USD, CNY)", id="compensation-currency"),
    pytest.param(card_with("unit = 1 ", "unit = 0 "), "compensation.unit: must be greater than zero", id="compensation-unit-zero"),
    pytest.param(card_with('[["first_purchase", ', '[["first_purchse", '), "unknown discount 'first_purchse'", id="exclusive-unknown"),
    pytest.param(card_with("usage_thresholds = [0.5, 0.9, 1.0]", "usage_thresholds = [0.9, 0.5]"), "thresholds must rise", id="thresholds-order"),
    pytest.param(card_with('expires_at = "23:59:59"', 'expires_at = "24:00:00"'), "expected a UTC time HH:MM:SS", id="expiry-time"),
    pytest.param(card_with("headroom = 0.10", "headroom = 1.5"), "defaults.headroom: must be below 1", id="headroom"),
    pytest.param(card_with("burn_window_days = 7", "burn_window_days = 0"), "defaults.burn_window_days: must be at least 1, got 0", id="burn-window-zero"),
    pytest.param(card_with("burn_window_days = 7", "burn_window_days = 7.5"), "defaults.burn_window_days: expected a whole number", id="burn-window-fraction"),
    pytest.param(card_with('from = 2026-06-17T16:00:00Z }', 'from = 2026-06-17 }'), "expected a date-time with an offset", id="forward-date-no-time"),
    pytest.param(card_with('to = "mimo-v2.5-tts", from', 'to = "mimo-v2.5", from'), "is a llm model, mimo-v2-tts is tts", id="forward-kind"),
    # Found by fuzzing (issue 10): each hung, left the calendar or ended in an internal error.
    pytest.param(card_with("coefficient = 0.8", "coefficient = 1e-999999999"), "offpeak.coefficient: 1E-999999999 is absurdly large or small", id="coefficient-huge-exponent"),
    pytest.param(card_with("price_factor_vs_monthly = 0.88", "price_factor_vs_monthly = 1e999999999"), "price_factor_vs_monthly: 1E+999999999 is absurdly large", id="factor-huge-exponent"),
    pytest.param(card_with("minor_units = 2 ", "minor_units = 999999999 "), "currencies.USD.minor_units: must be at most 8, got 999999999", id="minor-units-huge"),
    pytest.param(card_with("months = 1 ", "months = 999999999 "), "cycles.monthly.months: must be at most 12", id="months-huge"),
    pytest.param(card_with("nominal_days = 30 ", "nominal_days = 1000000000000000000000000000000 "), "cycles.monthly.nominal_days: must be at most 366", id="nominal-days-huge"),
    pytest.param(card_with("expiry_days_before = [2, 0]", "expiry_days_before = [999999999, 0]"), "reminders.expiry_days_before: expected a list of whole days (0 to 366)", id="reminder-days-huge"),
    pytest.param(card_with("burn_window_days = 7", "burn_window_days = 999999999"), "defaults.burn_window_days: must be at most 366", id="burn-window-huge"),
    pytest.param(card_with("runs = 10_000 ", "runs = 10_000_000 "), "defaults.runs: must be at most 1000000", id="runs-over-the-limit"),
    pytest.param(card_with("seed = 20260612 ", "seed = 99999999999999999999999 "), "defaults.seed: must be at most 18446744073709551615", id="seed-huge"),
    pytest.param(card_with('mutually_exclusive = [["first_purchase", "auto_renew_new_user", "auto_renew_existing_user"]]', "mutually_exclusive = { x = 1 }"), "discount_rules.mutually_exclusive: expected a list of lists of discount names", id="exclusive-table"),
    pytest.param(card_with('mutually_exclusive = [["first_purchase", "auto_renew_new_user", "auto_renew_existing_user"]]', "mutually_exclusive = [[{ a = 1 }]]"), "discount_rules.mutually_exclusive: expected a list of names, got a table in it", id="exclusive-table-in-a-group"),
    pytest.param(card_with('mutually_exclusive = [["first_purchase", "auto_renew_new_user", "auto_renew_existing_user"]]', "mutually_exclusive = [[[1, 2]]]"), "expected a list of names, got an array in it", id="exclusive-array-in-a-group"),
    pytest.param(card_with('mutually_exclusive = [["first_purchase", "auto_renew_new_user", "auto_renew_existing_user"]]', "[[discount_rules.mutually_exclusive]]\nx = 1"), "discount_rules.mutually_exclusive: expected a list of lists", id="exclusive-array-of-tables"),
    pytest.param(card_with('cycles = ["monthly"] ', "cycles = [{ a = 1 }] "), "discounts.first_purchase.cycles: expected a list of names, got a table in it", id="discount-cycles-table"),
    pytest.param(card_with('cycles = ["monthly"] ', 'cycles = "monthly" '), "discounts.first_purchase.cycles: expected a list of names, got a string ('monthly')", id="discount-cycles-string"),
    pytest.param(card_with("at = 2026-05-26T16:00:00Z", "at = 0001-01-01T00:00:00+14:00"), "events[0].at: 0001-01-01T00:00:00+14:00 is outside years 0002-9997", id="event-before-year-1-in-utc"),
    pytest.param(card_with("at = 2026-05-26T16:00:00Z", "at = 9999-12-31T23:59:59-12:00"), "events[0].at: 9999-12-31T23:59:59-12:00 is outside years 0002-9997", id="event-after-9999-in-utc"),
    pytest.param(card_with("discontinued_at = 2026-06-29T16:00:00Z", "discontinued_at = 9999-12-31T00:00:00Z"), "discontinued_at: 9999-12-31T00:00:00+00:00 is outside years 0002-9997", id="series-at-the-end"),
    pytest.param(card_with("schema_version = 1", "schema_version = 1\nx = " + "[" * 5000 + "]" * 5000), "TOML nested too deeply to be a rate card", id="nested-arrays"),
    pytest.param(card_with("schema_version = 1", "schema_version = 1\nx = " + "{ a = " * 5000 + "1" + " }" * 5000), "TOML nested too deeply to be a rate card", id="nested-tables"),
    pytest.param(card_with("schema_version = 1", "schema_version = 1\nx = " + "9" * 5000), "TOML value error: Exceeds the limit (4300 digits)", id="integer-of-5000-digits"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_CARDS)
def test_bad_cards_name_the_file_key_and_fault(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileError) as caught:
        load_rate_card(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_toml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("schema_version = 1\nname = \n", encoding="utf-8")
    with pytest.raises(FileError, match=r"TOML syntax error: .*line 2"):
        load_rate_card(path)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param(lambda p: None, "no such rate card file", id="missing"),
        pytest.param(lambda p: p.mkdir(), "is a directory", id="directory"),
        pytest.param(lambda p: p.write_bytes(b"\xff\xfe = 1"), "not UTF-8", id="not-utf8"),
        # A FIFO would block the read until something wrote to it, which may be never.
        pytest.param(os.mkfifo, r"not a regular file \(a FIFO, device or socket\)", id="fifo"),
    ],
)
def test_unreadable_cards(tmp_path: Path, setup: object, message: str) -> None:
    path = tmp_path / "card.toml"
    setup(path)  # type: ignore[operator]
    with pytest.raises(FileError, match=message):
        load_rate_card(path)


def test_a_card_without_a_burn_window_takes_every_day_of_a_history(tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text(card_with("burn_window_days = 7", ""), encoding="utf-8")
    assert load_rate_card(path).defaults.burn_window_days is None


def test_annual_price_off_by_a_cent_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text(card_with("USD = 63.36,", "USD = 63.37,"), encoding="utf-8")
    warnings = load_rate_card(path).warnings
    assert warnings == ("Lite annual USD: 63.37 is not 12 × monthly × 0.88 = 63.36",)


def test_a_device_is_no_card() -> None:
    with pytest.raises(FileError, match="not a regular file"):
        load_rate_card(Path(os.devnull))


def test_a_card_of_thousands_of_tiers_is_checked_in_linear_time() -> None:
    # Counted in Python function calls, not timed: a check of each tier against every other one
    # (quadratic) makes twice the tiers cost about four times the calls, a linear one about twice.
    document = tomllib.loads(BUILTIN, parse_float=Decimal)
    tier = document["tiers"][0]

    def calls(count: int) -> int:
        many = {**document, "tiers": [{**tier, "name": f"T{i}"} for i in range(count)]}
        made = 0

        def count_call(frame: object, event: str, arg: object) -> None:
            nonlocal made
            made += event == "call"

        sys.setprofile(count_call)
        try:
            parse_rate_card(many, "many.toml")
        finally:
            sys.setprofile(None)
        return made

    assert calls(1200) < 2.2 * calls(600)
