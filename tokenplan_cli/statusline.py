"""`tokenplan statusline`: one short line for a coding tool's status bar, which must never break its host.

Claude Code runs the `statusLine` command on every message, with the session as JSON on stdin, and shows
the first line it prints. So, whatever goes wrong (no plan held, a bad config, unreadable logs, bad
stdin, a log read that hangs, even a module that fails to import), this prints one short plain line and
exits 0, within its time budget (`--timeout`, 2 s by default). The line is computed in a forked child
(`_from_refresher`): when the budget runs out, the last line shown is printed again, marked stale, and
the child finishes detached, leaving a fresh line for the next run. (Without fork, an interval timer
bounds the work in this process.)

The console script sends `tokenplan statusline …` here before Typer is imported (`entry.py`): its few
options are read by `parse_options`, and the line costs no more than the work it does. `--help` goes the
ordinary way, through `commands/statusline.py`, which calls the same `statusline_text`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from tokenplan_cli.tuples import NamedTuple

DEFAULT_TIMEOUT = 2.0
COLOUR_CHOICES = ("auto", "always", "never")
STALE_MARK = " (stale)"
OVER_BUDGET = "tokenplan: reading the logs took too long (try 'tokenplan status')"
MAX_HINT = 100  # characters: a status bar is one short line


class Options(NamedTuple):
    format: str | None = None
    colour: str = "auto"
    timeout: float = DEFAULT_TIMEOUT
    now: str | None = None
    print_config: bool = False


class StatuslineError(Exception):
    """A problem to show as the line's hint (never a traceback, never a non-zero exit)."""


def parse_options(args: Sequence[str]) -> Options:
    """The statusline's options from argv (`--format X` or `--format=X`)."""
    values: dict[str, Any] = {}
    names = {"--format": "format", "--color": "colour", "--timeout": "timeout", "--now": "now"}
    items = list(args)
    while items:
        arg = items.pop(0)
        if arg == "--print-config":
            values["print_config"] = True
            continue
        name, equals, value = arg.partition("=")
        if name not in names:
            raise StatuslineError(f"unknown option {name!r} (see 'tokenplan statusline --help')")
        if not equals:
            if not items:
                raise StatuslineError(f"{name} needs a value")
            value = items.pop(0)
        values[names[name]] = value
    return _checked(Options(**values))


def _checked(options: Options) -> Options:
    if options.colour not in COLOUR_CHOICES:
        raise StatuslineError(f"--color: expected one of {', '.join(COLOUR_CHOICES)}, got {options.colour!r}")
    try:
        timeout = float(options.timeout)  # seconds, a duration: not an amount of anything
    except ValueError:
        raise StatuslineError(f"--timeout: expected seconds, got {options.timeout!r}") from None
    if not 0 < timeout <= 60:
        raise StatuslineError(f"--timeout: expected 0 to 60 seconds, got {options.timeout!r}")
    return options._replace(timeout=timeout)


def statusline_text(
    options: Options, stdin: Any, stdout_is_tty: bool, env: Mapping[str, str] = os.environ
) -> str:
    """The line to print: the status, or a short hint of what is wrong. Never raises."""
    try:
        if options.print_config:
            return print_config()
        deadline = time.monotonic() + options.timeout
        with _budget(options.timeout):
            session = read_session(stdin)
        colour = _wants_colour(options, session, stdout_is_tty, env)
        left = max(0.05, deadline - time.monotonic())
        if hasattr(os, "fork"):
            return _from_refresher(options, colour, left)
        with _budget(left):
            line = _line(options, colour)
        _remember(_plain(line))
        return line
    except _OverBudget:
        last = _last_line()
        return (
            last + STALE_MARK
            if last
            else "tokenplan: reading the logs took too long (try 'tokenplan status')"
        )
    except KeyboardInterrupt:
        return ""
    except BaseException as exc:  # noqa: BLE001 - the host must get a line, whatever happened
        return hint(exc)


