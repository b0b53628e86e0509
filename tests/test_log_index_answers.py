"""Answers kept by the log index (`index.answers`): a walk that finds every file as the run before found it
gets that run's answer, and anything a run would see (a file changed, another process's write, a zone's
offsets) sends it the long way. The laws (`test_log_index_laws.py`) hold the kept answers equal to a cold
read after random changes; these tests pin when one is used and what it holds."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
import zlib
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from readerkit import FIXTURES
from test_log_index_laws import GRAIN, PAST, by_grain, cold, comparable, indexed

from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.readers.logs import index
from tokenplan_cli.readers.logs.index import answer, answers, reading, run
from tokenplan_cli.readers.logs.scanner import Search, log_searches

SKIPPED_LINE = b'{"type": "assistant", "message": {"usage": {"output_tokens": \n'  # cut short


@pytest.fixture
def logs(tmp_path: Path) -> tuple[Path, list[Search]]:
    """Claude Code's fixtures, one with a line that cannot be read, all modified long ago."""
    root = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", root)
    first = sorted(root.rglob("*.jsonl"))[0]
    with open(first, "ab") as handle:
        handle.write(SKIPPED_LINE)
    for path in root.rglob("*.jsonl"):
        os.utime(path, ns=(PAST, PAST))
    return root, log_searches(("claude-code",), [root], {}, Path("/nowhere"))


class Spy:
    """Which runs gave a kept answer or started from a base, which read a log file, how many rows each
    run from a base loaded, and what its moves made of the base's tally (None: read out again)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kept: list[bool] = []
        self.bases: list[bool] = []
        self.read: list[str] = []
        self.rows: list[int] = []
        self.moved: list[Any] = []
        read_part = reading.read_part
        spy(monkeypatch, index, "kept_answer", lambda found: self.kept.append(found is not None))
        spy(monkeypatch, index, "kept_base", lambda found: self.bases.append(found is not None))
        spy(monkeypatch, run, "rows_by_id", lambda found: self.rows.append(len(found)))
        spy(monkeypatch, answer.Moves, "moved", self.moved.append)
        monkeypatch.setattr(run, "read_part", lambda task: self.read.append(task[2]) or read_part(task))


def spy(monkeypatch: pytest.MonkeyPatch, where: Any, name: str, note: Callable[[Any], Any]) -> None:
    """`where.name` replaced by itself, each of whose results is given to `note` on its way back."""
    real = getattr(where, name)

    def spied(*args: Any) -> Any:
        found = real(*args)
        note(found)
        return found

    monkeypatch.setattr(where, name, spied)


def expected(searches: list[Search], card: RateCard) -> dict[str, Any]:
    scan = cold(searches, card)
    return by_grain(scan)


def warmed(searches: list[Search], card: RateCard, cache: Path) -> None:
    """Built, then run once more with nothing changed: that run keeps its answer."""
    indexed(searches, card, cache, grain=GRAIN)
    indexed(searches, card, cache, grain=GRAIN)


def renamed_requests(data: bytes) -> bytes:
    """The lines with their message and request ids changed: other requests, of the same counts."""
    return data.replace(b'"msg_', b'"msg_x').replace(b'"req_', b'"req_x')


def stored_walks(cache: Path) -> list[tuple[bytes, bytes]]:
    with closing(sqlite3.connect(cache / "log-index.sqlite")) as db:
        return db.execute("SELECT walk, key FROM answers").fetchall()


def stored(cache: Path) -> list[tuple[bytes, dict[str, Any]]]:
    with closing(sqlite3.connect(cache / "log-index.sqlite")) as db:
        rows = db.execute("SELECT key, answer FROM answers").fetchall()
    return [(key, json.loads(zlib.decompress(blob))) for key, blob in rows]


def test_a_walk_that_finds_every_file_unchanged_gets_the_kept_answer(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, searches = logs
    warmed(searches, card, tmp_path / "cache")
    spy = Spy(monkeypatch)
    answer = comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN))
    assert spy.kept == [True]
    assert spy.read == []
    assert answer == expected(searches, card)
    assert answer["skips"] and answer["skips"][0].path.endswith(".jsonl")  # given back its path


def test_a_file_changed_since_is_read_and_answered_anew(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, searches = logs
    warmed(searches, card, tmp_path / "cache")
    before = expected(searches, card)
    last = sorted(root.rglob("*.jsonl"))[-1]
    with open(last, "ab") as handle:
        handle.write(sorted(root.rglob("*.jsonl"))[1].read_bytes())  # another file's requests, copied
    os.utime(last, ns=(PAST + 10**9, PAST + 10**9))
    spy = Spy(monkeypatch)
    answer = comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN))
    assert spy.kept == [False]
    assert spy.read == [str(last)]
    assert answer == expected(searches, card) != before


def test_a_file_gone_is_not_answered_from_the_kept_answer(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, searches = logs
    warmed(searches, card, tmp_path / "cache")
    sorted(root.rglob("*.jsonl"))[-1].unlink()
    spy = Spy(monkeypatch)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert spy.kept == [False]


def test_a_write_by_another_process_sends_the_run_the_long_way(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, searches = logs
    warmed(searches, card, tmp_path / "cache")
    with closing(sqlite3.connect(tmp_path / "cache" / "log-index.sqlite")) as db, db:
        db.execute("UPDATE searches SET generation = generation + 1")
    spy = Spy(monkeypatch)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert spy.kept == [False]
    assert spy.read == []  # the long way found every file as indexed, and kept its answer again
    indexed(searches, card, tmp_path / "cache", grain=GRAIN)
    assert spy.kept == [False, True]


def test_a_zone_whose_offsets_moved_sends_the_run_the_long_way(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zone's rules are not in the key (its name is): the offsets over the answer's days are kept and
    compared, as a new tzdata could move them."""
    _, searches = logs
    warmed(searches, card, tmp_path / "cache")
    ((key, document),) = stored(tmp_path / "cache")
    document["units"][0][0][1][0][1] += 60  # the first grid's first offset, an hour off
    blob = zlib.compress(json.dumps(document).encode())
    with closing(sqlite3.connect(tmp_path / "cache" / "log-index.sqlite")) as db, db:
        db.execute("UPDATE answers SET answer = ? WHERE key = ?", (blob, key))
    spy = Spy(monkeypatch)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert spy.kept == [False]


