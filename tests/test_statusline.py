"""`statusline` with recorded stdin, and every way it could break its host: each gives one short line
and exit 0. Also `watch --once --json` and the threshold events of `watch`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
# Claude Code's session on stdin, as its statusLine command receives it (docs/log-formats.md).
SESSION = json.dumps(
    {
        "session_id": "7f3c2a10-5b1e-4c2d-9a8e-1f2b3c4d5e6f",
        "transcript_path": "/home/dev/.claude/projects/-home-dev-shop/7f3c2a10-5b1e-4c2d-9a8e-1f2b3c4d5e6f.jsonl",
        "cwd": "/home/dev/shop",
        "model": {"id": "mimo-v2.5-pro", "display_name": "mimo-v2.5-pro"},
        "workspace": {"current_dir": "/home/dev/shop", "project_dir": "/home/dev/shop"},
        "version": "2.0.14",
        "output_style": {"name": "default"},
        "cost": {"total_cost_usd": 0.0, "total_duration_ms": 1200},
    }
)
NOW = "2026-10-02T13:46Z"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test alone: the last line shown, and the refresher's lock, are its own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOKENPLAN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def held(cli: Cli, config_file: Path, home: Path) -> Path:
    """A Standard plan bought Oct 1, and the Claude Code fixture logs in the test's home."""
    shutil.copytree(FIXTURES / "claude" / "projects", home / ".claude" / "projects")
    cli.json(["plan", "set", "Standard", "--start", "2026-10-01", "--now", NOW])
    cli.json(["plan", "defaults", "--from", "claude-code", "--map", "claude-haiku-*=mimo-v2.5",
              "--map", "claude-*=mimo-v2.5-pro"])  # fmt: skip
    return config_file


# The line's own budget (2 s) is wall-clock time: on a loaded machine a test would see "(stale)" instead
# of the line it checks. Tests take a budget no load reaches; those about the budget give their own
# (a later --timeout wins) against a read that sleeps far longer.
NO_BUDGET = ("--timeout", "60")


def line(cli: Cli, *args: str, stdin: str = SESSION, env: dict[str, str] | None = None) -> str:
    result = cli.run(["statusline", "--now", NOW, *NO_BUDGET, *args], input=stdin, env=env)
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return lines[0]


def test_the_line(cli: Cli, held: Path) -> None:
    assert line(cli) == "Standard 0% · 11B left · lasts to Nov 1 · off-peak ×0.8 in 2h14m"


def test_a_template_of_other_fields(cli: Cli, held: Path) -> None:
    text = line(cli, "--format", "{tier} {used_credits} used, {today} today, {burn} · {days_left} · {source}")
    assert text == "Standard 1.62M used, 642k today, 1.03M/d · 30 d left · logs"


def test_colour_for_claude_code_and_none_under_no_color(cli: Cli, held: Path) -> None:
    assert "\033[" in line(cli, env={"NO_COLOR": ""})  # Claude Code's session on stdin: it shows ANSI
    assert "\033[" not in line(cli)  # the test runner sets NO_COLOR=1
    assert "\033[" not in line(cli, stdin="", env={"NO_COLOR": ""})  # a pipe, not Claude Code
    assert "\033[" in line(cli, "--color", "always", stdin="", env={"NO_COLOR": ""})


@pytest.mark.parametrize(
    ("args", "stdin", "hint"),
    [
        pytest.param([], "not json", "stdin is not JSON", id="bad-stdin"),
        pytest.param([], "[1, 2]", "stdin is not a JSON object", id="stdin-not-an-object"),
        pytest.param(["--format", "{tier} {usd}"], SESSION, "unknown field {usd}; did you mean 'used'?", id="format"),
        pytest.param(["--format", "{tier"], SESSION, "--format:", id="format-syntax"),
        pytest.param(["--color", "pink"], SESSION, "--color: expected one of", id="colour"),
        pytest.param(["--timeout", "soon"], SESSION, "--timeout: expected seconds", id="timeout"),
    ],
)  # fmt: skip
def test_bad_input_is_a_hint_and_exit_0(cli: Cli, held: Path, args: list[str], stdin: str, hint: str) -> None:
    text = line(cli, *args, stdin=stdin)
    assert text.startswith("tokenplan: ") and hint in text and len(text) <= 100


