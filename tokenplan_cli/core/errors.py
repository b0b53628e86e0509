"""Exit codes and the error types that carry them to the CLI's one error boundary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """What `tokenplan` returns to the shell (documented in docs/exit-codes.md)."""

    OK = 0
    CHECK_FAILED = 1  # the command ran and a limit it checks was broken (e.g. over budget)
    BAD_INPUT = 2  # a flag, file, card or profile that cannot be used
    INTERNAL = 3  # a bug in tokenplan: please report it


class TokenplanError(Exception):
    """Base of every error a user can cause; the message is one line meant for them."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInputError(TokenplanError):
    """A value given on the command line, to the Python API or in a file that tokenplan cannot use.

    The core and the application layer name an input by its *field*, the Python name of the value
    (`used`, `cache_hit`), never by a command-line flag: `field` is the input the error is about (the
    message then starts `used: `), and the message writes any other input it names as `` `name` ``,
    listing each in `mentions`. `label` is what prefixes the message instead when there is no field (a
    file's key: never taken for a flag). The API shows the message as it is; the CLI's error boundary
    (`cli.run_guarded`) shows `named(flag_of)`, each field as the invoked command's flag.

    >>> error = BadInputError("more than `remaining` allows", field="used", mentions=["remaining"])
    >>> error.message
    'used: more than `remaining` allows'
    >>> error.named({"used": "--used", "remaining": "--remaining"}.get)
    '--used: more than --remaining allows'
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        mentions: Iterable[str] = (),
        label: str | None = None,
    ) -> None:
        self.detail = message
        self.field = field
        self.label = label
        self.mentions = tuple(mentions)
        prefix = field or label
        super().__init__(f"{prefix}: {message}" if prefix else message)

    def named(self, flag_of: Callable[[str], str | None]) -> str:
        """The message with each field named as `flag_of` says (a field it does not know stays as is)."""
        detail = self.detail
        for mention in self.mentions:
            flag = flag_of(mention)
            if flag is not None:
                detail = detail.replace(f"`{mention}`", flag)
        prefix = (flag_of(self.field) or self.field) if self.field else self.label
        return f"{prefix}: {detail}" if prefix else detail


class UnknownNameError(BadInputError):
    """A name (model, tier, currency, ...) that is not on the card; suggests the closest ones."""

    def __init__(self, what: str, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(known)
        message = f"unknown {what} {name!r}"
        hint = did_you_mean(name, self.known)
        message += f"; did you mean {hint}?" if hint else f" (known: {', '.join(self.known)})"
        super().__init__(message)


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The closest known names to `name`, quoted and joined, or None.

    >>> did_you_mean("mimo-v25-pro", ["mimo-v2.5-pro", "mimo-v2.5", "mimo-v2.5-asr"])
    "'mimo-v2.5-pro' or 'mimo-v2.5-asr' or 'mimo-v2.5'"
    >>> did_you_mean("Standrd", ["Lite", "Standard", "Pro", "Max"])
    "'Standard'"
    """
    import difflib  # (only an error needs it: every command imports this module)

    by_folded = {k.casefold(): k for k in known}
    matches = difflib.get_close_matches(name.casefold(), list(by_folded), n=3, cutoff=0.6)
    return " or ".join(repr(by_folded[m]) for m in matches) or None


def describe_value(value: Any) -> str:
    """What a value read from a file is, for a message: `a table`, `a string ('six')`, `date 2026-01-01`."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "nothing"
    if isinstance(value, date | time):  # TOML's dates and times (a datetime is a date)
        kind = "date-time" if isinstance(value, datetime) else type(value).__name__
        return f"a {kind} ({value.isoformat()})"
    return f"{type(value).__name__} {value!r}"
