"""Blocks laid out as lines that fit a width: prose wrapped between words, tables fitted, charts as built.

A table never cuts or wraps a figure: each column is at least as wide as its widest cell (headers may
wrap between words). When the columns do not fit, the least important ones are stacked under another
column or left out, in the order their priorities give, and the table says what it left out; when even
the columns that must stay do not fit, each row becomes a record (`quota: 11B  used: 37.0 %  …`).
No line ends in a space, so piped output has no trailing whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tokenplan_cli.render.blocks import Block, Chart, Column, Gap, Line, Para, Piece, Surface, Table
from tokenplan_cli.tuples import NamedTuple

HANGING = 2  # continuation lines of a paragraph are indented this much more than its first
RECORD_INDENT = 2
GLUE = "\u00a0"  # a space a paragraph is never broken at (shown as a plain space)
# A break is never made before these: `37.0 %` is one figure, `±1.2` belongs to the figure before it.
_GLUED = re.compile(r"^[%±]")


class Box(NamedTuple):
    """Border glyphs: top (left, line, joint, right), the header rule, the bottom, and the cell walls."""

    top: str | None
    rule: str
    bottom: str | None
    wall: str


ROUNDED = Box("╭─┬╮", "├─┼┤", "╰─┴╯", "│")
PIPES = Box(None, "|-||", None, "|")  # Markdown-style: pastes into docs, and no line-drawing glyphs


def lay_out(blocks: Iterable[Block], surface: Surface) -> list[Line]:
    """Every block as lines of at most `surface.width` columns (a chart as its builder made it)."""
    lines: list[Line] = []
    for block in blocks:
        if isinstance(block, Para):
            lines += wrap(block.pieces, surface.width, block.indent)
        elif isinstance(block, Table):
            lines += table_lines(block, surface)
        elif isinstance(block, Chart):
            if block.title:
                lines += wrap(((block.title, "title"),), surface.width)
            lines += [_rstrip(row) for row in block.rows]
        elif isinstance(block, Gap):
            lines.append(())
    return lines


# Prose


def wrap(pieces: Sequence[Piece], width: int, indent: int = 0, hang: int = HANGING) -> list[Line]:
    """Pieces as lines of at most `width` columns, broken only between words (a figure's unit stays with
    it); continuation lines are indented `hang` more. A word longer than a line (a path) is kept whole,
    on a line of its own, for the terminal to fold."""
    first, rest = " " * indent, " " * (indent + hang)
    lines: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0
    for word in _words(pieces):
        size = sum(len(text) for text, _ in word)
        lead = first if not lines else rest
        if current and used + 1 + size <= width:
            current += [(" ", word[0][1]), *word]
            used += 1 + size
            continue
        if current:
            lines.append(current)
            lead = rest
        # A word longer than any line (a path) is never cut: it stands on a line of its own.
        current = [(lead, ""), *word] if lead else list(word)
        used = len(lead) + size
    if current:
        lines.append(current)
    return [joined([(text.replace(GLUE, " "), kind) for text, kind in line]) for line in lines] or [()]


def _words(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """The words of the pieces (split at spaces, styles kept); a word that may not start a line is glued
    to the one before it."""
    words: list[list[Piece]] = [[]]
    for text, kind in pieces:
        for i, part in enumerate(text.split(" ")):
            if i:
                words.append([])
            if part:
                words[-1].append((part, kind))
    glued: list[list[Piece]] = []
    for word in words:
        if not word:
            continue
        if glued and _GLUED.match(word[0][0]):
            glued[-1] += [(" ", word[0][1]), *word]
        else:
            glued.append(word)
    return glued


def joined(pieces: Sequence[Piece]) -> Line:
    """Adjacent pieces of one kind joined, and no trailing spaces."""
    out: list[Piece] = []
    for text, kind in pieces:
        if out and out[-1][1] == kind:
            out[-1] = (out[-1][0] + text, kind)
        elif text:
            out.append((text, kind))
    return _rstrip(tuple(out))


def _rstrip(line: Sequence[Piece]) -> Line:
    pieces = list(line)
    while pieces and not pieces[-1][0].rstrip():
        pieces.pop()
    if pieces:
        pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
    return tuple(pieces)


def text_width(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


# Tables


class Layout(NamedTuple):
    """What a table shows at a width: its columns (by index, in order), the columns stacked under each,
    what it left out, and whether it is drawn as records instead."""

    columns: tuple[int, ...]
    stacked: dict[int, tuple[int, ...]]
    left_out: tuple[str, ...]
    records: bool = False


def table_lines(table: Table, surface: Surface) -> list[Line]:
    """The table's title, the table (or its records) at the surface's width, then its caption and a note
    of what it left out."""
    width = surface.width
    lines: list[Line] = wrap(((table.title, "title"),), width) if table.title else []
    layout = fit(table, width)
    if layout.records:
        lines += records(table, width)
    else:
        lines += grid(table, layout, width, ROUNDED if surface.unicode else PIPES)
    if table.caption:
        lines += wrap(((table.caption, "caption"),), width)
    if layout.left_out:
        hidden = ", ".join(layout.left_out)
        note = f"not shown at {width} columns: {hidden} (a wider terminal or --json has them)"
        lines += wrap(((note, "dim"),), width)
    return lines


def fit(table: Table, width: int) -> Layout:
    """Stack or leave out columns, least important first, until the table fits `width`; records if the
    columns that must stay do not fit."""
    shown = list(range(len(table.columns)))
    stacked: dict[int, list[int]] = {}
    left_out: list[str] = []
    steps = sorted(
        (i for i, column in enumerate(table.columns) if column.priority > 0),
        key=lambda i: (-table.columns[i].priority, -i),
    )
    while _needed(table, shown, stacked) > width and steps:
        index = steps.pop(0)
        if index not in shown:
            continue
        shown.remove(index)
        partner = _column_index(table, table.columns[index].under)
        if partner is not None and partner in shown:
            stacked.setdefault(partner, []).append(index)
        else:
            left_out += [table.columns[i].header for i in (index, *stacked.pop(index, ()))]
    frozen = {k: tuple(v) for k, v in stacked.items()}
    if _needed(table, shown, stacked) > width:
        return Layout(tuple(range(len(table.columns))), {}, (), records=True)
    return Layout(tuple(shown), frozen, tuple(left_out))


def _column_index(table: Table, header: str | None) -> int | None:
    return next((i for i, c in enumerate(table.columns) if c.header == header), None)


def _needed(table: Table, shown: Sequence[int], stacked: dict[int, list[int]]) -> int:
    return sum(_bounds(table, i, stacked.get(i, ())).narrowest for i in shown) + 3 * len(shown) + 1


class Bounds(NamedTuple):
    """How wide a column may be: at least `narrowest`; `natural` on one line; `unwrapped`, the widest its
    cells allow without wrapping prose (a header wider than its cells wraps first: it costs a line,
    prose costs several)."""

    narrowest: int
    natural: int
    unwrapped: int


def _bounds(table: Table, index: int, under: Sequence[int]) -> Bounds:
    """The bounds of a column with the columns stacked under it."""
    members = [index, *under]
    headers = [table.columns[i].header for i in members] if table.header else []
    narrowest = max((_header_width(h) for h in headers), default=0)
    natural = max((len(h) for h in headers), default=0)
    cells = 0
    for i in members:
        column = table.columns[i]
        for row in table.rows:
            cell = row.cells[i]
            narrowest = max(narrowest, longest_word(cell) if column.wrap else text_width(cell))
            cells = max(cells, text_width(cell))
    return Bounds(narrowest, max(natural, cells), max(narrowest, cells))


def _header_width(header: str) -> int:
    """The narrowest width a header takes on at most two lines."""
    width = longest_word(header)
    while len(wrap(((header, ""),), width, hang=0)) > 2:
        width += 1
    return width


def _widths(table: Table, layout: Layout, width: int) -> list[int]:
    """Each shown column at its natural width, narrowed to fit: headers wrap first, then prose cells."""
    bounds = [_bounds(table, i, layout.stacked.get(i, ())) for i in layout.columns]
    widths = [bound.natural for bound in bounds]
    excess = sum(widths) + 3 * len(widths) + 1 - width
    for floor in ([b.unwrapped for b in bounds], [b.narrowest for b in bounds]):
        while excess > 0:
            slack, at = max((w - low, k) for k, (w, low) in enumerate(zip(widths, floor, strict=True)))
            if slack <= 0:
                break
            widths[at] -= 1
            excess -= 1
    return widths


def grid(table: Table, layout: Layout, width: int, box: Box) -> list[Line]:
    widths = _widths(table, layout, width)
    columns = [table.columns[i] for i in layout.columns]
    lines: list[Line] = [_edge(box.top, widths) if box.top else ()]
    if table.header:
        headers = [
            "\n".join(table.columns[j].header for j in (i, *layout.stacked.get(i, ())))
            for i in layout.columns
        ]
        lines += _row_lines(headers, columns, widths, box, "header", bottom=True)
        lines.append(_edge(box.rule, widths))
    for row in table.rows:
        cells = [
            "\n".join(row.cells[j] for j in (i, *layout.stacked.get(i, ())) if row.cells[j] or j == i)
            for i in layout.columns
        ]
        lines += _row_lines(cells, columns, widths, box, row.kind)
    lines.append(_edge(box.bottom, widths) if box.bottom else ())
    return lines


def _edge(glyphs: str, widths: Sequence[int]) -> Line:
    left, line, joint, right = glyphs
    return ((left + joint.join(line * (w + 2) for w in widths) + right, "border"),)


def _row_lines(
    cells: Sequence[str], columns: Sequence[Column], widths: Sequence[int], box: Box, kind: str,
    bottom: bool = False,
) -> list[Line]:  # fmt: skip
    """One table row as lines: each cell wrapped (headers and prose) to its width and aligned."""
    stacks = []
    for cell, column, w in zip(cells, columns, widths, strict=True):
        parts = cell.split("\n")
        if kind == "header" or column.wrap:
            parts = ["".join(t for t, _ in line) for part in parts for line in wrap(((part, ""),), w, hang=0)]
        stacks.append(parts)
    height = max(len(s) for s in stacks)
    out: list[Line] = []
    for n in range(height):
        pieces: list[Piece] = [(box.wall, "border")]
        for parts, column, w in zip(stacks, columns, widths, strict=True):
            at = n - (height - len(parts)) if bottom else n
            text = parts[at] if 0 <= at < len(parts) else ""
            text = text.rjust(w) if column.align == "right" else text.ljust(w)
            pieces += [(" ", ""), (text, kind or column.kind), (" ", ""), (box.wall, "border")]
        out.append(joined(pieces))
    return out


def records(table: Table, width: int) -> list[Line]:
    """Each row as a record: its name, then `header: value` fields flowing across the width."""
    lines: list[Line] = []
    for row in table.rows:
        head = " ".join(cell for cell in row.cells[: table.keys] if cell)
        lines += wrap(((head.replace("\n", " "), row.kind or "strong"),), width)
        fields = [
            f"{column.header}: {cell}" if table.header else cell
            for column, cell in zip(table.columns[table.keys :], row.cells[table.keys :], strict=True)
            if cell
        ]
        lines += _fields(fields, width)
    return lines


def _fields(fields: Sequence[str], width: int) -> list[Line]:
    """Fields two spaces apart, a field never split across lines unless it is longer than a line."""
    lines: list[Line] = []
    current = ""
    room = width - RECORD_INDENT
    for field in (f.replace("\n", " / ") for f in fields):
        if current and len(current) + 2 + len(field) <= room:
            current += "  " + field
            continue
        if current:
            lines.append(((" " * RECORD_INDENT + current, ""),))
        if len(field) > room:
            lines += wrap(((field, ""),), width, RECORD_INDENT)
            current = ""
        else:
            current = field
    if current:
        lines.append(((" " * RECORD_INDENT + current, ""),))
    return lines
