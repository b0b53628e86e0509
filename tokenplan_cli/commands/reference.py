"""docs/commands.md, generated from the commands themselves: each one's usage, help, options and examples.

    python -m tokenplan_cli.commands.reference > docs/commands.md

tests/test_help.py fails when the file and the code disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer
from typer import _click as click

from tokenplan_cli.commands.examples import EXAMPLES
from tokenplan_cli.commands.help import prepare
from tokenplan_cli.render.markdown import escape

HEADER = """# Commands

Every command and option, generated from the code (`python -m tokenplan_cli.commands.reference >
docs/commands.md`); `tokenplan COMMAND --help` shows the same. Choices that come from the rate card
(tiers, models, currencies) are those of the built-in card. Exit codes: [exit-codes.md](exit-codes.md);
JSON documents: [json.md](json.md).
"""


def reference() -> str:
    from tokenplan_cli.cli import app

    root = typer.main.get_command(app)
    context = click.Context(root, info_name="tokenplan")
    commands = [(root, context), *_commands(root, context)]
    sections = [HEADER, *(_section(command, ctx) for command, ctx in commands)]
    return "\n".join(sections)


def _commands(group: click.Command, parent: click.Context) -> Iterator[tuple[click.Command, click.Context]]:
    """Each command under `group` with its context, in the order of `tokenplan --help`."""
    commands: Any = getattr(group, "commands", {})
    for name in commands:
        command = commands[name]
        ctx = click.Context(command, info_name=name, parent=parent)
        if not getattr(command, "commands", None) or getattr(command, "invoke_without_command", False):
            yield command, ctx
        yield from _commands(command, ctx)


def _section(command: click.Command, ctx: click.Context) -> str:
    prepare(command, ctx.command_path)
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"## `{ctx.command_path}`", "", escape(command.help or ""), "", "```", usage, "```", ""]
    params = [p for p in command.get_params(ctx) if p.name != "help"]
    if params:
        lines += ["| option | value | what |", "|---|---|---|"]
        lines += [_row(param, ctx) for param in params]
        lines.append("")
    examples = EXAMPLES.get(ctx.command_path.removeprefix("tokenplan").strip(), ())
    if examples:
        lines += ["Examples:", "", "```console"]
        for example in examples:
            lines += [f"# {example.what}", f"$ {example.command}"]
        lines += ["```", ""]
    return "\n".join(lines)


def _row(param: click.Parameter, ctx: click.Context) -> str:
    names = ", ".join(f"`{name}`" for name in (param.opts if param.param_type_name == "option" else []))
    value = f"`{param.metavar}`" if param.metavar else ""
    what = escape(" ".join((getattr(param, "help", None) or "").split()))
    default = param.get_default(ctx, call=False)
    if getattr(param, "show_default", True) is not False and default not in (None, False, (), []):
        what += f" (default: `{default}`)"
    if param.required:
        what += " Required."
    return f"| {names or f'`{param.metavar}`'} | {value if names else ''} | {what} |"


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference())
