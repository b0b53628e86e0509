"""`small_file`: a one-document log file read whole, up to a cap, with memory sized by the file."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.jsonlines import small_file

BIG_CAP = 256 * 1024 * 1024


def test_a_small_file_under_a_large_cap_costs_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "message.json"
    path.write_bytes(b'{"tokens": 1}')
    tracemalloc.start()
    try:
        data = small_file(path, BIG_CAP, Skips())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data == b'{"tokens": 1}'
    assert peak < 1024 * 1024  # was the whole cap: 256 MB for 13 bytes


def test_a_file_over_the_cap_is_skipped_and_one_at_the_cap_is_read(tmp_path: Path) -> None:
    at_cap, over = tmp_path / "at.json", tmp_path / "over.json"
    at_cap.write_bytes(b"x" * 10)
    over.write_bytes(b"x" * 11)
    skips = Skips()
    assert small_file(at_cap, 10, skips) == b"x" * 10
    assert small_file(over, 10, skips) is None
    assert [(f.path, f.lines, f.reasons) for f in skips.by_file()] == [(str(over), (0,), ("file too large",))]


def test_a_file_that_grows_while_read_is_read_to_its_end(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "growing.json"
    path.write_bytes(b"a" * 5)
    import tokenplan_cli.readers.logs.jsonlines as jsonlines

    real_fstat = jsonlines.os.fstat

    class Stale:  # what fstat said just before the writer appended
        def __init__(self, fd: int) -> None:
            self.st_size = real_fstat(fd).st_size - 3

    monkeypatch.setattr(jsonlines.os, "fstat", Stale)
    assert small_file(path, 100, None) == b"a" * 5
    assert small_file(path, 4, None) is None
