"""`tokenplan setup`: point a coding tool at the plan, and check a key's form without showing it."""

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.commands.common import JsonOption, RatesOption, command_app, load_card, output_format
from tokenplan_cli.core.errors import BadInputError, ExitCode
from tokenplan_cli.core.setup import KEY_VARIABLE, TOOLS
from tokenplan_cli.render import emit

app = command_app()

TOOL_NAMES = ", ".join(TOOLS)


@app.command()
def setup(
    tool: Annotated[
        str | None, typer.Argument(help=f"The tool to set up: {TOOL_NAMES}.", show_default=False)
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="The plan's cluster your subscription page shows: cn, sgp or ams."),
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Merge the block into the tool's config file (keeps a backup).")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="The tool's config file, if not where the tool keeps it.", show_default=False
        ),
    ] = None,
    key_env: Annotated[
        str | None,
        typer.Option(
            "--key-env",
            help=f"The variable that holds your key (default {KEY_VARIABLE}).",
            show_default=False,
        ),
    ] = None,
    check_key: Annotated[
        bool,
        typer.Option("--check-key", help="Say whether the key on stdin (or in --key-env) has the tp- form."),
    ] = False,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> int:
    """Print what to put where so TOOL spends your Token Plan; --write merges it into the tool's config."""
    fmt = output_format(json_output)
    card = load_card(rates)
    if check_key:
        from tokenplan_cli.app.setup import check_key as check
        from tokenplan_cli.views.setup import key_check_document

        if tool is not None or cluster is not None or write:
            raise BadInputError("--check-key takes no tool, --cluster or --write: it only checks a key")
        result = check(card, variable=key_env)
        emit(key_check_document(result), fmt, human="setup")
        return ExitCode.OK if result.check.ok else ExitCode.CHECK_FAILED
    from tokenplan_cli.app.setup import set_up_tool
    from tokenplan_cli.views.setup import setup_document

    if tool is None:
        raise BadInputError(f"name the tool to set up: {TOOL_NAMES} (or --check-key)")
    if cluster is None:
        clusters = ", ".join(card.require_endpoints().clusters)
        raise BadInputError(f"--cluster is required: {clusters} (the one your subscription page shows)")
    done = set_up_tool(card, tool, cluster, key_variable=key_env or KEY_VARIABLE, config=config, write=write)
    emit(setup_document(done), fmt, human="setup")
    return ExitCode.OK
