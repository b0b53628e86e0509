"""The Cline reader: classic tasks in two storages, SDK sessions, forks and resumed tasks, each request once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from readerkit import (
    FIXTURES,
    SECRET,
    Row,
    check_bad_document,
    dedupe,
    read_all,
    row,
    rows_of,
    skipped,
    task_file,
    totals,
)

from tokenplan_cli.readers.logs import Skips, cline

HOME = FIXTURES / "cline" / "home"
DATA = HOME / ".cline" / "data"
VSCODE = HOME / ".config" / "Code" / "User" / "globalStorage" / "saoudrizwan.claude-dev"
CURSOR = HOME / ".config" / "Cursor" / "User" / "globalStorage" / "saoudrizwan.claude-dev"
TASK_A = (
    DATA / "tasks" / "1772466000000" / "ui_messages.json"
)  # also, one request shorter, in VS Code's storage
TASK_B = DATA / "tasks" / "1772470000000" / "ui_messages.json"
SESSION = DATA / "sessions" / "1772480000000_ab12c" / "1772480000000_ab12c.messages.json"
TEAMMATE = SESSION.with_name("1772480000000_ab12c__teammate-1.messages.json")
FORK = DATA / "sessions" / "1772481000000_ef56g" / "1772481000000_ef56g.messages.json"
RESUMED = DATA / "sessions" / "1772490000000_hi78j" / "1772490000000_hi78j.messages.json"

# Anthropic's handler: tokensIn without the cache. The third request is only in the later copy.
TASK_A_ROWS = [
    Row("2026-03-02T15:40:01.000Z", "mimo-v2.5-pro", 0, 12, 18200, 480, 0),
    Row("2026-03-02T15:40:10.000Z", "mimo-v2.5-pro", 18200, 3, 950, 215, 0),
    Row("2026-03-02T16:00:00.000Z", "mimo-v2.5-pro", 19150, 5, 300, 90, 0),
]
# "OpenAI Compatible": tokensIn holds the cache reads. A placeholder that never got usage counts nothing;
# the requests a checkpoint restore deleted (summed), a sub-agent batch and a cancelled request count.
TASK_B_ROWS = [
    Row("2026-03-02T16:46:41.000Z", "mimo-v2.5", 16384, 20480 - 16384, 0, 610, 0),
    Row("2026-03-02T16:48:20.000Z", "mimo-v2.5", 32768, 40960 - 32768, 0, 1200, 0),
    Row("2026-03-02T16:50:00.000Z", "mimo-v2.5", 4000, 9000 - 4000, 0, 700, 0),
    Row("2026-03-02T16:51:40.000Z", "mimo-v2.5", 0, 2048, 0, 33, 0),
]
TASK_C_ROWS = [Row("2025-10-09T08:53:21.000Z", "unknown", 0, 1500, 0, 300, 0)]  # before modelInfo existed
# SDK metrics: inputTokens holds both cache counts.
SESSION_ROWS = [
    Row("2026-03-02T19:33:29.000Z", "mimo-v2.5-pro", 24576, 30000 - 24576 - 2048, 2048, 820, 0),
    Row("2026-03-02T19:33:40.000Z", "mimo-v2.5-pro", 30720, 33000 - 30720, 0, 150, 0),
]
TEAMMATE_ROWS = [Row("2026-03-02T19:33:32.000Z", "mimo-v2.5", 0, 8000, 0, 256, 0)]
FORK_ROW = Row("2026-03-02T19:50:05.000Z", "mimo-v2.5-pro", 33792, 36000 - 33792, 0, 400, 0)
RESUMED_ROW = Row("2026-03-02T22:20:10.000Z", "mimo-v2.5-pro", 19400, 21000 - 19400 - 500, 500, 120, 0)
ALL_ROWS = [*TASK_A_ROWS, *TASK_B_ROWS, *TASK_C_ROWS, *SESSION_ROWS, *TEAMMATE_ROWS, FORK_ROW, RESUMED_ROW]


def test_a_classic_task_counts_each_request() -> None:
    assert rows_of(cline, TASK_A) == TASK_A_ROWS


def test_an_openai_compatible_input_holds_the_cache_reads() -> None:
    assert rows_of(cline, TASK_B) == TASK_B_ROWS


def test_an_sdk_session_counts_each_model_call_that_carries_metrics() -> None:
    assert rows_of(cline, SESSION) == SESSION_ROWS
    assert rows_of(cline, TEAMMATE) == TEAMMATE_ROWS


def test_a_forked_session_repeats_its_parent_counted_once() -> None:
    records, _ = read_all(cline, SESSION, FORK)
    assert len(records) == 5
    assert [row(record) for record in dedupe(records)] == [*SESSION_ROWS, FORK_ROW]


def test_a_resumed_classic_task_is_not_counted_again() -> None:
    """Resuming stamps the classic task's total on a copied message before the warning: not counted."""
    assert rows_of(cline, RESUMED) == [RESUMED_ROW]


