"""Log readers: what each format's records hold, and every line or file they must skip and count."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from readerkit import dedupe, read_all

from tokenplan_cli.core.records import UsageRecord, normalise_model
from tokenplan_cli.readers.logs import Skips, claude_code, generic, jsonlines

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
PROJECT = FIXTURES / "claude" / "projects" / "-home-dev-shop"
SESSION = PROJECT / "7f3c2a10-5b1e-4c2d-9a8e-1f2b3c4d5e6f.jsonl"
SUBAGENT = PROJECT / "7f3c2a10-5b1e-4c2d-9a8e-1f2b3c4d5e6f" / "subagents" / "agent-a91f3c2e.jsonl"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def read(module: object, path: Path) -> tuple[list[UsageRecord], Skips]:
    skips = Skips()
    return list(module.read_file(path, skips)), skips  # type: ignore[attr-defined]


def test_claude_code_session_lines() -> None:
    records, skips = read(claude_code, SESSION)
    assert not skips
    # three streamed blocks of one request, two of the next, a sub-agent's progress line; no <synthetic>,
    # no Task result (its usage repeats the sub-agent's), no user lines
    assert [(r.model, r.output, r.preferred) for r in records] == [
        ("claude-sonnet-4-5-20250929", 1, True),
        ("claude-sonnet-4-5-20250929", 1, True),
        ("claude-sonnet-4-5-20250929", 260, True),
        ("claude-opus-4-1-20250805", 3, True),
        ("claude-opus-4-1-20250805", 500, True),
        ("claude-haiku-4-5-20251001", 80, False),
    ]
    first = records[0]
    assert first == UsageRecord(
        timestamp=at("2026-10-01T15:59:58.500"),
        tool="claude-code",
        model="claude-sonnet-4-5-20250929",
        cache_hit=15030,
        cache_miss=4,
        cache_write=1200,
        output=1,
        dedupe_key=b"cc:msg_01HkQ4r8YdTzW7uX2bN5mC9a",
        preferred=True,
    )
    # keyed by message.id, with or without a requestId; cache writes from the ephemeral split (300 + 200)
    assert records[4].dedupe_key == b"cc:msg_01R7vPz2Wq8Xk3Yb6Nc4Td1e" and records[4].cache_write == 500
    # the progress line's embedded message keys like the sub-agent file's copy of it
    assert records[5].dedupe_key == read(claude_code, SUBAGENT)[0][0].dedupe_key


def test_claude_code_subagent_lines_are_sidechain_copies() -> None:
    records, _ = read(claude_code, SUBAGENT)
    assert [(r.model, r.preferred, r.timestamp) for r in records] == [
        ("claude-haiku-4-5-20251001", False, at("2026-10-01T16:05:00")),
        ("claude-sonnet-4-5-20250929", False, at("2026-10-01T16:10:00")),
    ]


def test_a_sidechain_replay_under_a_new_request_id_is_the_same_request(tmp_path: Path) -> None:
    """A `/btw` sidechain replays a parent message under its own requestId (ccusage's
    keeps_parent_daily_usage_when_sidechain_replays_message_with_new_request_id): one response, one
    message id, counted once, as the main conversation's copy."""
    parent = GOOD_LINE.replace(b'"output_tokens":1,', b'"output_tokens":260,')
    replay = parent.replace(b'"isSidechain":false', b'"isSidechain":true').replace(
        b"req_011CTgx3kVhYd8nq5ZJ2w7aB", b"req_011CTsidechainReplay0"
    )
    assert replay != parent and b'"isSidechain":true' in replay
    (tmp_path / "main.jsonl").write_bytes(parent)
    (tmp_path / "agent-btw.jsonl").write_bytes(replay)
    records, skips = read_all(claude_code, tmp_path)
    assert not skips
    (kept,) = dedupe(records)
    assert (kept.output, kept.preferred) == (260, True)


