"""Bad input inside logs, found by fuzzing: each bad record is skipped and counted, never fatal, never printed.

Every case goes through `usage report --json`: exit 0, the good record beside the bad one still counted,
and the bad one listed under `skipped` with its line and a fixed reason.
"""

from __future__ import annotations

import os
import pwd
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from readerkit import FIXTURES, build_database

from conftest import AS_OF, Cli
from tokenplan_cli.readers.logs import opencode

REPORT = ["usage", "report", "--as-of", AS_OF]
GOOD_JSONL = b'{"timestamp": "2026-10-01T10:00:00Z", "id": "good", "model": "mimo-v2.5", "output": 10}\n'
GOOD_CSV_ROW = b"2026-10-01T10:00:00Z,mimo-v2.5,10,\n"
CSV_HEADER = b"timestamp,model,output,audio_seconds\n"
CLAUDE_LINE = (
    b'{"type":"assistant","timestamp":"2026-10-01T10:00:00Z","requestId":"req_%d","message":{"id":"msg_%d",'
    b'"model":"claude-sonnet-4-5","usage":{"input_tokens":1,"output_tokens":%d}}}\n'
)


CODEX_ROLLOUT = (
    b'{"timestamp":"2026-10-01T10:00:00Z","type":"turn_context","payload":{"model":"gpt-5"}}\n'
    b'{"timestamp":"2026-10-01T10:00:01Z","type":"event_msg","payload":{"type":"token_count","info":'
    b'{"total_token_usage":{"input_tokens":5,"output_tokens":10},"last_token_usage":{"input_tokens":5,'
    b'"output_tokens":10}}}}\n'
)


def jsonl(**fields: object) -> bytes:
    import json

    return json.dumps(
        {"timestamp": "2026-10-01T11:00:00Z", "id": "bad", "model": "mimo-v2.5", **fields}
    ).encode()


def csv_row(output: bytes = b"", audio: bytes = b"") -> bytes:
    return b"2026-10-01T11:00:00Z,mimo-v2.5," + output + b"," + audio + b"\n"


BAD_RECORDS = [
    # (tool, file name, the bad record, extra options, the reason it is skipped with)
    pytest.param("jsonl", "a.jsonl", jsonl(output=2**63), [], "token count out of range", id="count-2**63"),
    pytest.param("jsonl", "a.jsonl", jsonl(output=2**63 + 0.0), [], "token count out of range", id="count-2**63-float"),
    pytest.param("claude-code", "s.jsonl", CLAUDE_LINE % (2, 2, 2**63), [], "token count out of range", id="claude-count-2**63"),
    pytest.param("claude-code", "s.jsonl", CLAUDE_LINE % (2, 2, 2**64), [], "token count out of range", id="claude-count-2**64"),
    pytest.param("jsonl", "a.jsonl", jsonl(timestamp="0001-01-01T00:00:00+14:00"), [], "timestamp out of range", id="year-0-in-utc"),
    pytest.param("jsonl", "a.jsonl", jsonl(timestamp="9999-12-31T23:59:59-12:00"), [], "timestamp out of range", id="year-10000-in-utc"),
    pytest.param("jsonl", "a.jsonl", jsonl(timestamp="0001-01-01T03:00:00Z"), ["--tz", "America/New_York"], "timestamp out of range", id="year-0-in-tz"),
    pytest.param("jsonl", "a.jsonl", jsonl(timestamp="9999-12-31T20:00:00Z"), ["--tz", "Asia/Tokyo"], "timestamp out of range", id="year-10000-in-tz"),
    pytest.param("jsonl", "a.jsonl", jsonl(timestamp=10**20), [], "timestamp out of range", id="epoch-far-out"),
    pytest.param("csv", "a.csv", csv_row(b"inf"), [], "bad token count", id="csv-inf-count"),
    pytest.param("csv", "a.csv", csv_row("²".encode()), [], "bad token count", id="csv-superscript-digit"),
    pytest.param("csv", "a.csv", csv_row("٣".encode()), [], "bad token count", id="csv-arabic-indic-digit"),
    pytest.param("csv", "a.csv", csv_row(b"9" * 5000), [], "bad token count", id="csv-5000-digits"),
    pytest.param("csv", "a.csv", csv_row(b'"' + b"1" * 200_000 + b'"'), [], "CSV field too large", id="csv-field-over-limit"),
    pytest.param("csv", "a.csv", csv_row(audio=b"inf"), [], "bad audio seconds", id="csv-inf-audio"),
    pytest.param("csv", "a.csv", csv_row(audio=b"1e999999999"), [], "bad audio seconds", id="csv-huge-exponent-audio"),
    pytest.param("csv", "a.csv", csv_row(audio=b"1e-999999999"), [], "bad audio seconds", id="csv-tiny-exponent-audio"),
    pytest.param("jsonl", "a.jsonl", jsonl(audio_seconds="1e999999999"), [], "bad audio seconds", id="jsonl-huge-exponent-audio"),
    pytest.param("jsonl", "a.jsonl", b'{"timestamp": "2026-10-01T11:00:00Z", "model": "m", "audio_seconds": 1e999999999}', [], "malformed JSON", id="jsonl-audio-beyond-a-double"),
]  # fmt: skip


