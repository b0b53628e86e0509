"""The `tokenplan` command: a lazy command group and the one error boundary.

Commands are imported only when invoked (`COMMANDS` maps a name to its module), so `tokenplan estimate
--json` loads neither the other commands nor Rich. Every error a user can cause ends here as one line
on stderr (`tokenplan: error: …`), plus a JSON error document on stdout under `--json`, and an exit code
from `ExitCode`. The core and the application layer name a bad input by its field (`used`); here it is
named by the invoked command's flag (`--used`), from that command's own options (`field_flags`).
"""

import errno
import importlib
import os
import sys
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer import _click as click
from typer.core import TyperGroup

from tokenplan_cli import __version__
from tokenplan_cli.core.errors import BadInputError, ExitCode, TokenplanError
from tokenplan_cli.exits import completing, leave, report_error, silence_broken_pipe

# name -> module defining `app` (a typer.Typer); the order is the order of `tokenplan --help`.
COMMANDS = {
    "estimate": "tokenplan_cli.commands.estimate",
    "rates": "tokenplan_cli.commands.rates",
    "quote": "tokenplan_cli.commands.quote",
    "upgrade-quote": "tokenplan_cli.commands.upgrade_quote",
    "renewal-quote": "tokenplan_cli.commands.renewal_quote",
    "expiry": "tokenplan_cli.commands.expiry",
    "status": "tokenplan_cli.commands.status",
    "plan": "tokenplan_cli.commands.plan",
    "watch": "tokenplan_cli.commands.watch",
    "statusline": "tokenplan_cli.commands.statusline",
    "usage": "tokenplan_cli.commands.usage",
    "simulate": "tokenplan_cli.commands.simulate",
    "check": "tokenplan_cli.commands.check",
    "setup": "tokenplan_cli.commands.setup",
}


class LazyCommands(Mapping[str, click.Command]):
    """Commands by name, each built from its module on first use."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self.modules = modules
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            module = importlib.import_module(self.modules[name])
            command = typer.main.get_command(module.app)
            command.name = name
            if completing():  # the shell asks what this command takes: give it help texts and values
                from tokenplan_cli.commands.completion import attach

                attach(command, f"tokenplan {name}")
            self.loaded[name] = command
        return self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.modules)

    def __len__(self) -> int:
        return len(self.modules)


class _PlainCoercion:
    """Converts a raw option string with a plain constructor (str, Path, int; flags as they are).

    Typer 0.29 coerces every non-flag value through a pydantic TypeAdapter, and importing pydantic costs
    about 50 ms: more than the rest of a `--json` call. tokenplan's options are plain strings, paths and
    whole numbers that it parses itself, so this stands in for typer's coercion. Only the private hook
    `_runtime_param` is used; on a typer without it, nothing changes (tests/test_startup.py watches that
    pydantic stays unloaded).
    """

    def __init__(self, convert: Any) -> None:
        self.convert = convert

    def coerce(self, value: Any, param: click.Parameter, ctx: click.Context) -> Any:
        if value is None:
            return None
        try:
            return self.convert(value)
        except ValueError:
            raise click.exceptions.BadParameter(
                f"{value!r} is not a whole number", ctx=ctx, param=param
            ) from None


class _PlainListCoercion(_PlainCoercion):
    """The same for a repeatable option or a variadic argument (`--map A --map B`, `PATH...`)."""

    def coerce(self, value: Any, param: click.Parameter, ctx: click.Context) -> Any:
        if not value:
            return None
        return [super(_PlainListCoercion, self).coerce(item, param, ctx) for item in value]


def _flag(value: Any) -> Any:
    return value  # click has already parsed a flag to a bool


_PLAIN_TYPES: dict[Any, Any] = {str: str, Path: Path, int: int, bool: _flag}


def use_plain_coercion() -> None:
    """Make typer coerce plain str/Path/int/flag parameters with `_PlainCoercion` (see its docstring)."""
    parameter = getattr(typer.core, "_TyperParameter", None)
    original = getattr(parameter, "get_runtime_param", None)
    if parameter is None or original is None or getattr(original, "plain", False):
        return

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            annotation = self.type_descriptor.annotation
            if not self.multiple and self.nargs == 1:
                convert = _PLAIN_TYPES.get(annotation)
                if convert is not None:
                    self._runtime_param = _PlainCoercion(convert)
            elif typing.get_origin(annotation) is list and (self.multiple or self.nargs == -1):
                convert = _PLAIN_TYPES.get(typing.get_args(annotation)[0])
                if convert is not None and convert is not _flag:
                    self._runtime_param = _PlainListCoercion(convert)
        return original(self)

    get_runtime_param.plain = True  # type: ignore[attr-defined]
    parameter.get_runtime_param = get_runtime_param


use_plain_coercion()


def install_help() -> None:
    """Prepare a command's help just before Typer draws it (`commands/help.py`: conventional metavars,
    the card's choices, examples), so that module loads only for a help page."""

    def preparing(original: Any) -> Any:
        def format_help(self: click.Command, ctx: click.Context, formatter: Any) -> Any:
            from tokenplan_cli.commands.help import prepare, without_trailing_spaces

            prepare(self, ctx.command_path)
            return without_trailing_spaces(lambda: original(self, ctx, formatter))

        format_help.prepares = True  # type: ignore[attr-defined]
        return format_help

    def option_type(self: Any, ctx: click.Context) -> str | None:
        from tokenplan_cli.commands.help import option_type

        return option_type(self, ctx)

    for cls in (typer.core.TyperCommand, TyperGroup):
        if not getattr(cls.format_help, "prepares", False):
            cls.format_help = preparing(cls.format_help)  # type: ignore[method-assign]
    # A flag takes no value, and an argument is named in the first column: neither shows a type.
    typer.core.TyperOption.display_type_rich = option_type  # type: ignore[method-assign]
    typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign,assignment]


