"""Help a person can act on: every command's --help ends with examples that run, lists the choices
(from the card where they come from it), shows conventional metavars; docs/commands.md is current."""

from __future__ import annotations

import re
import shlex
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import Cli
from tokenplan_cli.commands.examples import EXAMPLES, Example

ROOT = Path(__file__).parent.parent
CLAUDE = Path(__file__).parent / "fixtures" / "logs" / "claude"
COMMANDS = sorted(EXAMPLES)
CLOCK = datetime(2026, 11, 12, 12, tzinfo=UTC)  # mid-cycle of the examples' plans


def help_of(cli: Cli, command: str) -> str:
    return str(cli.run([*command.split(), "--help"], env={"COLUMNS": "100"}).stdout)


def test_every_command_has_two_or_three_examples(cli: Cli) -> None:
    import typer
    from typer import _click as click

    from tokenplan_cli.cli import app
    from tokenplan_cli.commands.reference import _commands  # every command the CLI has

    root = typer.main.get_command(app)
    paths = [
        ctx.command_path.removeprefix("tokenplan ")
        for _, ctx in _commands(root, click.Context(root, info_name="tokenplan"))
    ]
    assert sorted(paths) == COMMANDS
    assert all(2 <= len(EXAMPLES[path]) <= 3 for path in paths)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_ends_with_the_examples_and_shows_conventional_metavars(cli: Cli, command: str) -> None:
    text = help_of(cli, command)
    assert re.search(r"<\w", text) is None  # no <str>, <bool>, <list[Path]>
    assert not re.search(r"--(json|help|strict|force|check|once)\s+\S*[A-Z]{2}", text)  # flags take no value
    tail = " ".join(text[text.index("Examples:") :].split())  # a long example wraps on a narrow terminal
    for example in EXAMPLES[command]:
        assert f"$ {example.command}" in tail and f"{example.what}:" in tail


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_sent_to_a_pipe_has_no_trailing_spaces(cli: Cli, command: str) -> None:
    lines = str(cli.run([*command.split(), "--help"]).stdout).splitlines()
    assert any("Usage: tokenplan" in line for line in lines)
    assert [line for line in lines if line != line.rstrip()] == []


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        pytest.param("check", "--tier                     TIER           The plan's tier: Lite, Standard, Pro, Max.", id="tiers"),
        pytest.param("quote", "Currency: USD or CNY (default: the card's).", id="currencies"),
        pytest.param("estimate", "Model the token amounts are for: mimo-v2.5-pro, mimo-v2.5, mimo-v2.5-asr", id="models"),
        pytest.param("expiry", "--cycle          CYCLE     Billing cycle: monthly or annual.", id="cycles"),
        pytest.param("usage report", "Group by day, week, month, hour (of day), model or tool.", id="by"),
        pytest.param("usage report", "Read these tools' logs: claude-code, opencode, codex,", id="tools"),
        pytest.param("quote", "--auto-renew          new-user|existing-user", id="auto-renew"),
        pytest.param("status", "text (the default), json, markdown", id="format"),
    ],
)  # fmt: skip
def test_help_lists_the_choices(cli: Cli, command: str, shown: str) -> None:
    flat = " ".join(help_of(cli, command).replace("│", " ").split())
    assert " ".join(shown.split()) in flat


def test_card_choices_come_from_the_card_in_use(cli: Cli, tmp_path: Path) -> None:
    card = tmp_path / "card.toml"
    cli.run(["rates", "export", "-o", str(card)])
    card.write_text(card.read_text().replace('name = "Lite"', 'name = "Mini"'))
    from tokenplan_cli.commands.help import card_choices

    card_choices.cache_clear()
    try:
        text = cli.run(["check", "--help"], env={"COLUMNS": "100", "TOKENPLAN_RATES": str(card)}).stdout
    finally:
        card_choices.cache_clear()
    assert "The plan's tier: Mini, Standard, Pro, Max." in text


RUNNABLE = [
    pytest.param(command, example, id=f"{command}-{n}")
    for command in COMMANDS
    for n, example in enumerate(EXAMPLES[command], start=1)
    if example.ends
]


@pytest.mark.parametrize(("command", "example"), RUNNABLE)
def test_every_example_runs(
    cli: Cli,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    example: Example,
) -> None:
    """As a user would: Claude Code's logs where it keeps them, a plan held, the files an example names
    in the current folder, on 2026-11-12."""
    home = tmp_path / "home"
    shutil.copytree(CLAUDE, home / ".claude")
    env = {"HOME": str(home), "XDG_CONFIG_HOME": "", "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": "",
           "XDG_DATA_HOME": "", "GEMINI_CLI_HOME": "", "OPENCLAW_STATE_DIR": "", "COLUMNS": "100",
           "XIAOMI_TOKEN_PLAN_API_KEY": "tp-an-example-key"}  # fmt: skip
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    cli.run(["plan", "set", "Standard", "--start", "2026-11-01", "--now", "2026-11-12"], env=env)
    cli.run(
        ["usage", "profile", "--from", "claude-code", "-o", "usage.toml", "--as-of", "2026-11-12"], env=env
    )
    cli.run(["rates", "export", "-o", "my-rates.toml"], env=env)
    before = set(work.iterdir())
    monkeypatch.setattr("tokenplan_cli.app.settings.now_utc", lambda: CLOCK)  # the clock, read only there
    result = cli.run(shlex.split(example.command)[1:], code=example.code, env=env)
    assert "Traceback" not in result.output
    assert result.stdout.strip() or set(work.iterdir()) - before  # it printed, or wrote the file it names


def test_the_command_reference_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenplan_cli.commands.help import card_choices
    from tokenplan_cli.commands.reference import reference

    monkeypatch.delenv("TOKENPLAN_RATES", raising=False)
    card_choices.cache_clear()
    written = (ROOT / "docs" / "commands.md").read_text()
    assert written == reference(), (
        "docs/commands.md is out of date: python -m tokenplan_cli.commands.reference > docs/commands.md"
    )
