"""`setup`: a tool's settings for the plan, where that tool keeps its config file, and the key check.

The snippets come from `core.setup`; this layer adds what depends on the machine: the config file's
path (each tool's own variables first: CLAUDE_CONFIG_DIR, OPENCODE_CONFIG, CODEX_HOME,
OPENCLAW_CONFIG_PATH / OPENCLAW_STATE_DIR), writing into it on `--write`, and reading a key to check from
an environment variable or stdin (a terminal gets a prompt that does not echo). A key is held only as
long as the check takes: never printed, logged or written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.setup import KEY_VARIABLE, KeyCheck, ToolSetup, check_key_form, setup_for
from tokenplan_cli.tuples import NamedTuple
from tokenplan_cli.writers.toolconfig import WriteResult


class SetupResult(NamedTuple):
    setup: ToolSetup
    config_path: Path | None  # the tool's config file on this machine (None: the tool has none)
    written: WriteResult | None  # set under --write


class KeyCheckResult(NamedTuple):
    source: str  # "stdin" or "$NAME"
    check: KeyCheck


def set_up_tool(
    card: RateCard,
    tool: str,
    cluster: str,
    *,
    key_variable: str = KEY_VARIABLE,
    config: Path | None = None,
    write: bool = False,
    env: Mapping[str, str] = os.environ,
) -> SetupResult:
    """The setup of `tool` on `cluster`; with `write`, merged into its config file."""
    setup = setup_for(card.require_endpoints(), tool, cluster, key_variable)
    if setup.config is None:
        if write or config is not None:
            raise BadInputError(
                f"{setup.tool}: a generic client has no config file tokenplan knows; set the variables shown"
            )
        return SetupResult(setup, None, None)
    path = config or config_path(setup.tool, env)
    written = None
    if write:
        from tokenplan_cli.writers.toolconfig import merge_into_file

        written = merge_into_file(path, setup.config)
    return SetupResult(setup, path, written)


def config_path(tool: str, env: Mapping[str, str]) -> Path:
    """Where `tool` reads its user config on this machine."""
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    if tool == "claude-code":
        folders = [part.strip() for part in env.get("CLAUDE_CONFIG_DIR", "").split(",") if part.strip()]
        return (Path(folders[0]) if folders else home / ".claude") / "settings.json"
    if tool == "opencode":
        if env.get("OPENCODE_CONFIG"):
            return Path(env["OPENCODE_CONFIG"])
        folder = (
            Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
        ) / "opencode"
        plain, commented = folder / "opencode.json", folder / "opencode.jsonc"
        return commented if commented.exists() and not plain.exists() else plain
    if tool == "codex":
        return (Path(env["CODEX_HOME"]) if env.get("CODEX_HOME") else home / ".codex") / "config.toml"
    if tool == "openclaw":
        if env.get("OPENCLAW_CONFIG_PATH"):
            return Path(env["OPENCLAW_CONFIG_PATH"])
        state = Path(env["OPENCLAW_STATE_DIR"]) if env.get("OPENCLAW_STATE_DIR") else home / ".openclaw"
        return state / "openclaw.json"
    raise AssertionError(f"no config file for {tool}")


def check_key(
    card: RateCard,
    *,
    variable: str | None = None,
    env: Mapping[str, str] = os.environ,
    stdin: TextIO | None = None,
) -> KeyCheckResult:
    """Whether the key in `$variable` (or on stdin) has the plan's form; the key itself goes nowhere."""
    endpoints = card.require_endpoints()
    if variable is not None:
        key = env.get(variable)
        if not key:
            raise BadInputError(f"${variable} is not set (or empty): there is no key to check")
        return KeyCheckResult(f"${variable}", check_key_form(key, endpoints))
    key = _read_key(stdin or sys.stdin)
    if not key:
        raise BadInputError(
            "no key on stdin: pipe it in, or name its variable with `key_env`", mentions=("key_env",)
        )
    return KeyCheckResult("stdin", check_key_form(key, endpoints))


def _read_key(stream: TextIO) -> str:
    """The key on `stream`, without its line ending; a terminal is asked for it without echo."""
    if stream.isatty():
        import getpass

        return getpass.getpass("Token Plan key (not shown): ")
    text = stream.read(4096)  # a key is short; a file piped in by mistake is not read whole
    return text.removesuffix("\n").removesuffix("\r")
