"""Usage profiles: what a good one means, and a table of bad ones with the error each must give."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pytest

from tokenplan_cli.core.credits import compute_credits
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.readers.profile import load_profile
from tokenplan_cli.readers.tomlfields import FileError

GOOD = """
schema_version = 1
per = "day"
active_days = 20
timezone = "Asia/Shanghai"
# use only 00:00-08:00 Shanghai time = 16:00-24:00 UTC: everything off-peak
hours = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]

[[models]]
model = "mimo-v2.5-pro"
cache_miss = "1M"

[[models]]
model = "mimo-v2.5-asr"
audio_hours = 0.5
"""


def test_a_good_profile_is_read_exactly(
    write: Callable[[str, str], Path], card: RateCard, now: datetime
) -> None:
    profile = load_profile(write("usage.toml", GOOD), card, now)
    assert profile.offpeak_share == 1
    assert profile.period.to_month(30) == 20
    monthly = compute_credits(profile.usage.scaled(20), card, now)
    # 20 days x (1M x 300 + 1800 s x 30M/3600) x 0.8 off-peak
    assert monthly.total == 20 * (300_000_000 + 15_000_000) * Fraction(4, 5)
    assert monthly.offpeak == monthly.total


def test_exact_offpeak_parts_override_the_share(
    write: Callable[[str, str], Path], card: RateCard, now: datetime
) -> None:
    text = """
schema_version = 1
period_days = 31
offpeak_share = "50%"
[[models]]
model = "mimo-v2.5"
output = 1000
offpeak = { output = 250 }
"""
    profile = load_profile(write("u.toml", text), card, now)
    credits = compute_credits(profile.usage, card, now)
    assert credits.total == 750 * 200 + 250 * 200 * Fraction(4, 5)
    assert profile.period.to_month(30) == Fraction(30, 31)


def test_days_are_read_for_the_simulation(
    write: Callable[[str, str], Path], card: RateCard, now: datetime
) -> None:
    text = """