@pytest.mark.parametrize(("tool", "name", "bad", "options", "reason"), BAD_RECORDS)
def test_a_bad_record_is_skipped_and_the_rest_counted(
    cli: Cli, tmp_path: Path, tool: str, name: str, bad: bytes, options: list[str], reason: str
) -> None:
    good = {"csv": CSV_HEADER + GOOD_CSV_ROW, "claude-code": CLAUDE_LINE % (1, 1, 10)}.get(tool, GOOD_JSONL)
    path = tmp_path / name
    path.write_bytes(good + bad.rstrip(b"\n") + b"\n")
    doc = cli.json([*REPORT, "--from", tool, str(path), *options])
    assert doc["records"] == 1 and doc["totals"]["output"] == 10
    line = good.count(b"\n") + 1
    assert doc["skipped"]["files"] == [{"path": str(path), "count": 1, "lines": [line], "reasons": [reason]}]


def corrupt_schema(store: Path, table: bytes) -> None:
    """Overwrite bytes of a table's CREATE statement in the schema page with bytes that are not UTF-8
    (SQLite then quotes them in its error message, which Python cannot decode)."""
    data = bytearray(store.read_bytes())
    at = data.index(b"CREATE TABLE " + table)
    data[at + 7 : at + 11] = b"\xff\xfe\xfd\xfc"
    store.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("tool", "sql", "name", "table"),
    [
        pytest.param("opencode", "opencode/opencode.sql", "opencode.db", b"message", id="opencode"),
        pytest.param("openclaw", "openclaw/openclaw-agent.sql", "openclaw-agent.sqlite", b"transcript_events", id="openclaw"),
    ],
)  # fmt: skip
def test_a_byte_corrupted_store_is_skipped(
    cli: Cli, tmp_path: Path, tool: str, sql: str, name: str, table: bytes
) -> None:
    store = build_database(FIXTURES / sql, tmp_path / name)
    corrupt_schema(store, table)
    with pytest.raises(UnicodeDecodeError), closing(sqlite3.connect(store)) as connection:
        connection.execute("SELECT * FROM sqlite_master").fetchall()  # what a bare read of it raises
    message = cli.error([*REPORT, "--from", tool, str(store)])  # nothing else to read: no usage found
    assert message == (
        f"logs {tool}: no usage found (1 line(s) or file(s) skipped: cannot read: corrupt database); "
        f"looked in {store}"
    )


