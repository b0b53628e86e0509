"""The Rich console a person reads: colour only on a terminal, none under NO_COLOR or in a pipe."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from rich import box
from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away (`tokenplan … | head`). Rich would exit with code 1, which means "a check
        failed" here. This console writes no more; if it was the output's, the command stops quietly with
        0 (`cli.TokenplanGroup.invoke`); if it was stderr's, the output goes on."""
        self.quiet = True
        if self.file is sys.stdout:
            raise BrokenPipeError


def make_console(stderr: bool = False, record: bool = False) -> Console:
    """A console on stdout (or stderr). Rich itself honours NO_COLOR and drops styles in a pipe.

    `record=True` keeps what is printed, for `save_recording`.
    """
    stream = sys.stderr if stderr else sys.stdout
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return _Console(
        file=stream,
        width=width if width else (None if stream.isatty() else 120),
        highlight=False,
        record=record,
    )


def save_recording(console: Console, saves: Mapping[str, Path], *, force: bool) -> None:
    """Write what `console` showed as SVG and/or HTML (`saves` maps "svg"/"html" to a path), atomically."""
    from tokenplan_cli.writers.files import write_output

    for kind, path in saves.items():
        if kind == "svg":
            text = console.export_svg(title=f"tokenplan {path.stem}", clear=False)
        else:
            text = console.export_html(clear=False)
        write_output(path, text.encode("utf-8"), force=force)


def table_box(console: Console) -> box.Box:
    """Rounded boxes on a terminal; Markdown-style pipes in plain text (they paste into docs)."""
    return box.ROUNDED if console.is_terminal else box.MARKDOWN


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr; yields a function that advances it."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    with Progress(
        f"[progress.description]{label}",
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=make_console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.advance(task, done)
