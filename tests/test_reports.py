"""Reports to share: `--format markdown` and the `--svg`/`--html` pictures of the five reporting commands."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from test_widths import CASES, Figures, whole

from conftest import Cli

REPORTS = [
    case for case in CASES if case[0].split("-")[0] in ("estimate", "simulate", "check", "status", "usage")
]


@pytest.mark.parametrize(("name", "args", "figures", "code"), REPORTS, ids=[case[0] for case in REPORTS])
def test_markdown_reports_open_with_the_answer_and_keep_every_figure(
    cli: Cli, name: str, args: list[str], figures: Callable[[Mapping[str, Any]], Figures], code: int
) -> None:
    doc = cli.json(args, code=code)
    text = cli.run([*args, "--format", "markdown"], code=code).stdout
    title, headline = text.split("\n\n")[:2]
    assert title == f"### tokenplan {doc['command']}"
    assert headline.startswith("**") and headline.endswith("**")
    assert "\x1b[" not in text and text.endswith("\n") and "\n\n\n" not in text
    assert [line for line in text.splitlines() if line != line.rstrip()] == []  # pasted as printed
    assert "\u00a0" not in text  # the renderer's unbreakable spaces are plain ones in a report
    shown = text.replace("\\", "")  # what GitHub shows: the escapes go
    missing = [figure for _, figure in figures(doc) if not whole(figure, shown)]
    assert not missing  # a Markdown table keeps every column, whatever the terminal's width
    for table in re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.M):  # each row has the header's columns
        rows = table.splitlines()
        assert re.fullmatch(r"\|(:---|---:)(\|(:---|---:))*\|", rows[1])
        cells = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(cells) == 1, table


def test_markdown_is_escaped_so_github_shows_it_as_printed(cli: Cli) -> None:
    text = cli.run(REPORTS[0][1] + ["--format", "markdown"]).stdout
    assert "| \\$16.00 |" in text  # two dollar signs on a line would be maths
    assert "**Standard** | **annual** |" in text  # the recommended plan stands out


def test_markdown_charts_are_fenced(cli: Cli) -> None:
    status = next(case for case in REPORTS if case[0] == "status")
    text = cli.run([*status[1], "--format", "markdown"]).stdout
    chart = text.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert "┤" in chart and "today" in chart and all(len(line) <= 80 for line in chart.splitlines())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--format", "yaml"], "--format: expected one of text, json, markdown, csv, got 'yaml'", id="unknown"),
        pytest.param(["--format", "markdown", "--json"], "--json and --markdown exclude each other: pick one", id="two-formats"),
        pytest.param(["--format", "markdown", "--svg", "x.svg"], "--svg and --html save what a person is shown; drop --format markdown", id="svg-with-markdown"),
    ],
)  # fmt: skip
def test_bad_format_options(cli: Cli, args: list[str], message: str) -> None:
    assert cli.error([*REPORTS[0][1], *args]) == message


def test_csv_is_refused_where_there_is_no_table(cli: Cli) -> None:
    check = next(case for case in REPORTS if case[0] == "check-broken")
    assert (
        cli.error([*check[1], "--format", "csv"])
        == "--format: expected one of text, json, markdown, got 'csv'"
    )


@pytest.mark.parametrize(("name", "args", "figures", "code"), REPORTS, ids=[case[0] for case in REPORTS])
def test_svg_and_html_keep_what_was_shown_titled_by_the_command(
    cli: Cli, tmp_path: Path, name: str, args: list[str], figures: object, code: int
) -> None:
    svg, html = tmp_path / "picture.svg", tmp_path / "picture.html"
    shown = cli.run([*args, "--svg", str(svg), "--html", str(html)], code=code).stdout
    command = cli.json(args, code=code)["command"]
    picture = svg.read_text()
    assert f"tokenplan&#160;{command.replace(' ', '&#160;')}" in picture and "picture" not in picture
    assert f"<title>tokenplan {command}</title>" in html.read_text()
    widest = max(len(line) for line in shown.splitlines())
    assert _columns(picture) == widest  # sized to its content: nothing clipped, no empty margin


def test_a_picture_is_as_wide_as_its_widest_line_not_the_terminal(cli: Cli, tmp_path: Path) -> None:
    """A path longer than the terminal is kept whole in the picture, and a wide terminal adds nothing."""
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4) / "logs"
    shutil.copytree(Path(__file__).parent / "fixtures" / "logs" / "claude", folder)
    session = next(folder.rglob("7f3c*.jsonl"))
    session.write_bytes(session.read_bytes() + b'{"type":"assistant","message":{"usage":')
    svg = tmp_path / "report.svg"
    args = ["usage", "report", "--from", "claude-code", str(folder), "--svg", str(svg)]
    cli.run(args, env={"COLUMNS": "60"})
    assert _columns(svg.read_text()) == len(str(session)) + 3  # "  PATH:" on a line of its own
    assert str(session).replace("/", "") in svg.read_text().replace("/", "").replace("&#160;", " ")


def _columns(svg: str) -> int:
    """How many character columns a Rich SVG is laid out for: its frame is ceil(columns × 12.2 + 16)
    pixels wide (20 px characters, 0.61 wide as high, 8 px padding each side)."""
    match = re.search(r'<rect fill="#292929"[^>]* width="([\d.]+)"[^>]* rx="8"', svg)
    assert match is not None
    return round((float(match.group(1)) - 16) / 12.2)


def test_format_json_is_json_and_its_errors_are_json_documents(cli: Cli) -> None:
    args = REPORTS[0][1]
    assert cli.run([*args, "--format", "json"]).stdout == cli.run([*args, "--json"]).stdout
    failed = cli.run(["estimate", "-m", "nope", "--output", "1M", "--format", "json"], code=2)
    assert failed.stdout.startswith('{\n  "schema_version": 1,\n  "error"')