def test_a_kept_answer_holds_no_path_nor_any_name_from_the_logs(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path
) -> None:
    root, searches = logs
    warmed(searches, card, tmp_path / "cache")
    ((_, document),) = stored(tmp_path / "cache")
    text = json.dumps(document)
    ((position, count, _, reasons),) = document["skipped"]  # the file by its position in the walk
    assert (type(position), count, reasons) == (int, 1, ["malformed JSON"])
    with closing(sqlite3.connect(tmp_path / "cache" / "log-index.sqlite")) as db:
        ((base,),) = db.execute("SELECT base FROM answers").fetchall()
        row = b"".join(
            value for value in db.execute("SELECT * FROM answers").fetchone() if type(value) is bytes
        )
    text += zlib.decompress(base).decode()  # (the base: tallies, racy positions, zone offsets)
    for path in root.rglob("*"):
        assert path.name not in text and path.name.encode() not in row
    assert str(tmp_path) not in text and str(tmp_path).encode() not in row


def test_a_run_that_wrote_keeps_its_answer_when_no_file_is_racy(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build writes every file's row; none was modified near its walk: the next run that finds
    them all as walked is given the build's answer."""
    _, searches = logs
    indexed(searches, card, tmp_path / "cache", grain=GRAIN)
    assert len(stored(tmp_path / "cache")) == 1
    spy = Spy(monkeypatch)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert (spy.kept, spy.read) == ([True], [])


def test_a_run_that_met_a_racy_file_keeps_its_answer_as_a_base_only(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file modified as it was walked is read on by every run until its stat can be trusted: no run
    gives a kept answer meanwhile, and each starts from the one before, reading that file alone."""
    root, searches = logs
    racy = sorted(root.rglob("*.jsonl"))[0]
    soon = time.time_ns() + 10 * 10**9  # (as if modified while each walk ran: racy for either run)
    os.utime(racy, ns=(soon, soon))
    indexed(searches, card, tmp_path / "cache", grain=GRAIN)
    spy = Spy(monkeypatch)
    for _ in range(2):
        assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(
            searches, card
        )
    assert (spy.kept, spy.read, spy.bases) == ([False, False], [str(racy)] * 2, [True, True])
    assert [walk for walk, _ in stored_walks(tmp_path / "cache")] == [b""]


def test_a_run_from_a_base_reads_the_files_changed_and_answers_as_a_cold_read(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests appended to one file (new ones, and copies of another file's), and a cut-short last line
    to another: the rows of those two alone are loaded and compared, and the answer is the base's tally
    moved by what was added."""
    root, searches = logs
    warmed(searches, card, tmp_path / "cache")
    files = sorted(root.rglob("*.jsonl"))
    with open(files[-1], "ab") as handle:
        handle.write(files[1].read_bytes())  # another file's requests, copied: duplicates across files
        handle.write(renamed_requests(files[0].read_bytes()))  # and requests of their own
    with open(files[1], "ab") as handle:
        handle.write(files[2].read_bytes().splitlines(keepends=True)[0][:40])  # a line being written
    for path in files[1], files[-1]:
        os.utime(path, ns=(PAST + 10**9, PAST + 10**9))
    spy = Spy(monkeypatch)
    answer = comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN))
    assert (spy.kept, sorted(spy.read), spy.bases) == (
        [False],
        sorted(map(str, [files[1], files[-1]])),
        [True],
    )
    assert spy.rows == [2] and spy.moved[0] is not None  # (the tally moved, not read out again)
    assert answer == expected(searches, card)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == answer  # kept again
    assert spy.kept == [False, True]