# ccusage's test data (apps/ccusage/test/fixtures/claude/projects/project-alpha/session-alpha/chat.jsonl):
# assistant messages with usage on lines that carry no top-level `type`.
UNTYPED_LINES = (
    b'{"timestamp":"2026-01-09T10:00:00.000Z","sessionId":"session-alpha","message":{"role":"assistant","id":"msg-alpha-1","model":"claude-sonnet-4-20250514","usage":{"input_tokens":100,"output_tokens":50,"cache_creation_input_tokens":25,"cache_read_input_tokens":10}},"requestId":"req-alpha-1","costUSD":0.12,"version":"1.0.0"}\n'
    b'{"timestamp":"2026-01-09T12:30:00.000Z","sessionId":"session-alpha","message":{"role":"assistant","id":"msg-alpha-2","model":"claude-opus-4-20250514","usage":{"input_tokens":200,"output_tokens":75,"cache_creation_input_tokens":50,"cache_read_input_tokens":20,"speed":"fast"}},"requestId":"req-alpha-2","costUSD":0.34,"version":"1.0.0"}\n'
    b'{"timestamp":"2026-01-10T09:15:00.000Z","sessionId":"session-alpha","message":{"role":"user","id":"msg-alpha-u","usage":{"input_tokens":1,"output_tokens":1}},"version":"1.0.0"}\n'
)  # fmt: skip


def test_an_assistant_message_on_a_line_without_a_type_is_read(tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_bytes(UNTYPED_LINES)
    records, skips = read(claude_code, path)
    assert not skips
    assert [(r.timestamp, r.model, r.cache_hit, r.cache_miss, r.cache_write, r.output) for r in records] == [
        (at("2026-01-09T10:00:00"), "claude-sonnet-4-20250514", 10, 100, 25, 50),
        (at("2026-01-09T12:30:00"), "claude-opus-4-20250514", 20, 200, 50, 75),
    ]


def test_model_names_are_kept_as_logged_and_normalised_where_charged() -> None:
    records, _ = read(claude_code, PROJECT / "c4e1b7a2-8d3f-4b6a-9e2c-5f1a0d7b3c8e.jsonl")
    assert records[-1].model == "mimo-v2.5-pro[1m]"
    assert normalise_model(records[-1].model) == "mimo-v2.5-pro"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({}, ["/home/u/.config/claude/projects", "/home/u/.claude/projects"], id="defaults"),
        pytest.param({"XDG_CONFIG_HOME": "/x"}, ["/x/claude/projects", "/home/u/.claude/projects"], id="xdg"),
        pytest.param({"CLAUDE_CONFIG_DIR": "/a, /b"}, ["/a/projects", "/b/projects"], id="config-dirs"),
    ],
)
def test_claude_code_default_roots(env: dict[str, str], expected: list[str]) -> None:
    assert [str(p) for p in claude_code.default_roots(env, Path("/home/u"))] == expected


def test_generic_csv_rows() -> None:
    records, skips = read(generic, FIXTURES / "generic" / "gateway.csv")
    assert not skips
    assert [(r.tool, r.model, r.cache_hit, r.cache_miss, r.output, r.dedupe_key) for r in records[:2]] == [
        ("csv", "mimo-v2.5-pro", 1000, 200, 50, b"csv:r-1"),
        ("csv", "mimo-v2.5", 0, 100, 10, b"csv:r-2"),
    ]
    assert records[3].timestamp == at("2026-10-01T16:00:00") and records[3].audio_seconds == Fraction("90.5")


def test_generic_json_lines_with_raw_usage_objects() -> None:
    records, skips = read(generic, FIXTURES / "generic" / "exports.jsonl")
    assert not skips
    openai_chat, openai_responses, anthropic = records
    # OpenAI counts include their parts: 1200 prompt = 1000 cached + 200; 300 completion = 100 reasoning + 200
    assert openai_chat[2:8] == ("xiaomi/mimo-v2.5-pro", 1000, 200, 0, 200, 100)  # the name as logged
    assert (
        openai_chat.timestamp == at("2026-10-01T15:59:59")
        and openai_chat.dedupe_key == b"jsonl:chatcmpl-AbC123"
    )
    assert openai_responses[2:8] == ("gpt-5-mini", 400, 100, 0, 50, 20)
    assert anthropic[2:8] == ("claude-sonnet-4-5", 900, 30, 60, 40, 0)
    assert anthropic.timestamp == at("2026-10-01T16:15:00")  # +08:00 read as UTC


GOOD_LINE = SESSION.read_bytes().splitlines(keepends=True)[2]

