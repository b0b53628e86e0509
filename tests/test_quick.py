"""`usage report … --json` without Typer (`quick.py`): byte for byte what the Typer CLI gives, in stdout,
stderr and the exit code, for the shapes it answers and for those it must decline."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tokenplan_cli.quick import status_request, usage_report_request

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
CLAUDE = str(FIXTURES / "claude")
CODEX = str(FIXTURES / "codex")
REPORT = ["usage", "report"]
# The Typer CLI alone, as the console script ran it before `quick.py` (`cli.run`).
TYPER_ONLY = "import sys; sys.argv[0] = 'tokenplan'; from tokenplan_cli.cli import run; run()"

ANSWERED = [
    pytest.param([*REPORT, "--from", "claude-code", CLAUDE, "--json"], id="from-path-json"),
    pytest.param([*REPORT, "--json", "--from", "claude-code", CLAUDE], id="json-first"),
    pytest.param([*REPORT, CLAUDE, "--from", "claude-code", "--json"], id="path-first"),
    pytest.param([*REPORT, "--from", "claude-code", CLAUDE, CLAUDE + "/projects", "--json"], id="two-paths"),
    pytest.param([*REPORT, "--from", "claude-code", "--json"], id="default-roots"),
    pytest.param([*REPORT, "--from", "claude-code", "--from", "codex", "--json"], id="two-tools"),
    pytest.param([*REPORT, "--from", "claude-code,codex", "--json"], id="comma-separated"),
    pytest.param([*REPORT, "--json"], id="every-tool"),
    pytest.param([*REPORT, "--from", "codex", CODEX, "--json", "--json"], id="json-twice"),
    pytest.param([*REPORT, "--json", "--no-index", "--from", "claude-code", CLAUDE], id="no-index"),
    pytest.param([*REPORT, "--no-index", "--json", "--no-index"], id="no-index-twice"),
    # errors: answered, found wrong, and given to the CLI, which reports them
    pytest.param([*REPORT, "--from", "claude-cod", CLAUDE, "--json"], id="unknown-tool"),
    pytest.param(
        [*REPORT, "--from", "claude-code", "--from", "codex", CLAUDE, "--json"], id="paths-two-tools"
    ),
    pytest.param([*REPORT, "--from", "claude-code", CLAUDE + "/missing", "--json"], id="missing-path"),
    pytest.param([*REPORT, "--from", "claude-code", CODEX, "--json"], id="no-usage-found"),
    pytest.param([*REPORT, "--from", "csv", "--json"], id="csv-without-path"),
    pytest.param([*REPORT, "--from", "", "--json"], id="empty-tool"),
]
DECLINED = [
    pytest.param([*REPORT, "--from", "claude-code", CLAUDE], id="human"),
    pytest.param([*REPORT, "--from=claude-code", CLAUDE, "--json"], id="opt=value"),
    pytest.param([*REPORT, "--fro", "claude-code", CLAUDE, "--json"], id="abbreviation"),
    pytest.param([*REPORT, "--jso", "--from", "claude-code", CLAUDE], id="abbreviated-json"),
    pytest.param([*REPORT, "--json", "--help"], id="help"),
    pytest.param([*REPORT, "-h", "--json"], id="short-help"),
    pytest.param([*REPORT, "--json", "--by", "model", "--from", "claude-code", CLAUDE], id="other-option"),
    pytest.param(
        [*REPORT, "--json", "--no-index", "--strict", "--from", "claude-code", CLAUDE], id="other-flag"
    ),
    pytest.param([*REPORT, "--json", "--from", "claude-code", "--", CLAUDE], id="double-dash"),
    pytest.param([*REPORT, "--json", "--from"], id="from-without-value"),
    pytest.param([*REPORT, "--json", "--from", "--json"], id="from-dash-value"),
    pytest.param([*REPORT, "--json", "--unknown"], id="unknown-option"),
    pytest.param([*REPORT, "--json", "--from", "claude-code", ""], id="empty-path"),
    pytest.param([*REPORT, "--json", "-", "--from", "claude-code"], id="dash-path"),
    pytest.param([*REPORT, "--json", "--csv", "--from", "claude-code", CLAUDE], id="two-formats"),
    pytest.param(["usage", "reports", "--json"], id="other-command"),
    pytest.param(["--version", *REPORT, "--json"], id="root-option-first"),
]


NOW = "2026-10-03T12:00Z"  # two days into the plan held (`held`), the fixture's requests behind it
STATUS_ANSWERED = [
    pytest.param(["status", "--json", "--now", NOW], id="status-json-now"),
    pytest.param(["status", "--now", "2026-10-02", "--json"], id="status-now-first"),
    pytest.param(["status", "--now", "2026-10-02", "--now", NOW, "--json"], id="status-now-twice"),
    pytest.param(["status", "--json", "--check", "--now", NOW], id="status-check"),
    pytest.param(["status", "--json", "--now", "2026-11-30"], id="status-expired"),
    pytest.param(["status", "--json", "--now", "yesterday"], id="status-bad-instant"),
    pytest.param(["status", "--json", "--now", "2026-09-01"], id="status-before-start"),
]
STATUS_DECLINED = [
    pytest.param(["status", "--now", NOW], id="status-human"),
    pytest.param(["status", "--now=" + NOW, "--json"], id="status-now=value"),
    pytest.param(["status", "--json", "--now"], id="status-now-without-value"),
    pytest.param(["status", "--json", "--now", NOW, "--tier", "Max"], id="status-other-option"),
    pytest.param(["status", "--json", "--now", NOW, "--used", "30%"], id="status-used"),
    pytest.param(["status", "--json", "--help"], id="status-help"),
    pytest.param(["status", "--json", "--chec", "--now", NOW], id="status-abbreviation"),
    pytest.param(["status", "--json", "--now", NOW, CLAUDE], id="status-path"),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A machine of its own: a home without logs but Claude Code's fixture, a cache, no config."""
    home = tmp_path_factory.mktemp("home")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TOKENPLAN_", "_TOKENPLAN"))},
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "CLAUDE_CONFIG_DIR": CLAUDE,
        "CODEX_HOME": str(home / "codex"),
        "TOKENPLAN_CACHE_DIR": str(home / "cache"),
        "TOKENPLAN_CONFIG": str(home / "config.toml"),
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "TZ": "UTC",
        "TOKENPLAN_NO_RESIDENT": "1",  # (both ways here: test_resident.py compares a resident's answers)
    }


