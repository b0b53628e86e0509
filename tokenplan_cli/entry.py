"""The `tokenplan` console script.

A call a resident process can answer (`forward.py`: a status line, `status … --json`, `usage report …
--json`, made again and again) is sent to it, and this process leaves with its exit code. Otherwise the
call is answered here (`answer`, which the resident's child runs too): `tokenplan statusline` goes to its
guarded fast path before anything else is imported (a status line must print its line even if a module
fails to load, and runs on every message of a session); `usage report … --json` and `status … --json`,
which scripts repeat warm, are answered without Typer when their argv is of a shape `quick.py` reads;
every other command, `statusline --help`, and every call `quick.py` declines go to the CLI
(`cli.run`). Python's cycle collector waits meanwhile, until long work begins (`collector.py`).

A process started with `TOKENPLAN_RESIDENT_SOCKET` set is a resident (`resident.serve`).
"""

import os
import sys

from tokenplan_cli import collector


def run() -> None:
    collector.pause()  # until long work begins (collector.py): imports and a warm answer make no cycles
    args = sys.argv[1:]
    resident_socket = os.environ.get("TOKENPLAN_RESIDENT_SOCKET")
    if resident_socket:
        from tokenplan_cli.resident import serve

        serve(resident_socket, answer)
    code = _forwarded(args)
    if code is not None:
        os._exit(code)  # (nothing was written here: the resident's child wrote the answer)
    answer(args)


def _forwarded(args: list[str]) -> int | None:
    """The exit code of the call as a resident answered it, or None: answer it here."""
    try:
        from tokenplan_cli.forward import forwarded

        return forwarded(args)
    except KeyboardInterrupt:
        os._exit(130)
    except Exception:  # noqa: BLE001 - whatever kept the resident from answering, this process can
        return None


def answer(args: list[str]) -> None:
    """Answer the call `args` in this process, and leave (never returns)."""
    collector.pause()
    if args[:1] == ["statusline"] and not {"-h", "--help"} & set(args[1:]):
        try:
            from tokenplan_cli.statusline import main
        except BaseException as exc:  # noqa: BLE001 - even a broken install leaves the host one line
            sys.stdout.write(f"tokenplan: cannot load ({type(exc).__name__}): reinstall tokenplan\n")
            sys.stdout.flush()
            raise SystemExit(0) from None
        main(args[1:])
    if args[:2] == ["usage", "report"] or args[:1] == ["status"]:
        from tokenplan_cli.quick import answer as quick_answer

        code = quick_answer(args)
        if code is not None:
            from tokenplan_cli.exits import leave

            leave(code)
    collector.resume()
    from tokenplan_cli.cli import run as run_cli

    run_cli()
