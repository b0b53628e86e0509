"""Help a person can act on: conventional metavars, the card's choices, and examples that run.

Typer draws `--help`; this module prepares a command just before it does (`cli.install_help` wraps
`format_help` and imports this module then), so an ordinary call pays nothing for it:

- a value option shows a conventional metavar (`TIER`, `AMOUNT`, `DATE`, `ZONE`, `FILE`); a flag shows
  none, an argument its name (`PATH...`);
- `{tiers}`, `{models}`, `{currencies}` and `{cycles}` in a help text become the choices of the rate
  card in use (TOKENPLAN_RATES, else the built-in one);
- the command's examples (`commands/examples.py`) end its help.

`docs/commands.md` is generated from the same prepared commands (`commands/reference.py`).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from typer import _click as click

if TYPE_CHECKING:  # the examples load only when a help page is drawn (every call imports this module)
    from tokenplan_cli.commands.examples import Example

T = TypeVar("T")

# The metavar of a value option that declares none, by its name; a path option shows FILE.
METAVARS = {
    "--model": "MODEL", "--cache-hit": "TOKENS", "--cache-miss": "TOKENS", "--output": "TOKENS",
    "--audio-hours": "HOURS", "--offpeak": "SHARE", "--per": "PERIOD", "--days": "DAYS",
    "--since": "DATE", "--until": "DATE", "--as-of": "DATE", "--start": "DATE", "--now": "DATE",
    "--at": "DATE", "--tz": "ZONE", "--currency": "CURRENCY", "--cycle": "CYCLE", "--to-cycle": "CYCLE",
    "--tier": "TIER", "--from": "TIER", "--to": "TIER", "--used": "AMOUNT", "--remaining": "AMOUNT",
    "--paid": "PRICE", "--headroom": "SHARE", "--risk": "SHARE", "--spread": "SHARE", "--growth": "SHARE",
    "--shift-offpeak": "SHARE", "--max-utilization": "SHARE", "--max-risk": "SHARE", "--runs": "N",
    "--seed": "N", "--mix": "MODEL=SHARE", "--active-days": "DAYS", "--by": "GROUP",
    "--auto-renew": "on|off", "--every": "INTERVAL", "--timeout": "SECONDS", "--color": "auto|always|never",
    "--format": "FORMAT",
}  # fmt: skip
# Options several commands share, in panels of their own after the command's own options.
PANELS = {
    "Usage (or a profile, or logs)": (
        "--model", "--cache-hit", "--cache-miss", "--output", "--audio-hours", "--offpeak", "--per",
        "--days", "--profile",
    ),
    "Logs": ("--from", "--map", "--since", "--until", "--strict"),
    "Output": ("--json", "--csv", "--format", "--svg", "--html"),
}  # fmt: skip


def option_type(option: Any, ctx: click.Context) -> str | None:
    """What Typer shows after an option's names: its metavar; nothing for a flag (it takes no value)."""
    if option.is_flag:
        return None
    if option.metavar is not None:
        return str(option.metavar)
    return str(option.display_type(ctx))


def prepare(command: click.Command, path: str) -> None:
    """Give `command` (at `tokenplan …` `path`) its metavars, the card's choices and its examples."""
    if getattr(command, "prepared", False):
        return
    choices = card_choices()
    panels = {name: panel for panel, names in PANELS.items() for name in names}
    for param in command.params:
        if param.metavar is None:
            param.metavar = metavar(param)
        shared = param.metavar not in ("TEMPLATE",)  # statusline's --format is a template of its own
        if getattr(param, "rich_help_panel", "") is None and shared:
            param.rich_help_panel = panels.get(max(param.opts, key=len))  # type: ignore[attr-defined]
        help_text = getattr(param, "help", None)
        if help_text:
            param.help = fill(help_text, choices)  # type: ignore[attr-defined]
    if command.help:
        command.help = fill(command.help, choices)
    from tokenplan_cli.commands.examples import EXAMPLES

    examples = EXAMPLES.get(path.removeprefix("tokenplan").strip())
    if examples:
        command.epilog = examples_text(examples)
    for sub in getattr(command, "commands", {}).values():  # a group lists its commands' first lines
        sub.help = unwrapped(sub.help)
    command.prepared = True  # type: ignore[attr-defined]


def without_trailing_spaces(draw: Callable[[], T]) -> T:
    """`draw()`, its help page printed without the spaces Rich pads its panels' lines with, when the
    page goes to a pipe or a file (on a terminal they are invisible and harmless)."""
    if sys.stdout.isatty():
        return draw()
    page = io.StringIO()
    with contextlib.redirect_stdout(page):
        drawn = draw()
    sys.stdout.write("\n".join(line.rstrip() for line in page.getvalue().split("\n")))
    return drawn


def unwrapped(text: str | None) -> str | None:
    """A docstring's paragraphs with their lines joined (Typer keeps a docstring's line breaks)."""
    if text is None:
        return None
    paragraphs = text.strip().split("\n\n")
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def metavar(param: click.Parameter) -> str | None:
    """The conventional metavar of a parameter that declares none (None for a flag)."""
    if getattr(param, "is_flag", False):
        return None
    if param.param_type_name == "argument":
        return (param.name or "value").upper() + ("..." if param.nargs != 1 else "")
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and descriptor.is_path:
        return "FILE"
    long_name = max(param.opts, key=len)
    return METAVARS.get(long_name, long_name.lstrip("-").replace("-", "_").upper())


def fill(text: str, choices: Mapping[str, str]) -> str:
    for placeholder, value in choices.items():
        text = text.replace(placeholder, value)
    return text


@cache
def card_choices() -> dict[str, str]:
    """The choices of the rate card in use, as help text shows them; none if it cannot be read."""
    from tokenplan_cli.core.errors import TokenplanError
    from tokenplan_cli.core.ratecard import CYCLES
    from tokenplan_cli.readers.cardcache import load_card

    path = os.environ.get("TOKENPLAN_RATES")
    try:
        card = load_card(Path(path) if path else None)
    except TokenplanError:
        return {"{cycles}": " or ".join(CYCLES)}
    return {
        "{tiers}": ", ".join(tier.name for tier in card.tiers),
        "{models}": ", ".join(card.models),
        "{currencies}": " or ".join(card.currencies),
        "{cycles}": " or ".join(CYCLES),
    }


def examples_text(examples: tuple[Example, ...]) -> str:
    """Examples as the end of a help page: what each does, then the command."""
    lines = ["Examples:"]
    for example in examples:
        lines += ["", f"  {example.what}:", f"    $ {example.command}"]
    return "\n".join(lines)
