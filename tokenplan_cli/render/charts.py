"""Text charts as lines of (text, kind) pieces: columns with a y axis, and horizontal bars.

Built for a `Surface`: never wider than its width; block characters and line-drawing glyphs on a colour
terminal, ASCII in a pipe or under NO_COLOR. Series that share a chart have glyphs of their own as well
as colours, so a chart still reads in a Markdown report or a screenshot in grey. No Rich here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from tokenplan_cli.render.blocks import Line, Piece, Surface
from tokenplan_cli.render.layout import joined
from tokenplan_cli.tuples import NamedTuple

EIGHTHS = " ▁▂▃▄▅▆▇█"  # a column's top, in eighths of a row
SIDE_EIGHTHS = " ▏▎▍▌▋▊▉█"  # a bar's end, in eighths of a column


class Axes(NamedTuple):
    tick: str  # the y axis, where a label is
    wall: str  # the y axis elsewhere
    corner: str
    line: str  # the x axis
    marker: str  # points at a value under a bar chart


UNICODE_AXES = Axes("┤", "│", "└", "─", "╵")
ASCII_AXES = Axes("|", "|", "+", "-", "^")


def axes(surface: Surface) -> Axes:
    return UNICODE_AXES if surface.unicode else ASCII_AXES


Segment = tuple[Any, str]  # (value, kind) of one part of a column, bottom first


def column_chart(
    columns: Sequence[Sequence[Segment]],
    *,
    height: int,
    surface: Surface,
    glyphs: Mapping[str, tuple[str, str]],
    y_label: Callable[[Decimal], str],
    x_labels: Sequence[tuple[int, str]],
    bar: int = 1,
    gap: int = 0,
    fine: bool = True,
    top: Any = None,
    rules: Sequence[tuple[Any, str]] = (),
    marked: tuple[Sequence[bool], str] | None = None,
) -> list[Line]:
    """Columns of stacked segments against a y axis labelled at the top (and the middle) and 0.

    `glyphs` maps a segment's kind to its (Unicode, ASCII) glyph; with `fine`, a column of one segment
    drawn in the full block ends in eighths of a row. `x_labels` are (column, text), placed under the
    axis where they do not overlap. Each column is `bar` characters wide, `gap` apart. `top` is the
    value of the top row (default: the tallest column); `rules` are (value, label): a dotted line across
    the empty cells of the row that value reaches, labelled at the right. `marked` (a flag per column,
    and a kind) underlines columns beneath the axis.
    """
    tallest = max(
        (sum((Decimal(v) for v, _ in column), Decimal(0)) for column in columns), default=Decimal(0)
    )
    top = Decimal(top) if top is not None else tallest
    top = top or Decimal(1)
    cells = [_column_cells(column, top, height, glyphs, surface.unicode, fine) for column in columns]
    # A label gives the value at the top of its row; 0 is on the axis.
    labels = {height - 1: y_label(top)}
    if height >= 5:
        middle = (height - 1) // 2
        labels[middle] = y_label(top * (middle + 1) / height)
    margin = max(len(text) for text in [*labels.values(), "0"])
    marks = axes(surface)
    ruled: dict[int, str] = {}
    for value, label in rules:  # rules that meet in one row share it
        row = _rule_row(Decimal(value), top, height)
        ruled[row] = f"{ruled[row]}/{label}" if row in ruled else label
    dots = "┄" if surface.unicode else "-"
    lines: list[Line] = []
    for row in range(height - 1, -1, -1):
        tick = marks.tick if row in labels else marks.wall
        pieces: list[Piece] = [(f"{labels.get(row, ''):>{margin}} {tick}", "label")]
        for glyph, kind in (column[row] for column in cells):
            if row in ruled and glyph == " ":
                glyph, kind = dots, "reminder"
            space = dots if row in ruled else " "
            pieces += [(glyph * bar, kind), (space * gap, "reminder" if row in ruled else "")]
        if row in ruled:
            pieces.append((f" {ruled[row]}", "reminder"))
        lines.append(joined(pieces))
    step = bar + gap
    plot = len(columns) * step - gap
    lines.append(((f"{'0':>{margin}} " + marks.corner + marks.line * plot, "label"),))
    if marked is not None:
        flags, kind = marked
        underline = "▔" if surface.unicode else "~"
        text = "".join((underline * bar if flag else " " * bar) + " " * gap for flag in flags)
        lines.append(joined([(" " * (margin + 2), ""), (text, kind)]))
    placed = [(margin + 2 + column * step, text) for column, text in x_labels]
    lines.append(((place(placed, margin + 2 + plot), "label"),))
    return lines


def _rule_row(value: Decimal, top: Decimal, height: int) -> int:
    """The row whose top edge a value reaches (the top row for the top value)."""
    reached = value / top * height
    row = int(reached) - (1 if reached == int(reached) else 0)
    return max(0, min(height - 1, row))


def _column_cells(
    column: Sequence[Segment],
    top: Decimal,
    height: int,
    glyphs: Mapping[str, tuple[str, str]],
    unicode: bool,
    fine: bool,
) -> list[tuple[str, str]]:
    """The column's cell in each row (bottom first): a glyph and a kind (eighths of a row at the top of
    a one-segment column when `fine` and Unicode)."""
    values = [(Decimal(value), kind) for value, kind in column]
    cells = [(" ", "")] * height
    if len(values) == 1 and glyphs[values[0][1]][0] == "█" and fine and unicode:
        value, kind = values[0]
        eighths = int(value / top * height * 8)
        if value and not eighths:
            eighths = 1  # a little use shows
        for row in range(height):
            cells[row] = (EIGHTHS[max(0, min(8, eighths - row * 8))], kind)
        return cells
    reached, total = 0, Decimal(0)
    for value, kind in values:
        if not value:
            continue
        total += value
        upto = max(round(total / top * height), reached + 1 if reached < height else reached)
        glyph = glyphs[kind][0 if unicode else 1]
        for row in range(reached, min(upto, height)):
            cells[row] = (glyph, kind)
        reached = min(upto, height)
    return cells


def spacing(count: int, room: int) -> tuple[int, int]:
    """(bar, gap) widths for `count` columns in `room` characters: wide bars apart when they fit, else
    narrower ones, else touching."""
    for bar, gap in ((2, 1), (1, 1)):
        if count * (bar + gap) - gap <= room:
            return bar, gap
    return 1, 0


def bar_chart(
    items: Sequence[tuple[str, Any, str, str]],
    *,
    surface: Surface,
    marker: tuple[Any, str] | None = None,
    most: int = 50,
) -> list[Line]:
    """Horizontal bars of shares (0 to 1): (label, share, kind, value text) each, and an optional marker
    (share, text) pointing under the bars at a limit."""
    label_width = max(len(label) for label, *_ in items)
    value_width = max(len(value) for *_, value in items)
    plot = max(10, min(most, surface.width - label_width - value_width - 6))
    lines: list[Line] = []
    for label, share, kind, value in items:
        length = Decimal(share) * plot
        whole = int(length)
        if surface.unicode:
            bar = "█" * whole + (SIDE_EIGHTHS[int((length - whole) * 8)] if whole < plot else "")
        else:
            bar = "#" * round(length)
        pieces = [(f"  {label:<{label_width}} ", ""), (bar, kind), (" " * (plot - len(bar) + 1), "")]
        lines.append(joined([*pieces, (f"{value:>{value_width}}", "")]))
    if marker is not None:
        share, text = marker
        at = 3 + label_width + min(plot - 1, int(Decimal(share) * plot))
        glyph = axes(surface).marker
        note = f"{glyph} {text}" if at + len(text) + 2 <= surface.width else f"{text} {glyph}"
        start = at if note.startswith(glyph) else max(0, at - len(text) - 1)
        lines.append(((" " * start + note, "limit"),))
    return lines


def place(labels: Sequence[tuple[int, str]], width: int) -> str:
    """Texts at columns of a line `width` long, each moved inside the line and dropped where it would
    touch one already placed (earlier labels win)."""
    line = [" "] * width
    for at, text in labels:
        at = max(0, min(at, width - len(text)))
        if all(ch == " " for ch in line[max(0, at - 1) : at + len(text) + 1]):
            line[at : at + len(text)] = text
    return "".join(line).rstrip()
