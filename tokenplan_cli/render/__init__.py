"""The one renderer switch: a result document out as Rich tables, JSON or CSV.

Every command builds a plain document (see `tokenplan_cli.views`): the versioned JSON a script reads.
A person sees the same document drawn by `tokenplan_cli.render.human_<name>`, imported only then, so a
`--json` call never loads Rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any


class OutputFormat(Enum):
    HUMAN = "human"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def emit(
    document: Mapping[str, Any],
    fmt: OutputFormat,
    *,
    human: str,
    csv_rows: Callable[[Mapping[str, Any]], Sequence[Mapping[str, Any]]] | None = None,
    saves: Mapping[str, Path] | None = None,
    force: bool = False,
) -> None:
    """Write `document` to stdout in `fmt`; `human` names the module under render/ that draws it.

    `saves` ({"svg": path, "html": path}) keeps what a person was shown in those files (`--force` to
    overwrite).
    """
    from tokenplan_cli.writers.files import standard_output

    with standard_output() as stream:
        if fmt is OutputFormat.JSON:
            from tokenplan_cli.render.jsonout import dumps

            stream.write(dumps(document) + "\n")
        elif fmt is OutputFormat.CSV:
            from tokenplan_cli.core.errors import BadInputError
            from tokenplan_cli.render.csvout import write_csv

            if csv_rows is None:
                raise BadInputError("this command has no table to print as CSV; use --json")
            write_csv(csv_rows(document), stream)
        elif fmt is OutputFormat.MARKDOWN:
            from tokenplan_cli.render.markdown import SURFACE, report

            module = importlib.import_module(f"tokenplan_cli.render.human_{human}")
            stream.write(report(module.blocks(document, SURFACE), f"tokenplan {document['command']}"))
        else:
            from tokenplan_cli.render.terminal import make_console, save_recording, show, surface

            module = importlib.import_module(f"tokenplan_cli.render.human_{human}")
            console = make_console(record=bool(saves))
            lines = show(module.blocks(document, surface(console)), console)
            if saves:
                width = max((sum(len(text) for text, _ in line) for line in lines), default=1)
                title = f"tokenplan {document['command']}"
                save_recording(console, saves, force=force, title=title, width=width)
