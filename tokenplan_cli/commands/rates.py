"""`tokenplan rates`: show, validate and export the rate card."""

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AsOfOption,
    JsonOption,
    RatesOption,
    command_app,
    load_card,
    output_format,
    resolve_as_of,
)
from tokenplan_cli.render import emit

app = command_app(invoke_without_command=True)


@app.callback()
def rates(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show the rate card: models and their status, tiers, discounts, off-peak window."""
    if ctx.invoked_subcommand is not None:
        return
    from tokenplan_cli.views.rates import card_document

    fmt = output_format(json_output)
    card = load_card(rates)
    emit(card_document(card, resolve_as_of(as_of)), fmt, human="rates")


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="The rate card to check.", show_default=False)],
    json_output: JsonOption = False,
) -> None:
    """Check a rate card; exit 2 with the file, key and fault if it is not valid."""
    from tokenplan_cli.views.rates import validation_document

    fmt = output_format(json_output)
    emit(validation_document(load_card(path)), fmt, human="rates_validate")


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write ('-' for stdout).")] = Path(
        "-"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    rates: RatesOption = None,
) -> None:
    """Write the effective rate card as TOML: a starting point for a custom card."""
    import tomli_w

    from tokenplan_cli.writers.files import write_output
    from tokenplan_cli.writers.ratecard import card_to_toml

    card = load_card(rates)
    header = f"# Exported by tokenplan from {card.source}; edit and load with --rates.\n"
    write_output(output, (header + tomli_w.dumps(card_to_toml(card))).encode(), force=force)
