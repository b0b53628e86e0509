"""The Roo Code and Kilo Code readers: tokensIn before and after Roo 3.30, models from the history, copies."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
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
    task_file,
    totals,
)

from tokenplan_cli.readers.logs import editor_storage, kilo_code, roo_code

HOME = FIXTURES / "roo" / "home"
STORAGE = HOME / ".config" / "Code" / "User" / "globalStorage" / roo_code.EXTENSION
WINDSURF = HOME / ".config" / "Windsurf" / "User" / "globalStorage" / roo_code.EXTENSION
CLI = HOME / ".vscode-mock" / "global-storage"  # Roo's CLI: the same task, copied
TASK = STORAGE / "tasks" / "0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b" / "ui_messages.json"
OLD_TASK = WINDSURF / "tasks" / "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9" / "ui_messages.json"

# Since Roo 3.30 tokensIn holds the cache reads and writes; the third request ran on an OpenAI-style
# profile with another model, named by its own turn in the history. The condensing request between
# them recorded a cost and no tokens: skipped and counted.
TASK_ROWS = [
    Row("2026-03-02T15:41:40.000Z", "mimo-v2.5-pro", 0, 18210 - 18200, 18200, 512, 0),
    Row("2026-03-02T15:43:20.000Z", "mimo-v2.5-pro", 18200, 19410 - 18200 - 1200, 1200, 300, 0),
    Row("2026-03-02T15:46:40.000Z", "mimo-v2.5", 4096, 5000 - 4096, 0, 100, 0),
]
# Before 3.30, an Anthropic-style tokensIn left the cache out, however large it was.
OLD_ROWS = [
    Row("2025-09-15T09:53:21.000Z", "claude-sonnet-4-20250514", 21000, 7, 900, 400, 0),
    Row("2025-09-15T09:54:20.000Z", "claude-sonnet-4-20250514", 2000, 30000, 1000, 250, 0),
]


def test_each_request_of_a_task_with_its_model() -> None:
    records, skips = read_all(roo_code, TASK)
    assert [row(record) for record in records] == TASK_ROWS
    assert [(entry.count, entry.lines, entry.reasons) for entry in skips.by_file()] == [
        (1, (5,), ("cost without token counts",))
    ]


def test_before_roo_330_an_anthropic_input_left_the_cache_out() -> None:
    assert rows_of(roo_code, OLD_TASK) == OLD_ROWS


def test_a_task_in_two_storages_counts_once() -> None:
    records, _ = read_all(roo_code, *[root for root in roo_code.default_roots({}, HOME) if root.exists()])
    assert len(records) == 8
    kept = dedupe(records)
    assert sorted(row(record) for record in kept) == sorted([*TASK_ROWS, *OLD_ROWS])
    assert totals(kept) == {
        "cache_hit": 18200 + 4096 + 21000 + 2000,
        "cache_miss": 10 + 10 + 904 + 7 + 30000,
        "cache_write": 18200 + 1200 + 900 + 1000,
        "output": 512 + 300 + 100 + 400 + 250,
        "reasoning": 0,
    }


def test_a_task_without_its_history_books_its_requests_as_unknown(tmp_path: Path) -> None:
    shutil.copy(TASK, tmp_path / "ui_messages.json")
    assert {record.model for record in read_all(roo_code, tmp_path / "ui_messages.json")[0]} == {"unknown"}


@pytest.mark.parametrize(
    ("protocol", "when", "whole"),
    [
        pytest.param("openai", datetime(2025, 9, 1, tzinfo=UTC), True, id="openai-before"),
        pytest.param("azure/openai", datetime(2026, 1, 1, tzinfo=UTC), True, id="openai-through-a-reseller"),
        pytest.param("anthropic", datetime(2025, 10, 30, 23, 59, tzinfo=UTC), False, id="anthropic-before"),
        pytest.param("anthropic", roo_code.WHOLE_INPUT_FROM, True, id="anthropic-since"),
        pytest.param(None, datetime(2025, 6, 1, tzinfo=UTC), False, id="no-protocol-before"),
    ],
)
def test_when_tokens_in_holds_the_cache(protocol: str | None, when: datetime, whole: bool) -> None:
    assert roo_code.input_includes_cache(protocol, when) is whole


MESSAGE = {"ts": 1772466100000, "type": "say", "say": "api_req_started"}
INFO = {"request": SECRET, "apiProtocol": "openai", "tokensIn": 900, "tokensOut": 40, "cacheReads": 800}
GOOD = {**MESSAGE, "text": json.dumps(INFO)}
GOOD_ROW = Row("2026-03-02T15:41:40.000Z", "unknown", 800, 100, 0, 40, 0)


@pytest.mark.parametrize(
    ("data", "reason", "line", "rows"),
    [
        pytest.param(task_file(GOOD)[:-3], "malformed JSON", 1, [], id="malformed-file"),
        pytest.param(task_file(GOOD, {**GOOD, "text": 5}), "bad text field", 2, [GOOD_ROW], id="text-type"),
        pytest.param(
            task_file({**GOOD, "text": json.dumps([SECRET])}, GOOD),
            "not a JSON object",
            1,
            [GOOD_ROW],
            id="text-list",
        ),
        pytest.param(
            task_file(
                GOOD, {**MESSAGE, "ts": 1772466200000, "text": json.dumps({**INFO, "tokensOut": "40"})}
            ),
            "bad token count",
            2,
            [GOOD_ROW],
            id="count-as-text",
        ),
        pytest.param(
            task_file({**GOOD, "ts": True}, GOOD), "bad timestamp", 1, [GOOD_ROW], id="timestamp-not-a-number"
        ),
        pytest.param(
            task_file(
                {
                    "ts": 1,
                    "type": "say",
                    "say": "condense_context",
                    "contextCondense": {"cost": 1, "summary": SECRET},
                }
            ),
            "cost without token counts",
            1,
            [],
            id="condensing",
        ),
    ],
)
def test_a_task_file_fault_is_skipped_with_its_position(
    data: bytes, reason: str, line: int, rows: list[Row], tmp_path: Path
) -> None:
    assert (
        check_bad_document(roo_code, tmp_path / "tasks" / "t" / "ui_messages.json", data, reason, line)
        == rows
    )


def test_a_history_that_cannot_be_read_names_no_model(tmp_path: Path) -> None:
    task = tmp_path / "ui_messages.json"
    task.write_bytes(task_file(GOOD))
    (tmp_path / "api_conversation_history.json").write_bytes(
        b'[{"role": "user", "ts": 1, "content": "<model>x'
    )
    assert rows_of(roo_code, task) == [GOOD_ROW]


# -- Kilo Code: Roo's format, under its own extension id ------------------------------------------

KILO_HOME = FIXTURES / "kilo" / "home"
KILO_STORAGE = KILO_HOME / ".config" / "VSCodium" / "User" / "globalStorage" / kilo_code.EXTENSION


def test_kilo_code_reads_roos_format_and_skips_a_request_whose_usage_was_missing() -> None:
    roots = [root for root in kilo_code.default_roots({}, KILO_HOME) if root.exists()]
    assert roots == [KILO_STORAGE]
    records, skips = read_all(kilo_code, *roots)
    assert [(record.tool, row(record)) for record in records] == [
        ("kilo-code", Row("2026-03-02T17:03:21.000Z", "mimo-v2.5", 9000, 12000 - 9000, 0, 800, 0))
    ]
    assert [(entry.count, entry.lines, entry.reasons) for entry in skips.by_file()] == [
        (1, (3,), ("cost without token counts",))
    ]


def test_kilo_and_roo_keys_never_meet() -> None:
    """A task id and instant could repeat across the two extensions; their requests are distinct."""
    (roo,) = read_all(roo_code, KILO_STORAGE)[0]
    (kilo,) = read_all(kilo_code, KILO_STORAGE)[0]
    assert roo.dedupe_key != kilo.dedupe_key


# -- where the editors keep an extension's storage ------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        pytest.param("linux", {}, "{home}/.config/Cursor/User/globalStorage/x.y", id="linux"),
        pytest.param(
            "linux", {"XDG_CONFIG_HOME": "/cfg"}, "/cfg/VSCodium/User/globalStorage/x.y", id="linux-xdg"
        ),
        pytest.param(
            "darwin", {}, "{home}/Library/Application Support/Code/User/globalStorage/x.y", id="macos"
        ),
        pytest.param(
            "win32", {"APPDATA": "/w/Roaming"}, "/w/Roaming/Windsurf/User/globalStorage/x.y", id="windows"
        ),
        pytest.param(
            "win32", {}, "{home}/AppData/Roaming/Code/User/globalStorage/x.y", id="windows-no-appdata"
        ),
        pytest.param("linux", {}, "{home}/.vscode-server/data/User/globalStorage/x.y", id="remote-server"),
        pytest.param("darwin", {}, "{home}/.cursor-server/data/User/globalStorage/x.y", id="cursor-server"),
    ],
)
def test_global_storage_roots(platform: str, env: dict[str, str], expected: str, tmp_path: Path) -> None:
    roots = editor_storage.global_storage_roots(env, tmp_path, "x.y", platform)
    assert Path(expected.format(home=tmp_path)) in roots


def test_a_windows_machine_has_no_server_folders(tmp_path: Path) -> None:
    roots = editor_storage.global_storage_roots({}, tmp_path, "x.y", "win32")
    assert all("server" not in str(root) for root in roots)
