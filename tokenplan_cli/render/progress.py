"""A progress bar (files and bytes read) on stderr, for long log reads on a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from tokenplan_cli.render.terminal import make_console


@contextmanager
def file_progress(files: int, total_bytes: int) -> Iterator[Callable[[int], None]]:
    """Yield `advance(size)`, to call as each file is done; the bar is gone once the read ends.

    It redraws on each call rather than from a timer thread, so worker processes are never forked
    beside a running thread.
    """
    progress = Progress(
        TextColumn("reading logs"),
        BarColumn(),
        TextColumn(f"{{task.fields[files]}}/{files} files"),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=make_console(stderr=True),
        transient=True,
        auto_refresh=False,
    )
    task = progress.add_task("logs", total=total_bytes, files=0)
    done = 0

    def advance(size: int) -> None:
        nonlocal done
        done += 1
        progress.update(task, advance=size, files=done)
        progress.refresh()

    with progress:
        yield advance
