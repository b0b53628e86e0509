"""The log index's law: after any sequence of changes to the log files, a report from the index equals a
cold read of the same files, to the token, for every reader.

Random sequences of appends (cut anywhere, mid-line included), truncations, rewrites (same size, other
content), renames, deletions, copies of a file to another (duplicates across files) and touches are
applied to a folder of each reader's files; after each step the indexed scan is compared with a cold
scan (`scanner.scan_files`): every bucket's counts, audio seconds, records, duplicates, skips (paths,
counts, first lines and reasons), tools and bytes. The files' sources are the readers' fixtures, a copy
whose digits are changed (same size, other requests) and one whose counts are swapped within a line
(the same total: copies that tie on tokens but differ).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from readerkit import FIXTURES

from tokenplan_cli.core.grain import coarsened, report_grain
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.usage import ZERO
from tokenplan_cli.core.usagelog import LogTally, slot_of
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.index import reading, run, scan_with_index, write
from tokenplan_cli.readers.logs.scanner import ScanResult, Search, log_searches, scan_files, walk_searches
from tokenplan_cli.readers.ratecard import load_rate_card

CARD = load_rate_card()  # (not the fixture: hypothesis would print the whole card with a failure)
GRAIN = report_grain(ZoneInfo("America/St_Johns"), 1440, (slot_of(datetime(2026, 3, 2, 15, 52, tzinfo=UTC)),))
PAST = 1_700_000_000 * 10**9  # the files' modification times: long before any walk (never racy)


class Case(NamedTuple):
    tool: str
    names: tuple[str, ...]  # file slots under the root (some may not be logs: parts of a message)
    fixtures: tuple[Path, ...]
    swap: tuple[bytes, bytes] = (b"", b"")  # two count fields whose values a source swaps
    extra: tuple[bytes, ...] = ()  # sources written out here


CLAUDE = FIXTURES / "claude" / "projects" / "-home-dev-shop"
CODEX_NAME = "rollout-2026-03-02T15-40-12-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl"
CASES = {
    "claude-code": Case(
        "claude-code",
        (
            "projects/a/s1.jsonl",
            "projects/a/s2.jsonl",
            "projects/a/s1/subagents/agent-1.jsonl",
            "projects/b/s3.jsonl",
        ),
        tuple(sorted(CLAUDE.rglob("*.jsonl"))),
        (b'"input_tokens"', b'"cache_read_input_tokens"'),
    ),
    "codex": Case(
        "codex",
        (
            f"sessions/{CODEX_NAME}",
            f"archived_sessions/{CODEX_NAME}",
            "sessions/rollout-2026-03-03T09-12-00-x.jsonl",
        ),
        (
            *sorted((FIXTURES / "codex").rglob("*.jsonl")),
            *sorted((FIXTURES / "codex-lineage").rglob("*.jsonl")),
        ),
        (b'"cached_input_tokens"', b'"reasoning_output_tokens"'),
    ),
    "codex-exec": Case(  # saved `codex exec --json` output: its turns dated by the file's time
        "codex",
        ("rollout-exec-a.jsonl", "rollout-exec-b.jsonl"),
        (FIXTURES / "codex-exec" / "exec-output.jsonl", *sorted((FIXTURES / "codex").rglob("*.jsonl"))[:1]),
        (b'"cached_input_tokens"', b'"output_tokens"'),
    ),
    "qwen-code": Case(
        "qwen-code",
        ("p/chats/a.jsonl", "p/chats/b.jsonl", "q/chats/c.jsonl"),
        tuple(sorted((FIXTURES / "qwen").rglob("*.jsonl"))),
        (b'"cachedContentTokenCount"', b'"candidatesTokenCount"'),
    ),
    "cline": Case(
        "cline",
        ("tasks/1/ui_messages.json", "tasks/2/ui_messages.json", "sessions/s1/s1.messages.json"),
        tuple(sorted((FIXTURES / "cline").rglob("*messages.json"))),
        (b'\\"tokensIn\\"', b'\\"tokensOut\\"'),
    ),
    "roo-code": Case(  # a task's model is read from the history beside it (a companion)
        "roo-code",
        ("tasks/1/ui_messages.json", "tasks/1/api_conversation_history.json", "tasks/2/ui_messages.json"),
        tuple(sorted((FIXTURES / "roo").rglob("*.json"))),
        (b'\\"tokensIn\\"', b'\\"tokensOut\\"'),
    ),
    "kilo-code": Case(
        "kilo-code",
        ("tasks/1/ui_messages.json", "tasks/1/api_conversation_history.json"),
        tuple(sorted((FIXTURES / "kilo").rglob("*.json"))),
    ),
    "droid": Case(
        "droid",
        ("p/a.settings.json", "p/b.settings.json", "q/a.settings.json"),
        tuple(sorted((FIXTURES / "droid").rglob("*.settings.json"))),
        (b'"inputTokens"', b'"outputTokens"'),
    ),
    "openclaw": Case(
        "openclaw",
        (
            "main/sessions/a.jsonl",
            "main/sessions/a.jsonl.reset.2026-03-02T10-00-00.000Z",
            "other/sessions/b.jsonl",
        ),
        tuple(sorted((FIXTURES / "openclaw").rglob("*.jsonl*"))),
        (b'"cacheRead"', b'"input"'),
    ),
    "gemini": Case(
        "gemini",
        ("p/chats/session-1.jsonl", "p/chats/session-2.jsonl", "q/chats/s/c.jsonl", "p/chats/session-3.json"),
        tuple(
            sorted([*(FIXTURES / "gemini").rglob("*.jsonl"), *(FIXTURES / "gemini-legacy").rglob("*.json*")])
        ),
        (b'"cached"', b'"output"'),
    ),
    "opencode": Case(
        "opencode",
        (
            "storage/message/ses_1/msg_a.json",
            "storage/message/ses_1/msg_b.json",
            "storage/message/ses_2/msg_c.json",
            "storage/part/msg_a/prt_1.json",
        ),
        tuple(sorted((FIXTURES / "opencode" / "storage").rglob("*.json"))),
        (b'"read"', b'"output"'),
    ),
    "jsonl": Case(
        "jsonl",
        ("a.jsonl", "b/c.jsonl", "b/d.ndjson"),
        (FIXTURES / "generic" / "exports.jsonl",),
        (b'"prompt_tokens"', b'"completion_tokens"'),
        (  # lines with only a total (booked as output, each reported)
            b'{"timestamp": "2026-10-01T10:00:00Z", "model": "m", "id": "t1", "total_tokens": 900}\n'
            b'{"timestamp": "2026-10-01T17:00:00Z", "model": "m", "total_tokens": 40}\n'
            b'{"timestamp": "2026-10-01T10:00:00Z", "model": "m", "id": "t1", "total_tokens": 950}\n',
        ),
    ),
    "csv": Case("csv", ("a.csv", "b/c.csv", "b/d.csv"), (FIXTURES / "generic" / "gateway.csv",)),
}


def sources(case: Case) -> list[bytes]:
    """What the case's files grow into: each fixture, a copy with other digits, a copy with swapped counts."""
    found = []
    for fixture in case.fixtures:
        data = fixture.read_bytes()
        found += [data, data.translate(bytes.maketrans(b"1379", b"2468")), _swapped(data, *case.swap)]
    return found + list(case.extra)


