"""Shell completion: the scripts for bash, zsh, fish and PowerShell, and what each word completes to."""

from __future__ import annotations

import pytest

from conftest import Cli


def complete_bash(cli: Cli, line: str) -> list[str]:
    """What bash offers for the last word of `line` (a trailing space: a new word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = {"_TOKENPLAN_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    return cli.run([], env=env).stdout.split()


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        pytest.param("tokenplan est", ["estimate"], id="command"),
        pytest.param("tokenplan usage ", ["report", "profile", "index"], id="subcommand"),
        pytest.param("tokenplan check --ti", ["--tier"], id="option"),
        pytest.param("tokenplan check --tier ", ["Lite", "Standard", "Pro", "Max"], id="tiers-from-the-card"),
        pytest.param("tokenplan quote ", ["Lite", "Standard", "Pro", "Max"], id="tier-argument"),
        pytest.param("tokenplan quote Pro --cycle ", ["monthly", "annual"], id="cycles"),
        pytest.param("tokenplan estimate --currency ", ["USD", "CNY"], id="currencies"),
        pytest.param("tokenplan estimate -m mimo-v2.5-t", ["mimo-v2.5-tts", "mimo-v2.5-tts-voiceclone", "mimo-v2.5-tts-voicedesign"], id="models"),
        pytest.param("tokenplan usage report --by ", ["day", "week", "month", "hour", "model", "tool"], id="by"),
        pytest.param("tokenplan usage report --from clau", ["claude-code"], id="tools"),
        pytest.param("tokenplan usage report --from claude-code,cod", ["claude-code,codex"], id="tools-listed"),
        pytest.param("tokenplan status --tz Asia/Sha", ["Asia/Shanghai"], id="zones"),
        pytest.param("tokenplan simulate --format ", ["text", "json", "markdown"], id="format-without-csv"),
        pytest.param("tokenplan quote Lite --auto-renew ", ["new-user", "existing-user"], id="auto-renew"),
        pytest.param("tokenplan estimate --map 'claude-*=mimo-v2.5-p", ["claude-*=mimo-v2.5-pro"], id="map-model"),
    ],
)  # fmt: skip
def test_words_complete(cli: Cli, line: str, offered: list[str]) -> None:
    assert complete_bash(cli, line) == offered


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        pytest.param("bash", "complete -o default -F _tokenplan_completion tokenplan", id="bash"),
        pytest.param("zsh", "#compdef tokenplan", id="zsh"),
        pytest.param("fish", "complete --command tokenplan", id="fish"),
        pytest.param(
            "powershell", "Register-ArgumentCompleter -Native -CommandName tokenplan", id="powershell"
        ),
    ],
)
def test_show_completion_prints_each_shells_script(cli: Cli, shell: str, marker: str) -> None:
    script = cli.run(["--show-completion", shell]).stdout
    assert marker in script and "_TOKENPLAN_COMPLETE" in script


def test_zsh_fish_and_powershell_complete_too(cli: Cli) -> None:
    zsh = cli.run(
        [], env={"_TOKENPLAN_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "tokenplan check --tier "}
    )
    assert '"Standard"' in zsh.stdout
    fish = cli.run([], env={"_TOKENPLAN_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": "tokenplan check --ti",
                            "_TYPER_COMPLETE_FISH_ACTION": "get-args"})  # fmt: skip
    assert fish.stdout.startswith("--tier\tThe plan's tier: Lite, Standard, Pro, Max.")
    ps = cli.run([], env={"_TOKENPLAN_COMPLETE": "complete_powershell", "_TYPER_COMPLETE_ARGS": "tokenplan usage report --by w",
                          "_TYPER_COMPLETE_WORD_TO_COMPLETE": "w"})  # fmt: skip
    assert ps.stdout.split(":::")[0] == "week"


def test_install_completion_writes_the_shells_start_up_file(cli: Cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = cli.run(["--install-completion", "bash"], env={"HOME": str(tmp_path)})
    assert result.stdout.startswith("bash completion installed in ")
    assert "tokenplan" in (tmp_path / ".bashrc").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--show-completion", "tcsh"], "unknown shell 'tcsh' (known: bash, zsh, fish, powershell, pwsh)", id="unknown-shell"),
        pytest.param(["--show-completion", "bash", "zsh"], "--show-completion takes at most a shell's name: bash, zsh, fish, powershell, pwsh", id="two-shells"),
        pytest.param(["--install-completion", "zhs"], "unknown shell 'zhs'; did you mean 'zsh'?", id="typo"),
    ],
)  # fmt: skip
def test_bad_completion_requests(cli: Cli, args: list[str], message: str) -> None:
    assert cli.error(args) == message


def test_the_root_help_offers_completion(cli: Cli) -> None:
    text = " ".join(cli.run(["--help"], env={"COLUMNS": "100"}).stdout.replace("│", " ").split())
    assert "--show-completion Print the completion script of your shell (or of bash, zsh, fish" in text
    assert "--install-completion Install completion" in text
