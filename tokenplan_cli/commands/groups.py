"""Options that travel together, declared once and handed to a command as one value.

Typer reads a command's options from its signature, so options that several commands share (the usage
flags of `estimate`, `simulate` and `check`; the log options of those and of `usage report`) would be
declared again in each. `option_group` declares them once: a command names one parameter for the group
(`usage: UsageRequest`), the decorator puts the group's options in its place in the signature Typer
reads, and calls the command with their values gathered by `gather` into that one value.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

Command = TypeVar("Command", bound=Callable[..., Any])


class Group:
    """Options (name -> (annotation, default)) and how their values become one value."""

    def __init__(self, options: Mapping[str, tuple[Any, Any]], gather: Callable[..., Any]) -> None:
        self.options = dict(options)
        self.gather = gather

    def parameters(self) -> list[inspect.Parameter]:
        return [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
            for name, (annotation, default) in self.options.items()
        ]

    def take(self, values: dict[str, Any]) -> Any:
        """The group's value, from (and out of) a command's keyword arguments."""
        return self.gather(**{name: values.pop(name) for name in self.options})


def option_group(parameter: str, group: Group) -> Callable[[Command], Command]:
    """Give a command the options of `group` in place of its parameter `parameter`."""

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command)
        replaced: list[inspect.Parameter] = []
        for each in signature.parameters.values():
            if each.name == parameter:
                replaced += group.parameters()
            else:
                replaced.append(each.replace(kind=inspect.Parameter.KEYWORD_ONLY))

        @functools.wraps(command)
        def run(**values: Any) -> Any:
            gathered = group.take(values)  # takes the group's values out of `values`
            return command(**values, **{parameter: gathered})

        run.__signature__ = signature.replace(parameters=replaced)  # type: ignore[attr-defined]
        annotations = {k: v for k, v in command.__annotations__.items() if k != parameter}
        run.__annotations__ = {**annotations, **{p.name: p.annotation for p in group.parameters()}}
        return run  # type: ignore[return-value]

    return decorate
