"""The gemini log reader (a placeholder: it finds nothing yet; see issue #4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import Skips

TOOL = "gemini"


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return []


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return iter(())


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    return iter(())