@pytest.fixture(scope="module")
def held(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The same machine with a plan held (Standard, bought 2026-10-01) and Claude Code its tool."""
    folder = tmp_path_factory.mktemp("held")
    held = {**env, "TOKENPLAN_CONFIG": str(folder / "config.toml"), "TOKENPLAN_CACHE_DIR": str(folder)}
    for args in (
        ["plan", "set", "Standard", "--start", "2026-10-01", "--now", NOW],
        ["plan", "defaults", "--from", "claude-code"],
    ):
        subprocess.run([sys.executable, "-c", TYPER_ONLY, *args], env=held, check=True, capture_output=True)
    return held


def both_ways(
    args: list[str], env: dict[str, str], preexec: Callable[[], None] | None = None, **streams: object
) -> tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
    """The call through the console script's entry (quick.py first), then through Typer alone."""
    options: dict[str, object] = {"env": env, "capture_output": True, **streams}
    if streams:
        options.pop("capture_output")
        options.setdefault("stderr", subprocess.PIPE)
    if preexec is not None:
        options["preexec_fn"] = preexec
    quick = subprocess.run([sys.executable, "-m", "tokenplan_cli", *args], **options)  # type: ignore[call-overload]
    typer = subprocess.run([sys.executable, "-c", TYPER_ONLY, *args], **options)  # type: ignore[call-overload]
    return quick, typer


def outcome(done: subprocess.CompletedProcess[bytes]) -> tuple[int, bytes | None, bytes | None]:
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("args", ANSWERED + DECLINED)
def test_the_same_bytes_and_exit_code_as_the_typer_cli(args: list[str], env: dict[str, str]) -> None:
    quick, typer = both_ways(args, env)
    assert outcome(quick) == outcome(typer)
    assert typer.stdout or typer.stderr  # (each case says something: a report, an error or a page)


@pytest.mark.parametrize("args", STATUS_ANSWERED + STATUS_DECLINED)
@pytest.mark.parametrize("plan", ["held", "none"])
def test_status_the_same_bytes_and_exit_code(
    args: list[str], plan: str, env: dict[str, str], held: dict[str, str]
) -> None:
    quick, typer = both_ways(args, held if plan == "held" else env)
    assert outcome(quick) == outcome(typer)
    assert typer.stdout or typer.stderr


@pytest.mark.parametrize("args", ANSWERED)
def test_these_are_answered_without_typer(args: list[str]) -> None:
    assert usage_report_request(args[2:]) is not None


@pytest.mark.parametrize("args", [*STATUS_ANSWERED, pytest.param(["status", "--json"], id="status-clock")])
def test_these_status_calls_are_answered_without_typer(args: list[str]) -> None:
    assert status_request(args[1:]) is not None


@pytest.mark.parametrize("args", DECLINED + STATUS_DECLINED)
def test_these_are_declined(args: list[str]) -> None:
    if args[:2] == REPORT:
        assert usage_report_request(args[2:]) is None
    if args[:1] == ["status"]:
        assert status_request(args[1:]) is None


def test_a_warm_report_imports_no_typer(env: dict[str, str]) -> None:
    """What the fast path is for: the answer comes without Typer (nor Rich) being imported."""
    script = (
        "import sys; from tokenplan_cli import quick; "
        f"code = quick.answer({[*REPORT, '--from', 'claude-code', CLAUDE, '--json']!r}); "
        "sys.stdout.flush(); "
        "print(code, sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "0 []"
    assert done.stdout.startswith("{")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param({"stdout": open(os.devnull, "w")}, id="devnull"),  # noqa: SIM115
        pytest.param({"stdout": open("/dev/full", "w")}, id="full-disk"),  # noqa: SIM115
        pytest.param({"stdout": subprocess.PIPE, "preexec": lambda: os.close(1)}, id="stdout-closed"),
    ],
)
def test_output_that_cannot_be_written_ends_alike(case: dict[str, object], env: dict[str, str]) -> None:
    args = [*REPORT, "--from", "claude-code", CLAUDE, "--json"]
    streams = {k: v for k, v in case.items() if k != "preexec"}
    quick, typer = both_ways(args, env, case.get("preexec"), **streams)  # type: ignore[arg-type]
    assert outcome(quick) == outcome(typer)


