"""Every LINES reader read in pieces, resumed where each reading stopped (its offset, line and state),
gives the records and skips of one reading of the whole file: the law the log index is built on."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readerkit import FIXTURES, SECRET

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import LINES, LOG_READERS, WHOLE, Skips
from tokenplan_cli.readers.logs.resume import Resume

BAD = b'{"type": "assistant", "output_tokens": 1, "x": "' + SECRET.encode() + b'"\n'
NOT_UTF8 = b'{"output_tokens": "\xff\xfe", "usage": 1, "tokens": 2}\n'
CASES = {
    "claude-code": sorted((FIXTURES / "claude").rglob("*.jsonl")),
    "codex": sorted([*(FIXTURES / "codex").rglob("*.jsonl"), *(FIXTURES / "codex-lineage").rglob("*.jsonl")])
    + [FIXTURES / "codex-exec" / "exec-output.jsonl"],
    "qwen-code": sorted((FIXTURES / "qwen").rglob("*.jsonl")),
    "openclaw": sorted((FIXTURES / "openclaw").rglob("*.jsonl*")),
    "jsonl": [FIXTURES / "generic" / "exports.jsonl"],
    "csv": [FIXTURES / "generic" / "gateway.csv"],
}


def cases() -> list[tuple[str, Path]]:
    return [(tool, path) for tool, paths in CASES.items() for path in paths]


def whole(reader: object, path: Path) -> tuple[list[UsageRecord], Skips]:
    skips = Skips()
    return list(reader.read_file(path, skips)), skips  # type: ignore[attr-defined]


def in_pieces(reader: object, source: bytes, path: Path, cuts: list[int]) -> tuple[list[UsageRecord], Skips]:
    """Write `source` into `path` up to each cut in turn, reading on each time from where the last reading
    stopped; what a cut-short last line gave counts only in the last reading."""
    indexed: list[UsageRecord] = []
    skips = Skips()
    resume = Resume()
    for cut in [*cuts, len(source)]:
        path.write_bytes(source[:cut])
        if resume.resumable:
            resume = Resume(resume.offset, resume.line, resume.state)
        else:  # what it gave depends on more than its lines (a file time): it is read again whole
            resume, indexed, skips = Resume(), [], Skips()
        part_skips = Skips()
        tail: list[UsageRecord] = []
        for record in reader.read_file(path, part_skips, resume):  # type: ignore[attr-defined]
            (tail if resume.tail else indexed).append(record)
        assert not resume.failed
        skips.merge(part_skips)
    skips.merge(resume.tail_skips)
    return indexed + tail, skips


@pytest.mark.parametrize(("tool", "fixture"), cases(), ids=lambda value: getattr(value, "name", value))
@settings(max_examples=30)
@given(data=st.data())
def test_a_file_read_in_pieces_is_the_file_read_whole(
    tool: str, fixture: Path, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    reader = importlib.import_module(LOG_READERS[tool])
    assert reader.index_mode(fixture) == LINES
    folder = tmp_path_factory.mktemp("resume")
    source = fixture.read_bytes()
    if data.draw(st.booleans(), label="with bad lines"):
        middle = source.index(b"\n") + 1 if b"\n" in source else 0
        source = source[:middle] + BAD + NOT_UTF8 + source[middle:] + source[: len(source) // 3]
    path = folder / fixture.name
    cuts = sorted(data.draw(st.lists(st.integers(0, len(source)), max_size=6), label="cuts"))
    records, skips = in_pieces(reader, source, path, cuts)
    expected = whole(reader, path)
    assert records == expected[0]
    assert skips.by_file() == expected[1].by_file()
    assert skips.bare_totals_by_file() == expected[1].bare_totals_by_file()


@pytest.mark.parametrize("tool", sorted(LOG_READERS))
def test_every_reader_says_how_its_files_can_be_read_again(tool: str) -> None:
    """The log index keys what a reader read by its VERSION and reads its files as `index_mode` says."""
    import inspect

    reader = importlib.import_module(LOG_READERS[tool])
    assert isinstance(reader.VERSION, int)
    assert reader.index_mode(Path("some.jsonl")) in (LINES, WHOLE)
    if LINES in {
        reader.index_mode(Path(name)) for name in ("a.jsonl", "a.csv", "a.json", "a.sqlite", "a.db")
    }:
        assert "resume" in inspect.signature(reader.read_file).parameters


class _Lines:
    """A reader's carry that counts the lines it was given: its state is how many."""

    def __init__(self) -> None:
        self.seen = 0

    def checkpoint(self) -> int:
        return self.seen


@pytest.mark.parametrize("before", [b"", b"zero\n"])
def test_a_line_cut_short_and_then_written_on_starts_the_tail(tmp_path: Path, before: bytes) -> None:
    # A tool writes on while the file is read: a line read before its newline was written is followed by
    # more. From that line on, what is read is the tail (counted this time, not indexed), and the next
    # reading starts at it, with the state before it.
    from tokenplan_cli.readers.logs.jsonlines import numbered_lines

    path = tmp_path / "growing.jsonl"
    path.write_bytes(before + b"one\nthr")
    start = len(before)
    carry, resume = _Lines(), Resume(start, before.count(b"\n"))
    got = []
    for number, line in numbered_lines(path, Skips(), resume, carry):
        got.append((number, line, resume.tail))
        carry.seen = number
        if len(got) == 1:
            with open(path, "ab") as handle:
                handle.write(b"ee\nfour\n")
    cut = next(at for at, (_, line, _) in enumerate(got) if not line.endswith(b"\n"))
    assert 0 < cut < len(got) - 1  # (the case: a line without its newline, then more)
    assert [tail for *_, tail in got] == [at >= cut for at in range(len(got))]
    assert (resume.offset, resume.line, resume.state) == (
        start + sum(len(line) for _, line, _ in got[:cut]),
        got[cut][0] - 1,
        got[cut - 1][0],
    )
