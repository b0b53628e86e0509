"""The log index under concurrency and faults: processes updating it at once never double-count, a kill at
any point leaves an index that answers right, and a damaged, newer, locked or unwritable index is
passed over (one note, a cold read) without failing the command."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from readerkit import FIXTURES

from conftest import AS_OF, Cli
from tokenplan_cli.readers.logs.index import store

BENCH = Path(__file__).parent.parent / "bench"
# Prints what a report is made of (non-empty buckets, records, duplicates, skips) as the CLI reads the
# logs under ROOT with the index in CACHE (or cold, on a note), and whether the index served.
SUMMARY = """
import io, json, sys, contextlib
from pathlib import Path
from datetime import UTC, datetime
from tokenplan_cli.app.logs import LogRequest, read_logs
from tokenplan_cli.readers.ratecard import load_rate_card
root, no_index = sys.argv[1], sys.argv[2] == "cold"
errors = io.StringIO()
request = LogRequest(tools=["claude-code"], paths=[Path(root)], no_index=no_index)
with contextlib.redirect_stderr(errors):
    scan = read_logs(load_rate_card(), request, now=datetime.now(UTC)).scan
buckets = sorted([*key, *counts] for key, counts in scan.tally.counts.items() if any(counts))
skips = [list(entry) for entry in scan.skips.by_file()]
print(json.dumps({"answer": [buckets, scan.records, scan.duplicates, skips], "note": errors.getvalue()}))
"""


def summary(root: Path, cache: Path, *, cold: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "TOKENPLAN_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-c", SUMMARY, str(root), "cold" if cold else "index"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def answer_of(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = process.communicate()
    assert process.returncode == 0
    return json.loads(out)  # type: ignore[no-any-return]


def generate(root: Path, size: str, seed: int) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from claude_logs import Generator, parse_size
    finally:
        sys.path.remove(str(BENCH))
    Generator(root, seed).run(parse_size(size))


def grow(root: Path, seed: int) -> None:
    """More sessions, and more lines (a request's last blocks among them) appended to existing files."""
    generate(root / f"more-{seed}", "300K", seed)
    files = sorted(root.rglob("*.jsonl"))
    for number, path in enumerate(files[:: max(1, len(files) // 5)]):
        donor = files[(number * 7 + seed) % len(files)].read_bytes()
        cut = len(donor) // 3
        with open(path, "ab") as handle:
            handle.write(donor[cut : cut + len(donor) // 3])  # cut anywhere: a line left unfinished


def test_processes_updating_at_once_agree_with_a_cold_read(tmp_path: Path) -> None:
    root, cache = tmp_path / "logs", tmp_path / "cache"
    generate(root, "2M", seed=3)
    for round_ in range(3):
        processes = [summary(root, cache) for _ in range(6)]
        cold = answer_of(summary(root, cache, cold=True))["answer"]
        answers = [answer_of(process) for process in processes]
        assert all(found["answer"] == cold for found in answers), round_
        grow(root, seed=round_)
    final = answer_of(summary(root, cache))
    assert final["answer"] == answer_of(summary(root, cache, cold=True))["answer"]
    assert final["note"] == ""
    with closing(sqlite3.connect(cache / store.FILE_NAME)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


BUILD = """
import sys
from pathlib import Path
from datetime import UTC, datetime
from tokenplan_cli.app.logs import LogRequest, read_logs
from tokenplan_cli.readers.ratecard import load_rate_card
print("reading", flush=True)
read_logs(load_rate_card(), LogRequest(tools=["claude-code"], paths=[Path(sys.argv[1])]), now=datetime.now(UTC))
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.6])
def test_a_run_killed_at_any_point_leaves_an_index_that_answers_right(tmp_path: Path, delay: float) -> None:
    root, cache = tmp_path / "logs", tmp_path / "cache"
    generate(root, "6M", seed=5)
    answer_of(summary(root, cache))  # an index to change, then changes to write
    grow(root, seed=1)
    env = {**os.environ, "TOKENPLAN_CACHE_DIR": str(cache)}
    build = subprocess.Popen(
        [sys.executable, "-c", BUILD, str(root)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert build.stdout is not None and build.stdout.readline() == "reading\n"
    time.sleep(delay)  # wherever this lands (before, while or after writing), the index must be right
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    build.stdout.close()
    found = answer_of(summary(root, cache))
    assert found["answer"] == answer_of(summary(root, cache, cold=True))["answer"]
    assert found["note"] == ""


def test_the_index_is_written_ahead_and_synced_only_at_checkpoints(tmp_path: Path) -> None:
    # WAL with synchronous=NORMAL (docs/log-index.md): a kill loses no commit, and a commit waits for
    # no disk (SQLite's default, FULL, synced the log at every commit: a cold build's and a status
    # line's). Both are a connection's settings, so every connection the index makes must have them.
    path = tmp_path / store.FILE_NAME
    for _ in range(2):  # the one that creates the index, and one that opens it
        with closing(store.connect(path)) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert connection.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
            assert connection.execute("PRAGMA cache_size").fetchone() == (-512,)  # (flat memory: store.CACHE)


# -- faults: one note, a cold read, the command goes on ---------------------------------------------

REPORT = ["usage", "report", "--from", "claude-code", str(FIXTURES / "claude"), "--as-of", AS_OF, "--json"]


def report(cli: Cli, cache: Path) -> tuple[dict[str, Any], str]:
    result = cli.run(REPORT, env={"TOKENPLAN_CACHE_DIR": str(cache)})
    return json.loads(result.stdout), result.stderr


def cold_report(cli: Cli) -> dict[str, Any]:
    return json.loads(cli.run([*REPORT, "--no-index"]).stdout)  # type: ignore[no-any-return]


def test_a_damaged_index_is_read_around_and_rebuilt(cli: Cli, tmp_path: Path) -> None:
    report(cli, tmp_path)
    index = tmp_path / store.FILE_NAME
    index.write_bytes(b"not a database" * 100)
    document, notes = report(cli, tmp_path)
    assert document == cold_report(cli)
    assert notes == ""  # replaced at once: the run built it afresh
    with closing(sqlite3.connect(index)) as connection:
        assert connection.execute("SELECT count(*) FROM files").fetchone() == (3,)


def test_an_index_damaged_while_in_use_is_deleted_for_the_next_run(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenplan_cli.readers.logs import index
    from tokenplan_cli.readers.logs.index import answer

    def damaged(*args: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    report(cli, tmp_path)
    error = sqlite3.DatabaseError("database disk image is malformed")
    error.sqlite_errorname = "SQLITE_CORRUPT"  # type: ignore[attr-defined]
    raising = lambda *args: (_ for _ in ()).throw(error)  # noqa: E731
    monkeypatch.setattr(answer.SearchAnswer, "__init__", raising)  # read out the long way
    monkeypatch.setattr(index, "kept_answer", raising)  # or from the answer the first run kept
    document, notes = report(cli, tmp_path)
    assert document == cold_report(cli)
    assert notes == "tokenplan: note: the log index was damaged (it will be rebuilt); logs read without it\n"
    assert not (tmp_path / store.FILE_NAME).exists()
    monkeypatch.undo()
    assert report(cli, tmp_path) == (cold_report(cli), "")


def test_a_newer_index_is_left_alone(cli: Cli, tmp_path: Path) -> None:
    report(cli, tmp_path)
    index = tmp_path / store.FILE_NAME
    with closing(sqlite3.connect(index)) as connection:
        connection.execute(f"PRAGMA user_version = {(store.SCHEMA + 1) << store.SCHEMA_SHIFT}")
    document, notes = report(cli, tmp_path)
    assert document == cold_report(cli)
    assert notes == "tokenplan: note: the log index was written by a newer tokenplan; logs read without it\n"
    with closing(sqlite3.connect(index)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (
            (store.SCHEMA + 1) << store.SCHEMA_SHIFT,
        )


@pytest.mark.parametrize("version", ["older", "same-number-other-tables"])
def test_an_index_of_another_schema_is_rebuilt(cli: Cli, tmp_path: Path, version: str) -> None:
    """An older schema, or a development build's tables under the same number, is rebuilt at once:
    never a note on every run."""
    tmp_path.mkdir(exist_ok=True)
    stamp = (
        store.SCHEMA - 1 << store.SCHEMA_SHIFT if version == "older" else store.SCHEMA << store.SCHEMA_SHIFT
    )
    with closing(sqlite3.connect(tmp_path / store.FILE_NAME)) as connection:
        connection.execute("CREATE TABLE searches (id INTEGER PRIMARY KEY, key BLOB)")
        connection.execute(f"PRAGMA user_version = {stamp}")
    assert report(cli, tmp_path) == (cold_report(cli), "")
    with closing(sqlite3.connect(tmp_path / store.FILE_NAME)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (store.USER_VERSION,)
        assert connection.execute("SELECT count(*) FROM files").fetchone()[0] > 0
    assert report(cli, tmp_path) == (cold_report(cli), "")


@pytest.mark.parametrize("how", ["folder-is-a-file", "index-is-a-folder"])
def test_an_index_that_cannot_be_written_is_read_around(cli: Cli, tmp_path: Path, how: str) -> None:
    cache = tmp_path / "cache"
    if how == "folder-is-a-file":
        cache.write_text("a file where the cache folder would be")
        expected = "tokenplan: note: the log index's folder cannot be made (File exists)\n"
    else:
        (cache / store.FILE_NAME).mkdir(parents=True)
        expected = "tokenplan: note: the log index cannot be written; logs read without it\n"
    document, notes = report(cli, cache)
    assert document == cold_report(cli)
    assert notes == expected


def test_a_lock_held_forever_delays_a_writer_a_moment_and_never_a_reader(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_SECONDS", 0.2)
    report(cli, tmp_path)  # indexed: a warm run only reads
    holder = sqlite3.connect(tmp_path / store.FILE_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a process stuck in the middle of a write
    try:
        assert report(cli, tmp_path) == (cold_report(cli), "")
        other = tmp_path / "other"
        other.mkdir()
        (other / "s.jsonl").write_bytes(
            (FIXTURES / "claude" / "projects" / "-home-dev-shop").glob("*.jsonl").__next__().read_bytes()
        )
        result = cli.run(
            ["usage", "report", "--from", "claude-code", str(other), "--as-of", AS_OF, "--json"],
            env={"TOKENPLAN_CACHE_DIR": str(tmp_path)},
        )
        assert (
            result.stderr
            == "tokenplan: note: the log index is busy (another tokenplan is writing it); logs read without it\n"
        )
        assert json.loads(result.stdout)["records"] > 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# -- `usage index`, --no-index and TOKENPLAN_NO_INDEX ---------------------------------------------


def index_doc(cli: Cli, cache: Path, *args: str) -> dict[str, Any]:
    return cli.json(["usage", "index", *args], env={"TOKENPLAN_CACHE_DIR": str(cache)})  # type: ignore[no-any-return]


def test_usage_index_shows_rebuilds_and_clears(cli: Cli, tmp_path: Path) -> None:
    empty = index_doc(cli, tmp_path)
    assert (empty["action"], empty["searches"], empty["size_bytes"]) == ("shown", [], 0)
    claude = str(FIXTURES / "claude")
    built = index_doc(cli, tmp_path, "--rebuild", "--from", "claude-code", claude)
    assert built["action"] == "rebuilt" and built["note"] is None
    ((search,),) = [built["searches"]]
    assert (search["tool"], search["files"], search["requests"]) == ("claude-code", 3, 4)
    assert search["bytes"] == sum(p.stat().st_size for p in (FIXTURES / "claude").rglob("*.jsonl"))
    assert built["totals"] == {"searches": 1, "files": 3, "bytes": search["bytes"], "requests": 4}
    assert built["size_bytes"] > 0
    report(cli, tmp_path)  # the same search: still one
    assert index_doc(cli, tmp_path)["totals"]["searches"] == 1
    cleared = index_doc(cli, tmp_path, "--clear")
    assert (cleared["action"], cleared["searches"], cleared["size_bytes"]) == ("cleared", [], 0)
    assert not (tmp_path / store.FILE_NAME).exists()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        pytest.param(["--rebuild", "--clear"], {}, "--rebuild or --clear, not both", id="both"),
        pytest.param(["--from", "codex"], {}, "--from and PATHs say what --rebuild reads: add --rebuild", id="from"),
        pytest.param(
            ["--rebuild"], {"TOKENPLAN_NO_INDEX": "1"},
            "TOKENPLAN_NO_INDEX is set: unset it to rebuild the log index", id="no-index",
        ),
        pytest.param(["--rebuild", "--from", "nope"], {}, "unknown log source 'nope'", id="unknown-tool"),
    ],
)  # fmt: skip
def test_usage_index_refuses_bad_requests(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.error(["usage", "index", *args]).startswith(message)


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_no_index_reads_cold_and_leaves_the_index_alone(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv("TOKENPLAN_CACHE_DIR", str(tmp_path))
    if how == "environment":
        monkeypatch.setenv("TOKENPLAN_NO_INDEX", "1")
    document = cli.json([*REPORT[:-1], *(["--no-index"] if how == "flag" else [])])
    assert not (tmp_path / store.FILE_NAME).exists()
    monkeypatch.delenv("TOKENPLAN_NO_INDEX", raising=False)
    assert cli.json(REPORT[:-1]) == document  # and the index gives the same
    assert (tmp_path / store.FILE_NAME).exists()
