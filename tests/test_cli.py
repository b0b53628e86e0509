"""The command shell: version, help, unknown commands, the error boundary, colour rules."""

from __future__ import annotations

import io

import pytest

import tokenplan_cli
from conftest import Cli


def test_version(cli: Cli) -> None:
    assert cli.run(["--version"]).stdout == f"tokenplan {tokenplan_cli.__version__}\n"


def test_no_command_shows_help_and_exits_2(cli: Cli) -> None:
    result = cli.run([], code=2)
    assert "estimate" in result.stdout
    assert result.stderr == "tokenplan: error: a command is needed (see 'tokenplan --help')\n"


def test_unknown_command_suggests_the_closest(cli: Cli) -> None:
    assert (
        cli.error(["estimat"])
        == "no such command 'estimat'. Did you mean 'estimate', 'simulate', 'status'? (see 'tokenplan --help')"
    )


def test_an_internal_error_is_one_line_with_exit_3(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import tokenplan_cli.core.estimate as estimate

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(estimate, "estimate_plans", broken)  # the application layer imports it when called
    message = cli.error(["estimate", "-m", "mimo-v2.5", "--output", "1"], code=3)
    assert message == "internal error: ZeroDivisionError: boom (TOKENPLAN_DEBUG=1 shows the traceback)"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_none_under_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenplan_cli.render.terminal import make_console

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr("sys.stdout", FakeTerminal())
    assert make_console().color_system is not None
    monkeypatch.setenv("NO_COLOR", "1")
    assert make_console().no_color is True


def test_no_colour_codes_in_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenplan_cli.render.terminal import make_console

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    console = make_console()
    console.print("[bold red]warn[/]")
    assert console.file.getvalue() == "warn\n"  # type: ignore[attr-defined]
