"""The `--history` reader: CSV and JSON lines, priced by the engine at each row's instant, and a table
of bad files, each with the line and fault it must name."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.readers.history import load_history
from tokenplan_cli.readers.tomlfields import FileError

Write = Callable[[str, str], Path]


def by_day(path: Path, card: RateCard) -> dict[str, Fraction]:
    return {d.day.isoformat(): d.credits for d in load_history(path, card).days}


def test_csv_of_tokens_per_model_is_priced_and_added_up_by_day(card: RateCard, write: Write) -> None:
    path = write(
        "history.csv",
        "date,model,cache_hit,cache_miss,output,window\n"
        "2026-11-01,mimo-v2.5-pro,0,10M,0,peak\n"  # the seed's 3000M credits
        "2026-11-01,mimo-v2.5,,,1M,\n"  # 200M; a blank window is peak
        "2026-11-02,mimo-v2.5-pro,0,10M,0,offpeak\n",  # x 0.8
    )
    history = load_history(path, card)
    assert history.rows == 3 and history.source == str(path)
    assert by_day(path, card) == {"2026-11-01": 3_200_000_000, "2026-11-02": 2_400_000_000}


def test_json_lines_of_credits_and_tokens(card: RateCard, write: Write) -> None:
    path = write(
        "history.jsonl",
        '{"date": "2026-11-01", "credits": 1.5e8}\n'
        "\n"
        '{"date": "2026-11-01", "credits": "2.5B"}\n'
        # 01:00 in Shanghai on Nov 3 is 17:00 UTC on Nov 2: the row belongs to Nov 2.
        '{"date": "2026-11-03T01:00:00+08:00", "model": "MiMo-V2.5-ASR", "audio_hours": 1}\n',
    )
    assert by_day(path, card) == {"2026-11-01": 2_650_000_000, "2026-11-02": 30_000_000}


def test_rows_are_priced_by_the_rules_of_their_day(card: RateCard, write: Write) -> None:
    # mimo-v2-pro cost 700 a cache miss before its forward to v2.5-pro (2026-05-26 16:00 UTC), 300 after.
    path = write("h.csv", "date,model,cache_miss\n2026-05-01,mimo-v2-pro,1M\n2026-06-01,mimo-v2-pro,1M\n")
    assert by_day(path, card) == {"2026-05-01": 700_000_000, "2026-06-01": 300_000_000}


def test_a_file_without_a_known_suffix_is_sniffed(card: RateCard, write: Write) -> None:
    assert by_day(write("h.txt", '{"date": "2026-11-01", "credits": 5}\n'), card) == {"2026-11-01": 5}
    assert by_day(write("h.log", "date,credits\n2026-11-01,7\n"), card) == {"2026-11-01": 7}


BAD_FILES = [
    pytest.param("h.csv", "date,credit\n2026-11-01,5\n", "line 2: unknown column 'credit'; did you mean 'credits'?", id="unknown-column"),
    pytest.param("h.csv", "day,credits\n2026-11-01,5\n", "line 2: unknown column 'day'", id="no-date-column"),
    pytest.param("h.csv", "credits\n5\n", "line 2: no date", id="no-date"),
    pytest.param("h.csv", "date,credits\n2026-02-30,5\n", "line 2: date: '2026-02-30' is not a valid date (day is out of range for month)", id="date-that-does-not-exist"),
    pytest.param("h.csv", "date,credits\nyesterday,5\n", "line 2: date: 'yesterday' is not a valid date", id="not-a-date"),
    pytest.param("h.csv", "date,credits,model\n2026-11-01,5,mimo-v2.5\n", "line 2: give credits, or a model with tokens, not both", id="credits-and-model"),
    pytest.param("h.csv", "date,output\n2026-11-01,5\n", "line 2: no credits, and no model for tokens", id="tokens-without-model"),
    pytest.param("h.csv", "date,model,output\n2026-11-01,mimo-v25-pro,5\n", "line 2: unknown model 'mimo-v25-pro'; did you mean 'mimo-v2.5-pro'", id="unknown-model"),
    pytest.param("h.csv", "date,credits\n2026-11-01,5\n2026-11-02,-5\n", "line 3: credits: -5 is negative", id="negative"),
    pytest.param("h.csv", "date,credits\n2026-11-01,lots\n", "line 2: credits: 'lots' is not a number", id="not-a-number"),
    pytest.param("h.csv", "date,model,output,window\n2026-11-01,mimo-v2.5,5,night\n", "line 2: window: expected peak or offpeak, got 'night'", id="bad-window"),
    pytest.param("h.csv", "date,model,output\n2026-11-01,mimo-v2.5-asr,5\n", "line 2: mimo-v2.5-asr is charged by audio duration, not tokens", id="tokens-on-asr"),
    pytest.param("h.csv", "date,credits\n2026-11-01,5,6\n", "line 2: more cells than the header has columns", id="extra-cells"),
    pytest.param("h.csv", "date,credits\n", "no rows", id="header-only"),
    pytest.param("h.csv", "", "no rows", id="empty"),
    pytest.param("h.jsonl", '{"date": "2026-11-01", "credits": 5}\n{"date": \n', "line 2: not a JSON object", id="malformed-json"),
    pytest.param("h.jsonl", "[1, 2]\n", "line 1: not a JSON object", id="json-array"),
    pytest.param("h.jsonl", '{"date": "2026-11-01", "credits": true}\n', "line 1: credits: expected a number, got true", id="json-boolean"),
    pytest.param("h.jsonl", '{"date": "2026-11-01", "credits": 1e99999999}\n', "line 1: credits: 1E+99999999 is absurdly large or small", id="json-absurd-exponent"),
    # Found by fuzzing (issue 10): each ended in an internal error.
    pytest.param("h.csv", "date,credits\n0001-01-01T00:00+14:00,5\n", "line 2: date: '0001-01-01T00:00+14:00' is outside years 0002-9997", id="before-year-1-in-utc"),
    pytest.param("h.csv", "date,credits\n9999-12-31T23:59:59-12:00,5\n", "line 2: date: '9999-12-31T23:59:59-12:00' is outside years 0002-9997", id="after-9999-in-utc"),
    pytest.param("h.csv", "date,model,audio_hours\n2026-11-02,mimo-v2.5-asr,1e-999999999\n", "line 2: audio_hours: '1e-999999999' is absurdly large or small", id="audio-tiny-exponent"),
    pytest.param("h.jsonl", '{"date": "2026-11-01", "credits": 5, "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "line 1: JSON nested too deeply to be a row", id="json-nested-100000-deep"),
    pytest.param("h.jsonl", '{"date": {"a": 1}, "credits": 5}\n', 'line 1: date: expected a string, got {"a": 1}', id="json-date-an-object"),
    pytest.param("h.jsonl", '{"date": 2026.5, "credits": 5}\n', "line 1: date: expected a string, got 2026.5", id="json-date-a-number"),
    pytest.param("h.jsonl", '{"date": "2026-11-01", "model": ["x"], "output": 5}\n', 'line 1: model: expected a string, got ["x"]', id="json-model-an-array"),
    pytest.param("h.jsonl", '{"date": "2026-11-01", "model": "mimo-v2.5", "window": 1, "output": 5}\n', "line 1: window: expected a string, got 1", id="json-window-a-number"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "message"), BAD_FILES)
def test_bad_histories_name_the_file_line_and_fault(
    card: RateCard, write: Write, name: str, text: str, message: str
) -> None:
    path = write(name, text)
    with pytest.raises(FileError) as caught:
        load_history(path, card)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_unreadable_histories(card: RateCard, tmp_path: Path) -> None:
    with pytest.raises(FileError, match="no such history file"):
        load_history(tmp_path / "missing.csv", card)
    with pytest.raises(FileError, match="is a directory"):
        load_history(tmp_path, card)
    binary = tmp_path / "h.csv"
    binary.write_bytes(b"date,credits\n2026-11-01,\xff\n")
    with pytest.raises(FileError, match="not UTF-8"):
        load_history(binary, card)
    fifo = tmp_path / "fifo.csv"  # would block the read until something wrote to it
    os.mkfifo(fifo)
    with pytest.raises(FileError, match="not a regular file"):
        load_history(fifo, card)
    with pytest.raises(FileError, match="not a regular file"):
        load_history(Path(os.devnull), card)


def test_history_days_come_out_in_order(card: RateCard, write: Write) -> None:
    path = write("h.csv", "date,credits\n2026-11-03,1\n2026-11-01,2\n2026-11-03,3\n")
    assert [(d.day, d.credits) for d in load_history(path, card).days] == [
        (date(2026, 11, 1), 2),
        (date(2026, 11, 3), 4),
    ]


def test_a_day_the_rules_change_in_is_cut_at_the_change(card: RateCard, write: Write) -> None:
    # mimo-v2-pro is forwarded (and the usage reset falls) at 2026-05-26 16:00 UTC: 16 hours at 700 a
    # cache miss, 8 at 300; a dated row belongs to its side. Other days stay whole.
    path = write(
        "h.jsonl",
        '{"date": "2026-05-26", "model": "mimo-v2-pro", "cache_miss": 3000000}\n'
        '{"date": "2026-05-26T18:00:00Z", "model": "mimo-v2-pro", "cache_miss": 1000000}\n'
        '{"date": "2026-05-27", "credits": 5}\n',
    )
    parts = [
        (d.day.isoformat(), d.credits, d.starts.hour, d.ends.hour, d.is_part)
        for d in load_history(path, card).days
    ]
    assert parts == [
        ("2026-05-26", 1_400_000_000, 0, 16, True),
        ("2026-05-26", 300_000_000 + 300_000_000, 16, 0, True),  # 1M of the day, and the dated 1M
        ("2026-05-27", 5, 0, 0, False),
    ]
