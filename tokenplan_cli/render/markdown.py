"""The blocks a person is shown, as a GitHub-flavoured Markdown report: for a pull-request comment or
`$GITHUB_STEP_SUMMARY`.

The report opens with the command and its answer (the block marked `headline`); tables keep every
column (a page scrolls sideways, a terminal does not); charts go in a fenced block as drawn for a
surface 80 columns wide. Text is escaped so that GitHub shows it as printed: `$16.00 … $14.08` is not
maths and `claude-*` is not emphasis. No Rich here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tokenplan_cli.render.blocks import Block, Chart, Para, Surface, Table, plain
from tokenplan_cli.render.layout import GLUE, lay_out

SURFACE = Surface(80, True)  # charts: block characters read well in a GitHub code block
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|$~#])")
BOLD_ROWS = ("chosen", "total")


def report(blocks: Iterable[Block], title: str) -> str:
    """The whole report, ending in a newline."""
    blocks = list(blocks)
    head = next((b for b in blocks if isinstance(b, Para) and b.headline), None)
    parts = [f"### {escape(title)}"]
    if head is not None:
        parts.append(f"**{escape(_text(head))}**")
    items: list[str] = []  # consecutive list items, one list
    for block in blocks:
        if block is head:
            continue
        item = _list_item(block)
        if item is not None:
            items.append(item)
            continue
        if items:
            parts.append("\n".join(items))
            items = []
        part = _part(block)
        if part:
            parts.append(part)
    if items:
        parts.append("\n".join(items))
    return "\n\n".join(parts) + "\n"


def escape(text: str) -> str:
    r"""Text GitHub shows as written.

    >>> escape("$16.00, then $14.08 for claude-* | 37.0 %")
    '\\$16.00, then \\$14.08 for claude-\\* \\| 37.0 %'
    """
    return _SPECIAL.sub(r"\\\1", text)


def _text(para: Para) -> str:
    """The paragraph's text, its unbreakable spaces plain ones (GitHub wraps a paragraph as it likes)."""
    return "".join(text for text, _ in para.pieces).replace(GLUE, " ").rstrip()


def _list_item(block: Block) -> str | None:
    """An indented paragraph (a reason, a limit checked) is a list item."""
    if isinstance(block, Para) and block.indent and not block.headline:
        return f"- {escape(_text(block))}"
    return None


def _part(block: Block) -> str:
    if isinstance(block, Para):
        return _paragraph(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        drawn = plain(lay_out([block._replace(title=None)], SURFACE))
        title = f"**{escape(block.title)}**\n\n" if block.title else ""
        return f"{title}```text\n{drawn}\n```"
    return ""


def _paragraph(para: Para) -> str:
    kinds = {kind for _, kind in para.pieces}
    text = escape(_text(para))
    if "note" in kinds:
        return f"> {text}"
    if kinds & {"good", "bad", "strong", "title"}:
        return f"**{text}**"
    if "dim" in kinds:
        return f"_{text}_"
    return text


def _table(table: Table) -> str:
    title = f"**{escape(table.title)}**\n\n" if table.title else ""
    caption = f"\n\n_{escape(table.caption)}_" if table.caption else ""
    if not table.header:  # a key-value table reads as a list
        rows = [f"- **{escape(row.cells[0])}**: {_cell(row.cells[1])}" for row in table.rows]
        return title + "\n".join(rows) + caption
    header = "| " + " | ".join(escape(c.header) for c in table.columns) + " |"
    rule = "|" + "|".join("---:" if c.align == "right" else ":---" for c in table.columns) + "|"
    body = [_row(row.cells, row.kind in BOLD_ROWS) for row in table.rows]
    return title + "\n".join([header, rule, *body]) + caption


def _row(cells: Sequence[str], bold: bool) -> str:
    shown = [_cell(cell) for cell in cells]
    if bold:
        shown = [f"**{cell}**" if cell else "" for cell in shown]
    return "| " + " | ".join(shown) + " |"


def _cell(text: str) -> str:
    """A cell's lines on one line of Markdown (a line break between them)."""
    return "<br>".join(escape(line) for line in text.split("\n"))
