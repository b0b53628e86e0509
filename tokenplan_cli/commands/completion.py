"""Shell completion (bash, zsh, fish, PowerShell): the scripts, and the values each option completes.

Nothing here runs on an ordinary call. The shell asks by running `tokenplan` with `_TOKENPLAN_COMPLETE`
set; then each command, as it is built, is prepared for help (`commands/help.py`: its help texts and
conventional metavars) and given completers by metavar: `TIER`, `MODEL` and `CURRENCY` from the rate
card, `ZONE` from the time-zone database, `TOOL` from the log readers, `on|off`-style metavars from
their own choices, paths from the file system.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from typer import _click as click

from tokenplan_cli.core.errors import BadInputError

PROG = "tokenplan"
COMPLETE_VAR = "_TOKENPLAN_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
OPTIONS = ("--show-completion", "--install-completion")

Values = Callable[[str], Iterable[str]]


def completing() -> bool:
    """Whether this run answers the shell's question rather than a person's."""
    return bool(os.environ.get(COMPLETE_VAR))


def start() -> None:
    """Register Typer's zsh, fish and PowerShell completers (click knows bash alone)."""
    from typer._completion_classes import completion_init

    completion_init()


def script_request(argv: list[str]) -> tuple[str, str | None] | None:
    """`--show-completion [SHELL]` or `--install-completion [SHELL]` as the first words: (option, shell)."""
    if not argv or argv[0] not in OPTIONS:
        return None
    shell = argv[1] if len(argv) > 1 else None
    if len(argv) > 2 or (shell is not None and shell.startswith("-")):
        raise BadInputError(f"{argv[0]} takes at most a shell's name: {', '.join(SHELLS)}")
    return argv[0], shell


def answer(option: str, shell: str | None) -> None:
    """Print the completion script for `shell` (detected when None), or install it in its start-up file."""
    from typer._completion_shared import _get_shell_name, get_completion_script, install

    from tokenplan_cli.core.errors import UnknownNameError

    start()
    name = shell or _get_shell_name()
    if name is None:
        raise BadInputError(f"cannot tell which shell this is: name it, e.g. '{PROG} {option} bash'")
    if name not in SHELLS:
        raise UnknownNameError("shell", name, SHELLS)
    if option == "--show-completion":
        sys.stdout.write(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=name) + "\n")
        return
    done, path = install(shell=name, prog_name=PROG, complete_var=COMPLETE_VAR)
    sys.stdout.write(f"{done} completion installed in {path}; it works in a new shell\n")


def attach(command: click.Command, path: str) -> None:
    """Prepare `command` (and the commands of a group) for completion: help texts and value completers."""
    from tokenplan_cli.commands.help import prepare

    prepare(command, path)
    tables = any("--csv" in param.opts for param in command.params)
    for param in command.params:
        values = completer(param, tables)
        if values is not None and getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = _items(values)  # type: ignore[attr-defined]
    for name, sub in getattr(command, "commands", {}).items():
        attach(sub, f"{path} {name}")


def completer(param: click.Parameter, tables: bool = True) -> Values | None:
    """What a parameter's values complete from, by its metavar (`tables`: the command prints CSV)."""
    metavar = param.metavar or ""
    if metavar in ("FILE", "PATH", "PATH..."):
        return None  # the shell completes file names (see _items)
    by_metavar: dict[str, Values] = {
        "TIER": lambda _: [tier.name for tier in _card().tiers],
        "MODEL": lambda _: list(_card().models),
        "CURRENCY": lambda _: list(_card().currencies),
        "CYCLE": lambda _: _cycles(),
        "ZONE": _zones,
        "TOOL": _tools,
        "GROUP": lambda _: _groupings(),
        "PERIOD": lambda _: ["day", "week", "month"],
        "FORMAT": lambda _: [name for name in _formats() if tables or name != "csv"],
        "PATTERN=MODEL": _mapped_models,
        "MODEL=SHARE": lambda text: [] if "=" in text else [f"{m}=" for m in _card().models],
    }  # fmt: skip
    if metavar in by_metavar:
        return by_metavar[metavar]
    if "|" in metavar:
        return lambda _: metavar.split("|")
    return None


def _items(values: Values) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem

        try:
            found = list(values(incomplete))
        except Exception:  # a card that cannot be read: complete nothing rather than break the shell
            return []
        folded = incomplete.lower()
        return [CompletionItem(value) for value in found if value.lower().startswith(folded)]

    return complete


def _card() -> Any:
    from pathlib import Path

    from tokenplan_cli.readers.cardcache import load_card

    path = os.environ.get("TOKENPLAN_RATES")
    return load_card(Path(path) if path else None)


def _mapped_models(text: str) -> list[str]:
    """After `PATTERN=`, the card's models (a pattern is the user's own)."""
    pattern, equals, _ = text.partition("=")
    return [f"{pattern}={model}" for model in _card().models] if equals else []


def _cycles() -> list[str]:
    from tokenplan_cli.core.ratecard import CYCLES

    return list(CYCLES)


def _groupings() -> list[str]:
    from tokenplan_cli.core.usagelog import GROUPINGS

    return list(GROUPINGS)


def _formats() -> list[str]:
    from tokenplan_cli.commands.output_options import FORMATS

    return list(FORMATS)


def _tools(incomplete: str) -> list[str]:
    """Tool names; after a comma (`--from claude-code,co`), the names to add to the list."""
    from tokenplan_cli.readers.logs import LOG_READERS

    head, _, _ = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    return [prefix + name for name in LOG_READERS]


def _zones(incomplete: str) -> list[str]:
    import zoneinfo

    return sorted(zoneinfo.available_timezones())
