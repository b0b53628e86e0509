"""The Codex CLI reader: cumulative counters turned into requests, exactly, and every bad input survived."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from readerkit import (
    FIXTURES,
    Row,
    check_bad_record,
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
    assert len(records) == 5 + 5 + 1  # archived copy, parent, the fork's own request (its replay is not)
    unique = sorted(dedupe(records), key=lambda record: record.timestamp)
    assert [row(record) for record in unique] == [*PARENT_ROWS, FORK_OWN]


def test_a_fork_read_without_its_parent_counts_its_own_request_only() -> None:
    """The three requests the fork copied were spent (and dated) in the parent, which is not read."""
    fork = next((ROOT / "sessions" / "2026" / "03" / "03").iterdir())
    assert rows_of(codex, fork) == [FORK_OWN]


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


# -- running totals that go back -----------------------------------------------------------------
# The cases and their numbers are tokscale's (crates/tokscale-core/src/sessions/codex.rs tests, from
# Codex logs of March 2026); the lines are Codex's `token_count` events as codex-rs writes them.


def event(second: int, total: tuple[int, ...] | None, last: tuple[int, ...] | None = None) -> str:
    """A `token_count` line: counts are (input, cached, output, reasoning), as `TokenUsage` has them."""

    def usage(counts: tuple[int, ...]) -> dict[str, int]:
        keys = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens")
        return {**dict(zip(keys, counts, strict=True)), "total_tokens": counts[0] + counts[2]}

    info = {} if total is None else {"total_token_usage": usage(total)}
    if last is not None:
        info["last_token_usage"] = usage(last)
    payload = {"type": "token_count", "info": info, "rate_limits": None}
    stamp = f"2026-01-01T00:00:{second:02d}Z"
    return json.dumps({"timestamp": stamp, "type": "event_msg", "payload": payload})


CONTEXT = '{"timestamp":"2026-01-01T00:00:00Z","type":"turn_context","payload":{"model":"gpt-5.2"}}'


def spent(tmp_path: Path, *lines: str) -> list[tuple[int, int, int, int]]:
    """What each request counted: (input with its cache, cached, output with its reasoning, reasoning)."""
    path = tmp_path / "rollout-2026-01-01T00-00-00-0199c0de-0000-7000-8000-000000000001.jsonl"
    path.write_text("\n".join((CONTEXT, *lines)) + "\n")
    skips = Skips()
    records = list(codex.read_file(path, skips))
    assert not skips, skips.by_file()
    return [
        (r.cache_hit + r.cache_miss + r.cache_write, r.cache_hit, r.output + r.reasoning, r.reasoning)
        for r in records
    ]


def test_a_stale_snapshot_counts_nothing_and_the_mark_holds(tmp_path: Path) -> None:
    """A total that goes back by about one request, then on from the true mark: each token once, so the
    requests add up to the last total (the third line used to count its `last_token_usage`, and the
    fourth its advance over the stale total, 19 input tokens counted twice)."""
    requests = spent(
        tmp_path,
        event(1, (100, 20, 30, 5), (100, 20, 30, 5)),
        event(2, (110, 22, 33, 6), (10, 2, 3, 1)),
        event(3, (109, 21, 32, 6), (9, 1, 2, 0)),
        event(4, (119, 23, 35, 6), (10, 2, 3, 0)),
    )
    assert requests == [(100, 20, 30, 5), (10, 2, 3, 1), (9, 1, 2, 0)]
    assert tuple(map(sum, zip(*requests, strict=True))) == (119, 23, 35, 6)


def test_an_all_zero_snapshot_adds_nothing_and_the_total_goes_on(tmp_path: Path) -> None:
    requests = spent(
        tmp_path,
        event(1, (500, 50, 80, 10), (500, 50, 80, 10)),
        event(2, (0, 0, 0, 0), (0, 0, 0, 0)),
        event(3, (510, 52, 83, 11), (10, 2, 3, 1)),
    )
    assert requests == [(500, 50, 80, 10), (10, 2, 3, 1)]


def test_after_an_all_zero_snapshot_the_counters_may_start_again(tmp_path: Path) -> None:
    """`TokenUsageInfo::fill_to_context_window` (codex-rs protocol.rs) zeroes the running total when a
    request overflows the context window; the next request then starts it again from zero."""
    requests = spent(
        tmp_path,
        event(1, (500, 50, 80, 10), (500, 50, 80, 10)),
        event(2, (0, 0, 0, 0), (0, 0, 0, 0)),
        event(3, (12, 2, 3, 1), (12, 2, 3, 1)),
        event(4, (30, 4, 9, 2), (18, 2, 6, 1)),
    )
    assert requests == [(500, 50, 80, 10), (12, 2, 3, 1), (18, 2, 6, 1)]


def test_a_regressed_total_without_last_usage_is_not_counted_again(tmp_path: Path) -> None:
    """Without `last_token_usage` the reader used to count a regressed total whole (95 tokens again)."""
    requests = spent(
        tmp_path,
        event(1, (100, 20, 30, 5)),
        event(2, (95, 19, 28, 5)),
        event(3, (120, 24, 36, 6)),
    )
    assert requests == [(100, 20, 30, 5), (20, 4, 6, 1)]


def test_a_large_drop_without_last_usage_is_a_new_process(tmp_path: Path) -> None:
    requests = spent(
        tmp_path,
        event(1, (10_000, 1_000, 400, 50)),
        event(2, (300, 0, 20, 0)),
        event(3, (500, 100, 30, 5)),
    )
    assert requests == [(10_000, 1_000, 400, 50), (300, 0, 20, 0), (200, 100, 10, 5)]


def test_the_first_snapshot_of_a_resumed_session_counts_its_own_request(tmp_path: Path) -> None:
    """A file whose first total carries history spent elsewhere counts the request, not the history."""
    requests = spent(
        tmp_path,
        event(1, (5_000, 500, 800, 100), (12, 2, 5, 1)),
        event(2, (5_012, 502, 805, 101), (12, 2, 5, 1)),
    )
    assert requests == [(12, 2, 5, 1), (12, 2, 5, 1)]


# -- forks, sub-agents and forks of forks --------------------------------------------------------
# tests/fixtures/logs/codex-lineage: a parent session (three requests), a sub-agent forked from it by a
# newer Codex (which replays the parent's session_meta and events with their original timestamps:
# codex-rs core/src/agent/control/spawn.rs), a fork of that sub-agent by an older Codex (the whole
# history copied at once under the fork's own time) and a sub-agent started without history.

LINEAGE = FIXTURES / "codex-lineage" / "sessions"
PARENT_OWN = [
    Row("2026-04-07T10:01:10.500Z", "gpt-5.1-codex", 6144, 1856, 0, 172, 128),
    Row("2026-04-07T10:04:02.250Z", "gpt-5.1-codex", 7936, 1064, 0, 164, 256),
    Row("2026-04-07T10:09:45.125Z", "gpt-5.1-codex", 8704, 1096, 0, 318, 192),
]
SUBAGENT_OWN = [
    Row("2026-04-07T10:04:41.800Z", "mimo-v2.5-pro", 16896, 604, 0, 252, 128),
    Row("2026-04-07T10:05:20.400Z", "mimo-v2.5-pro", 17408, 792, 0, 384, 256),
]
FRESH_OWN = [Row("2026-04-07T10:07:09.900Z", "mimo-v2.5-pro", 0, 4100, 0, 196, 64)]
FORK_OF_FORK_OWN = [Row("2026-04-08T09:02:31.700Z", "mimo-v2.5-pro", 18432, 568, 0, 380, 320)]


def lineage_file(session: str) -> Path:
    return next(LINEAGE.rglob(f"*{session}.jsonl"))


@pytest.mark.parametrize(
    ("session", "own"),
    [
        pytest.param("0b01", PARENT_OWN, id="parent"),
        pytest.param("d5e2", SUBAGENT_OWN, id="forked-subagent"),
        pytest.param("b5c4", FRESH_OWN, id="fresh-subagent"),
        pytest.param("8e93", FORK_OF_FORK_OWN, id="fork-of-a-fork"),
    ],
)
def test_each_rollout_alone_counts_its_own_turns(session: str, own: list[Row]) -> None:
    """Read without the rollouts it came from, a child counts its own turns, not the history it copied
    (the sub-agent used to count the parent's two requests again, the fork of it all four before it)."""
    assert rows_of(codex, lineage_file(session)) == own


def test_a_lineage_read_together_counts_each_request_once() -> None:
    records, skips = read_all(codex, LINEAGE)
    assert not skips
    unique = sorted(dedupe(records), key=lambda record: record.timestamp)
    assert [row(record) for record in unique] == sorted(
        [*PARENT_OWN, *SUBAGENT_OWN, *FRESH_OWN, *FORK_OF_FORK_OWN], key=lambda r: r.timestamp
    )


def test_a_parent_without_session_meta_still_counts_once_beside_its_child(tmp_path: Path) -> None:
    """The parent's first line is gone (a copy cut short, or history taken out of a rollout): it is
    matched by what it holds, not by its file name, and its child adds only its own turns."""
    parent = lineage_file("0b01").read_text().splitlines(keepends=True)
    (tmp_path / "parent-history.jsonl").write_text("".join(parent[1:]))
    shutil.copy(lineage_file("d5e2"), tmp_path)
    records, skips = read_all(codex, tmp_path / "parent-history.jsonl", *tmp_path.glob("rollout-*"))
    assert not skips
    unique = sorted(dedupe(records), key=lambda record: record.timestamp)
    assert [row(record) for record in unique] == [*PARENT_OWN[:2], *SUBAGENT_OWN, PARENT_OWN[2]]


def test_a_file_named_on_the_command_line_is_read_whatever_its_name(tmp_path: Path) -> None:
    """A renamed copy is read, and counts once beside the original: the session comes from the file's
    session_meta, never from its name."""
    copy = tmp_path / "usage-backup.json"
    shutil.copy(PARENT_FILE, copy)
    assert rows_of(codex, copy) == PARENT_ROWS
    records, _ = read_all(codex, copy, PARENT_FILE)
    assert len(dedupe(records)) == len(PARENT_ROWS)


# -- saved `codex exec --json` output ------------------------------------------------------------

EXEC = FIXTURES / "codex-exec" / "exec-output.jsonl"


def test_saved_exec_output_is_read_turn_by_turn() -> None:
    """`turn.completed.usage` is the thread's running total (codex-rs exec
    event_processor_with_jsonl_output.rs: `usage_from_last_total`): a resumed thread's second run adds
    its advance only, and a run without a start time is dated by the file."""
    records = list(codex.read_file(EXEC, Skips()))
    modified = datetime.fromtimestamp(EXEC.stat().st_mtime_ns // 10**9, UTC)
    assert [
        (r.timestamp.replace(microsecond=0), r.model, r.cache_hit, r.cache_miss, r.output) for r in records
    ] == [
        (datetime(2026, 4, 9, 7, 30, 0, tzinfo=UTC), "unknown", 24448, 315, 122),
        (datetime(2026, 4, 9, 8, 15, 2, tzinfo=UTC), "unknown", 25472, 965, 288),
        (modified, "unknown", 3072, 1088, 75),
    ]
    assert not any(r.preferred for r in records)


def test_exec_output_beside_the_rollout_of_its_thread_counts_the_rollout(tmp_path: Path) -> None:
    """Codex also writes the run's rollout; the rollout's requests win over the turn total they sum to."""
    rollout = tmp_path / "rollout-2026-04-09T07-30-00-019a5c01-7d3e-7a21-b6c4-0e1f2a3b4c5d.jsonl"
    rollout.write_text(
        '{"timestamp":"2026-04-09T07:30:00.120Z","type":"session_meta","payload":'
        '{"id":"019a5c01-7d3e-7a21-b6c4-0e1f2a3b4c5d","source":"exec"}}\n'
        + event(5, (12000, 11904, 40, 0), (12000, 11904, 40, 0)).replace("00:00:05", "07:30:05")
        + "\n"
        + event(9, (24763, 24448, 122, 0), (12763, 12544, 82, 0)).replace("00:00:09", "07:30:09")
        + "\n"
    )
    records, _ = read_all(codex, EXEC, rollout)
    unique = dedupe(records)
    assert sorted(r.cache_hit + r.cache_miss for r in unique) == sorted([12000, 12763, 26437, 4160])
