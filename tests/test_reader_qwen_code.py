"""The Qwen Code reader: one request per assistant record, each provider's counts in Gemini's shape."""

from __future__ import annotations

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

from tokenplan_cli.readers.logs import qwen_code

HOME = FIXTURES / "qwen" / "home"
CHATS = HOME / ".qwen" / "projects" / "-home-dev-shop" / "chats"
CHAT = CHATS / "d96bf338-2a4c-4e1b-9f3d-7c6b5a4e3d2c.jsonl"
COPY = (
    HOME
    / ".qwen"
    / "projects"
    / "-home-dev-shop-copy"
    / "chats"
    / "0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b.jsonl"
)
OLD = (
    HOME
    / ".qwen"
    / "tmp"
    / "5d41402abc4b2a76b9719d911017c592"
    / "chats"
    / "c0ffee00-0000-4000-8000-000000000001.jsonl"
)

# An OpenAI-compatible call (completion tokens hold the reasoning), a Gemini call straddling 16:00 UTC
# (thoughts on top of the candidates: the total says so), an Anthropic call (the prompt holds the cache),
# and a call on the branch a rewind abandoned (spent all the same). The UI telemetry record repeating
# the first call's counts is not a request.
CHAT_ROWS = [
    Row("2026-03-02T15:50:06.250Z", "mimo-v2.5-pro", 8192, 12414 - 8192, 0, 376 - 120, 120),
    Row("2026-03-02T15:59:59.900Z", "gemini-2.5-pro", 12288, 14000 - 12288, 0, 210, 512),
    Row("2026-03-02T16:00:03.000Z", "mimo-v2.5-pro", 14000, 15800 - 14000, 0, 95, 0),
    Row("2026-03-02T16:01:09.000Z", "mimo-v2.5", 0, 9000, 0, 300, 0),
]
COPY_ROW = Row("2026-03-03T09:00:00.000Z", "mimo-v2.5-pro", 0, 3000, 0, 64, 0)
OLD_ROW = Row("2025-11-20T10:00:00.000Z", "qwen3-coder-plus", 1024, 6000 - 1024, 0, 420, 0)


def test_each_assistant_record_is_one_request() -> None:
    assert rows_of(qwen_code, CHAT) == CHAT_ROWS


def test_a_copied_session_counts_its_records_once() -> None:
    records, _ = read_all(qwen_code, CHAT, COPY)
    assert len(records) == 6
    assert [row(record) for record in dedupe(records)] == [*CHAT_ROWS, COPY_ROW]


def test_the_older_layout_and_spelling_are_read() -> None:
    assert rows_of(qwen_code, OLD) == [OLD_ROW]


def test_every_chat_on_the_machine() -> None:
    records, skips = read_all(qwen_code, *qwen_code.default_roots({}, HOME))
    assert not skips
    kept = dedupe(records)
    assert sorted(row(record) for record in kept) == sorted([*CHAT_ROWS, COPY_ROW, OLD_ROW])
    assert totals(kept) == {
        "cache_hit": 8192 + 12288 + 14000 + 1024,
        "cache_miss": 4222 + 1712 + 1800 + 9000 + 3000 + 4976,
        "cache_write": 0,
        "output": 256 + 210 + 95 + 300 + 64 + 420,
        "reasoning": 120 + 512,
    }


def test_default_roots_follow_qwen_runtime_dir(tmp_path: Path) -> None:
    assert qwen_code.default_roots({}, tmp_path) == [
        tmp_path / ".qwen" / "projects",
        tmp_path / ".qwen" / "tmp",
    ]
    assert qwen_code.default_roots({"QWEN_RUNTIME_DIR": "/srv/qwen"}, tmp_path) == [
        Path("/srv/qwen/projects"),
        Path("/srv/qwen/tmp"),
        tmp_path / ".qwen" / "tmp",
    ]


GOOD_LINE = (
    b'{"uuid":"a-1","parentUuid":"u-1","sessionId":"s","timestamp":"2026-03-02T15:50:06.250Z","type":"assistant",'
    b'"model":"mimo-v2.5","message":{"role":"model","parts":[{"text":"<reply>"}]},'
    b'"usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20,"cachedContentTokenCount":60}}'
)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(GOOD_LINE.replace(b'"uuid":"a-1",', b""), "no record id", id="no-uuid"),
        pytest.param(
            GOOD_LINE.replace(b'"timestamp":"2026-03-02T15:50:06.250Z",', b""), "no timestamp", id="no-time"
        ),
        pytest.param(GOOD_LINE.replace(b"2026-03-02T", b"2026-13-02T"), "bad timestamp", id="bad-time"),
        pytest.param(GOOD_LINE.replace(b":100,", b":100.5,"), "bad token count", id="fractional-count"),
        pytest.param(
            GOOD_LINE.replace(b'"usageMetadata":{', b'"usageMetadata":[{').replace(b"60}}", b"60}]}"),
            "bad usageMetadata field",
            id="usage-not-object",
        ),
    ],
)
def test_a_record_without_what_it_needs_is_skipped(line: bytes, reason: str, tmp_path: Path) -> None:
    check_bad_record(qwen_code, tmp_path / "chats" / "s.jsonl", line, reason)
