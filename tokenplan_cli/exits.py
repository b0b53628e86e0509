"""How a call ends, without Typer: an error as one line (and a JSON document under --json), and the
way out of the process. The CLI's boundary (`cli.py`) and the answers without Typer (`quick.py`) share
these, so that a call ends alike whichever path answered it."""

from __future__ import annotations

import atexit
import os
import sys
from typing import Any, NoReturn

from tokenplan_cli.core.errors import ExitCode


def completing() -> bool:
    """Whether the shell is asking for completions (`_TOKENPLAN_COMPLETE` set): the CLI answers them."""
    return bool(os.environ.get("_TOKENPLAN_COMPLETE"))


def report_error(message: str, code: int, wants_json: bool) -> int:
    """Print `tokenplan: error: …` on stderr (and the JSON error document on stdout under --json)."""
    one_line = " ".join(message.split())
    if wants_json:
        from tokenplan_cli.render.jsonout import dumps

        document = {"schema_version": 1, "error": {"code": int(code), "message": one_line}}
        write_if_possible(sys.stdout, dumps(document) + "\n")
    write_if_possible(sys.stderr, f"tokenplan: error: {one_line}\n")
    return int(code)


def write_if_possible(stream: Any, text: str) -> None:
    """Write to a stream that may be closed, full or gone (the error may be about it): the exit code
    still tells what happened."""
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


def silence_broken_pipe() -> None:
    """The reader went away (`tokenplan … | head`): stop quietly, as other tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def leave(code: object) -> NoReturn:
    """Leave with `code` (what `SystemExit` carried) without tearing the interpreter down.

    Freeing every module's objects one by one at exit cost about 25 ms a run (`estimate --json`: 132
    against 106 ms), and scripts run this CLI in loops. Exit handlers still run and the standard streams
    are flushed; every file the commands write is closed before they return.
    """
    if code is None:
        code = ExitCode.OK
    elif not isinstance(code, int):  # what Python does with `sys.exit("message")`
        sys.stderr.write(f"{code}\n")
        code = 1
    atexit._run_exitfuncs()
    os._exit(flushed(code))


def flushed(code: int) -> int:
    """Flush stdout and stderr before leaving; `code`, or 2 if the output could not be written after all
    (output a command writes is flushed, and checked, before it returns: this is for the rest)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # a reader gone away (`| head`)
            pass
        except (OSError, ValueError) as exc:  # ValueError: a stream closed
            if stream is sys.stdout and code == ExitCode.OK:
                code = report_error(f"cannot write the output: {exc}", ExitCode.BAD_INPUT, False)
    return code