# (file bytes, skipped line numbers, reasons): every line that cannot be read is counted, never raised
BAD_CLAUDE_FILES = [
    pytest.param(GOOD_LINE + b'{"type":"assistant","message":{"usage":{"output_tokens":1}\n' + GOOD_LINE, [2], ["malformed JSON"], id="malformed"),
    pytest.param(GOOD_LINE + GOOD_LINE[:200], [2], ["truncated last line"], id="truncated-last-line"),
    pytest.param(GOOD_LINE + GOOD_LINE[:60], [2], ["truncated last line"], id="truncated-before-usage"),
    pytest.param(GOOD_LINE.replace(b"Let me", b"L\xffme").replace(b"thinking\",\"thinking\":\"The", b"thinking\",\"thinking\":\"\xfe\xff"), [1], ["not UTF-8"], id="not-utf8"),  # noqa: E501
    pytest.param(GOOD_LINE.replace(b'"output_tokens":1,', b'"output_tokens":"one",'), [1], ["bad token count"], id="count-not-a-number"),
    pytest.param(GOOD_LINE.replace(b'"timestamp":"2026-10-01T15:59:58.500Z"', b'"timestamp":"yesterday"'), [1], ["bad timestamp"], id="bad-timestamp"),
    pytest.param(b"\n\n" + GOOD_LINE, [], [], id="blank-lines-are-fine"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "lines", "reasons"), BAD_CLAUDE_FILES)
def test_bad_claude_code_lines(tmp_path: Path, data: bytes, lines: list[int], reasons: list[str]) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(data)
    records, skips = read(claude_code, path)
    assert len(records) == data.splitlines(keepends=True).count(GOOD_LINE)  # good lines still count
    found = skips.by_file()
    assert [list(f.lines) for f in found] == ([lines] if lines else [])
    assert [list(f.reasons) for f in found] == ([reasons] if reasons else [])
    if found:
        assert (
            found[0].path == str(path) and "Let me" not in repr(found) and "input_tokens" not in repr(found)
        )


BAD_GENERIC_FILES = [
    pytest.param("g.csv", b"timestamp,model,output\n2026-10-01T00:00:00Z,mimo-v2.5,x\n", [2], ["bad token count"], id="csv-not-a-number"),
    pytest.param("g.csv", b"timestamp,model,output\n2026-10-01T00:00:00Z,mimo-v2.5\n", [2], ["wrong number of fields"], id="csv-short-row"),
    pytest.param("g.csv", b"time,model,output\n1,2,3\n", [1], ["no timestamp and model columns in the header"], id="csv-no-header"),
    pytest.param("g.csv", b"timestamp,model,output\n2026-10-01T00:00:00Z,mimo-v2.5,\xff1\n", [2], ["not UTF-8"], id="csv-not-utf8"),
    pytest.param("g.jsonl", b'{"model":"mimo-v2.5","output":3}\n', [1], ["no timestamp"], id="jsonl-no-timestamp"),
    pytest.param("g.jsonl", b'{"timestamp":"soon","model":"mimo-v2.5","output":3}\n', [1], ["bad timestamp"], id="jsonl-bad-timestamp"),
    pytest.param("g.jsonl", b'[1, 2]\n', [1], ["not a JSON object"], id="jsonl-not-an-object"),
    pytest.param("g.jsonl", b'{"timestamp":"2026-10-01T00:00:00Z","model":"m","usage":{"prompt_tokens":5,"prompt_tokens_details":{"cached_tokens":9}}}\n', [1], ["a part exceeds its total"], id="jsonl-cached-above-prompt"),
    pytest.param("g.jsonl", b'{"timestamp":"2026-10-01T00:00:00Z","model":"m","audio_seconds":"lots"}\n', [1], ["bad audio seconds"], id="jsonl-bad-audio"),
    pytest.param("g.jsonl", b'{"timestamp":"2026-10-01T00:00:00Z","model":"m","output":3}\n{"timest', [2], ["truncated last line"], id="jsonl-truncated"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "lines", "reasons"), BAD_GENERIC_FILES)
def test_bad_generic_rows(
    tmp_path: Path, name: str, data: bytes, lines: list[int], reasons: list[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _, skips = read(generic, path)
    (found,) = skips.by_file()
    assert (list(found.lines), list(found.reasons)) == (lines, reasons)


def test_an_unreadable_file_is_counted_as_line_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.jsonl"
    path.write_bytes(GOOD_LINE)
    if os.geteuid() != 0:  # root reads any file: stand in for the permission error there
        path.chmod(0)
    else:

        def refuse(file: object, *args: object, **kwargs: object) -> object:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(jsonlines, "open", refuse, raising=False)
    records, skips = read(claude_code, path)
    assert records == []
    assert [(f.lines, f.reasons) for f in skips.by_file()] == [((0,), ("cannot read: Permission denied",))]


def test_a_folder_named_like_a_log_is_counted(tmp_path: Path) -> None:
    records, skips = read(claude_code, tmp_path)
    assert records == [] and skips.by_file()[0].reasons == ("cannot read: Is a directory",)
