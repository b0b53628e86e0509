"""Answers without Typer for the calls scripts and status bars repeat warm: `usage report --json` and
`status --json`.

With the log index warm, such a call's own work (a walk, a few queries, a report of a few hundred
buckets) takes less time than importing Typer and building the CLI's commands. So the console script
(`entry.py`) hands the argv here first, and a call of exactly one of these shapes is answered without
Typer:

    tokenplan usage report [--from TOOL | PATH]... [--no-index] --json
    tokenplan status [--now INSTANT] [--check] --json

(options in any order, each `--from` and `--now` followed by its value as a word of its own). Anything
else is declined, and the Typer CLI runs it as always: another option or command, `--opt=value`, an
abbreviation, `--help`, `--`, a value that begins with `-`, shell completion, a card named by
`TOKENPLAN_RATES`. The answer is made by the functions the command calls (`app.report.usage_report`
or `app.status.plan_status`, then `views` and `render.emit`), with what its other options default to;
only the reading of argv is this module's own.

What the answer writes (stdout, and notes on stderr) is held until it is complete. On any error the
call is declined after all and the CLI runs it from the start, so every error message, JSON error
document and exit code is the CLI's own (an error costs the time of a second run). Once held, the
output is written as the CLI writes it (`writers.files.standard_output`), and the process leaves by
the CLI's way out (`exits.leave`). `tests/test_quick.py` runs many argv shapes both ways and compares
stdout, stderr and the exit code byte for byte.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tokenplan_cli import afterwards

JSON_FLAG = "--json"
# The CLI's `--rates` reads this variable when the option is not given (Typer's envvar): declined.
RATES_VARIABLE = "TOKENPLAN_RATES"
FROM_OPTION = "--from"
NOW_OPTION = "--now"
CHECK_FLAG = "--check"
NO_INDEX_FLAG = "--no-index"


def answer(args: Sequence[str]) -> int | None:
    """The exit code of the call `args` (its output written), or None: declined, nothing written."""
    from tokenplan_cli.exits import completing

    if completing() or RATES_VARIABLE in os.environ:
        return None
    if list(args[:2]) == ["usage", "report"]:
        request = usage_report_request(args[2:])
        if request is not None:
            return _held(lambda: _usage_report(*request))
    if list(args[:1]) == ["status"]:
        status = status_request(args[1:])
        if status is not None:
            return _held(lambda: _status(*status))
    return None


def usage_report_request(args: Sequence[str]) -> tuple[list[str] | None, list[Path] | None, bool] | None:
    """The `--from` values, PATHs and `--no-index` of `usage report` options this path answers (None:
    declined).

    They are what the CLI's options give the command: None when not given, else lists in the order typed.
    (`--no-index` is answered too, so that a cold read and an indexed one are timed alike.)
    """
    argv = _words(args, flags={JSON_FLAG, NO_INDEX_FLAG}, options={FROM_OPTION}, paths=True)
    if argv is None:
        return None
    flags, values, paths = argv
    return values[FROM_OPTION] or None, [Path(path) for path in paths] or None, NO_INDEX_FLAG in flags


def status_request(args: Sequence[str]) -> tuple[str | None, bool] | None:
    """`status`'s `--now` text (None: not given) and `--check`, of the options this path answers (None:
    declined)."""
    argv = _words(args, flags={JSON_FLAG, CHECK_FLAG}, options={NOW_OPTION}, paths=False)
    if argv is None:
        return None
    flags, values, _ = argv
    now = (
        values[NOW_OPTION][-1] if values[NOW_OPTION] else None
    )  # given twice, the last counts, as in the CLI
    return now, CHECK_FLAG in flags


def _words(
    args: Sequence[str], *, flags: set[str], options: set[str], paths: bool
) -> tuple[set[str], dict[str, list[str]], list[str]] | None:
    """The `flags` given, each of `options`' values (each the word after it) and the other words, of a
    `--json` call made of nothing else (None: declined; so is a path where `paths` is false, an empty
    word, and a value that begins with `-`)."""
    given: set[str] = set()
    values: dict[str, list[str]] = {option: [] for option in options}
    others: list[str] = []
    words = iter(args)
    for word in words:
        if word in flags:
            given.add(word)
        elif word in options:
            value = next(words, None)
            if value is None or value.startswith("-"):
                return None
            values[word].append(value)
        elif word.startswith("-") or not word or not paths:
            return None
        else:
            others.append(word)
    return (given, values, others) if JSON_FLAG in given else None


def _usage_report(tools: list[str] | None, paths: list[Path] | None, no_index: bool) -> None:
    """What `commands/usage.py`'s `report` does with these options and every other at its default."""
    from tokenplan_cli.app.logs import LogRequest
    from tokenplan_cli.app.report import usage_report
    from tokenplan_cli.app.settings import load_card, now_utc
    from tokenplan_cli.render import OutputFormat, emit
    from tokenplan_cli.views.usage import logged_report_document, report_rows

    card = load_card(None)
    logged = usage_report(
        card,
        LogRequest(tools=tools, paths=paths, no_index=no_index),
        by="day",
        as_of=None,
        now=now_utc(),
        progress=False,
    )
    emit(logged_report_document(logged), OutputFormat.JSON, human="usage_report", csv_rows=report_rows)