def test_a_run_from_a_base_that_empties_a_bucket_reads_the_tally_again(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file rewritten shorter takes its requests out of the tally: the base's tally can no longer be
    moved to the index's, which is read out again (the rows loaded are still the changed file's alone)."""
    root, searches = logs
    warmed(searches, card, tmp_path / "cache")
    last = sorted(root.rglob("*.jsonl"))[-1]
    last.write_bytes(last.read_bytes().splitlines(keepends=True)[0])
    os.utime(last, ns=(PAST + 10**9, PAST + 10**9))
    spy = Spy(monkeypatch)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert (spy.bases, spy.rows, spy.moved) == ([True], [1], [None])


def test_a_file_added_or_renamed_sends_the_run_from_every_row(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, searches = logs
    warmed(searches, card, tmp_path / "cache")
    first = sorted(root.rglob("*.jsonl"))[0]
    spy = Spy(monkeypatch)
    shutil.copy(first, first.with_name("added.jsonl"))
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    first.rename(first.with_name("renamed.jsonl"))
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert spy.bases == [False, False]


def test_answers_kept_are_few(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, searches = logs
    monkeypatch.setattr(answers, "KEPT", 2)
    for grain in (GRAIN, None, GRAIN._replace(cuts=()), GRAIN):
        indexed(searches, card, tmp_path / "cache", grain=grain)
        indexed(searches, card, tmp_path / "cache", grain=grain)
    assert len(stored(tmp_path / "cache")) == 2


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"not compressed", id="not-zlib"),
        pytest.param(zlib.compress(b"{not json"), id="not-json"),
        pytest.param(zlib.compress(b'{"buckets": [[1]]}'), id="not-an-answer"),
        pytest.param(
            zlib.compress(b'{"buckets": [], "skipped": [[99, 1, [1], ["x"]]], "bare": []}'), id="no-file"
        ),
    ],
)
def test_a_damaged_answer_is_a_shortcut_missed(
    damage: bytes,
    logs: tuple[Path, list[Search]],
    card: RateCard,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, searches = logs
    warmed(searches, card, tmp_path / "cache")
    with closing(sqlite3.connect(tmp_path / "cache" / "log-index.sqlite")) as db, db:
        db.execute("UPDATE answers SET answer = ?", (damage,))
    spy = Spy(monkeypatch)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert spy.kept == [False]


def test_a_write_by_another_process_after_the_base_was_read_sends_the_run_again(
    logs: tuple[Path, list[Search]], card: RateCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process writes between the base's reading and the run's planning: what the base held is
    no longer what the index holds, and the run starts again, without it."""
    root, searches = logs
    warmed(searches, card, tmp_path / "cache")
    last = sorted(root.rglob("*.jsonl"))[-1]
    with open(last, "ab") as handle:
        handle.write(renamed_requests(sorted(root.rglob("*.jsonl"))[0].read_bytes()))
    os.utime(last, ns=(PAST + 10**9, PAST + 10**9))
    spy = Spy(monkeypatch)
    found = index.kept_base

    def then_another_write(*args: Any) -> Any:
        base = found(*args)
        with closing(sqlite3.connect(tmp_path / "cache" / "log-index.sqlite")) as db, db:
            db.execute("UPDATE searches SET generation = generation + 1")
        return base

    monkeypatch.setattr(index, "kept_base", then_another_write)
    assert comparable(indexed(searches, card, tmp_path / "cache", grain=GRAIN)) == expected(searches, card)
    assert spy.bases == [True, False] and spy.rows == []  # (planned from every row, the second time)