schema_version = 1
period_days = 2
[[models]]
model = "mimo-v2.5"
output = 30
[[days]]
date = 2026-10-01
[[days.models]]
model = "mimo-v2.5"
output = 10
[[days]]
date = 2026-10-02
[[days.models]]
model = "mimo-v2.5"
output = 20
offpeak = { output = 5 }
"""
    profile = load_profile(write("u.toml", text), card, now)
    assert [str(d.day) for d in profile.days] == ["2026-10-01", "2026-10-02"]
    assert compute_credits(profile.days[1].usage, card, now).total == 15 * 200 + 5 * 200 * Fraction(4, 5)


HEADER = 'schema_version = 1\n[[models]]\nmodel = "mimo-v2.5"\noutput = 10\n'
BAD_PROFILES = [
    pytest.param("[[models]]\nmodel = 'mimo-v2.5'\n", "missing key 'schema_version'", id="no-version"),
    pytest.param("schema_version = 2\n", "this tokenplan reads version 1", id="wrong-version"),
    pytest.param("schema_version = 1\n", "missing key 'models'", id="no-models"),
    pytest.param('schema_version = 1\n[[models]]\nmodel = "mimo-v2.5"\n', "no usage", id="all-zero"),
    pytest.param('schema_version = 1\n[[models]]\nmodel = "mimo-v25"\noutput = 1\n', "models[0].model: unknown model 'mimo-v25'; did you mean 'mimo-v2.5'", id="unknown-model"),
    pytest.param('schema_version = 1\n[[models]]\nmodel = "mimo-v2.5"\noutput = -1\n', "models[0].output: -1 is negative", id="negative"),
    pytest.param('schema_version = 1\n[[models]]\nmodel = "mimo-v2.5"\noutput = "lots"\n', "models[0].output: 'lots' is not a number", id="not-a-number"),
    pytest.param('schema_version = 1\n[[models]]\nmodel = "mimo-v2.5"\noutput = "9e20"\n', "more than the limit", id="absurd"),
    pytest.param('schema_version = 1\n[[models]]\nmodel = "mimo-v2.5"\nouptut = 1\n', "models[0].ouptut: unknown key; did you mean 'output'?", id="typo"),
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\nhours = [1, 2]\n"), "expected 24 weights", id="hours-length"),
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\nhours = [" + "0, " * 23 + "0]\n"), "every weight is zero", id="hours-zero"),
    pytest.param(HEADER.replace("schema_version = 1\n", 'schema_version = 1\nhours = [' + "1, " * 23 + '1]\noffpeak_share = "10%"\n'), "either hours or offpeak_share", id="hours-and-share"),
    pytest.param(HEADER.replace("schema_version = 1\n", 'schema_version = 1\noffpeak_share = "130%"\n'), "offpeak_share: 130% is outside 0–100 %", id="share-out-of-range"),
    pytest.param(HEADER.replace("schema_version = 1\n", 'schema_version = 1\nper = "fortnight"\n'), "per: expected one of day, week, month", id="bad-per"),
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\nactive_days = 5\n"), 'active days only apply to amounts per "day"', id="active-days-per-month"),
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\nperiod_days = 0\n"), "period_days: must be greater than zero", id="zero-period"),
    pytest.param(HEADER.replace("schema_version = 1\n", 'schema_version = 1\ntimezone = "Asia/Shangai"\nhours = [' + "1, " * 23 + "1]\n"), "unknown time zone 'Asia/Shangai'; did you mean 'Asia/Shanghai'", id="bad-zone"),
    pytest.param(HEADER + "offpeak = { output = 20 }\n", "offpeak.output: the off-peak part (20) exceeds the total (10)", id="offpeak-part-too-big"),
    pytest.param(HEADER + "[[days]]\ndate = 'yesterday'\n", "days[0].date: expected a date", id="bad-day"),
    pytest.param(HEADER + 'audio_hours = 1\n', "charged by tokens, not audio duration", id="audio-on-llm"),
    # Found by fuzzing (issue 10): each hung or ended in an internal error.
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\nhours = [" + "1, " * 23 + "1e999999999]\n"), "hours: 1E+999999999 is absurdly large or small", id="hours-huge-exponent"),
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\nhours = [" + "1, " * 23 + "1e-999999999]\n"), "hours: 1E-999999999 is absurdly large or small", id="hours-tiny-exponent"),
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\nperiod_days = 1e-999999999\n"), "period_days: 1E-999999999 is absurdly large or small", id="period-tiny-exponent"),
    pytest.param(HEADER.replace("schema_version = 1\n", 'schema_version = 1\noffpeak_share = "1e-999999999%"\n'), "offpeak_share: '1e-999999999%' is absurdly large or small", id="share-tiny-exponent"),
    pytest.param(HEADER + "cache_miss = { x = 1 }\n", "models[0].cache_miss: expected a number, got a table", id="amount-a-table"),
    pytest.param(HEADER + "cache_miss = 2026-01-01\n", "models[0].cache_miss: expected a number, got a date (2026-01-01)", id="amount-a-date"),
    pytest.param(HEADER + "cache_miss = [1]\n", "models[0].cache_miss: expected a number, got an array", id="amount-an-array"),
    pytest.param(HEADER.replace("schema_version = 1\n", "schema_version = 1\noffpeak_share = { x = 1 }\n"), "offpeak_share: expected a number, got a table", id="share-a-table"),
    pytest.param(HEADER.replace("schema_version = 1\n", 'schema_version = 1\nper = "day"\nactive_days = 999999999999\n'), "active_days: must be at most 30", id="active-days-over-a-month"),
    pytest.param(HEADER.replace("schema_version = 1\n", 'schema_version = 1\ntimezone = "America"\nhours = [' + "1, " * 23 + "1]\n"), "timezone: unknown time zone 'America': America is a region", id="zone-a-folder"),
    pytest.param(HEADER + "[[days]]\ndate = 9999-12-31\n", "days[0].date: 9999-12-31 is outside years 0002-9997", id="day-at-the-calendar-end"),
    pytest.param("schema_version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n", "TOML nested too deeply to be a usage profile", id="nested-arrays"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_PROFILES)
def test_bad_profiles(
    write: Callable[[str, str], Path], card: RateCard, now: datetime, text: str, message: str
) -> None:
    path = write("usage.toml", text)
    with pytest.raises(Exception) as caught:
        from tokenplan_cli.core.credits import compute_credits

        profile = load_profile(path, card, now)
        compute_credits(profile.usage, card, now)
    assert message in str(caught.value)
    if isinstance(caught.value, FileError):
        assert str(caught.value).startswith(f"{path}: ")


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path, card: RateCard, now: datetime) -> None:
    fifo = tmp_path / "usage.toml"
    os.mkfifo(fifo)
    with pytest.raises(FileError, match="not a regular file"):
        load_profile(fifo, card, now)
