"""A fuzz test of the log readers, through `usage report --json`: never exit 3, every line counted or skipped.

Each tool's fixture files are the seeds. A drawn case changes a few of their lines, JSON fields, SQLite
cells or the whole file: random bytes, a value of another type, huge or negative counts, instants at the
calendar's edges or in the future, text that is not UTF-8, a line cut short. The report must then end
with exit 0, or exit 2 saying no usage was found, and nothing else; for the generic exports, where every
line is a record, each line must be a request counted, a copy dropped or a line skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from readerkit import FIXTURES, build_database
from typer.testing import CliRunner

from tokenplan_cli.cli import app

# tool -> its seed files (fixtures; `.sql` scripts are built into the store named after the arrow)
SEEDS: dict[str, tuple[str, ...]] = {
    "claude-code": ("claude/projects/-home-dev-shop/7f3c2a10-5b1e-4c2d-9a8e-1f2b3c4d5e6f.jsonl",),
    "codex": ("codex/sessions/2026/03/02/rollout-2026-03-02T15-40-12-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl",),
    "gemini": (
        "gemini/tmp/9b1d3e5f7a9c1e3d5f7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3f5b7d9f1a/chats/session-2026-03-02T15-54-3f2a9c1e.jsonl",
        "gemini-legacy/tmp/4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a/chats/session-2026-02-20T18-40-0a1b2c3d.json",
    ),
    "qwen-code": ("qwen/home/.qwen/projects/-home-dev-shop/chats/d96bf338-2a4c-4e1b-9f3d-7c6b5a4e3d2c.jsonl",),
    "openclaw": (
        "openclaw/agents/main/sessions/7d3c1b2a-9e8f-4a7b-b6c5-d4e3f2a1b0c9.jsonl",
        "openclaw/openclaw-agent.sql->openclaw-agent.sqlite",
    ),
    "opencode": (
        "opencode/storage/message/ses_65e0f3d4cffeXyZaBcDeFgHiJk/msg_9a1f0c2b3001AbCdEfGhIjKlMn.json",
        "opencode/opencode.sql->opencode.db",
    ),
    "cline": (
        "cline/home/.cline/data/tasks/1772466000000/ui_messages.json",
        "cline/home/.cline/data/sessions/1772480000000_ab12c/1772480000000_ab12c.messages.json",
    ),
    "roo-code": (
        "roo/home/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b/ui_messages.json",
    ),
    "kilo-code": (
        "kilo/home/.config/VSCodium/User/globalStorage/kilocode.kilo-code/tasks/7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d/ui_messages.json",
    ),
    "crush": ("crush/crush.sql->crush.db",),
    "goose": ("goose/sessions.sql->sessions.db",),
    "droid": ("droid/home/.factory/sessions/-home-dev-shop/6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f.settings.json",),
    "csv": ("generic/gateway.csv",),
    "jsonl": ("generic/exports.jsonl",),
}  # fmt: skip

EDGE_TEXT = [
    "2026-10-01T16:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "9998-12-31T00:00:00Z",
    "yesterday", "1e999999999", "-1e-999999999", "inf", "NaN", "²", "٣", "", " ", "\x00", "\ud800",
    "assistant", "gemini", "token_count", "turn_context", "session_meta", "message", "step-finish",
    "<synthetic>", "jp.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-sonnet-4.5", "mimo-v2-pro",
]  # fmt: skip
EDGE_NUMBERS = [0, -1, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**11, 10**13, 10**20, -(10**20)]
SCALARS = (
    st.none()
    | st.booleans()
    | st.sampled_from(EDGE_NUMBERS)
    | st.integers()
    | st.floats()
    | st.sampled_from(EDGE_TEXT)
    | st.text(max_size=12)
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, its own root included, as a path of keys and indexes."""
    found = [prefix]
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for key, child in children:
        found.extend(paths_in(child, (*prefix, key)))
    return found


def mutated_json(value: Any, data: st.DataObject) -> Any:
    """`value` with one to three of its places given drawn values."""
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths_in(value)))
        new = data.draw(VALUES)
        if not where:
            value = new
            continue
        parent = value
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = new
    return value


