"""The scanner: finding files, one dedupe across files (best copy kept), the pool, and bad paths."""

from __future__ import annotations

import gc
import shutil
from itertools import chain
from pathlib import Path

import pytest

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.records import normalise_model
from tokenplan_cli.core.usagelog import slot_start
from tokenplan_cli.readers.logs import Skips, scanner
from tokenplan_cli.readers.logs.scanner import (
    ScanResult,
    iter_log_files,
    scan_files,
    tool_names,
)

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
CLAUDE = FIXTURES / "claude"


def scan(card: RateCard, tools: tuple[str, ...], paths: list[Path], **options: int) -> ScanResult:
    skips = Skips()
    files = list(iter_log_files(tools, paths, {}, Path("/nonexistent-home"), skips))
    return scan_files(files, card.offpeak, skips, **options)


def kept(result: ScanResult) -> list[tuple[str, str, str, int, int]]:
    """(model, UTC time of the quarter hour, window, requests, output) of every bucket with requests."""
    return sorted(
        (
            normalise_model(key.model),
            slot_start(key.slot).strftime("%m-%d %H:%M"),
            key.window,
            counts[0],
            counts[4],
        )
        for key, counts in result.tally.counts.items()
        if counts[0]
    )


EXPECTED = [
    # the streamed request, kept with its last block's output (260), at the main copy's 15:59 (peak),
    # not the sub-agent's replay at 16:10 nor the resumed session's copy
    ("claude-haiku-4-5-20251001", "10-01 16:00", "offpeak", 1, 80),
    ("claude-opus-4-1-20250805", "10-01 16:00", "offpeak", 1, 500),
    ("claude-sonnet-4-5-20250929", "10-01 15:45", "peak", 1, 260),
    ("mimo-v2.5-pro", "10-02 08:00", "peak", 1, 1000),
]


def test_one_copy_of_each_request_across_files(card: RateCard) -> None:
    result = scan(card, ("claude-code",), [CLAUDE])
    assert kept(result) == EXPECTED
    assert result.records == 4 and not result.skips
    # 2 + 1 streamed blocks merged in the session, the progress copy, the replay, 8 copies in the resumed file
    assert result.duplicates == 11
    assert [(t.tool, t.files) for t in result.tools] == [("claude-code", 3)]


def test_the_pool_gives_the_same_result(card: RateCard) -> None:
    alone = scan(card, ("claude-code",), [CLAUDE], workers=1)
    pooled = scan(card, ("claude-code",), [CLAUDE], workers=2, pool_from_bytes=0)
    assert kept(pooled) == kept(alone) and pooled.duplicates == alone.duplicates


@pytest.mark.parametrize("pool_from", [0, 1], ids=["pool-at-once", "pool-mid-walk"])
def test_workers_read_while_the_walk_goes_on(card: RateCard, tmp_path: Path, pool_from: int) -> None:
    """Files found after the workers started are read too; what the walk meets on the way is reported."""
    shutil.copytree(CLAUDE, tmp_path / "logs")
    (tmp_path / "logs" / "projects" / "zz-loop").symlink_to(tmp_path / "logs")  # met last by the walk
    skips = Skips()
    found = iter_log_files(("claude-code",), [tmp_path / "logs"], {}, Path("/nowhere"), skips)
    first = next(found)
    # pool_from 1: the pool starts once two files are known, the third is found while they are read
    streamed = scan_files(
        chain([first], found), card.offpeak, skips, workers=2, pool_from_bytes=pool_from * first.size
    )
    assert kept(streamed) == EXPECTED and streamed.records == 4 and streamed.duplicates == 11
    assert [(t.tool, t.files) for t in streamed.tools] == [("claude-code", 3)]
    assert [f.reasons for f in streamed.skips.by_file()] == [("symbolic link loop",)]


