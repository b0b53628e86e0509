"""The Rich console a person reads: colour only on a terminal, none under NO_COLOR or in a pipe.

Rich paints here what `render/layout.py` laid out; it never decides a layout itself, so what a person
sees at a width is what the tests read at that width.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.text import Text

from tokenplan_cli.render.blocks import Block, Line, Surface
from tokenplan_cli.render.layout import lay_out

# The style of each kind of piece (render/blocks.py); kinds not named here are plain.
STYLES = {
    "title": "bold",
    "caption": "dim",
    "strong": "bold",
    "dim": "dim",
    "border": "dim",
    "header": "bold",
    "chosen": "bold green",
    "total": "bold",
    "muted": "dim",
    "good": "bold green",
    "bad": "bold red",
    "ok": "green",
    "fail": "bold red",
    "note": "yellow",
    "label": "dim",
    # charts
    "actual": "bold cyan",
    "projected": "yellow",
    "reminder": "dim",
    "now": "dim",
    "expiry": "red",
    "out": "bold red",
    "peak": "cyan",
    "offpeak": "magenta",
    "risk": "red",
    "safe": "green",
    "limit": "bold yellow",
}


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


def save_recording(
    console: Console, saves: Mapping[str, Path], *, force: bool, title: str, width: int
) -> None:
    """Write what `console` showed as SVG and/or HTML (`saves` maps "svg"/"html" to a path), atomically:
    titled `title` (the command), the picture `width` columns wide (its widest line: nothing clipped)."""
    from tokenplan_cli.writers.files import write_output

    console.width = max(width, 1)
    for kind, path in saves.items():
        if kind == "svg":
            text = console.export_svg(title=title, clear=False)
        else:
            text = _titled(console.export_html(clear=False), title)
        write_output(path, text.encode("utf-8"), force=force)


def _titled(html: str, title: str) -> str:
    """Rich's HTML page with the command as its title."""
    from html import escape

    head = f"<title>{escape(title)}</title>"
    return html.replace("<head>", f"<head>\n{head}", 1) if "<title>" not in html else html


def surface(console: Console) -> Surface:
    """The console's width, and Unicode glyphs only on a terminal that takes colour (plain characters in
    a pipe and under NO_COLOR)."""
    return Surface(console.width, console.is_terminal and not console.no_color)


def show(blocks: Iterable[Block], console: Console) -> list[Line]:
    """Lay the blocks out at the console's width and paint them; returns the lines painted."""
    lines = lay_out(blocks, surface(console))
    draw(lines, console)
    return lines


def draw(lines: Iterable[Line], console: Console) -> None:
    """Print laid-out lines as they are: never wrapped, cropped or padded by Rich."""
    for line in lines:
        console.print(_painted(line), soft_wrap=True)


def _painted(line: Line) -> Text:
    text = Text()
    for chunk, kind in line:
        text.append(chunk, style=STYLES.get(kind))
    return text


@contextmanager
def redrawn(console: Console) -> Iterator[Callable[..., None]]:
    """Yields `redraw(blocks, bell=False)`, which replaces what was drawn last (`watch`); on leaving,
    the last frame stays and the cursor is given back."""
    from rich.live import Live

    with Live(console=console, auto_refresh=False, transient=False) as live:

        def redraw(blocks: Iterable[Block], bell: bool = False) -> None:
            lines = lay_out(blocks, surface(console))
            live.update(Text("\n").join(_painted(line) for line in lines), refresh=True)
            if bell:
                console.bell()

        yield redraw


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
