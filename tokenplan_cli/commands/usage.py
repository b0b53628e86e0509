"""`tokenplan usage report` and `tokenplan usage profile`: real usage, read from the tools' logs."""

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.app.logs import LogRequest, read_logs
from tokenplan_cli.commands.common import (
    AsOfOption,
    JsonOption,
    RatesOption,
    command_app,
    load_card,
    now_utc,
    output_format,
    resolve_as_of,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.commands.logsource import LOG_OPTIONS, FromOption, PathsArgument
from tokenplan_cli.commands.output_options import AS_GIVEN, OutputRequest, report_output
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.render import OutputFormat, emit
from tokenplan_cli.writers.files import STDOUT

app = command_app(no_args_is_help=True, help="Real usage, read from your AI coding tools' logs.")


@app.command()
@option_group("request", LOG_OPTIONS)
@option_group("output", report_output(csv=True, compare=True))
def report(
    request: LogRequest,
    by: Annotated[
        str, typer.Option("--by", help="Group by day, week, month, hour (of day), model or tool.")
    ] = "day",
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    output: OutputRequest = AS_GIVEN,
) -> None:
    """Tokens and credits of the logged requests, by day (or --by), split into peak and off-peak."""
    from tokenplan_cli.app.report import usage_report
    from tokenplan_cli.views.usage import logged_report_document, report_rows

    fmt, saves = output.fmt, output.saves()
    baseline = output.baseline("usage report")
    card = load_card(rates)
    instant = resolve_as_of(as_of) if as_of is not None else None  # None: each request's own rules
    logged = usage_report(
        card, request, by=by, as_of=instant, now=now_utc(), progress=fmt is OutputFormat.HUMAN
    )
    document = output.compared(logged_report_document(logged), baseline)
    emit(document, fmt, human="usage_report", csv_rows=report_rows, saves=saves, force=output.force)


@app.command()
@option_group("request", LOG_OPTIONS)
def profile(
    request: LogRequest,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write ('-' for stdout).")] = Path(
        "-"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    as_of: AsOfOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write the logged usage as a usage profile (usage.toml) for estimate --profile and simulations."""
    import tomli_w

    from tokenplan_cli.app.logs import profile_of
    from tokenplan_cli.core.credits import compute_credits
    from tokenplan_cli.core.usagelog import local_hour_weights
    from tokenplan_cli.views.usage import profile_written_document
    from tokenplan_cli.writers.files import write_output
    from tokenplan_cli.writers.profile import profile_to_toml

    fmt = output_format(json_output)
    if json_output and output == STDOUT:
        raise BadInputError(
            "--json describes the file written: add -o FILE (without it the profile goes to stdout)"
        )
    card = load_card(rates)
    instant = resolve_as_of(as_of)
    logs = read_logs(card, request, now=now_utc(), progress=output != STDOUT)
    observed = profile_of(logs, card, instant)
    hours = local_hour_weights(
        logs.scan.tally, card, as_of=instant, mapping=logs.mapping, zone=logs.zone, days=logs.days
    )
    header = f"# Written by tokenplan usage profile from {logs.label}; days are dates in {logs.zone_name}.\n"
    write_output(output, (header + tomli_w.dumps(profile_to_toml(observed, hours))).encode(), force=force)
    if output != STDOUT:
        monthly = observed.usage.scaled(observed.period.to_month(card.cycles["monthly"].nominal_days))
        credits = compute_credits(monthly, card, instant).total
        emit(
            profile_written_document(str(output), observed.observed, credits, logs.label),
            fmt,
            human="usage_profile",
        )


@app.command()
def index(
    paths: PathsArgument = None,
    tools: FromOption = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Delete the index and read the logs into it again (every tool found, or --from).",
        ),
    ] = False,
    clear: Annotated[
        bool, typer.Option("--clear", help="Delete the index (the next command that reads logs rebuilds it).")
    ] = False,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """What the log index holds (files, bytes, requests, size on disk); --rebuild or --clear it."""
    import os

    from tokenplan_cli.readers.logs.index import clear_index, index_info
    from tokenplan_cli.views.usage import index_document

    fmt = output_format(json_output)
    if rebuild and clear:
        raise BadInputError("--rebuild or --clear, not both")
    if (tools or paths) and not rebuild:
        raise BadInputError("--from and PATHs say what --rebuild reads: add --rebuild")
    if rebuild and os.environ.get("TOKENPLAN_NO_INDEX"):
        raise BadInputError("TOKENPLAN_NO_INDEX is set: unset it to rebuild the log index")
    if rebuild or clear:
        clear_index()
    if rebuild:
        card = load_card(rates)
        read_logs(
            card, LogRequest(tools=tools, paths=paths), now=now_utc(), progress=fmt is OutputFormat.HUMAN
        )
    action = "rebuilt" if rebuild else "cleared" if clear else "shown"
    emit(index_document(index_info(), action), fmt, human="usage_index")