def test_what_is_shared_with_the_workers_is_left_out_of_collections_while_they_run() -> None:
    """Objects made before the workers are forked stay out of the collector's passes until the reading
    is done (its writes would unshare their pages), and are collected again after, as an error too."""
    frozen = []

    def serve(task: int) -> int:
        return task

    jobs = [scanner.Job(1, number) for number in range(4)]
    for _ in scanner.read_jobs(jobs, serve, workers=2, pool_from_bytes=0):
        frozen.append(gc.get_freeze_count())
    assert len(frozen) == 4 and min(frozen) > 0
    assert gc.get_freeze_count() == 0
    replies = scanner.read_jobs(jobs, serve, workers=2, pool_from_bytes=0)
    next(replies)
    replies.close()  # (a consumer that stops early, on an error)
    assert gc.get_freeze_count() == 0


def test_a_bad_request_is_refused_before_any_file_is_found(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="paths belong to one log source: name it with `tools`") as one:
        iter_log_files((), [tmp_path], {}, tmp_path, Skips())
    assert one.value.mentions == ("tools",)  # the CLI names it --from
    with pytest.raises(BadInputError, match="`tools` csv reads the files you name"):
        iter_log_files(("csv",), [], {}, tmp_path, Skips())


def test_a_worker_that_fails_is_reported_not_hung(card: RateCard, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(task: object) -> object:
        raise ValueError("a bug")

    monkeypatch.setattr(scanner, "read_one", broken)  # the forked workers inherit it
    with pytest.raises(RuntimeError, match="a log-reading worker failed: ValueError: a bug"):
        scan(card, ("claude-code",), [CLAUDE], workers=2, pool_from_bytes=0)


def test_file_order_does_not_change_which_copy_wins(card: RateCard, tmp_path: Path) -> None:
    """The sub-agent's replay read first still loses to the main copy; a partial copy to the final one."""
    project = tmp_path / "projects" / "p"
    project.mkdir(parents=True)
    source = CLAUDE / "projects" / "-home-dev-shop"
    shutil.copy(next(source.rglob("agent-*.jsonl")), project / "0-agent.jsonl")
    lines = (source / "7f3c2a10-5b1e-4c2d-9a8e-1f2b3c4d5e6f.jsonl").read_bytes().splitlines(keepends=True)
    (project / "1-first-block.jsonl").write_bytes(lines[2])  # output_tokens 1
    (project / "2-session.jsonl").write_bytes(b"".join(lines))
    assert kept(scan(card, ("claude-code",), [tmp_path])) == EXPECTED[:3]


def test_default_roots_are_searched_when_no_path_is_given(card: RateCard, tmp_path: Path) -> None:
    shutil.copytree(CLAUDE, tmp_path / ".claude")
    skips = Skips()
    files = list(iter_log_files((), [], {}, tmp_path, skips))
    assert {f.tool for f in files} == {"claude-code"} and len(files) == 3 and not skips


def test_the_same_folder_twice_is_read_once(card: RateCard, tmp_path: Path) -> None:
    (tmp_path / ".config").mkdir()
    shutil.copytree(CLAUDE, tmp_path / ".claude")
    (tmp_path / ".config" / "claude").symlink_to(tmp_path / ".claude")
    assert len(list(iter_log_files(("claude-code",), [], {}, tmp_path, Skips()))) == 3


def test_generic_exports_are_deduped_by_id(card: RateCard) -> None:
    result = scan(card, ("csv",), [FIXTURES / "generic" / "gateway.csv"])
    assert result.records == 3 and result.duplicates == 1


BAD_PATHS = [
    pytest.param(lambda root: root / "missing", "no such file or directory", id="missing-path"),
    pytest.param(
        lambda root: (root / "empty").mkdir() or root / "empty", "no log files found", id="empty-folder"
    ),
]


@pytest.mark.parametrize(("make", "reason"), BAD_PATHS)
def test_bad_paths_are_counted(card: RateCard, tmp_path: Path, make: object, reason: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    result = scan(card, ("claude-code",), [path])
    assert [(f.path, f.lines, f.reasons) for f in result.skips.by_file()] == [(str(path), (0,), (reason,))]


def test_a_symbolic_link_loop_is_counted_once(card: RateCard, tmp_path: Path) -> None:
    shutil.copytree(CLAUDE, tmp_path / "logs")
    (tmp_path / "logs" / "projects" / "loop").symlink_to(tmp_path / "logs")
    result = scan(card, ("claude-code",), [tmp_path / "logs"])
    assert result.records == 4
    assert [f.reasons for f in result.skips.by_file()] == [("symbolic link loop",)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(["claude-code"], ("claude-code",), id="one"),
        pytest.param(["Codex,claude-code", "codex"], ("codex", "claude-code"), id="commas-and-repeats"),
    ],
)
def test_tool_names(values: list[str], expected: tuple[str, ...]) -> None:
    assert tool_names(values) == expected


def test_an_unknown_tool_gets_a_did_you_mean() -> None:
    with pytest.raises(Exception, match="unknown log source 'claude'; did you mean 'claude-code'"):
        tool_names(["claude"])


def _tree(root: Path) -> Path:
    """Folders a walk must get right: names only a suffix test tells apart, a linked file and folder,
    a dangling link, a loop, and sorting within each folder."""
    for name in ("b.jsonl", "a.jsonl", ".jsonl", "x.jsonl.bak", "rollout-1.jsonl", "z..jsonl", "c.JSONL"):
        (root / "logs" / "p").mkdir(parents=True, exist_ok=True)
        (root / "logs" / "p" / name).write_text("{}\n")
    (root / "logs" / "p" / "sub").mkdir()
    (root / "logs" / "p" / "sub" / "rollout-2.jsonl").write_text("{}\n")
    (root / "logs" / "linked.jsonl").symlink_to(root / "logs" / "p" / "a.jsonl")
    (root / "logs" / "dangling.jsonl").symlink_to(root / "nowhere.jsonl")
    (root / "logs" / "again").symlink_to(root / "logs" / "p")
    (root / "logs" / "p" / "loop").symlink_to(root / "logs")
    return root / "logs"


@pytest.mark.parametrize("tool", ["claude-code", "codex"])
@pytest.mark.parametrize("as_file", [False, True], ids=["folder", "file"])
def test_find_stats_is_find_files_with_one_stat_each(tmp_path: Path, tool: str, as_file: bool) -> None:
    """A reader's `find_stats` walks as its `find_files` does: the same files in the same order, the same
    skips, and each file's stat as `os.stat` gives it."""
    import importlib
    import os

    from tokenplan_cli.readers.logs import LOG_READERS

    reader = importlib.import_module(LOG_READERS[tool])
    root = _tree(tmp_path)
    if as_file:
        root = root / "p" / "a.jsonl"
    paths_skips, stats_skips = Skips(), Skips()
    paths = [str(path) for path in reader.find_files(root, paths_skips)]
    found = list(reader.find_stats(root, stats_skips))
    assert [path for path, _ in found] == paths
    assert paths  # (the tree holds files of both tools)
    assert [stat for _, stat in found] == [os.stat(path) for path in paths]
    assert stats_skips.by_file() == paths_skips.by_file()
    # (a folder met again through a link is reported as a loop, as `walk_files` reports it)
    assert as_file or [f.reasons for f in stats_skips.by_file()] == [("symbolic link loop",)] * 2


def test_folders_are_stated_for_their_identity_only_once_a_loop_is_possible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a link (or, unseen as one, a bind mount or a junction: a folder deeper than
    `UNLINKED_DEPTH`) can lead a walk back to a folder it listed; until then no folder is stat'ed."""
    import os

    from tokenplan_cli.readers import logs

    deepest = tmp_path.joinpath(*"abcde")
    deepest.mkdir(parents=True)
    for depth in range(1, 6):
        (tmp_path.joinpath(*"abcde"[:depth]) / f"s{depth}.jsonl").write_text("{}\n")
    folders = {str(tmp_path.joinpath(*"abcde"[:depth])) for depth in range(1, 6)}  # (the root is, as a root)
    stated: list[str] = []
    real_stat = os.stat

    def counted(path: str, *args: object, **kwargs: object) -> os.stat_result:
        stated.append(str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    def walk() -> list[str]:
        stated.clear()
        with monkeypatch.context() as patch:
            patch.setattr(logs.os, "stat", counted)
            found = [path for path, _ in logs.walk_stats(tmp_path, lambda name: True, Skips())]
        return found

    every = walk()
    assert len(every) == 5 and not folders & set(stated)
    monkeypatch.setattr(logs, "UNLINKED_DEPTH", 2)
    assert walk() == every and folders <= set(stated)  # deeper than 2: every folder's identity taken
