"""How the commands that report (`estimate`, `simulate`, `check`, `status`, `usage report`) print: text,
JSON, CSV or a Markdown report, and the SVG or HTML picture of what a person was shown.

They take these options as one `OutputRequest` (`option_group("output", report_output(...))`); its
`format` and `saves` are checked before any work is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tokenplan_cli.commands.common import CsvOption, JsonOption
from tokenplan_cli.commands.groups import Group
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.render import OutputFormat
from tokenplan_cli.tuples import NamedTuple

FORMATS = {
    "text": OutputFormat.HUMAN,
    "json": OutputFormat.JSON,
    "markdown": OutputFormat.MARKDOWN,
    "csv": OutputFormat.CSV,
}

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="text (the default), json, markdown (a GitHub-flavoured report for a pull request or "
        "$GITHUB_STEP_SUMMARY), or csv where the command has a table.",
        show_default=False,
    ),
]
SvgOption = Annotated[
    Path | None,
    typer.Option("--svg", metavar="FILE", help="Also save what is shown as SVG.", show_default=False),
]
HtmlOption = Annotated[
    Path | None,
    typer.Option("--html", metavar="FILE", help="Also save what is shown as HTML.", show_default=False),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite the --svg/--html files.")]
CompareToOption = Annotated[
    Path | None,
    typer.Option(
        "--compare-to",
        metavar="BASELINE.json",
        help="Show what changed against an earlier run's --json (credits, plan, risk, cost).",
        show_default=False,
    ),
]


class OutputRequest(NamedTuple):
    """The output options as given."""

    json: bool = False
    csv: bool = False
    format: str | None = None
    svg: Path | None = None
    html: Path | None = None
    force: bool = False
    compare_to: Path | None = None
    has_csv: bool = True  # whether the command has a table to print as CSV

    @property
    def fmt(self) -> OutputFormat:
        """The one format asked for (`--json` and `--csv` are short for `--format json|csv`)."""
        chosen = [name for name, given in (("json", self.json), ("csv", self.csv)) if given]
        if self.format is not None:
            name = self.format.strip().lower()
            known = [f for f in FORMATS if f != "csv" or self.has_csv]
            if name not in known:
                raise BadInputError(f"--format: expected one of {', '.join(known)}, got {self.format!r}")
            chosen.append(name)
        if len(set(chosen)) > 1:
            raise BadInputError(f"{' and '.join(f'--{n}' for n in chosen)} exclude each other: pick one")
        return FORMATS[chosen[0]] if chosen else OutputFormat.HUMAN

    def saves(self) -> dict[str, Path]:
        """The files to keep the picture in, checked before any work is done."""
        from tokenplan_cli.writers.files import ensure_writable

        saves = {kind: path for kind, path in (("svg", self.svg), ("html", self.html)) if path is not None}
        if saves and self.fmt is not OutputFormat.HUMAN:
            given = "--json" if self.json else ("--csv" if self.csv else f"--format {self.format}")
            raise BadInputError(f"--svg and --html save what a person is shown; drop {given}")
        targets = [ensure_writable(path, force=self.force) for path in saves.values()]
        if len(set(targets)) < len(targets):
            raise BadInputError("--svg and --html name the same file: give each its own")
        return saves

    def baseline(self, command: str) -> dict[str, Any] | None:
        """The `--compare-to` document, read and checked before any work (None: not given)."""
        if self.compare_to is None:
            return None
        from tokenplan_cli.readers.baseline import read_baseline

        return read_baseline(self.compare_to, command)

    def compared(self, document: dict[str, Any], baseline: dict[str, Any] | None) -> dict[str, Any]:
        """`document` with its `comparison` against `baseline` filled in (left null without one)."""
        if baseline is None:
            return document
        from tokenplan_cli.views.compare import comparison_document

        return {**document, "comparison": comparison_document(document, baseline, str(self.compare_to))}


AS_GIVEN = OutputRequest()  # a command's default: the group puts the options given in its place


def report_output(*, csv: bool, compare: bool = False) -> Group:
    """The output options of a reporting command (`--csv` only where it has a table to print,
    `--compare-to` where it compares with an earlier run)."""
    options = {
        "json": (JsonOption, False),
        **({"csv": (CsvOption, False)} if csv else {}),
        "format": (FormatOption, None),
        "svg": (SvgOption, None),
        "html": (HtmlOption, None),
        "force": (ForceOption, False),
        **({"compare_to": (CompareToOption, None)} if compare else {}),
    }
    return Group(options, lambda **values: OutputRequest(**values, has_csv=csv))
