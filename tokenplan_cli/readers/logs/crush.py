"""Crush: what its SQLite store keeps of usage, which is not enough to count tokens.

Crush keeps a store per project, `<project>/.crush/crush.db` (its `data_directory`), and lists the
projects it has seen in `projects.json` in its global data folder: `$CRUSH_GLOBAL_DATA`, else
`${XDG_DATA_HOME:-~/.local/share}/crush`, `%LOCALAPPDATA%\\crush` on Windows (charmbracelet/crush
`internal/config/load.go: GlobalConfigData`, `internal/projects/projects.go`).

Its `messages` table holds no usage, and its `sessions` table keeps `prompt_tokens` and
`completion_tokens` that each request *overwrites* with its own counts (`internal/agent/agent.go:
updateSessionTokenCounters`), plus a running `cost` in dollars from Crush's price list (zero for a
flat-rate or unpriced model). Neither adds up to the tokens a session used, so tokenplan counts none:
every session that used anything is skipped and counted ("no token totals in Crush's store"), so that a
report says Crush was used and could not be counted. (tokscale reaches the same conclusion and imports
only the cost.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from tokenplan_cli.core.records import UsageRecord
from tokenplan_cli.readers.logs import WHOLE, Skips, walk_files
from tokenplan_cli.readers.logs.fields import lookup
from tokenplan_cli.readers.logs.jsonlines import json_document
from tokenplan_cli.readers.logs.sqlite import open_store, rows, store_companions

TOOL = "crush"
VERSION = 1  # of the records read from the same rows: bump on any change
STORE_NAME = "crush.db"
PROJECTS = "projects.json"
MAX_PROJECTS_BYTES = 16 << 20
NO_TOKENS = "no token totals in Crush's store"
USED_SESSIONS = """
SELECT rowid FROM sessions
WHERE message_count > 0 OR cost > 0 OR prompt_tokens > 0 OR completion_tokens > 0
ORDER BY rowid
"""


def default_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    return [global_data(env, home, sys.platform)]


def global_data(env: Mapping[str, str], home: Path, platform: str) -> Path:
    """The folder of Crush's `projects.json` on `platform`."""
    if env.get("CRUSH_GLOBAL_DATA"):
        return Path(env["CRUSH_GLOBAL_DATA"])
    if env.get("XDG_DATA_HOME"):
        return Path(env["XDG_DATA_HOME"]) / "crush"
    if platform == "win32":
        local = Path(env["LOCALAPPDATA"]) if env.get("LOCALAPPDATA") else home / "AppData" / "Local"
        return local / "crush"
    return home / ".local" / "share" / "crush"


def find_files(root: Path, skips: Skips) -> Iterator[Path]:
    """The stores of the projects `root/projects.json` lists, else the stores under `root`."""
    listing = root / PROJECTS
    if not listing.is_file():
        yield from walk_files(root, lambda path: path.name == STORE_NAME, skips)
        return
    projects = json_document(listing, MAX_PROJECTS_BYTES, b'"projects"', skips)
    entries = projects.get("projects") if projects is not None else None
    for entry in entries if isinstance(entries, list) else []:
        folder = lookup(entry, "data_dir")
        store = Path(folder) / STORE_NAME if isinstance(folder, str) and folder else None
        if store is not None and store.is_file():
            yield store


def read_file(path: Path, skips: Skips) -> Iterator[UsageRecord]:
    with open_store(path, skips, ("sessions",), "no sessions table") as store:
        if store is None:
            return
        connection, _ = store
        for (rowid,) in rows(connection, path, skips, USED_SESSIONS):
            skips.add(path, rowid if isinstance(rowid, int) else 0, NO_TOKENS)
    yield from ()


def index_mode(path: Path) -> str:
    """A SQLite store whose rows change in place: read again whole when it changes."""
    return WHOLE


def companions(path: Path) -> tuple[Path, ...]:
    return store_companions(path)
