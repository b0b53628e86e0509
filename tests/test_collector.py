"""Python's cycle collector waits while a command starts (`collector.py`): a warm answer from what the
log index kept runs with it paused, and the Typer CLI and any reading of log files run with it again."""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from readerkit import FIXTURES
from test_log_index_laws import PAST

from tokenplan_cli import cli, collector, entry, exits
from tokenplan_cli.readers.logs import scanner


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    """Each test leaves the collector of the test session as it found it, nothing frozen."""
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


class Left(Exception):
    """What `exits.leave` raises here instead of ending the test session: the code, and whether the
    collector was running when the command left."""

    def __init__(self, code: object) -> None:
        super().__init__(code)
        self.code = code
        self.collecting = gc.isenabled()


def leave(code: object) -> None:
    raise Left(code)


def test_resume_collects_again_and_freezes_what_there_is() -> None:
    collector.pause()
    assert not gc.isenabled()
    before = gc.get_freeze_count()
    collector.resume()
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert frozen > before
    collector.resume()  # once running, resuming again changes nothing
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_reading_log_files_resumes_the_collector() -> None:
    collector.pause()
    assert list(scanner.read_jobs([], lambda task: task)) == []
    assert gc.isenabled()


def test_the_typer_cli_runs_with_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def cli_run() -> None:
        seen.append(gc.isenabled())
        raise Left(0)

    monkeypatch.setattr(cli, "run", cli_run)
    monkeypatch.setattr(sys, "argv", ["tokenplan", "rates", "--json"])
    with pytest.raises(Left):
        entry.run()
    assert seen == [True]


def test_a_kept_answer_is_given_with_the_collector_paused_and_a_read_resumes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", root)
    for path in root.rglob("*.jsonl"):
        os.utime(path, ns=(PAST, PAST))  # long ago: the run that reads them keeps its answer
    monkeypatch.setenv("TOKENPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(exits, "leave", leave)
    monkeypatch.setattr(
        sys, "argv", ["tokenplan", "usage", "report", "--from", "claude-code", str(root), "--json"]
    )
    runs = []
    for _ in range(2):  # the first reads the files and keeps its answer, the second is given it
        with pytest.raises(Left) as left:
            entry.run()
        runs.append((left.value.code, left.value.collecting, json.loads(capsys.readouterr().out)))
    (first_code, first_collecting, first), (second_code, second_collecting, second) = runs
    assert (first_code, second_code) == (0, 0)
    assert first_collecting and not second_collecting
    assert second == first and first["records"] > 0
