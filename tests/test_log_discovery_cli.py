"""Cline, Roo Code, Kilo Code, Qwen Code, Crush, Goose and Droid through the CLI: found where they keep their
logs with no --from, named with --from, each request counted once across all of them."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from readerkit import FIXTURES, build_database

from conftest import AS_OF, Cli

REPORT = ["usage", "report", "--as-of", AS_OF]
NEW_TOOLS = ("qwen-code", "cline", "roo-code", "kilo-code", "crush", "goose", "droid")
# Each tool's requests in its fixtures, once each (see each reader's tests for the rows).
REQUESTS = {"qwen-code": 6, "cline": 13, "roo-code": 5, "kilo-code": 1, "goose": 8, "droid": 2}
# The environment variables the readers follow, blanked so that the machine running the tests cannot leak in.
BLANK = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME",
         "OPENCLAW_STATE_DIR", "CLINE_DIR", "CLINE_DATA_DIR", "CLINE_SESSION_DATA_DIR", "QWEN_RUNTIME_DIR",
         "GOOSE_PATH_ROOT", "CRUSH_GLOBAL_DATA")  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home folder where each of the seven tools keeps its logs (SQLite stores built from their scripts)."""
    for tool in ("cline", "roo", "kilo", "qwen", "droid"):
        shutil.copytree(FIXTURES / tool / "home", tmp_path, dirs_exist_ok=True)
    written = datetime(2026, 3, 2, 16, 30, tzinfo=UTC).timestamp()
    for settings in (tmp_path / ".factory").rglob("*.settings.json"):
        os.utime(settings, (written, written))  # Droid's instant is the file's: git keeps none
    goose = tmp_path / ".local" / "share" / "goose" / "sessions" / "sessions.db"
    goose.parent.mkdir(parents=True)
    build_database(FIXTURES / "goose" / "sessions.sql", goose)
    crush = tmp_path / "shop" / ".crush" / "crush.db"
    crush.parent.mkdir(parents=True)
    build_database(FIXTURES / "crush" / "crush.sql", crush)
    listing = tmp_path / ".local" / "share" / "crush" / "projects.json"
    listing.parent.mkdir(parents=True)
    listing.write_text(
        json.dumps({"projects": [{"path": str(crush.parent.parent), "data_dir": str(crush.parent)}]})
    )
    return tmp_path


def _env(home: Path) -> dict[str, str]:
    return {"HOME": str(home), **dict.fromkeys(BLANK, "")}


def test_with_no_flags_every_new_tool_found_is_read(cli: Cli, home: Path) -> None:
    doc = cli.json([*REPORT, "--by", "tool"], env=_env(home))
    assert [tool["tool"] for tool in doc["tools"]] == list(NEW_TOOLS)
    assert {row["tool"]: row["requests"] for row in doc["rows"]} == REQUESTS
    assert doc["records"] == sum(REQUESTS.values())
    counted = [tool for tool in NEW_TOOLS if tool != "crush"]
    alone = {tool: cli.json([*REPORT, "--from", tool], env=_env(home)) for tool in counted}
    assert doc["totals"]["credits"] == sum(report["totals"]["credits"] for report in alone.values())
    crush = [entry for entry in doc["skipped"]["files"] if entry["path"].endswith("crush.db")]
    assert [(entry["count"], entry["reasons"]) for entry in crush] == [
        (2, ["no token totals in Crush's store"])
    ]


def test_crush_alone_is_no_usage_and_says_why(cli: Cli, home: Path) -> None:
    """Crush keeps no token totals: read alone, it finds no usage (exit 2) and says why."""
    result = cli.run([*REPORT, "--from", "crush"], code=2, env=_env(home))
    reason = "no usage found (2 line(s) or file(s) skipped: no token totals in Crush's store)"
    assert f"logs crush: {reason}" in result.stderr


@pytest.mark.parametrize("tool", NEW_TOOLS)
def test_from_names_each_tool_and_reads_a_path_given(cli: Cli, home: Path, tool: str) -> None:
    """A folder named after --from is read with that tool's reader (here the tool's own default folder)."""
    folder = {
        "qwen-code": home / ".qwen",
        "cline": home / ".cline" / "data",
        "roo-code": home / ".vscode-mock" / "global-storage",
        "kilo-code": home / ".config" / "VSCodium" / "User" / "globalStorage" / "kilocode.kilo-code",
        "crush": home / ".local" / "share" / "crush",
        "goose": home / ".local" / "share" / "goose" / "sessions",
        "droid": home / ".factory" / "sessions",
    }[tool]
    if tool == "crush":  # nothing to count: test_crush_alone_is_no_usage_and_says_why
        cli.run([*REPORT, "--from", tool, str(folder)], code=2, env=_env(home))
        return
    doc = cli.json([*REPORT, "--from", tool, str(folder)], env=_env(home))
    assert [entry["tool"] for entry in doc["tools"]] == [tool]
    # Cline: all but the Cursor task; Roo: the CLI copy of one task alone.
    assert doc["records"] == {"cline": 12, "roo-code": 3}.get(tool, REQUESTS.get(tool, 0))


def test_a_near_miss_names_the_tool(cli: Cli) -> None:
    assert "did you mean 'roo-code'" in cli.error([*REPORT, "--from", "roocode"])
    assert "did you mean 'qwen-code'" in cli.error([*REPORT, "--from", "qwen"])