def _status(now: str | None, check: bool) -> int:
    """What `commands/status.py`'s `status` does with these options and every other at its default."""
    from tokenplan_cli.app.logs import LogRequest
    from tokenplan_cli.app.status import PlanGiven, UseGiven, plan_status
    from tokenplan_cli.commands.context import Context
    from tokenplan_cli.core.errors import ExitCode
    from tokenplan_cli.render import OutputFormat, emit
    from tokenplan_cli.views.held_status import held_status_document

    context = Context(now=now, json_output=True)
    card = context.card
    report = plan_status(
        card, context.now, context.currency, plan=PlanGiven(None, None, None),
        use=UseGiven(None, None, None), paid=None,
        logs=LogRequest(paths=None, tools=None, maps=None, strict=False), progress=False,
    )  # fmt: skip
    emit(held_status_document(report, context.zone), OutputFormat.JSON, human="held_status")
    return ExitCode.CHECK_FAILED if check and report.status.stops_early else ExitCode.OK


def _held(work: Callable[[], int | None]) -> int | None:
    """Do `work` with stdout and stderr held; write what it wrote and return its exit code (None: 0), or
    None after any error (nothing written: the CLI runs the call again and reports the error its way)."""
    stdout, stderr = sys.stdout, sys.stderr
    held_out, held_err = io.StringIO(), io.StringIO()
    if stdout is None:
        return None  # (started with stdout closed: the CLI says so)
    sys.stdout, sys.stderr = held_out, held_err
    afterwards.accept(True)  # (what readies the index for the next call waits for the answer)
    try:
        code = work()
    except KeyboardInterrupt:
        afterwards.finish(None)
        return 130  # as the CLI's boundary: nothing more is written
    except Exception:  # noqa: BLE001 - the CLI runs the call again and reports it
        afterwards.finish(None)  # (before the CLI's run, which would find it undone)
        return None
    finally:
        afterwards.accept(False)
        sys.stdout, sys.stderr = stdout, stderr
    code = _write(held_out.getvalue(), held_err.getvalue(), code or 0)
    afterwards.finish(code)  # (the answer is out)
    return code


def _write(out: str, err: str, code: int) -> int:
    """Write the held output as the CLI writes it: notes on stderr, then the document on stdout; a
    reader gone away is no error, stdout that cannot be written is one (the CLI's own messages)."""
    from tokenplan_cli.core.errors import BadInputError
    from tokenplan_cli.exits import report_error, silence_broken_pipe, write_if_possible
    from tokenplan_cli.writers.files import standard_output

    if err:
        write_if_possible(sys.stderr, err)
    try:
        with standard_output() as stream:
            stream.write(out)
    except BrokenPipeError:  # (the CLI's boundary then ends with 0, a check or not)
        silence_broken_pipe()
        return 0
    except BadInputError as exc:  # `standard_output`'s, which names no option
        return report_error(exc.message, exc.exit_code, wants_json=True)
    return code
