"""The Gemini CLI reader: one request per message id, its last copy, and every bad input survived."""

from __future__ import annotations

import shutil
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

from tokenplan_cli.readers.logs import Skips, gemini

ROOT = FIXTURES / "gemini" / "tmp"
PROJECT = ROOT / "9b1d3e5f7a9c1e3d5f7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3f5b7d9f1a"
CHAT = PROJECT / "chats" / "session-2026-03-02T15-54-3f2a9c1e.jsonl"
# The chat: message 1 appended three times (no tokens yet, tokens, tool calls), message 2 straddling
# 16:00 UTC with a tool-use prompt, message 3 after it, then rewound (its tokens were still spent).
# A `$set` line repeating every message adds nothing.
CHAT_ROWS = [
    Row("2026-03-02T15:55:09.904Z", "gemini-2.5-pro", 6144, 2066, 0, 412, 903),
    Row("2026-03-02T15:59:59.870Z", "gemini-2.5-pro", 12288, 3032 + 96, 0, 208, 1544),
    Row("2026-03-02T16:00:04.512Z", "gemini-2.5-flash", 15360, 1644, 0, 655, 0),
]
SUBAGENT_ROW = Row("2026-03-02T16:01:12.345Z", "gemini-2.5-flash", 0, 5120, 0, 317, 410)


def test_each_message_counts_once_with_its_final_tokens() -> None:
    assert rows_of(gemini, CHAT) == CHAT_ROWS


def test_the_prompt_holds_the_cache_and_thoughts_are_apart() -> None:
    """Each message's `total` is recovered exactly: prompt + output + thoughts + tool."""
    records = list(gemini.read_file(CHAT, Skips()))
    assert [r.tokens for r in records] == [9525, 17168, 17659]
    assert totals(records) == {
        "cache_hit": 33792,
        "cache_miss": 6838,
        "cache_write": 0,
        "output": 1275,
        "reasoning": 2447,
    }


def test_a_subagent_chat_is_found_under_its_parent() -> None:
    records, skips = read_all(gemini, ROOT)
    assert not skips
    assert sorted(row(record) for record in records) == sorted([*CHAT_ROWS, SUBAGENT_ROW])


def test_the_last_copy_of_a_message_wins_within_a_file(tmp_path: Path) -> None:
    first = b'{"id":"m1","timestamp":"2026-03-02T15:00:00Z","type":"gemini","model":"gemini-2.5-pro",'
    path = tmp_path / "chats" / "session-x.jsonl"
    path.parent.mkdir()
    path.write_bytes(
        first
        + b'"tokens":{"input":100,"output":10,"cached":0,"thoughts":0,"tool":0,"total":110}}\n'
        + first
        + b'"tokens":{"input":100,"output":40,"cached":0,"thoughts":5,"tool":0,"total":145}}\n'
    )
    records = list(gemini.read_file(path, Skips()))
    assert [(r.output, r.reasoning) for r in records] == [(40, 5)]


def test_the_same_chat_in_two_files_counts_once(tmp_path: Path) -> None:
    """A copied or migrated chat keeps its message ids: the scanner keeps one record per id."""
    shutil.copytree(ROOT, tmp_path / "tmp")
    shutil.copy(CHAT, tmp_path / "tmp" / CHAT.relative_to(ROOT).parent / "copy.jsonl")
    records, _ = read_all(gemini, tmp_path / "tmp")
    assert len(records) == 7
    assert sorted(row(record) for record in dedupe(records)) == sorted([*CHAT_ROWS, SUBAGENT_ROW])


def test_a_prompt_count_without_the_cache_is_recognised_by_its_total(tmp_path: Path) -> None:
    path = tmp_path / "chats" / "s.jsonl"
    path.parent.mkdir()
    path.write_bytes(
        b'{"id":"m1","timestamp":"2026-03-02T15:00:00Z","type":"gemini","model":"gemini-2.5-pro",'
        b'"tokens":{"input":300,"output":10,"cached":700,"thoughts":0,"tool":0,"total":1010}}\n'
    )
    (record,) = gemini.read_file(path, Skips())
    assert (record.cache_hit, record.cache_miss) == (700, 300)


def test_default_roots_follow_gemini_cli_home(tmp_path: Path) -> None:
    assert gemini.default_roots({}, tmp_path) == [tmp_path / ".gemini" / "tmp"]
    other = tmp_path / "profile"
    assert gemini.default_roots({"GEMINI_CLI_HOME": str(other)}, tmp_path) == [other / ".gemini" / "tmp"]


GOOD_LINE = (
    b'{"id":"6f1c0a2b","timestamp":"2026-03-02T15:55:09.904Z","type":"gemini","content":"<text>",'
    b'"tokens":{"input":8210,"output":412,"cached":6144,"thoughts":903,"tool":0,"total":9525},"model":"gemini-2.5-pro"}'
)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(GOOD_LINE.replace(b'"id":"6f1c0a2b",', b""), "no message id", id="no-id"),
        pytest.param(
            GOOD_LINE.replace(b'"timestamp":"2026-03-02T15:55:09.904Z",', b""), "no timestamp", id="no-time"
        ),
        pytest.param(GOOD_LINE.replace(b"8210", b"-"), "malformed JSON", id="not-a-number"),
        pytest.param(GOOD_LINE.replace(b"8210", b"82.5"), "bad token count", id="fractional-count"),
        pytest.param(
            GOOD_LINE.replace(b'"tokens":{', b'"tokens":[{').replace(b"9525}", b"9525}]"),
            "bad tokens field",
            id="tokens-not-object",
        ),
    ],
)
def test_a_message_without_what_it_needs_is_skipped(line: bytes, reason: str, tmp_path: Path) -> None:
    check_bad_record(gemini, tmp_path / "chats" / "s.jsonl", line, reason)