def test_no_plan_held(cli: Cli, config_file: Path) -> None:
    assert line(cli) == "tokenplan: no plan held: run 'tokenplan plan set TIER --start DATE'"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("schema_version = 1\n[plan\n", id="malformed"),
        pytest.param("schema_version = 9\n", id="newer-schema"),
        pytest.param("schema_version = 1\n[plan]\ntier = 'Gold'\nstart = 2026-10-01\n", id="unknown-tier"),
    ],
)
def test_a_bad_config_is_a_hint(cli: Cli, config_file: Path, text: str) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(text)
    hinted = line(cli)
    assert hinted.startswith("tokenplan: ") and len(hinted) <= 100
    assert config_file.read_text() == text


def test_unreadable_logs_are_skipped_not_fatal(cli: Cli, held: Path, home: Path) -> None:
    broken = home / ".claude" / "projects" / "-home-dev-shop" / "broken.jsonl"
    broken.write_text('{"type": "assistant", "message": {"usage": \n', encoding="utf-8")
    assert line(cli).startswith("Standard 0% · 11B left")


def test_over_its_budget_it_shows_the_last_line_marked_stale(
    cli: Cli, held: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = line(cli)

    def hang(*args: object, **kwargs: object) -> None:
        time.sleep(5)  # a log read that hangs

    monkeypatch.setattr("tokenplan_cli.app.live.live_view", hang)
    started = time.monotonic()
    assert line(cli, "--timeout", "0.3") == first + " (stale)"
    assert time.monotonic() - started < 3


def test_a_refresh_over_budget_finishes_in_the_background_for_the_next_run(
    cli: Cli, held: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenplan_cli.app import live

    real = live.live_view

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(1)  # 1 GB of logs without the index
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("tokenplan_cli.app.live.live_view", slow)
    assert (
        line(cli, "--timeout", "0.2") == "tokenplan: reading the logs took too long (try 'tokenplan status')"
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the detached refresher leaves its line behind
        time.sleep(0.2)
        shown = line(cli, "--timeout", "0.2")
        if shown.endswith(" (stale)"):
            break
    assert shown == "Standard 0% · 11B left · lasts to Nov 1 · off-peak ×0.8 in 2h14m (stale)"


def test_a_line_asked_for_again_at_once_is_fresh(
    cli: Cli, held: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host may run the next status line as soon as it has one: the refresher that gave it must not
    still hold the lock (it remembered its line after handing it over, and the next run showed the one
    before as stale)."""
    from tokenplan_cli import statusline

    remember = statusline._remember

    def slow(line: str) -> None:
        time.sleep(0.5)  # a loaded machine
        remember(line)

    monkeypatch.setattr(statusline, "_remember", slow)
    first = line(cli)
    assert line(cli) == first and not first.endswith(" (stale)")


def test_a_module_that_fails_to_import_is_a_hint(
    cli: Cli, held: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tokenplan_cli.app.live", None)  # import raises ImportError
    assert line(cli).startswith("tokenplan: cannot load")


def test_print_config_is_the_block_for_claude_code(cli: Cli) -> None:
    block = json.loads(cli.run(["statusline", "--print-config"]).stdout)
    command = block["statusLine"]["command"]
    assert block["statusLine"]["type"] == "command" and "statusline" in command
    assert "|| echo" in command  # a tokenplan that cannot start still leaves a line


def test_the_console_script_path_imports_no_typer_and_exits_0(held: Path) -> None:
    probe = (
        "import sys, json\nsys.argv = ['tokenplan', 'statusline', '--now', '"
        + NOW
        + "', *"
        + repr(NO_BUDGET)
        + "]\n"
        "import os\n_exit = os._exit\n"
        "def leave(code):\n    sys.stderr.write(json.dumps([code, sorted(sys.modules)]))\n    _exit(code)\n"
        "os._exit = leave\nfrom tokenplan_cli.entry import run\nrun()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], input=SESSION, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)  # fmt: skip
    code, modules = json.loads(done.stderr)
    assert code == 0 and done.stdout == "Standard 0% · 11B left · lasts to Nov 1 · off-peak ×0.8 in 2h14m\n"
    assert not {m for m in modules if m.split(".")[0] in ("typer", "rich", "click", "pydantic")}


# -- watch ------------------------------------------------------------------------------------------


def test_watch_once_json(cli: Cli, held: Path) -> None:
    doc = cli.json(["watch", "--once", "--now", NOW])
    assert doc["command"] == "watch" and doc["source"] == "logs" and doc["events"] == []
    assert doc["credits_used"] == doc["logs"]["credits"] > 0
    live = doc["live"]
    assert live["offpeak"] == {
        "on": False,
        "coefficient": Decimal("0.8"),
        "changes_at": "2026-10-02T16:00:00Z",
    }
    assert live["today_since"] == "2026-10-02T00:00:00Z"
    assert live["today_credits"] == sum(m["credits"] for m in live["today_by_model"])
    assert live["last_hour_credits"] == 0


def test_watch_off_a_terminal_prints_json_lines(cli: Cli, held: Path) -> None:
    out = cli.run(["watch", "--once", "--now", NOW]).stdout
    assert len(out.splitlines()) == 1 and json.loads(out)["command"] == "watch"


@pytest.mark.parametrize(
    ("args", "fault"),
    [
        pytest.param(["--every", "0.1s"], "outside 1 second", id="too-often"),
        pytest.param(["--every", "often"], "not a duration", id="not-a-duration"),
        pytest.param(["--now", NOW], "--now goes with --once", id="now-without-once"),
    ],
)
def test_watch_bad_input(cli: Cli, held: Path, args: list[str], fault: str) -> None:
    assert fault in cli.error(["watch", *args])


def test_a_threshold_crossed_while_watching_is_an_event_and_runs_the_notify_command(tmp_path: Path) -> None:
    from tokenplan_cli.app.watch import watch

    def document(fired: list[bool]) -> dict[str, object]:
        return {"start": "2026-10-01T00:00:00Z", "now": "2026-10-02T13:46:00Z", "tier": "Lite", "cycle": "monthly",
                "credits_used": 3_700_000_000, "credits_total": 4_100_000_000, "used_fraction": Decimal("0.902439"),
                "runs_out_at": None, "stops_early": False,
                "reminders": [{"threshold": Decimal(t), "fired": f} for t, f in zip(("0.5", "0.9", "1"), fired, strict=True)]}  # fmt: skip

    frames = iter([document([True, False, False]), document([True, True, False])])
    shown: list[dict[str, object]] = []
    received = tmp_path / "event.json"
    # two refreshes, then the frames run out and end the loop
    with pytest.raises(StopIteration):
        watch(lambda: next(frames), shown.append, lambda: None, once=False, notify_cmd=f"cat > {received}")
    assert [d["events"] for d in shown][0] == []
    (event,) = shown[1]["events"]  # type: ignore[misc]
    assert event["event"] == "usage-threshold" and event["threshold"] == Decimal("0.9")
    assert json.loads(received.read_text(), parse_float=Decimal) == event


def test_a_failing_notify_command_is_a_note_not_a_crash() -> None:
    from tokenplan_cli.app.watch import notify

    assert notify("exit 3", {"event": "usage-threshold"}) == "--notify-cmd exited 3"


SECRET = "TOP-SECRET-PROMPT-7731"


def test_no_message_text_from_the_logs_reaches_any_output(cli: Cli, held: Path, home: Path) -> None:
    session = home / ".claude" / "projects" / "-home-dev-shop" / "secret.jsonl"
    assistant = {
        "type": "assistant", "timestamp": "2026-10-02T09:00:00.000Z", "requestId": "req_secret",
        "message": {"id": "msg_secret", "role": "assistant", "model": "mimo-v2.5-pro",
                    "content": [{"type": "text", "text": SECRET}],
                    "usage": {"input_tokens": 10, "output_tokens": 5}},
    }  # fmt: skip
    session.write_text(
        json.dumps({"type": "user", "message": {"role": "user", "content": SECRET}}) + "\n"
        + json.dumps(assistant) + "\n"
        + '{"type":"assistant","timestamp":"2026-10-02T09:01:00Z","message":{"id":"msg_b","content":"'
        + SECRET
        + '","usage":{"output_tokens":\n',  # a broken line (it holds the reader's marker)
        encoding="utf-8",
    )  # fmt: skip
    outputs = [
        cli.run(["status", "--now", NOW, "--json"]).output,
        cli.run(["status", "--now", NOW]).output,
        cli.run(["watch", "--once", "--now", NOW, "--json"]).output,
        line(cli),
        cli.run(["plan", "show", "--json"]).output,
    ]
    assert all(SECRET not in output for output in outputs)
    doc = cli.json(["status", "--now", NOW])
    assert doc["logs"]["skipped"]["total"] == 1  # the broken line, counted, its text not kept
    assert SECRET not in config_text(held)


def config_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_a_fresh_install_needs_only_plan_set(cli: Cli, config_file: Path, home: Path) -> None:
    """The issue's "done": logs on the machine, `plan set`, then status, watch and statusline, no flags."""
    shutil.copytree(FIXTURES / "claude" / "projects", home / ".claude" / "projects")
    cli.json(["plan", "set", "Standard", "--start", "2026-10-01", "--now", NOW])
    status = cli.json(["status", "--now", NOW])
    assert status["source"] == "logs" and status["logs"]["tools"][0]["tool"] == "claude-code"
    assert status["credits_used"] > 0 and status["logs"]["assumed_models"]  # Claude names, no --map rule
    watched = cli.json(["watch", "--once", "--now", NOW])
    assert watched["credits_used"] == status["credits_used"]
    assert line(cli).startswith("Standard 0% · 11B left · lasts to Nov 1")


def test_watch_without_a_plan_says_how_to_set_one(cli: Cli, config_file: Path) -> None:
    message = cli.error(["watch", "--once"])
    assert "plan set" in message and "--tier" not in message


def test_credits_that_run_out_early_say_when_and_are_red(cli: Cli, held: Path) -> None:
    cli.json(["plan", "set", "Lite", "--start", "2026-10-01", "--now", NOW])
    cli.json(["plan", "calibrate", "--used", "60%", "--at", "2026-10-02T12:00Z", "--now", NOW])
    assert line(cli) == "Lite 60% · 1.64B left · runs out Oct 3, 29 d early · off-peak ×0.8 in 2h14m"
    coloured = line(cli, "--color", "always", env={"NO_COLOR": ""})
    assert (
        "\033[31mruns out Oct 3, 29 d early\033[0m" in coloured and "\033[31m60%\033[0m" in coloured
    )  # stops early: red
    assert line(cli, "--format", "{reminder} · {source}") == "90% ~Oct 3 · calibration+logs"


def test_a_statusline_module_that_cannot_load_still_gives_one_line_and_exit_0() -> None:
    probe = (
        "import sys\nsys.modules['tokenplan_cli.statusline'] = None\n"
        "sys.argv = ['tokenplan', 'statusline']\nfrom tokenplan_cli.entry import run\nrun()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert (
        done.returncode == 0
        and done.stdout == "tokenplan: cannot load (ModuleNotFoundError): reinstall tokenplan\n"
    )