def _swapped(data: bytes, first: bytes, second: bytes) -> bytes:
    if not first:
        return data
    pattern = re.compile(re.escape(first) + rb"\s*:\s*(\d+)(.*?)" + re.escape(second) + rb"\s*:\s*(\d+)")
    return pattern.sub(lambda m: first + b":" + m[3] + m[2] + second + b":" + m[1], data)


class Folder:
    """A case's files on disk, each growing from one source after another (a file holds concatenations
    of sources, so copies of one request meet within a file, across appends)."""

    def __init__(self, root: Path, case: Case) -> None:
        self.root = root
        self.case = case
        self.sources = sources(case)
        self.files: dict[int, tuple[int, int]] = {}  # slot -> where it grows from: (source, position)
        self.clock = PAST

    def path(self, slot: int) -> Path:
        return self.root / self.case.names[slot]

    def apply(self, op: tuple[str, int, int, int]) -> None:
        kind, slot, other, amount = op
        slot %= len(self.case.names)
        other %= len(self.case.names)
        path = self.path(slot)
        if kind == "concat":  # a whole source appended (a resumed session repeats what came before)
            source = amount % len(self.sources)
            self._append(slot, self.sources[source])
            self.files[slot] = (source, len(self.sources[source]))
        elif kind == "grow" or slot not in self.files:
            self._grow(slot, amount)
            return
        elif kind == "line":  # on to the end of a line, without its newline: a whole record as a tail
            source, position = self.files[slot]
            data = self.sources[source]
            end = data.find(b"\n", position)
            self._append(slot, data[position:end] if end >= 0 else data[position:])
            self.files[slot] = (source, end if end >= 0 else len(data))
        elif kind == "truncate":
            os.truncate(path, amount % (path.stat().st_size + 1))
        elif kind == "rewrite":  # the same size, other content
            size = path.stat().st_size
            source = (self.files[slot][0] + 1 + amount % (len(self.sources) - 1)) % len(self.sources)
            data = self.sources[source]
            path.write_bytes((data * (size // max(1, len(data)) + 1))[:size])
            self.files[slot] = (source, size % max(1, len(data)))
        elif kind in ("rename", "copy") and other not in self.files:
            target = self.path(other)
            target.parent.mkdir(parents=True, exist_ok=True)
            if kind == "rename":
                os.replace(path, target)
                self.files[other] = self.files.pop(slot)
                return
            shutil.copyfile(path, target)
            self.files[other] = self.files[slot]
            path = target
        elif kind == "delete":
            path.unlink()
            del self.files[slot]
            return
        self._touch(path)

    def _grow(self, slot: int, amount: int) -> None:
        """Append the next bytes of the slot's source (cut anywhere); an exhausted source is followed
        by another, from its start."""
        source, position = self.files.get(slot, (amount % len(self.sources), 0))
        data = self.sources[source]
        if position >= len(data):
            source, position = (source + 1 + amount) % len(self.sources), 0
            data = self.sources[source]
        upto = min(len(data), position + 1 + amount % max(1, len(data) // 2))
        self._append(slot, data[position:upto])
        self.files[slot] = (source, upto)
        self._touch(self.path(slot))

    def _append(self, slot: int, data: bytes) -> None:
        path = self.path(slot)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as handle:
            handle.write(data)

    def _touch(self, path: Path) -> None:
        self.clock += 3601 * 10**9  # another hour: what a reader dates by a file's time moves bucket
        os.utime(path, ns=(self.clock, self.clock))


OPS = st.tuples(
    st.sampled_from(
        ["grow", "grow", "grow", "concat", "truncate", "rewrite", "rename", "delete", "copy", "touch"]
    ),
    st.integers(0, 7),
    st.integers(0, 7),
    st.integers(0, 10**6),
)


def comparable(scan: ScanResult) -> dict[str, Any]:
    """What a report can show of a scan (a bucket a dedupe emptied may be absent or zero)."""
    tally = scan.tally
    return {
        "buckets": {
            key: (tuple(counts), tally.audio.get(key, 0))
            for key, counts in tally.counts.items()
            if any(counts)
        },
        "records": scan.records,
        "duplicates": scan.duplicates,
        "skips": scan.skips.by_file(),
        "bare_totals": scan.skips.bare_totals_by_file(),
        "tools": scan.tools,
        "bytes": scan.bytes,
    }


def by_grain(scan: ScanResult) -> dict[str, Any]:
    """`comparable` of the scan read out by local day (and UTC day), as a report by day reads it. A
    bucket a dedupe emptied is left out first: the index drops it, and its quarter hour, were it the
    first of its day's, would be the merged bucket's (the same day: a report shows the same)."""
    tally = LogTally()
    for key, counts in scan.tally.counts.items():
        if any(counts) or scan.tally.audio.get(key):
            tally.add(key, counts, scan.tally.audio.get(key, ZERO))
    return comparable(scan._replace(tally=coarsened(tally, GRAIN)))


def cold(searches: list[Search], card: RateCard) -> ScanResult:
    skips = Skips()
    return scan_files(walk_searches(searches, True, skips), card.offpeak, skips, workers=1)


def indexed(searches: list[Search], card: RateCard, cache: Path, **options: Any) -> ScanResult:
    env = {"TOKENPLAN_CACHE_DIR": str(cache)}
    return scan_with_index(searches, True, card.offpeak, Skips(), env=env, **{"workers": 1, **options})


def check_steps(
    case: Case, ops: list[tuple[str, int, int, int]], card: RateCard, fresh: bool = False, **options: Any
) -> None:
    """After each op, the index (a new one each step with `fresh`) answers as a cold read, four times
    (the last two may be answers kept: `index.answers`, by a run that found every file unchanged and by
    one that wrote)."""
    for step, op, temporary, searches in stepped(case, ops):
        cache = temporary / (f"cache-{step}" if fresh else "cache")
        scan = cold(searches, card)
        expected = comparable(scan)
        assert comparable(indexed(searches, card, cache, **options)) == expected, (step, op)
        # again, nothing changed: read out by local day (and UTC day), as a report by day reads it
        merged = by_grain(scan)
        again = indexed(searches, card, cache, grain=GRAIN, **options)
        assert comparable(again) == merged, ("again", step, op)
        # and once more: the answer the run before kept, when it found every file unchanged
        kept = indexed(searches, card, cache, grain=GRAIN, **options)
        assert comparable(kept) == merged, ("kept", step, op)
        # and by quarter hour again: the answer the step's first run kept, though it wrote
        assert comparable(indexed(searches, card, cache, **options)) == expected, (
            "kept after a write",
            step,
            op,
        )


def stepped(
    case: Case, ops: list[tuple[str, int, int, int]]
) -> Iterator[tuple[int, tuple[str, int, int, int], Path, list[Search]]]:
    """Each op applied in turn to the case's files in a new folder: the step, the op, the folder the
    logs are in (a cache may go beside them) and the searches that find them."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "logs"
        root.mkdir()
        folder = Folder(root, case)
        searches = log_searches((case.tool,), [root], {}, Path("/nowhere"))
        for step, op in enumerate(ops):
            folder.apply(op)
            yield step, op, Path(temporary), searches


# Copies that tie on tokens but differ (a source and its swapped copy): within a file, across appends,
# and across files, where the files' order decides; then the order changed by a rename.
TIES = [("concat", 0, 0, 0), ("concat", 0, 0, 2), ("concat", 1, 0, 2), ("rename", 0, 3, 0)]
# A companion changed: Roo's task (slot 0) takes its model from the history beside it (slot 1).
COMPANIONS = [("concat", 1, 0, 0), ("concat", 0, 0, 3), ("rewrite", 1, 0, 5), ("delete", 1, 0, 0)]
# Whole records as the tail, one line at a time: new requests, and copies of those the index holds.
TAILS = [
    ("grow", 1, 0, 0),
    *[("line", 1, 0, 0), ("grow", 1, 0, 0)] * 4,
    ("concat", 2, 0, 0),
    ("line", 2, 0, 0),
]


# A copy that loses to a later one empties the first hour's bucket of a day (Codex's, at least): the
# index drops that bucket, and a day read out of the index starts at the next (`by_grain`).
EMPTIED = [("grow", 0, 0, 0), ("concat", 1, 0, 0), ("concat", 0, 0, 0)]


# A fraction of the profile's examples (HYPOTHESIS_PROFILE=explore runs ten times more): each example
# is several scans, and the suite runs on a loaded two-core machine.
EXAMPLES = max(8, settings.default.max_examples // 8)


@pytest.mark.parametrize("tool", list(CASES))
@settings(max_examples=EXAMPLES)
@example(ops=TIES)
@example(ops=TAILS)
@example(ops=COMPANIONS)
@example(ops=EMPTIED)
@given(ops=st.lists(OPS, min_size=1, max_size=8))
def test_the_index_answers_as_a_cold_read(tool: str, ops: list[tuple[str, int, int, int]]) -> None:
    check_steps(CASES[tool], ops, CARD)


@pytest.mark.parametrize("tool", list(CASES))
@settings(max_examples=EXAMPLES)
@example(ops=TIES)
@example(ops=TAILS)
@example(ops=EMPTIED)
@given(ops=st.lists(OPS, min_size=1, max_size=8))
def test_each_run_from_the_answer_before_answers_as_a_cold_read(
    tool: str, ops: list[tuple[str, int, int, int]]
) -> None:
    """One run a step, by day: each starts from the answer the one before kept (`answers.Base`) where the
    walk finds the same files, and moves that answer's tally by what it wrote."""
    for step, op, temporary, searches in stepped(CASES[tool], ops):
        merged = by_grain(cold(searches, CARD))
        assert comparable(indexed(searches, CARD, temporary / "cache", grain=GRAIN)) == merged, (step, op)


@settings(max_examples=EXAMPLES // 2)
@given(ops=st.lists(OPS, min_size=1, max_size=6))
def test_the_index_answers_as_a_cold_read_with_workers(ops: list[tuple[str, int, int, int]]) -> None:
    check_steps(CASES["claude-code"], ops, CARD, workers=2, pool_from_bytes=0)


# Every slot filled, then files changed: the walks find several files.
FILLED = [
    ("concat", 0, 0, 2),
    *[("copy", 0, k, 0) for k in range(1, 4)],
    ("grow", 1, 0, 5),
    ("concat", 3, 0, 1),
]


@pytest.mark.parametrize(("commit_seconds", "fresh"), [(0.0, False), (60.0, True)])
@settings(max_examples=EXAMPLES // 2)
@example(ops=FILLED)
@given(ops=st.lists(OPS, min_size=1, max_size=6))
def test_batches_of_one_file_answer_as_a_cold_read(
    commit_seconds: float, fresh: bool, ops: list[tuple[str, int, int, int]]
) -> None:
    """Every file its own batch, each committed alone or all in one transaction; written as the walk goes
    on for a new search (`fresh`: a new index each step), once it is done for one that held files. The
    walk pauses after its second file (once the workers start), so that their parts come back meanwhile."""
    walk = run.walk_searches

    def slow_walk(*args: Any) -> Iterator[Any]:
        for number, found in enumerate(walk(*args)):
            yield found
            if number == 1:
                time.sleep(0.05)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "BATCH_FILES", 1)
        patch.setattr(run, "COMMIT_SECONDS", commit_seconds)
        patch.setattr(run, "walk_searches", slow_walk)
        check_steps(CASES["claude-code"], ops, CARD, fresh, workers=2, pool_from_bytes=0)


@pytest.mark.parametrize(
    ("name", "value"), [("_JSON_EACH", False), ("SETTLED", 1), ("FRESH_ROWS", 1), ("FRESH_ROWS", 3)]
)
@settings(max_examples=EXAMPLES // 2)
@example(ops=TIES)
@example(ops=FILLED)
@given(ops=st.lists(OPS, min_size=1, max_size=6))
def test_copies_written_row_by_row_or_settled_one_by_one_answer_as_a_cold_read(
    name: str, value: object, ops: list[tuple[str, int, int, int]]
) -> None:
    """Where SQLite has no `json_each`, a batch's copies go in one row at a time; a transaction's
    digests are settled some at a time, their files' blobs read again for each group; the copies later
    runs add are moved into the large table at every flush, or once a few are held."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(write, name, value)
        check_steps(CASES["claude-code"], ops, CARD)


def test_later_runs_add_their_copies_to_the_small_table_until_it_is_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build fills `copies`; a run after an append adds its copies to `fresh_copies`, leaving the
    large table's pages alone, until the small one holds `FRESH_ROWS` and is moved (`write.COPIES`)."""
    root = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", root)
    searches = log_searches(("claude-code",), [root], {}, Path("/nowhere"))
    cache = tmp_path / "cache"
    target = sorted(root.rglob("*.jsonl"))[0]
    line = next(line for line in target.read_bytes().splitlines(True) if b'"output_tokens"' in line)

    def rows() -> tuple[int, int]:
        with closing(sqlite3.connect(cache / "log-index.sqlite")) as db:
            return tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in write.COPIES)

    def appended(number: int) -> tuple[int, int]:
        with open(target, "ab") as handle:  # a new request: the message id of none before
            handle.write(re.sub(rb'"id": ?"msg_[^"]*"', f'"id":"msg_added_{number}"'.encode(), line))
        assert comparable(indexed(searches, CARD, cache)) == comparable(cold(searches, CARD))
        return rows()

    assert comparable(indexed(searches, CARD, cache)) == comparable(cold(searches, CARD))
    large, small = rows()
    assert large > 0 and small == 0
    assert appended(1) == (large, 1)
    monkeypatch.setattr(write, "FRESH_ROWS", 2)
    assert appended(2) == (large + 2, 0)


def test_files_new_to_the_index_found_together_with_the_same_new_requests_count_them_once(
    tmp_path: Path,
) -> None:
    """Two files a later run finds, each holding the same requests, none of which the index holds (a
    new session, copied): each counts once, though neither copy was in the index when the run began
    (the run's new copies are looked for among each other's too: `Writer.flush`)."""
    root = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", root)
    searches = log_searches(("claude-code",), [root], {}, Path("/nowhere"))
    cache = tmp_path / "cache"
    assert comparable(indexed(searches, CARD, cache)) == comparable(cold(searches, CARD))
    source = sorted(root.rglob("*.jsonl"))[0]
    line = next(line for line in source.read_bytes().splitlines(True) if b'"output_tokens"' in line)
    session = re.sub(rb'"id": ?"msg_[^"]*"', b'"id":"msg_new_session"', line)
    for name in ("new-a.jsonl", "new-b.jsonl"):
        source.with_name(name).write_bytes(session)
        os.utime(source.with_name(name), ns=(PAST, PAST))
    expected = comparable(cold(searches, CARD))
    assert comparable(indexed(searches, CARD, cache)) == expected
    assert expected["duplicates"] >= 1


def test_a_run_settles_hundreds_of_copies_met_again_under_sqlites_oldest_limit_of_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session of 600 requests copied: its 600 digests, settled at once, are asked of both copies
    tables in statements that name at most 999 values (SQLite before 3.32 allows no more)."""
    real_connect = sqlite3.connect

    def oldest_limit(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(*args, **kwargs)
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        return connection

    monkeypatch.setattr(sqlite3, "connect", oldest_limit)
    root = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", root)
    searches = log_searches(("claude-code",), [root], {}, Path("/nowhere"))
    source = sorted(root.rglob("*.jsonl"))[0]
    line = next(line for line in source.read_bytes().splitlines(True) if b'"output_tokens"' in line)
    session = source.with_name("many.jsonl")
    session.write_bytes(
        b"".join(re.sub(rb'"id": ?"msg_[^"]*"', b'"id":"msg_many_%d"' % n, line) for n in range(600))
    )
    cache = tmp_path / "cache"
    assert comparable(indexed(searches, CARD, cache)) == comparable(cold(searches, CARD))
    shutil.copy(session, session.with_name("many-copy.jsonl"))
    expected = comparable(cold(searches, CARD))
    assert comparable(indexed(searches, CARD, cache)) == expected
    assert expected["duplicates"] >= 600


# -- SQLite stores: rows added, changed and deleted in place, the store copied ----------------------


class Store(NamedTuple):
    tool: str
    script: Path  # the fixture's SQL
    name: str  # the store's file name
    table: str  # the table whose rows change
    column: str  # its JSON column


STORES = {
    "opencode": Store("opencode", FIXTURES / "opencode" / "opencode.sql", "opencode.db", "message", "data"),
    "goose": Store(
        "goose", FIXTURES / "goose" / "sessions.sql", "sessions/sessions.db", "usage_ledger", "model"
    ),
    "crush": Store("crush", FIXTURES / "crush" / "crush.sql", ".crush/crush.db", "sessions", "title"),
    "openclaw": Store(
        "openclaw",
        FIXTURES / "openclaw" / "openclaw-agent.sql",
        "main/agent/openclaw-agent.sqlite",
        "transcript_events",
        "event_json",
    ),
}
STORE_OPS = st.tuples(st.sampled_from(["change", "delete", "copy", "wal", "remove"]), st.integers(0, 50))


def change_store(path: Path, store: Store, op: tuple[str, int], copies: list[Path]) -> None:
    kind, amount = op
    if kind == "copy":
        target = path.parent.parent / f"copy{len(copies)}" / path.parent.name / path.name
        if store.tool == "opencode":
            target = path.with_name(f"opencode-copy{len(copies)}.db")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copies.append(target)
        return
    if kind == "remove" and copies:
        copies.pop().unlink()
        return
    with closing(sqlite3.connect(path)) as connection:
        if kind == "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        rows = connection.execute(f"SELECT rowid FROM {store.table} ORDER BY rowid").fetchall()
        if not rows:
            return
        (rowid,) = rows[amount % len(rows)]
        if kind == "delete":
            connection.execute(f"DELETE FROM {store.table} WHERE rowid = ?", (rowid,))
        else:
            digits = str(amount % 9 + 1)
            connection.execute(
                f"UPDATE {store.table} SET {store.column} = replace({store.column}, '1', ?) WHERE rowid = ?",
                (digits, rowid),
            )
        connection.commit()


@pytest.mark.parametrize("tool", list(STORES))
@settings(max_examples=EXAMPLES)
@given(ops=st.lists(STORE_OPS, min_size=1, max_size=6))
def test_a_store_changed_in_place_answers_as_a_cold_read(tool: str, ops: list[tuple[str, int]]) -> None:
    store, card = STORES[tool], CARD
    with tempfile.TemporaryDirectory() as temporary:
        root, cache = Path(temporary) / "logs", Path(temporary) / "cache"
        path = root / store.name
        path.parent.mkdir(parents=True)
        with closing(sqlite3.connect(path)) as connection:
            connection.executescript(store.script.read_text(encoding="utf-8"))
        searches = log_searches((tool,), [root], {}, Path("/nowhere"))
        copies: list[Path] = []
        for step, op in enumerate(ops):
            change_store(path, store, op, copies)
            expected = comparable(cold(searches, card))
            assert comparable(indexed(searches, card, cache)) == expected, (step, op)
            assert comparable(indexed(searches, card, cache)) == expected, ("again", step, op)


def test_unchanged_files_are_not_read_again(
    card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm run reads no log byte: no reader runs at all."""
    root = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", root)
    for path in root.rglob("*.jsonl"):
        os.utime(path, ns=(PAST, PAST))
    searches = log_searches(("claude-code",), [root], {}, Path("/nowhere"))
    first = comparable(indexed(searches, card, tmp_path / "cache"))
    read: list[str] = []
    original: Callable[..., Any] = reading.read_part
    monkeypatch.setattr(run, "read_part", lambda task: read.append(task[2]) or original(task))
    assert comparable(indexed(searches, card, tmp_path / "cache")) == first
    assert read == []
    os.utime(next(root.rglob("*.jsonl")), ns=(PAST + 10**9, PAST + 10**9))  # touched: read on, not whole
    assert comparable(indexed(searches, card, tmp_path / "cache")) == first
    assert len(read) == 1


@settings(max_examples=EXAMPLES // 2)
@example(ops=FILLED)
@example(ops=TIES)
@given(ops=st.lists(OPS, min_size=1, max_size=8))
def test_settling_by_reading_every_row_back_answers_as_a_cold_read(
    ops: list[tuple[str, int, int, int]],
) -> None:
    """A run that wrote alone settles from what it knows (`Run._settle_known`); one that another process
    may have written beside reads every indexed row back and compares it with its walk. Here every run
    takes that second way."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run.Run, "_settle_known", lambda self, number: self._settle_files(number, True))
        check_steps(CASES["claude-code"], ops, CARD)