def hint(exc: BaseException) -> str:
    """`tokenplan: no plan held: …`, cut to one short line."""
    from tokenplan_cli.app.plan import NoPlanError
    from tokenplan_cli.core.errors import TokenplanError

    if isinstance(exc, NoPlanError):
        message = "no plan held: run 'tokenplan plan set TIER --start DATE'"
    elif isinstance(exc, StatuslineError | TokenplanError):
        message = str(exc)
    elif isinstance(exc, ImportError):
        message = f"cannot load ({exc.name or exc}): reinstall tokenplan"
    else:
        message = f"internal error ({type(exc).__name__}); 'tokenplan status' says more"
    text = "tokenplan: " + " ".join(message.split())
    return text if len(text) <= MAX_HINT else text[: MAX_HINT - 1] + "…"


def read_session(stdin: Any) -> Mapping[str, Any]:
    """Claude Code's session JSON on stdin (nothing, on a terminal or an empty pipe)."""
    if stdin is None or stdin.isatty():
        return {}
    text = stdin.read()
    if not text.strip():
        return {}
    import json

    try:
        session = json.loads(text)
    except ValueError:
        raise StatuslineError("stdin is not JSON (expected Claude Code's session)") from None
    if not isinstance(session, dict):
        raise StatuslineError("stdin is not a JSON object (expected Claude Code's session)")
    return session


def _wants_colour(options: Options, session: Mapping[str, Any], tty: bool, env: Mapping[str, str]) -> bool:
    """Colour on a terminal, or for Claude Code (it shows ANSI colour), unless NO_COLOR or TERM=dumb."""
    if options.colour != "auto":
        return options.colour == "always" and not env.get("NO_COLOR")
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return tty or "session_id" in session


def _from_refresher(options: Options, colour: bool, seconds: float) -> str:
    """The line, computed in a forked child that outlives this process if it must.

    This process waits `seconds` for the child's line. A child still reading the logs then goes on,
    detached (its own session, the standard streams on /dev/null, so the host is not kept waiting), and
    leaves its line for the next run; meanwhile the last line is shown, marked stale. One refresher runs
    at a time (a lock in the cache folder): a run that finds one at work shows the last line at once.
    """
    import select

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child (tests see what it writes)
        os.close(read_end)
        _refresh(options, colour, write_end)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    try:
        while True:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([read_end], [], [], wait)[0]:
                raise _OverBudget
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _reap(child)
    if not chunks:  # another refresher is at work
        raise _OverBudget
    return b"".join(chunks).decode("utf-8", "replace")


def _refresh(options: Options, colour: bool, write_end: int) -> NoReturn:  # pragma: no cover - child
    try:
        _detach()
        if _locked():
            try:
                line, good = _line(options, colour), True
            except BaseException as exc:  # noqa: BLE001 - whatever it is, it is the line's hint
                line, good = hint(exc), False
            # Remembered and unlocked before the line is handed over: once its parent has the line, the
            # host may run the next status line at once, whose refresher must find the lock free (it
            # found it held, and showed the last line as stale, while this one was still remembering).
            if good:
                _remember(_plain(line))
            _unlock()
            try:
                os.write(write_end, line.encode("utf-8"))
            except OSError:  # the parent stopped waiting
                pass
            os.close(write_end)
    finally:
        os._exit(0)


def _detach() -> None:
    """A session of its own, and /dev/null for the standard streams: the host waits for no descendant."""
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(devnull, stream)


_lock_handle: Any = None


