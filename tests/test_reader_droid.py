"""The Factory Droid reader: a session's running totals, once, at the instant they were last written."""

from __future__ import annotations

import os
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
    totals,
)

from tokenplan_cli.readers.logs import droid

SESSION = "6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
WRITTEN = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
# Totals for the whole session: thinking apart from output, the cache apart from the input.
SESSION_ROW = Row("2026-03-02T16:30:00.000Z", "mimo-v2.5-pro", 412000, 5120, 30000, 6400, 1800)
OLD_ROW = Row("2026-03-01T09:00:00.000Z", "claude-sonnet-4-5-20250929", 0, 900, 0, 1500, 0)


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    """The fixture sessions, their files last written at fixed instants (git does not keep them)."""
    folder = tmp_path / ".factory" / "sessions"
    shutil.copytree(FIXTURES / "droid" / "home" / ".factory" / "sessions", folder)
    for path in folder.rglob("*.settings.json"):
        os.utime(path, (WRITTEN.timestamp(), WRITTEN.timestamp()))  # git keeps no times: set them
    return folder


def test_one_record_per_session_and_a_backup_copy_counts_once(sessions: Path) -> None:
    records, skips = read_all(droid, *droid.default_roots({}, sessions.parent.parent))
    assert not skips
    assert len(records) == 3  # the session with no usage yet gives none
    kept = dedupe(records)
    # Every file was last written at 16:30, after its session's provider lock. The copy in the backup
    # folder holds smaller totals (an earlier snapshot of the same session) and loses.
    assert sorted(row(record) for record in kept) == sorted(
        [SESSION_ROW, OLD_ROW._replace(timestamp="2026-03-02T16:30:00.000Z")]
    )
    assert totals(kept)["reasoning"] == 1800


def test_the_instant_is_never_before_the_provider_lock(sessions: Path) -> None:
    path = sessions / "-home-dev-shop" / f"{SESSION}.settings.json"
    early = datetime(2026, 3, 2, 13, 0, tzinfo=UTC).timestamp()  # before the 14:00 lock: a restored copy
    os.utime(path, (early, early))
    (record,) = read_all(droid, path)[0]
    assert record.timestamp == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("custom:MiMo-V2.5-Pro-[Xiaomi]-0", "MiMo-V2.5-Pro"),
        ("custom:Claude-Opus-4.5-Thinking-[Anthropic]-12", "Claude-Opus-4.5-Thinking"),
        ("gpt-5-codex", "gpt-5-codex"),
        (None, None),
    ],
)
def test_custom_model_names_lose_prefix_tags_and_index(raw: str | None, name: str | None) -> None:
    assert droid.droid_model(raw) == name


GOOD = b'{"model": "glm-4.6", "tokenUsage": {"inputTokens": 10, "outputTokens": 2}, "note": "<x>"}'


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(GOOD[:-4] + SECRET.encode(), "malformed JSON", id="malformed"),
        pytest.param(GOOD.replace(b"<x>", b"\xff" + SECRET.encode()), "not UTF-8", id="not-utf8"),
        pytest.param(b'["tokenUsage", "' + SECRET.encode() + b'"]', "not a JSON object", id="not-object"),
        pytest.param(GOOD.replace(b": 10", b": 1.5"), "bad token count", id="fractional-count"),
        pytest.param(
            GOOD.replace(b'{"inputTokens"', b'[{"inputTokens"').replace(b"2}", b"2}]"),
            "bad tokenUsage field",
            id="usage-not-object",
        ),  # fmt: skip
        pytest.param(
            GOOD.replace(b'"note"', b'"providerLockTimestamp"').replace(b"<x>", SECRET.encode()),
            "bad timestamp",
            id="bad-lock",
        ),  # fmt: skip
    ],
)
def test_a_settings_file_that_cannot_be_read_is_skipped(data: bytes, reason: str, tmp_path: Path) -> None:
    assert check_bad_document(droid, tmp_path / f"{SESSION}.settings.json", data, reason, 1) == []
