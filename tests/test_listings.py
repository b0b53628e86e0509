"""Folders' listings a resident remembers (`readers.logs.listings`): a walk with them finds what a walk
without finds, after any sequence of files and folders made, removed, renamed and linked, and lists
again only the folders that changed (or were changed too recently to be trusted)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenplan_cli.readers.logs import Skips, has_suffix, listings, walk_stats

PAST = 1_700_000_000 * 10**9  # folders' modification times: long before any walk (never racy)
NAMES = ("a", "b", "c.jsonl", "d.jsonl", "e.txt")


@pytest.fixture(autouse=True)
def no_listings() -> Iterator[None]:
    yield
    listings.current = None


def walked(root: Path, memo: listings.Listings | None) -> tuple[list[tuple[str, int, int]], list[str]]:
    """The files a walk finds (path, inode, size) and what it skipped, with `memo` or without."""
    listings.current = memo
    try:
        skips = Skips()
        files = [
            (path, stat.st_ino, stat.st_size) if stat is not None else (path, 0, -1)
            for path, stat in walk_stats(root, lambda name: has_suffix(name, ".jsonl"), skips)
        ]
    finally:
        listings.current = None
    return files, [f"{skip.path}:{skip.count}:{skip.reasons}" for skip in skips.by_file()]


def aged(root: Path, stamp: int) -> None:
    """Every folder under `root` modified at `stamp` (long ago): their listings may be trusted."""
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink())]:
        os.utime(folder, ns=(stamp, stamp), follow_symlinks=False)


class Counting:
    """How many folders a walk listed (`os.scandir` calls)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        scandir = os.scandir

        def counted(path: str) -> object:
            self.count += 1
            return scandir(path)

        monkeypatch.setattr(os, "scandir", counted)


def tree(root: Path) -> None:
    for folder in ("p1", "p1/s1/subagents", "p2", "p3/deep/er"):
        (root / folder).mkdir(parents=True)
    for file in (
        "p1/x.jsonl",
        "p1/s1/subagents/agent.jsonl",
        "p2/y.jsonl",
        "p2/notes.txt",
        "p3/deep/er/z.jsonl",
    ):
        (root / file).write_text("{}\n")


def test_a_folder_as_it_was_is_not_listed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "logs"
    tree(root)
    aged(root, PAST)
    memo = listings.Listings({}, lambda fresh: None)
    counting = Counting(monkeypatch)
    first = walked(root, memo)
    listed_first, counting.count = counting.count, 0
    second = walked(root, memo)
    listed_second, counting.count = counting.count, 0
    assert second == first == walked(root, None)
    assert (listed_first, listed_second) == (8, 0)  # every folder listed once, then trusted
    (root / "p2" / "new.jsonl").write_text("{}\n")  # p2 changes: its mtime is now
    counting.count = 0
    third = walked(root, memo)
    assert counting.count == 1 and third == walked(root, None)
    assert str(root / "p2" / "new.jsonl") in [path for path, _, _ in third[0]]


def test_a_folder_changed_just_now_is_not_remembered(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    tree(root)
    aged(root, PAST)
    (root / "p1" / "fresh.jsonl").write_text("{}\n")  # p1 modified now: racy
    sent: list[dict[str, listings.Listing]] = []
    walked(root, listings.Listings({}, sent.append))
    (fresh,) = sent
    assert str(root / "p2") in fresh and str(root / "p1") not in fresh


def test_a_folder_with_a_link_is_always_listed(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    tree(root)
    (root / "p2" / "linked").symlink_to(root / "p3")
    (root / "p1" / "link.jsonl").symlink_to(root / "p2" / "y.jsonl")
    aged(root, PAST)
    sent: list[dict[str, listings.Listing]] = []
    walked(root, listings.Listings({}, sent.append))
    (fresh,) = sent
    assert str(root / "p1") not in fresh and str(root / "p2") not in fresh  # (each holds a link)
    assert str(root / "p2" / "linked") in fresh  # a folder met through a link: kept by its path, and
    # trusted while what the path leads to has the same stat


def test_listings_not_of_a_child_making_are_passed_over() -> None:
    known: dict[str, listings.Listing] = {}
    good = ((1, 2, 3, 4), ("a.jsonl",), ("sub",))
    listings.merged(known, {"/f": good, "/g": ((1, 2), (), ()), "/h": ((1, 2, 3, 4), ("a", 5), ()), 7: good})
    listings.merged(known, ["/f", good])
    assert known == {"/f": good}


operations = st.lists(
    st.tuples(
        st.sampled_from(("file", "append", "remove", "folder", "remove folder", "rename", "link")),
        st.sampled_from(("", "p1", "p1/s1", "p2", "p2/q")),
        st.sampled_from(NAMES),
        st.booleans(),  # whether the folders are aged afterwards (as time passes), or left as now
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(steps=operations)
def test_a_walk_with_listings_finds_what_a_walk_without_finds(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, str, str, bool]]
) -> None:
    root = tmp_path_factory.mktemp("walk") / "logs"
    tree(root)
    aged(root, PAST)
    memo = listings.Listings({}, lambda fresh: None)
    assert walked(root, memo) == walked(root, None)
    for number, (operation, where, name, age) in enumerate(steps, 1):
        folder = root / where
        if not folder.is_dir() or folder.is_symlink():
            continue
        change(folder, operation, name)
        if age:
            aged(root, PAST + number * 10**9)
        assert walked(root, memo) == walked(root, None)
    shutil.rmtree(root.parent)


def change(folder: Path, operation: str, name: str) -> None:
    target = folder / name
    if operation == "file" and not target.exists():
        target.write_text("{}\n")
    elif operation == "append" and target.is_file():
        with open(target, "a") as handle:
            handle.write("{}\n")
    elif operation == "remove" and target.is_file() or operation == "remove" and target.is_symlink():
        target.unlink()
    elif operation == "folder" and not target.exists():
        target.mkdir()
        (target / "inside.jsonl").write_text("{}\n")
    elif operation == "remove folder" and target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif operation == "rename" and target.exists():
        other = folder / f"renamed-{name}"
        if not other.exists():
            target.rename(other)
    elif operation == "link" and not target.exists() and not target.is_symlink():
        target.symlink_to(folder.parent if folder.parent.exists() else folder)
