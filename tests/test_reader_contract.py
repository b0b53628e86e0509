"""What every log reader must survive, one table for all of them: an empty folder holds nothing and a
missing one is reported; a log the system will not read is reported, not raised; and, for the readers
of JSON lines, each unreadable line is skipped with its number while the good lines around it are read.

A reader's own cases (its formats, its bad records) stay in its test_reader_<tool>.py.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest
from readerkit import BadLine, bad_lines, check_bad_line, check_empty_and_missing, check_unreadable_file
from test_reader_codex import GOOD_LINE as CODEX_LINE
from test_reader_gemini import GOOD_LINE as GEMINI_LINE
from test_reader_openclaw import GOOD_LINE as OPENCLAW_LINE
from test_reader_qwen_code import GOOD_LINE as QWEN_LINE

from tokenplan_cli.readers.logs import (
    cline,
    codex,
    droid,
    gemini,
    goose,
    openclaw,
    opencode,
    qwen_code,
    roo_code,
)


class Contract(NamedTuple):
    """A reader, where under a folder one of its logs is (None: a store, tested with its reader), and for
    a reader of JSON lines a good line and the name of a file of them under that folder."""

    reader: ModuleType
    log: str | None = None
    good_line: bytes | None = None
    lines_file: str = "s.jsonl"


READERS = {
    "cline": Contract(cline, "tasks/1/ui_messages.json"),
    "codex": Contract(codex, "rollout-dir.jsonl", CODEX_LINE, "rollout-bad.jsonl"),
    "droid": Contract(droid, "6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f.settings.json"),
    "gemini": Contract(gemini, "chats/s.jsonl", GEMINI_LINE, "chats/session-bad.jsonl"),
    "goose": Contract(goose),
    "openclaw": Contract(openclaw, None, OPENCLAW_LINE, "bad.jsonl"),
    "opencode": Contract(opencode, "msg_x.json"),
    "qwen-code": Contract(qwen_code, "chats/s.jsonl", QWEN_LINE, "chats/s.jsonl"),
    "roo-code": Contract(roo_code, "tasks/t/ui_messages.json"),
}


@pytest.mark.parametrize("contract", READERS.values(), ids=list(READERS))
def test_an_empty_folder_has_nothing_and_a_missing_one_is_reported(
    contract: Contract, tmp_path: Path
) -> None:
    check_empty_and_missing(contract.reader, tmp_path)


@pytest.mark.parametrize(
    "contract", [c for c in READERS.values() if c.log], ids=[name for name, c in READERS.items() if c.log]
)
def test_an_unreadable_file_is_reported_not_raised(contract: Contract, tmp_path: Path) -> None:
    assert contract.log is not None
    check_unreadable_file(contract.reader, tmp_path / contract.log)


LINE_CASES = [
    pytest.param(contract, bad, id=f"{name}-{case}")
    for name, contract in READERS.items()
    if contract.good_line is not None
    for case, bad in bad_lines(contract.good_line).items()
]


@pytest.mark.parametrize(("contract", "bad"), LINE_CASES)
def test_an_unreadable_line_is_skipped_with_its_number(
    contract: Contract, bad: BadLine, tmp_path: Path
) -> None:
    assert contract.good_line is not None
    folder, _, name = contract.lines_file.rpartition("/")
    check_bad_line(contract.reader, tmp_path / folder, name, contract.good_line, bad)
