"""The burn-down chart of `status` as rows of (text, kind) pieces; `human_status` gives kinds their style.

Credits left (up) against the days of the plan (across): the actual line, the projection at the burn
rate, a dotted line at each usage reminder, today, the expiry at the right edge, and where the credits
run out. No Rich here, so the layout is tested as plain text. Two glyph sets: Unicode for a colour
terminal, ASCII when piped or under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from itertools import groupby
from typing import Any

from tokenplan_cli.render.blocks import Piece
from tokenplan_cli.render.charts import place
from tokenplan_cli.render.layout import GLUE
from tokenplan_cli.render.numbers import short
from tokenplan_cli.tuples import NamedTuple

HEIGHT = 10  # rows of the plot
LABEL_WIDTH = 6  # the y-axis labels ("11B", "5.5B")
NOTE_WIDTH = 7  # the reminder labels at the right (" 50 %")
MAX_WIDTH = 80  # readable in a classic terminal
MIN_PLOT = 20


class Glyphs(NamedTuple):
    actual: str
    projected: str
    reminder: str
    expiry: str
    now: str
    out: str
    axis: str  # the x axis
    tick: str  # the y axis
    corner: str


UNICODE = Glyphs("●", "·", "┄", "│", "┆", "✖", "─", "┤", "└")
ASCII = Glyphs("#", ".", "-", "|", ":", "X", "-", "|", "+")

# What a cell shows where several things meet, strongest last.
PRECEDENCE = ("", "reminder", "now", "expiry", "projected", "actual", "out")


class Scale:
    """Maps days to columns and credits left to rows."""

    def __init__(self, doc: Mapping[str, Any], plot: int) -> None:
        self.total = Decimal(doc["credits_total"])
        self.span = Decimal(doc["burn_down"]["days_total"])
        self.plot = plot

    def column(self, day: Any) -> int:
        if not self.span:
            return 0
        return min(self.plot - 1, max(0, round(Decimal(day) / self.span * (self.plot - 1))))

    def row(self, left: Any) -> int:
        return min(HEIGHT - 1, max(0, round((1 - Decimal(left) / self.total) * (HEIGHT - 1))))


def chart_rows(doc: Mapping[str, Any], width: int, glyphs: Glyphs) -> list[list[Piece]]:
    """The chart of a `status` document, at most `min(width, 80)` columns wide."""
    plot = max(min(width, MAX_WIDTH) - LABEL_WIDTH - 2 - NOTE_WIDTH, MIN_PLOT)
    scale = Scale(doc, plot)
    grid = [[""] * plot for _ in range(HEIGHT)]
    notes: dict[int, list[str]] = {}
    for reminder in doc["reminders"]:
        threshold = Decimal(reminder["threshold"])
        level = scale.row(scale.total * (1 - threshold))
        notes.setdefault(level, []).append(f"{threshold * 100:.0f} %")
        if level < HEIGHT - 1:
            for c in range(plot):
                _mark(grid, level, c, "reminder")
    burn_down = doc["burn_down"]
    now_column = scale.column(burn_down["now_day"])
    for r in range(HEIGHT):
        _mark(grid, r, now_column, "now")
        _mark(grid, r, plot - 1, "expiry")
    for kind in ("projected", "actual"):
        _draw(grid, burn_down[kind], kind, scale)
    if doc["stops_early"] and burn_down["runs_out_day"] is not None:
        _mark(grid, HEIGHT - 1, scale.column(burn_down["runs_out_day"]), "out")
    return [*_plot_rows(scale, grid, notes, glyphs), *_x_axis(doc, plot, now_column, glyphs)]


def _mark(grid: list[list[str]], r: int, c: int, kind: str) -> None:
    if PRECEDENCE.index(kind) >= PRECEDENCE.index(grid[r][c]):
        grid[r][c] = kind


def _draw(grid: list[list[str]], points: Sequence[Mapping[str, Any]], kind: str, scale: Scale) -> None:
    """A series as a line: the interpolated row in each column, with steep drops filled in."""
    for a, b in zip(points, points[1:], strict=False):
        first, last = scale.column(a["day"]), scale.column(b["day"])
        start, end = Decimal(a["credits_left"]), Decimal(b["credits_left"])
        above = scale.row(start)
        for c in range(first, last + 1):
            share = Decimal(c - first) / (last - first) if last > first else Decimal(1)
            here = scale.row(start + (end - start) * share)
            for r in range(min(above, here), max(above, here) + 1):
                _mark(grid, r, c, kind)
            above = here
    if len(points) == 1:
        _mark(grid, scale.row(points[0]["credits_left"]), scale.column(points[0]["day"]), kind)


def _plot_rows(
    scale: Scale, grid: Sequence[Sequence[str]], notes: Mapping[int, list[str]], glyphs: Glyphs
) -> list[list[Piece]]:
    labels = {0: short(scale.total), (HEIGHT - 1) // 2: short(scale.total / 2), HEIGHT - 1: "0"}
    rows = []
    for r, cells in enumerate(grid):
        pieces: list[Piece] = [(f"{labels.get(r, ''):>{LABEL_WIDTH}} {glyphs.tick}", "label")]
        pieces += [
            ((getattr(glyphs, kind) if kind else " ") * len(list(run)), kind) for kind, run in groupby(cells)
        ]
        if r in notes:
            pieces.append((" " + "/".join(notes[r]), "reminder"))
        rows.append(pieces)
    return rows


def _x_axis(doc: Mapping[str, Any], plot: int, now_column: int, glyphs: Glyphs) -> list[list[Piece]]:
    """The axis, then the start date at the left, `today` under today and the expiry date at the right."""
    axis = [(" " * (LABEL_WIDTH + 1) + glyphs.corner + glyphs.axis * plot, "label")]
    origin = LABEL_WIDTH + 2
    labels = [
        (origin, doc["start"][:10]),
        (origin + plot - 10, doc["expires_at"][:10]),
        (origin + now_column - 2, "today"),
    ]
    return [axis, [(place(labels, origin + plot), "label")]]


def legend(glyphs: Glyphs, stops_early: bool) -> list[Piece]:
    items = [("actual", "used"), ("projected", "projected"), ("reminder", "reminders"), ("now", "today")]
    items += [("expiry", "expiry"), *([("out", "credits run out")] if stops_early else [])]
    pieces: list[Piece] = []
    for kind, label in items:  # a glyph stays on the line of its label (the legend is a paragraph)
        pieces += [(getattr(glyphs, kind), kind), (f"{GLUE}{label}{GLUE} ", "")]
    return pieces


def plain(rows: Sequence[Sequence[Piece]]) -> str:
    """The chart as text (what a pipe shows, and what tests compare)."""
    return "\n".join("".join(text for text, _ in pieces).rstrip() for pieces in rows)