def test_a_reader_gone_away_ends_alike(env: dict[str, str]) -> None:
    """`tokenplan usage report --json | head -c0`: exit 0 and nothing on stderr, both ways."""
    results = []
    for command in (
        [sys.executable, "-m", "tokenplan_cli"],
        [sys.executable, "-c", TYPER_ONLY],
    ):
        with subprocess.Popen(
            [*command, *REPORT, "--from", "claude-code", CLAUDE, "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            assert process.stdout is not None and process.stderr is not None
            process.stdout.close()
            results.append((process.stderr.read(), process.wait()))
    assert results[0] == results[1] == (b"", 0)


@pytest.mark.parametrize("command", ["report", "status"])
def test_a_card_named_by_the_environment_is_the_clis_to_read(
    command: str, env: dict[str, str], held: dict[str, str], tmp_path: Path
) -> None:
    """`TOKENPLAN_RATES` stands for `--rates` (an envvar of the CLI's option): the same card both ways."""
    card = (Path(__file__).parent.parent / "rates.toml").read_text()
    dearer = card.replace(
        "cache_hit = 2.5, cache_miss = 300, output = 600", "cache_hit = 2.5, cache_miss = 300, output = 700"
    )
    assert dearer != card
    (tmp_path / "rates.toml").write_text(dearer)
    args = (
        [*REPORT, "--from", "claude-code", CLAUDE, "--json"]
        if command == "report"
        else ["status", "--json", "--now", NOW]
    )
    machine = env if command == "report" else held
    plain, _ = both_ways(args, machine)
    quick, typer = both_ways(args, {**machine, "TOKENPLAN_RATES": str(tmp_path / "rates.toml")})
    assert outcome(quick) == outcome(typer) and quick.returncode == 0
    assert quick.stdout != plain.stdout  # (the card was read: output is dearer)


def test_shell_completion_is_left_to_the_cli(env: dict[str, str]) -> None:
    completing = {**env, "_TOKENPLAN_COMPLETE": "complete_bash", "COMP_WORDS": "tokenplan usage report --j",
                  "COMP_CWORD": "3"}  # fmt: skip
    quick, typer = both_ways([*REPORT, "--json"], completing)
    assert outcome(quick) == outcome(typer)


def test_a_failed_check_ends_alike(env: dict[str, str], tmp_path: Path) -> None:
    """`status --json --check` whose credits run out before the plan expires: the document, then exit 1."""
    import json

    line = {
        "type": "assistant", "sessionId": "s1", "requestId": "req_1", "uuid": "u1", "isSidechain": False,
        "timestamp": "2026-10-02T08:00:00.000Z",
        "message": {"id": "msg_1", "role": "assistant", "model": "mimo-v2.5-pro",
                    "usage": {"input_tokens": 10**9, "output_tokens": 10**9}},
    }  # fmt: skip
    project = tmp_path / "claude" / "projects" / "-home-dev-big"
    project.mkdir(parents=True)
    (project / "s1.jsonl").write_text(json.dumps(line) + "\n")
    machine = {**env, "CLAUDE_CONFIG_DIR": str(tmp_path / "claude"), "TOKENPLAN_CACHE_DIR": str(tmp_path)}
    machine["TOKENPLAN_CONFIG"] = str(tmp_path / "config.toml")
    for args in (
        ["plan", "set", "Lite", "--start", "2026-10-01", "--now", NOW],
        ["plan", "defaults", "--from", "claude-code"],
    ):
        subprocess.run(
            [sys.executable, "-c", TYPER_ONLY, *args], env=machine, check=True, capture_output=True
        )
    quick, typer = both_ways(["status", "--json", "--check", "--now", NOW], machine)
    assert outcome(quick) == outcome(typer)
    assert typer.returncode == 1 and json.loads(typer.stdout)["command"] == "status"