def test_every_storage_on_a_machine_counts_each_request_once() -> None:
    records, skips = read_all(cline, DATA, VSCODE, CURSOR)
    assert not skips
    assert len(records) == 17  # task A twice (2 of its requests), the fork's copies of the session's two
    kept = dedupe(records)
    assert sorted(row(record) for record in kept) == sorted(ALL_ROWS)
    assert totals(kept) == {
        "cache_hit": 0 + 18200 + 19150 + 16384 + 32768 + 4000 + 24576 + 30720 + 33792 + 19400,
        "cache_miss": 12 + 3 + 5 + 4096 + 8192 + 5000 + 2048 + 1500 + 3376 + 2280 + 8000 + 2208 + 1100,
        "cache_write": 18200 + 950 + 300 + 2048 + 500,
        "output": 480 + 215 + 90 + 610 + 1200 + 700 + 33 + 300 + 820 + 150 + 256 + 400 + 120,
        "reasoning": 0,
    }


def test_default_roots_follow_clines_environment(tmp_path: Path) -> None:
    storage = cline.EXTENSION
    roots = cline.default_roots({}, tmp_path)
    assert roots[0] == tmp_path / ".cline" / "data"
    assert tmp_path / ".config" / "Code" / "User" / "globalStorage" / storage in roots
    assert tmp_path / ".config" / "Cursor" / "User" / "globalStorage" / storage in roots
    assert cline.default_roots({"CLINE_DIR": "/opt/cline"}, tmp_path)[0] == Path("/opt/cline/data")
    env = {
        "CLINE_DIR": "/opt/cline",
        "CLINE_DATA_DIR": "/srv/data",
        "CLINE_SESSION_DATA_DIR": "/srv/sessions",
    }
    assert cline.default_roots(env, tmp_path)[:2] == [Path("/srv/data"), Path("/srv/sessions")]


def test_a_folder_named_is_a_storage_a_tasks_folder_or_atask_file(tmp_path: Path) -> None:
    skips = Skips()
    assert list(cline.find_files(DATA / "tasks", skips)) == [TASK_A, TASK_B]
    assert list(cline.find_files(TASK_A.parent, skips)) == [TASK_A]
    assert list(cline.find_files(SESSION.parent, skips)) == [SESSION, TEAMMATE]
    assert not skips


MESSAGE = {
    "ts": 1772466001000,
    "type": "say",
    "say": "api_req_started",
    "modelInfo": {"modelId": "mimo-v2.5-pro"},
}
INFO = {"request": SECRET, "tokensIn": 12, "tokensOut": 480, "cacheWrites": 0, "cacheReads": 0}
GOOD = {**MESSAGE, "text": json.dumps(INFO)}
GOOD_ROW = Row("2026-03-02T15:40:01.000Z", "mimo-v2.5-pro", 0, 12, 0, 480, 0)