install_help()


class TokenplanGroup(TyperGroup):
    """The root group: lazy subcommands, and errors turned into one line and an exit code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(COMMANDS)  # type: ignore[assignment]

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # caught here: click's main would turn it into exit code 1 ("check failed")
            silence_broken_pipe()
            return ExitCode.OK

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        extra.pop("standalone_mode", None)
        if completing():
            from tokenplan_cli.commands.completion import attach, start

            start()
            attach(self, "tokenplan")
        elif argv[:1] and argv[0] in ("--show-completion", "--install-completion"):
            sys.exit(run_guarded(lambda: _completion_script(argv), wants_json=False))
        code = run_guarded(
            lambda: super(TokenplanGroup, self).main(
                args=argv, prog_name=prog_name or "tokenplan", standalone_mode=False, **extra
            ),
            wants_json=wants_json(argv),
            flag_of=lambda field: field_flags(self, argv).get(field),
        )
        sys.exit(code)


def field_flags(root: click.Command, argv: Sequence[str]) -> dict[str, str]:
    """The flag of each field of the command `argv` invokes: its parameter's name (the field, as the
    core and the API name it) to its long option (`cache_hit` -> `--cache-hit`, `tools` -> `--from`), or
    to its argument's metavar (`tier` -> `TIER`)."""
    command: click.Command = root
    for word in argv:
        if not isinstance(command, TyperGroup):
            break
        found = command.commands.get(word)
        if found is None:
            break
        command = found
    return {param.name: _flag(param) for param in command.params if param.name}


def _flag(param: click.Parameter) -> str:
    if isinstance(param, typer.core.TyperOption):
        return max(param.opts, key=lambda opt: (opt.startswith("--"), len(opt)))
    return (getattr(param, "metavar", None) or param.name or "").upper()


def wants_json(argv: Sequence[str]) -> bool:
    """Whether the call asks for JSON (`--json`, `--format json`), so an error is a JSON document too."""
    return (
        "--json" in argv
        or "--format=json" in argv
        or any(a == "--format" and b.strip().lower() == "json" for a, b in zip(argv, argv[1:], strict=False))
    )