def _locked() -> bool:
    """Take the refresher's lock (held until this process ends), or False if another holds it."""
    global _lock_handle
    try:
        import fcntl

        path = _last_line_path().with_name("statusline.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        _lock_handle = open(path, "a")  # noqa: SIM115 - held for the life of the process
        fcntl.flock(_lock_handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except Exception:  # noqa: BLE001 - no lock to be had (no fcntl, an unwritable cache): refresh anyway
        return True
    return True


def _unlock() -> None:
    """Let the next refresher take the lock."""
    global _lock_handle
    if _lock_handle is not None:
        _lock_handle.close()
        _lock_handle = None


def _reap(child: int) -> None:
    try:
        os.waitpid(child, os.WNOHANG)
    except ChildProcessError:
        pass


def _line(options: Options, colour: bool) -> str:
    from tokenplan_cli.app.live import live_view
    from tokenplan_cli.app.settings import resolve_currency, resolve_zone
    from tokenplan_cli.core.dates import parse_instant
    from tokenplan_cli.readers.cardcache import load_card
    from tokenplan_cli.render.statusline import DEFAULT_FORMAT, check_template, status_line
    from tokenplan_cli.views.live import live_document

    template = check_template(options.format or DEFAULT_FORMAT)
    card = load_card(None)
    if options.now is not None:
        now = parse_instant(options.now, what="--now")
    else:
        from datetime import UTC, datetime

        now = datetime.now(UTC)
    zone = resolve_zone(card, None)
    view = live_view(card, now, resolve_currency(card, None), zone)
    return status_line(live_document(view, zone, "statusline"), template, colour)


class _OverBudget(BaseException):
    """Raised by the interval timer: a BaseException, so no `except Exception` on the way swallows it."""


class _budget:  # noqa: N801 - used as a context manager, like a function
    """Raise `_OverBudget` in this (main) thread after `seconds`, even inside a blocking read."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> None:
        import signal
        import threading

        if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
            return  # no timer here (Windows, or a thread): the work runs to its end
        self.previous = signal.signal(signal.SIGALRM, self._expired)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        self.armed = True

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)

    @staticmethod
    def _expired(signum: int, frame: object) -> None:
        raise _OverBudget


def _plain(line: str) -> str:
    """`line` without its ANSI colours: the stale copy is shown plain, whoever reads it next."""
    import re

    return re.sub(r"\033\[[0-9;]*m", "", line)


def _last_line_path() -> Any:
    from tokenplan_cli.folders import user_cache_folder

    return user_cache_folder() / "statusline-last.txt"


def _last_line() -> str:
    try:
        text: str = _last_line_path().read_text(encoding="utf-8")
        return text.strip().splitlines()[0] if text.strip() else ""
    except Exception:  # noqa: BLE001 - only a shortcut
        return ""


def _remember(line: str) -> None:
    """Keep the line for a run that goes over its budget (atomically; silently when it cannot)."""
    try:
        path = _last_line_path()
        if _last_line() == line:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(line + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except Exception:  # noqa: BLE001 - only a shortcut
        pass


def print_config(executable: str | None = None) -> str:
    """The JSON block for Claude Code's settings (`~/.claude/settings.json`), with a shell fallback."""
    import json
    import shlex

    program = executable or _installed_program()
    command = f"{shlex.quote(program)} statusline --color always 2>/dev/null || echo 'tokenplan: unavailable'"
    return json.dumps({"statusLine": {"type": "command", "command": command, "padding": 0}}, indent=2)


def _installed_program() -> str:
    """The `tokenplan` being run, by absolute path (a status line runs with the host's PATH)."""
    import shutil

    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if os.path.basename(argv0) == "tokenplan" and os.path.exists(argv0):
        return os.path.abspath(argv0)
    return shutil.which("tokenplan") or "tokenplan"


def main(args: Sequence[str]) -> None:
    """The console script's fast path: print the line and leave, exit code 0, whatever happened."""
    try:
        options = parse_options(args)
    except StatuslineError as exc:
        text = hint(exc)
    else:
        text = statusline_text(options, sys.stdin, _isatty(sys.stdout))
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 - a host that closed our stdout has nothing to show
        pass
    try:
        import atexit

        atexit._run_exitfuncs()  # what waits for the end: a resident to start (forward.py), say
    except BaseException:  # noqa: BLE001, S110 - the line is out: nothing may change the exit code
        pass
    os._exit(0)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # noqa: BLE001
        return False
