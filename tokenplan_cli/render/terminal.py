"""The Rich console a person reads: colour only on a terminal, none under NO_COLOR or in a pipe."""

from __future__ import annotations

import os
import sys

from rich import box
from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr). Rich itself honours NO_COLOR and drops styles in a pipe."""
    stream = sys.stderr if stderr else sys.stdout
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return Console(file=stream, width=width if width else (None if stream.isatty() else 120), highlight=False)


def table_box(console: Console) -> box.Box:
    """Rounded boxes on a terminal; Markdown-style pipes in plain text (they paste into docs)."""
    return box.ROUNDED if console.is_terminal else box.MARKDOWN