def run_guarded(invoke: Any, *, wants_json: bool, flag_of: Callable[[str], str | None] | None = None) -> int:
    """Run `invoke`, mapping every outcome to an exit code; errors are reported, never raised. A bad
    input's fields are named as `flag_of` says (the invoked command's flags)."""
    try:
        result = invoke()
        return result if isinstance(result, int) else ExitCode.OK
    except BadInputError as exc:
        message = exc.named(flag_of) if flag_of is not None else exc.message
        return report_error(message, exc.exit_code, wants_json)
    except TokenplanError as exc:
        return report_error(exc.message, exc.exit_code, wants_json)
    except click.exceptions.UsageError as exc:
        return report_error(_usage_message(exc), ExitCode.BAD_INPUT, wants_json)
    except click.exceptions.ClickException as exc:
        return report_error(exc.format_message(), exc.exit_code, wants_json)
    except typer.Abort:
        return report_error("aborted", ExitCode.BAD_INPUT, wants_json)
    except BrokenPipeError:
        silence_broken_pipe()
        return ExitCode.OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line, unless asked for the traceback
        if isinstance(exc, OSError) and _output_failed(exc):  # e.g. Rich drawing --help on a full disk
            return report_error(f"cannot write the output: {exc.strerror or exc}", ExitCode.BAD_INPUT, False)
        if os.environ.get("TOKENPLAN_DEBUG"):
            raise
        message = f"internal error: {type(exc).__name__}: {exc} (TOKENPLAN_DEBUG=1 shows the traceback)"
        return report_error(message, ExitCode.INTERNAL, wants_json)


def _usage_message(exc: click.exceptions.UsageError) -> str:
    command = exc.ctx.command_path if exc.ctx is not None else "tokenplan"
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # the help is already on screen
        return f"a command is needed (see '{command} --help')"
    message = exc.format_message()
    message = message[0].lower() + message[1:] if message[:1].isupper() else message
    return f"{message.rstrip('.')} (see '{command} --help')"


def _output_failed(exc: OSError) -> bool:
    """Whether `exc` came from writing the output outside `writers.files.standard_output` (which turns
    its own failures into errors): stdout refuses a flush, or the disk is full (reading never says so).
    """
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return True
    try:
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):  # AttributeError: stdout closed before the start
        return True
    return False


def _completion_script(argv: list[str]) -> int:
    from tokenplan_cli.commands.completion import answer, script_request

    request = script_request(argv)
    assert request is not None
    answer(*request)
    return ExitCode.OK


def _completion_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """`--show-completion` or `--install-completion` after other root options: for the shell in use."""
    if value and not ctx.resilient_parsing:
        from tokenplan_cli.commands.completion import answer

        answer(max(param.opts, key=len), None)
        raise typer.Exit(ExitCode.OK)


def _show_version(value: bool) -> None:
    if value:
        from tokenplan_cli.writers.files import standard_output

        with standard_output() as stream:
            stream.write(f"tokenplan {__version__}\n")
        raise typer.Exit(ExitCode.OK)


app = typer.Typer(
    cls=TokenplanGroup,
    name="tokenplan",
    help="Quota calculator and planner for the MiMo Token Plan.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _completion_option(name: str, text: str) -> Any:
    """A root flag that answers with a completion script (`commands/completion.py`) and exits."""
    return typer.Option(False, name, callback=_completion_flag, is_eager=True, expose_value=False, help=text)


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
    ),
    show_completion: bool = _completion_option(
        "--show-completion",
        "Print the completion script of your shell (or of bash, zsh, fish or powershell named after it).",
    ),
    install_completion: bool = _completion_option(
        "--install-completion",
        "Install completion in your shell's start-up file (or in that of the shell named after it).",
    ),
) -> None:
    """Quota calculator and planner for the MiMo Token Plan.

    Exit codes: 0 fine, 1 a check failed (e.g. over budget), 2 bad input, 3 internal error.
    """


def main() -> None:
    """Run the CLI on `sys.argv`; ends with `SystemExit` (tests call this)."""
    typer.main.get_command(app).main()


def run() -> NoReturn:
    """Entry point of the `tokenplan` console script and `python -m tokenplan_cli`: `main`, then leave
    without tearing the interpreter down (`exits.leave`). A traceback (a bug under TOKENPLAN_DEBUG=1)
    still takes Python's own way out."""
    try:
        main()
        code: object = ExitCode.OK
    except SystemExit as exc:
        code = exc.code
    leave(code)
