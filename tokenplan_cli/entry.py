"""The `tokenplan` console script: `tokenplan statusline` goes to its guarded fast path before anything
else is imported (a status line must print its line even if a module fails to load, and runs on every
message of a session); `usage report … --json` and `status … --json`, which scripts repeat warm, are
answered without Typer when their argv is of a shape `quick.py` reads; every other command,
`statusline --help`, and every call `quick.py` declines go to the CLI (`cli.run`). Python's cycle
collector waits meanwhile, until long work begins (`collector.py`)."""

import sys

from tokenplan_cli import collector


def run() -> None:
    collector.pause()  # until long work begins (collector.py): imports and a warm answer make no cycles
    args = sys.argv[1:]
    if args[:1] == ["statusline"] and not {"-h", "--help"} & set(args[1:]):
        try:
            from tokenplan_cli.statusline import main
        except BaseException as exc:  # noqa: BLE001 - even a broken install leaves the host one line
            sys.stdout.write(f"tokenplan: cannot load ({type(exc).__name__}): reinstall tokenplan\n")
            sys.stdout.flush()
            raise SystemExit(0) from None
        main(args[1:])
    if args[:2] == ["usage", "report"] or args[:1] == ["status"]:
        from tokenplan_cli.quick import answer

        code = answer(args)
        if code is not None:
            from tokenplan_cli.exits import leave

            leave(code)
    collector.resume()
    from tokenplan_cli.cli import run as run_cli

    run_cli()
