"""Shared fixtures: the built-in card, a CLI runner that parses JSON, and a fixed clock."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.readers.ratecard import load_rate_card

# One profile for everyone, so `pytest` on a fresh clone sees exactly what CI sees: derandomized (a
# failure reproduces, and no `.hypothesis/` database left by an earlier run changes what is tried), and
# free of wall-clock checks (no deadline, no "input generation is slow" health check), which fail on a
# loaded two-core machine however correct the code is. `HYPOTHESIS_PROFILE=explore` searches at random,
# with more examples, for a developer hunting bugs.
_STEADY = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("default", derandomize=True, max_examples=100, database=None, **_STEADY)
settings.register_profile("explore", max_examples=1000, **_STEADY)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

AS_OF = "2026-11-23"  # the rules in force today; tests pin it so they do not age
NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def card_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Cached rate cards go to a folder of the test session, never the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("card-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOKENPLAN_CACHE_DIR", str(folder))
        patch.delenv("TOKENPLAN_NO_CACHE", raising=False)
        yield folder


@pytest.fixture(scope="session", autouse=True)
def no_resident() -> Iterator[None]:
    """No call of the tests goes to a resident process, nor starts one (`test_resident.py` allows them)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOKENPLAN_NO_RESIDENT", "1")
        yield


@pytest.fixture(scope="session", autouse=True)
def session_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The config file of the test session: never the user's own. It does not exist, so commands see
    no held plan and no defaults unless a test writes one (`config_file`)."""
    path = tmp_path_factory.mktemp("config") / "config.toml"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOKENPLAN_CONFIG", str(path))
        yield path


# Where the tools keep their logs (readers/logs/*): pointed away from the user's own for the session.
TOOL_HOME_VARIABLES = (
    "CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "OPENCLAW_STATE_DIR", "XDG_CONFIG_HOME",
    "XDG_DATA_HOME", "OPENCODE_CONFIG", "OPENCLAW_CONFIG_PATH", "XIAOMI_TOKEN_PLAN_API_KEY",
)  # fmt: skip


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty home folder for the session: a command that looks for "every tool found on this
    machine" finds none of the user's logs (tests give their fixtures' paths, or a `home` of their own)."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        for name in TOOL_HOME_VARIABLES:
            patch.delenv(name, raising=False)
        yield home


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home folder of this test alone, for tools' logs a test puts where the tools keep them."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file of this test alone (not written yet): TOKENPLAN_CONFIG points at it."""
    path = tmp_path / "tokenplan" / "config.toml"
    monkeypatch.setenv("TOKENPLAN_CONFIG", str(path))
    return path


@pytest.fixture(scope="session")
def card() -> RateCard:
    return load_rate_card()


@pytest.fixture(scope="session")
def now() -> datetime:
    """The instant tests price at (the rules in force on 2026-11-23)."""
    return NOW


class Cli:
    """Runs `tokenplan` in-process through Typer's CliRunner; every call states the exit code it expects."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def run(
        self,
        args: Sequence[str],
        *,
        code: int = 0,
        env: dict[str, str] | None = None,
        input: str | None = None,
    ) -> Any:
        from tokenplan_cli.cli import app

        result = self.runner.invoke(
            app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1", **(env or {})}, input=input
        )
        assert result.exit_code == code, (
            f"exit {result.exit_code} != {code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        return result

    def json(self, args: Sequence[str], *, code: int = 0, env: dict[str, str] | None = None) -> Any:
        result = self.run([*args, "--json"], code=code, env=env)
        return json.loads(result.stdout, parse_float=_decimal)

    def error(self, args: Sequence[str], *, code: int = 2, env: dict[str, str] | None = None) -> str:
        """Run a command that must fail: one line on stderr, no traceback; returns that line."""
        result = self.run(args, code=code, env=env)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
        assert lines[0].startswith("tokenplan: error: "), lines[0]
        assert "Traceback" not in result.output
        return lines[0].removeprefix("tokenplan: error: ")


def _decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
