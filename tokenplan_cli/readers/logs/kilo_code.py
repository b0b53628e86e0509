"""Kilo Code: the task histories of its VS Code extension, in Roo Code's format (Kilo forked Roo).

The extension `kilocode.kilo-code` keeps `tasks/<task id>/ui_messages.json` in its global storage, in
every editor of the VS Code family; each request is an `api_req_started` message read exactly as Roo
Code's (`readers/logs/roo_code.py`: Kilo-Org/kilocode `src/core/task/Task.ts` writes the same
`tokensIn`/`tokensOut`/`cacheWrites`/`cacheReads`, adding `usageMissing` and `inferenceProvider`).

Kilo's CLI, and the extension versions built on it, keep an OpenCode store instead
(`~/.local/share/kilo/kilo.db`): those are read by `--from opencode`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import Skips
from tokenplan_cli.readers.logs.editor_storage import global_storage_roots
from tokenplan_cli.readers.logs.roo_code import companions as companions  # Roo's task files: the same
from tokenplan_cli.readers.logs.roo_code import index_mode as index_mode
from tokenplan_cli.readers.logs.roo_code import read_task
from tokenplan_cli.readers.logs.vscode_tasks import task_files

TOOL = "kilo-code"
VERSION = 1  # of the records read from the same files (and roo_code.VERSION): bump on any change
KEY_PREFIX = b"kilo"
EXTENSION = "kilocode.kilo-code"


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return global_storage_roots(env, home, EXTENSION)


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    return task_files(root, skips)


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    return read_task(path, skips, TOOL, KEY_PREFIX)