@pytest.mark.parametrize(
    ("data", "reason", "line", "rows"),
    [
        pytest.param(task_file(GOOD)[:-9] + SECRET.encode(), "malformed JSON", 1, [], id="malformed-file"),
        pytest.param(
            task_file(GOOD, GOOD).replace(b"sk-", b"\xff", 1), "not UTF-8", 1, [GOOD_ROW], id="not-utf8"
        ),
        pytest.param(json.dumps({"messages": [GOOD]}).encode(), "not a JSON array", 1, [], id="not-an-array"),
        pytest.param(
            task_file(["api_req_started", SECRET], GOOD), "not a JSON object", 1, [GOOD_ROW], id="element"
        ),
        pytest.param(
            task_file({**MESSAGE, "text": [SECRET]}, GOOD), "bad text field", 1, [GOOD_ROW], id="text-type"
        ),
        pytest.param(
            task_file({**MESSAGE, "text": '{"request": "' + SECRET}, GOOD),
            "malformed JSON",
            1,
            [GOOD_ROW],
            id="text-cut",
        ),
        pytest.param(
            task_file(GOOD, {**MESSAGE, "text": json.dumps({**INFO, "tokensIn": 1.5})}),
            "bad token count",
            2,
            [GOOD_ROW],
            id="fractional-count",
        ),
        pytest.param(
            task_file({**GOOD, "ts": "2026-03-02"}, GOOD),
            "no timestamp",
            1,
            [GOOD_ROW],
            id="timestamp-not-a-number",
        ),
        pytest.param(
            task_file(GOOD, {**MESSAGE, "text": json.dumps({"request": SECRET, "cost": 0.25})}),
            "cost without token counts",
            2,
            [GOOD_ROW],
            id="cost-alone",
        ),
    ],
)
def test_a_task_file_fault_is_skipped_with_its_position(
    data: bytes, reason: str, line: int, rows: list[Row], tmp_path: Path
) -> None:
    assert (
        check_bad_document(cline, tmp_path / "tasks" / "1" / "ui_messages.json", data, reason, line) == rows
    )


GOOD_CALL = {"id": "m1", "role": "assistant", "ts": 1772480009000, "content": [{"type": "text", "text": SECRET}],
             "metrics": {"inputTokens": 100, "outputTokens": 7, "cacheReadTokens": 0, "cacheWriteTokens": 0}}  # fmt: skip
GOOD_CALL_ROW = Row("2026-03-02T19:33:29.000Z", "unknown", 0, 100, 0, 7, 0)


def _session(*messages: object) -> bytes:
    return json.dumps({"version": 1, "sessionId": "s", "messages": list(messages)}).encode()


@pytest.mark.parametrize(
    ("data", "reason", "line", "rows"),
    [
        pytest.param(_session(GOOD_CALL)[:-5], "malformed JSON", 1, [], id="malformed-file"),
        pytest.param(json.dumps([GOOD_CALL]).encode(), "not a session file", 1, [], id="not-a-session"),
        pytest.param(
            _session({**GOOD_CALL, "metrics": [SECRET]}, GOOD_CALL),
            "bad metrics field",
            1,
            [GOOD_CALL_ROW],
            id="m",
        ),
        pytest.param(
            _session(GOOD_CALL, {**GOOD_CALL, "ts": None}),
            "no timestamp",
            2,
            [GOOD_CALL_ROW],
            id="no-timestamp",
        ),
        pytest.param(
            _session(GOOD_CALL, {**GOOD_CALL, "metrics": {"cost": 0.5}}),
            "cost without token counts",
            2,
            [GOOD_CALL_ROW],
            id="cost-alone",
        ),
    ],
)
def test_a_session_file_fault_is_skipped_with_its_position(
    data: bytes, reason: str, line: int, rows: list[Row], tmp_path: Path
) -> None:
    path = tmp_path / "sessions" / "s" / "s.messages.json"
    assert check_bad_document(cline, path, data, reason, line) == rows


def test_a_file_too_large_to_be_a_task_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenplan_cli.readers.logs import vscode_tasks

    monkeypatch.setattr(vscode_tasks, "MAX_FILE_BYTES", 64)
    monkeypatch.setattr(cline, "MAX_FILE_BYTES", 64)
    for path in (tmp_path / "ui_messages.json", tmp_path / "s.messages.json"):
        path.write_bytes(task_file(GOOD))
        skips = Skips()
        assert list(cline.read_file(path, skips)) == []
        assert skipped(skips) == [(path.name, 1, ("file too large",))]


def test_reading_a_task_costs_about_its_size_whatever_the_cap(tmp_path: Path) -> None:
    """`read(n)` allocates n bytes first: asking for the 512 MB cap would cost that much per file."""
    import tracemalloc

    path = tmp_path / "ui_messages.json"
    path.write_bytes(task_file(GOOD))
    tracemalloc.start()
    try:
        assert rows_of(cline, path) == [GOOD_ROW]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
