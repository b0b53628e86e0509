"""What a person is shown, as plain values: paragraphs, tables and charts.

Each `human_<name>` module turns a document into blocks for a `Surface` (the width and the glyphs it may
use). `render/layout.py` lays them out as lines that fit that width (deciding what each table shows),
`render/terminal.py` paints those lines with Rich, and `render/markdown.py` writes the same blocks as a
GitHub-flavoured report. No Rich here, so layouts are tested as plain text.
"""

from __future__ import annotations

from tokenplan_cli.tuples import NamedTuple

Piece = tuple[str, str]  # (text, kind): kind names a style (terminal.STYLES), "" for plain text
Line = tuple[Piece, ...]


class Surface(NamedTuple):
    """Where blocks are drawn: `width` columns; `unicode` glyphs (block characters, box lines) or ASCII."""

    width: int
    unicode: bool


class Para(NamedTuple):
    """A paragraph, wrapped to the width between words and never inside a figure (`37.0 %` holds)."""

    pieces: tuple[Piece, ...]
    indent: int = 0
    headline: bool = False  # the command's answer in one line: a Markdown report opens with it


class Column(NamedTuple):
    """A table column. `priority` 0 is always shown; when the width is short, columns of higher priority
    are left out first (or stacked under the column named by `under`, a second line in its cells)."""

    header: str
    align: str = "left"  # "left" or "right"
    priority: int = 0
    under: str | None = None
    kind: str = ""  # the style of its cells
    wrap: bool = False  # prose cells, wrapped between words; figures never are


class Row(NamedTuple):
    cells: tuple[str, ...]  # a cell may hold several lines ("\n")
    kind: str = ""  # "chosen", "total", "muted" or ""


class Table(NamedTuple):
    title: str | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    header: bool = True  # key-value tables have none
    keys: int = 1  # leading columns that name a row (the head of a record, when drawn as records)


class Chart(NamedTuple):
    """Rows of pieces drawn as they are: the chart was built for the surface's width."""

    title: str | None
    rows: tuple[Line, ...]


class Gap(NamedTuple):
    """An empty line."""


Block = Para | Table | Chart | Gap


def para(text: str, kind: str = "", *, indent: int = 0, headline: bool = False) -> Para:
    """A paragraph of one style."""
    return Para(((text, kind),), indent, headline)


def plain(lines: tuple[Line, ...] | list[Line]) -> str:
    """Lines as text, without their styles (what a pipe shows, and what tests compare)."""
    return "\n".join("".join(text for text, _ in line) for line in lines)