def dumped(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def mutated_line(line: bytes, data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from(["bytes", "json", "cut", "cells", "twice"]))
    if kind == "bytes":
        return data.draw(st.binary(max_size=120)) + b"\n"
    if kind == "cut":
        return line[: data.draw(st.integers(0, len(line)))]
    if kind == "twice":
        return line + line
    if kind == "cells":
        cells = line.rstrip(b"\n").split(b",")
        at = data.draw(st.integers(0, len(cells) - 1))
        cells[at] = data.draw(st.sampled_from(EDGE_TEXT) | st.text(max_size=8)).encode(
            "utf-8", "surrogatepass"
        )
        return b",".join(cells) + b"\n"
    try:
        parsed = json.loads(line)
    except ValueError:
        return line
    return dumped(mutated_json(parsed, data)) + b"\n"


def mutated_text_file(path: Path, data: st.DataObject) -> None:
    original = path.read_bytes()
    if path.suffix == ".json" and data.draw(st.booleans()):  # one document: change its fields
        try:
            path.write_bytes(dumped(mutated_json(json.loads(original), data)))
            return
        except ValueError:
            pass
    lines = original.splitlines(keepends=True) or [b""]
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        lines[at] = mutated_line(lines[at], data)
    path.write_bytes(b"".join(lines))


def mutated_store(path: Path, data: st.DataObject) -> None:
    """A few cells of the store's tables given drawn values: JSON text changed field by field, others
    replaced by a value of any type."""
    with closing(sqlite3.connect(path)) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        cells = [
            (table, column, rowid, value)
            for table in tables
            for column in [row[1] for row in connection.execute(f"PRAGMA table_info('{table}')")]
            for rowid, value in connection.execute(f'SELECT rowid, "{column}" FROM "{table}" LIMIT 20')
        ]
        for _ in range(data.draw(st.integers(1, 4)) if cells else 0):
            table, column, rowid, value = data.draw(st.sampled_from(cells))
            try:
                new: Any = dumped(mutated_json(json.loads(value), data)).decode("utf-8", "surrogatepass")
            except (TypeError, ValueError):
                new = data.draw(SCALARS | st.binary(max_size=40))
            if isinstance(new, str) and not _encodes(new):
                new = new.encode("utf-8", "surrogatepass")  # as bytes: SQLite keeps them, not UTF-8
            if isinstance(new, int) and not -(2**63) <= new < 2**63:
                new = str(new)
            try:
                connection.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (new, rowid))
            except sqlite3.IntegrityError:
                continue  # the tool's own schema forbids it (NOT NULL, UNIQUE): no store can hold it
        connection.commit()


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def seed_file(seed: str, folder: Path) -> Path:
    source, _, store = seed.partition("->")
    if store:
        return build_database(FIXTURES / source, folder / store)
    target = folder / Path(source).name
    shutil.copyfile(FIXTURES / source, target)
    return target


def report(tool: str, path: Path) -> tuple[int, Any]:
    result = CliRunner().invoke(
        app, ["usage", "report", "--as-of", "2026-11-23", "--from", tool, str(path), "--json"]
    )
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    return result.exit_code, json.loads(result.stdout)


def nonblank_lines(path: Path) -> int:
    lines = [line for line in path.read_bytes().splitlines() if line.strip()]
    return len(lines) - (1 if path.suffix == ".csv" and lines else 0)  # a CSV's header is no record


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 0)) or settings().max_examples * 2)
@given(st.sampled_from([(tool, seed) for tool, seeds in SEEDS.items() for seed in seeds]), st.data())
def test_every_reader_survives_bad_input(case: tuple[str, str], data: st.DataObject) -> None:
    tool, seed = case
    with tempfile.TemporaryDirectory() as folder:
        path = seed_file(seed, Path(folder))
        mode = data.draw(st.sampled_from(["edit", "edit", "edit", "bytes"]))
        if mode == "bytes":
            path.write_bytes(data.draw(st.binary(max_size=2000)))
        elif "->" in seed:
            mutated_store(path, data)
        else:
            mutated_text_file(path, data)
        code, document = report(tool, path)
        assert code in (0, 2), (code, document)
        if code == 2:  # the one bad input a file that exists can be: it holds no request
            assert "no usage found" in document["error"]["message"]
            return
        skipped = document["skipped"]["total"]
        assert document["records"] >= 0 and skipped >= 0
        header_ok = not (
            tool == "csv" and "no timestamp and model columns" in json.dumps(document["skipped"])
        )
        if tool in ("jsonl", "csv") and header_ok:  # one record a line: each is counted, dropped or skipped
            assert document["records"] + document["duplicates"] + skipped == nonblank_lines(path)