def finishes(work: object, seconds: float = 60) -> bool:
    """Whether `work()` returns within `seconds` (it runs in a daemon thread, left behind if it blocks)."""
    thread = threading.Thread(target=work, daemon=True)  # type: ignore[arg-type]
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def test_a_named_pipe_in_a_log_folder_is_neither_counted_nor_opened(cli: Cli, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.jsonl").write_bytes(GOOD_JSONL)
    os.mkfifo(logs / "b.jsonl")
    found: list[object] = []
    assert finishes(lambda: found.append(cli.json([*REPORT, "--from", "jsonl", str(logs)])))
    (doc,) = found
    assert doc["records"] == 1 and doc["tools"][0]["files"] == 1 and doc["skipped"]["total"] == 0  # type: ignore[index]


def test_a_named_pipe_among_a_messages_parts_is_never_opened(tmp_path: Path) -> None:
    parts = tmp_path / "part" / "msg_1"
    parts.mkdir(parents=True)
    os.mkfifo(parts / "prt_1.json")
    found: list[object] = []
    assert finishes(lambda: found.append(opencode._step_parts_in(parts)))
    assert found == [[]]


def test_no_home_directory_says_where_it_could_not_look(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    codex_home = tmp_path / "codex"
    (codex_home / "sessions").mkdir(parents=True)
    unset = dict.fromkeys(("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "CLAUDE_CONFIG_DIR"))
    (codex_home / "sessions" / "rollout-1.jsonl").write_bytes(CODEX_ROLLOUT)
    doc = cli.json(REPORT, env={**unset, "CODEX_HOME": str(codex_home)})  # type: ignore[dict-item]
    reasons = {entry["path"]: entry["reasons"] for entry in doc["skipped"]["files"]}
    assert reasons["~/.claude/projects"] == ["not searched: no home directory (HOME unset, no passwd entry)"]
    assert "~/.codex/sessions" not in reasons  # CODEX_HOME is set: that tool is searched
    assert doc["records"] == 1 and doc["source"] == "logs codex"
    # a path named on the command line needs no home directory
    (tmp_path / "a.jsonl").write_bytes(GOOD_JSONL)
    doc = cli.json([*REPORT, "--from", "jsonl", str(tmp_path / "a.jsonl")], env=unset)  # type: ignore[arg-type]
    assert doc["records"] == 1 and doc["skipped"]["total"] == 0


def test_blank_lines_in_an_export_are_neither_records_nor_skips(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(GOOD_JSONL + b"\n   \n" + GOOD_JSONL.replace(b'"good"', b'"other"') + b"\n")
    doc = cli.json([*REPORT, "--from", "jsonl", str(path), "--strict"])
    assert doc["records"] == 2 and doc["skipped"]["total"] == 0


def goose_store(tmp_path: Path, sql: str) -> Path:
    store = build_database(FIXTURES / "goose" / "sessions.sql", tmp_path / "sessions.db")
    with closing(sqlite3.connect(store)) as connection:
        connection.execute(sql)
        connection.commit()
    return store


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        # SQLite keeps 2**63 as a REAL in an INTEGER column: a float count out of range
        pytest.param("UPDATE sessions SET accumulated_input_tokens = 9223372036854775808 WHERE rowid = 1",
                     "token count out of range", id="goose-count-2**63"),
        pytest.param(f"UPDATE usage_ledger SET created_timestamp = CAST('{'9' * 5000}' AS BLOB) WHERE id = 1",
                     "no timestamp", id="goose-5000-digit-instant"),
    ],
)  # fmt: skip
def test_a_bad_cell_in_a_goose_store_is_skipped(cli: Cli, tmp_path: Path, sql: str, reason: str) -> None:
    store = goose_store(tmp_path, sql)
    doc = cli.json([*REPORT, "--from", "goose", str(store)])
    assert doc["records"] > 0 and [f["reasons"] for f in doc["skipped"]["files"]] == [[reason]]


def test_a_cline_model_info_of_another_shape_is_no_crash(cli: Cli, tmp_path: Path) -> None:
    import json

    seed = FIXTURES / "cline" / "home" / ".cline" / "data" / "tasks" / "1772466000000" / "ui_messages.json"
    messages = json.loads(seed.read_text())
    for message in messages:
        if isinstance(message.get("modelInfo"), dict):
            message["modelInfo"]["providerId"] = []  # a list where a name belongs: unhashable
    path = tmp_path / "1772466000000" / "ui_messages.json"
    path.parent.mkdir()
    path.write_text(json.dumps(messages))
    assert cli.json([*REPORT, "--from", "cline", str(path)])["records"] > 0