# -- legacy chats: one JSON document per chat ------------------------------------------------------
# Gemini CLI wrote `chats/session-<time>-<id>.json` from 2025-08-18 (google-gemini/gemini-cli #5221) to
# 2026-04-09 (#23749, JSON lines): `JSON.stringify(conversation, null, 2)` of
# `{sessionId, projectHash, startTime, lastUpdated, messages, summary?}`. Resuming one migrates it to
# `<name>.jsonl` beside it, messages and ids kept; a chat never resumed stays in the old form.

LEGACY = FIXTURES / "gemini-legacy" / "tmp"
LEGACY_CHATS = next(LEGACY.iterdir()) / "chats"
MIGRATED = LEGACY_CHATS / "session-2025-11-14T09-12-5d6e7f80.json"
UNRESUMED = LEGACY_CHATS / "session-2026-02-20T18-40-0a1b2c3d.json"
MIGRATED_ROWS = [
    Row("2025-11-14T09:12:51.804Z", "gemini-2.5-pro", 4096, 5024, 0, 388, 712),
    Row("2025-11-14T09:14:05.660Z", "gemini-2.5-pro", 8192, 6144 + 64, 0, 151, 388),
]
RESUMED_ROW = Row("2026-05-02T14:20:11.450Z", "gemini-2.5-flash", 12288, 4224, 0, 240, 530)
UNRESUMED_ROW = Row("2026-02-20T18:41:17.320Z", "gemini-2.5-flash", 0, 3301, 0, 95, 0)


def test_a_legacy_chat_is_read() -> None:
    """Its `gemini` messages with tokens count; a user or info message, or one whose tokens are null
    (a reply cut off before its usage came), does not."""
    assert rows_of(gemini, MIGRATED) == MIGRATED_ROWS
    assert rows_of(gemini, UNRESUMED) == [UNRESUMED_ROW]


def test_a_legacy_chat_and_its_json_lines_successor_count_each_message_once() -> None:
    records, skips = read_all(gemini, LEGACY)
    assert not skips
    assert len(records) == 2 + 3 + 1  # the legacy file, its successor (two migrated, one new), the other
    unique = sorted(dedupe(records), key=lambda record: record.timestamp)
    assert [row(record) for record in unique] == [*MIGRATED_ROWS, UNRESUMED_ROW, RESUMED_ROW]


def test_legacy_chats_are_found_beside_json_lines_ones(tmp_path: Path) -> None:
    shutil.copytree(LEGACY, tmp_path / "tmp")
    (tmp_path / "tmp" / LEGACY_CHATS.parent.name / "logs.json").write_text("[]")
    names = [path.name for path in gemini.find_files(tmp_path / "tmp", Skips())]
    assert names == [MIGRATED.name, MIGRATED.name + "l", UNRESUMED.name]


@pytest.mark.parametrize(
    ("document", "skipped"),
    [
        pytest.param(b'{"sessionId": "s", "messages": [{"tokens": {', [(1, "malformed JSON")], id="malformed"),
        pytest.param(b'[{"tokens": {"input": 5}}]', [(1, "not a JSON object")], id="not-an-object"),
        pytest.param(b'{"sessionId": "s", "messages": {"tokens": {}}}', [(1, "bad messages field")], id="bad-messages"),
        pytest.param(b'{"sessionId": "s", "messages": [7, {"type": "gemini", "timestamp": "2026-01-01T00:00:00Z", '
                     b'"tokens": {"input": 5, "output": 1, "cached": 0, "total": 6}}]}',
                     [(1, "not a JSON object"), (1, "no message id")], id="bad-messages-inside"),
        pytest.param(b'{"sessionId": "s\xff", "messages": [{"tokens": null}]}', [(1, "not UTF-8")], id="not-utf8"),
    ],
)  # fmt: skip
def test_an_unreadable_legacy_chat_is_skipped_and_counted(
    document: bytes, skipped: list[tuple[int, str]], tmp_path: Path
) -> None:
    path = tmp_path / "chats" / "session-2026-01-01T00-00-bad.json"
    path.parent.mkdir()
    path.write_bytes(document)
    skips = Skips()
    assert list(gemini.read_file(path, skips)) == []
    (found,) = skips.by_file()
    assert (found.count, list(found.lines), list(found.reasons)) == (
        len(skipped),
        [line for line, _ in skipped],
        list(dict.fromkeys(reason for _, reason in skipped)),
    )


def test_a_legacy_chat_too_large_to_be_a_chat_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gemini, "MAX_LEGACY_CHAT_BYTES", 64)
    path = tmp_path / "chats" / "session-big.json"
    path.parent.mkdir()
    shutil.copy(UNRESUMED, path)
    skips = Skips()
    assert list(gemini.read_file(path, skips)) == []
    assert [(f.lines, f.reasons) for f in skips.by_file()] == [((0,), ("file too large",))]
