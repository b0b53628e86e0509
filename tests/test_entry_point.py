"""The `tokenplan` entry point (`cli.run`): it leaves without tearing the interpreter down, so it must keep
every exit code, flush every byte, and stop quietly (exit 0) when its reader goes away."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import AS_OF

CHECK = ["check", "--as-of", AS_OF, "-m", "mimo-v2.5", "--cache-miss", "75M", "--tier", "Standard"]
CLAUDE = Path(__file__).parent / "fixtures" / "logs" / "claude"


def tokenplan(*args: str, **options: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tokenplan_cli", *args], capture_output=True, **options)  # type: ignore[call-overload, no-any-return]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param([*CHECK, "--max-utilization", "70%", "--json"], 0, id="fine"),
        pytest.param([*CHECK, "--max-utilization", "60%", "--json"], 1, id="check-failed"),
        pytest.param([*CHECK, "--max-utilization", "lots", "--json"], 2, id="bad-input"),
    ],
)
def test_exit_codes_and_the_whole_document_come_through(args: list[str], code: int) -> None:
    done = tokenplan(*args)
    assert done.returncode == code
    document = json.loads(done.stdout)  # complete: flushed before the process left
    assert ("error" in document) == (code == 2)
    assert (done.stderr.decode().count("\n"), code == 2) in ((0, False), (1, True))


def test_a_file_written_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "usage.toml"
    done = tokenplan(
        "usage", "profile", "--from", "claude-code", str(CLAUDE), "-o", str(out), "--as-of", AS_OF
    )
    assert done.returncode == 0 and done.stdout.startswith(b"wrote ")
    profile = tomllib.loads(out.read_text())  # whole: the last table is there
    assert profile["period_days"] == 2 and profile["observed"]["records"] == 4


@pytest.mark.parametrize("output", [[], ["--json"]], ids=["table", "json"])
def test_a_reader_that_goes_away_is_not_a_failed_check(output: list[str]) -> None:
    """`tokenplan rates | head -1`: exit 0 and no error, not Rich's or click's exit 1."""
    with subprocess.Popen(
        [sys.executable, "-m", "tokenplan_cli", "rates", *output],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # gone before the first byte is written
        error = process.stderr.read()
        assert process.wait() == 0 and error == b""
