"""The Codex CLI reader: cumulative counters turned into requests, exactly, and every bad input survived."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from readerkit import (
    FIXTURES,
    BadLine,
    Row,
    bad_lines,
    check_bad_line,
    check_bad_record,
    check_empty_and_missing,
    check_unreadable_file,
    dedupe,
    read_all,
    row,
    rows_of,
    totals,
)

from tokenplan_cli.readers.logs import Skips, codex

ROOT = FIXTURES / "codex"
PARENT = "rollout-2026-03-02T15-40-12-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl"
PARENT_FILE = ROOT / "sessions" / "2026" / "03" / "02" / PARENT
# The parent session: five requests, two re-emitted totals dropped, a model change at 16:00 UTC, and a
# running total that starts again (a new process at 16:20) whose first request is `last_token_usage`.
PARENT_ROWS = [
    Row("2026-03-02T15:41:07.512Z", "gpt-5.1-codex", 9216, 3184, 0, 228, 384),
    Row("2026-03-02T15:59:58.104Z", "gpt-5.1-codex", 17920, 1530, 0, 366, 512),
    Row("2026-03-02T16:00:03.377Z", "mimo-v2.5-pro", 17920, 2440, 0, 427, 384),
    Row("2026-03-02T16:20:11.020Z", "mimo-v2.5-pro", 4480, 10500, 0, 274, 128),
    Row("2026-03-02T16:21:40.900Z", "mimo-v2.5-pro", 14464, 1628, 2048, 439, 192),
]
# The fork replays the parent's first three requests (under its own timestamps), then makes one.
FORK_OWN = Row("2026-03-03T09:14:30.250Z", "mimo-v2.5-pro", 16384, 1616, 0, 343, 256)


def test_the_advance_of_the_running_total_is_each_request() -> None:
    assert rows_of(codex, PARENT_FILE) == PARENT_ROWS


def test_input_holds_the_cache_and_output_the_reasoning() -> None:
    """The requests add up to the two runs' last running totals (52,210 in and 2,301 out before the
    restart, 33,120 in and 1,033 out after it): nothing counted twice, nothing lost."""
    records = list(codex.read_file(PARENT_FILE, Skips()))
    assert totals(records) == {
        "cache_hit": 64_000,
        "cache_miss": 19_282,
        "cache_write": 2_048,
        "output": 1_734,
        "reasoning": 1_600,
    }
    assert sum(r.cache_hit + r.cache_miss + r.cache_write for r in records) == 52_210 + 33_120
    assert sum(r.output + r.reasoning for r in records) == 2_301 + 1_033


def test_a_fork_and_an_archived_copy_count_once() -> None:
    records, skips = read_all(codex, ROOT)
    assert not skips
    assert len(records) == 5 + 5 + 4  # archived copy, parent, fork (three replayed + its own)
    unique = sorted(dedupe(records), key=lambda record: record.timestamp)
    assert [row(record) for record in unique] == [*PARENT_ROWS, FORK_OWN]


def test_the_files_found_are_the_rollouts_only(tmp_path: Path) -> None:
    shutil.copytree(ROOT, tmp_path / "codex")
    (tmp_path / "codex" / "sessions" / "history.jsonl").write_text("{}\n")
    found = list(codex.find_files(tmp_path / "codex", Skips()))
    fork = "rollout-2026-03-03T09-12-00-0199b7c8-d9e0-7f1a-9b2c-3d4e5f6a7b8c.jsonl"
    assert [path.name for path in found] == [PARENT, PARENT, fork]


def test_default_roots_follow_codex_home(tmp_path: Path) -> None:
    assert codex.default_roots({}, tmp_path) == [
        tmp_path / ".codex" / "sessions",
        tmp_path / ".codex" / "archived_sessions",
    ]
    home = tmp_path / "elsewhere"
    assert codex.default_roots({"CODEX_HOME": str(home)}, tmp_path) == [
        home / "sessions",
        home / "archived_sessions",
    ]


GOOD_LINE = (
    b'{"timestamp":"2026-03-02T15:41:07.512Z","type":"event_msg","payload":{"type":"token_count","info":'
    b'{"total_token_usage":{"input_tokens":12400,"cached_input_tokens":9216,"output_tokens":612,'
    b'"reasoning_output_tokens":384,"total_tokens":13012}}}}'
)


@pytest.mark.parametrize("case", bad_lines(GOOD_LINE).items(), ids=lambda case: case[0])
def test_an_unreadable_line_is_skipped_with_its_number(case: tuple[str, BadLine], tmp_path: Path) -> None:
    check_bad_line(codex, tmp_path, "rollout-bad.jsonl", GOOD_LINE, case[1])


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(
            GOOD_LINE.replace(b'"2026-03-02T15:41:07.512Z"', b"null"), "no timestamp", id="no-timestamp"
        ),
        pytest.param(GOOD_LINE.replace(b"15:41:07.512Z", b"yesterday"), "bad timestamp", id="bad-timestamp"),
        pytest.param(GOOD_LINE.replace(b"12400", b'"12400"'), "bad token count", id="count-as-text"),
        pytest.param(
            GOOD_LINE.replace(b"total_token_usage", b"other_usage"), "no running total", id="no-total"
        ),
    ],
)
def test_a_token_count_without_what_it_needs_is_skipped(line: bytes, reason: str, tmp_path: Path) -> None:
    check_bad_record(codex, tmp_path / "rollout-x.jsonl", line, reason)


def test_an_unreadable_file_is_reported_not_raised(tmp_path: Path) -> None:
    check_unreadable_file(codex, tmp_path / "rollout-dir.jsonl")


def test_an_empty_folder_has_nothing_and_a_missing_one_is_reported(tmp_path: Path) -> None:
    check_empty_and_missing(codex, tmp_path)
