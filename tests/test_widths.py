"""Every command's human output at 60, 80, 100 and 160 columns, in a pipe and on a colour terminal.

At each width: no line is wider than the terminal (a path longer than a line stands alone on its own),
nothing is cut (`…`), no line ends in a space, and every figure of the JSON document that the command
shows appears whole, unless the output says it left that figure's column out at this width.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from conftest import AS_OF, Cli
from tokenplan_cli.render.numbers import pct, price, short

WIDTHS = (60, 80, 100, 160)
CLAUDE = str(Path(__file__).parent / "fixtures" / "logs" / "claude")
MAPS = ["--map", "claude-haiku-*=mimo-v2.5", "--map", "claude-*=mimo-v2.5-pro"]
Figures = Iterator[tuple[str | None, str]]  # (the column it is shown in, or None: always shown; the figure)


def _money(doc: Mapping[str, Any], amount: str | None) -> str:
    return price(amount, doc["currency_symbol"])


def estimate_figures(doc: Mapping[str, Any]) -> Figures:
    yield None, f"{doc['credits_per_month']:,}"
    for model in doc["models"]:
        yield "credits", short(model["credits"])
        yield "off-peak", short(model["credits_offpeak"])
    for plan in doc["plans"]:
        yield "quota", short(plan["quota"])
        yield "use", short(plan["usage"])
        yield "used", pct(plan["utilization"])
        yield "price", _money(doc, plan["price"])
        yield "/ month", _money(doc, plan["price_per_month"])
        yield "/ B used", _money(doc, plan["price_per_billion_used"])


def simulate_figures(doc: Mapping[str, Any]) -> Figures:
    yield None, f"{doc['credits_per_month']:,}"
    for plan in doc["plans"]:
        yield "/ month", _money(doc, plan["price_per_month"])
        yield "runs out", pct(plan["p_runs_out"])
        yield "unused (avg)", short(plan["expected_unused_credits"])
        yield "/ B used", _money(doc, plan["expected_price_per_billion_used"])
    for whatif in doc["whatifs"]:
        yield "credits / month", short(whatif["credits_per_month"])
        yield "saves / month", _money(doc, whatif["saving_per_month"])


def check_figures(doc: Mapping[str, Any]) -> Figures:
    yield None, short(doc["usage"])
    yield None, short(doc["quota"])
    yield None, pct(doc["utilization"])
    if doc["p_runs_out"] is not None:
        yield None, pct(doc["p_runs_out"])


def status_figures(doc: Mapping[str, Any]) -> Figures:
    yield None, f"{doc['credits_used']:,}"
    yield None, f"{doc['credits_left']:,}"
    yield None, pct(doc["used_fraction"])
    if doc["action"]:
        yield None, _money(doc, doc["action"]["amount_due"])


def quote_figures(doc: Mapping[str, Any]) -> Figures:
    for key in ("list_price", "price", "price_per_billion"):
        yield None, _money(doc, doc[key])
    yield None, f"{doc['credits']:,}"


def upgrade_figures(doc: Mapping[str, Any]) -> Figures:
    for key in ("remaining_value", "price_difference", "amount_due", "cost_per_extra_billion"):
        yield None, _money(doc, doc[key])
    yield None, f"{doc['credits_gained']:,}"
    yield None, f"{doc['from']['remaining']:,}"


def renewal_figures(doc: Mapping[str, Any]) -> Figures:
    for key in ("remaining_value", "amount_due"):
        yield None, _money(doc, doc[key])
    yield None, f"{doc['credits_after']:,}"


def expiry_figures(doc: Mapping[str, Any]) -> Figures:
    yield None, str(doc["days_left"])
    for reminder in doc["reminders"]:
        yield None, reminder["date"]


def rates_figures(doc: Mapping[str, Any]) -> Figures:
    for tier in doc["tiers"]:
        for cycle in ("monthly", "annual"):
            yield f"{cycle} credits", short(tier[cycle]["credits"])
            for code, amount in tier[cycle]["prices"].items():
                yield f"{cycle} {code}", amount


def report_figures(doc: Mapping[str, Any]) -> Figures:
    yield None, f"{doc['totals']['credits']:,}"
    for row in [*doc["rows"], doc["totals"]]:
        yield "credits", short(row["credits"])
        yield "requests", f"{row['requests']:,}"
        yield "off-peak cr.", short(row["credits_offpeak"])
    for model in doc["models"]:
        yield "credits", short(model["credits"])
        yield "tokens", short(model["tokens"])


CASES: list[tuple[str, list[str], Callable[[Mapping[str, Any]], Figures], int]] = [
    ("estimate", ["estimate", "--as-of", AS_OF, "--model", "mimo-v2.5-pro", "--cache-hit", "50M",
                  "--cache-miss", "10M", "--output", "2M", "--offpeak", "30%"], estimate_figures, 0),
    ("estimate-logs", ["estimate", "--as-of", AS_OF, "--from", "claude-code", CLAUDE, *MAPS], estimate_figures, 0),
    ("simulate", ["simulate", "--as-of", AS_OF, "--runs", "2000", "-m", "mimo-v2.5", "--cache-miss", "99M",
                  "--spread", "60%", "--growth", "10%", "--shift-offpeak", "20%"], simulate_figures, 0),
    ("check-broken", ["check", "--as-of", AS_OF, "-m", "mimo-v2.5", "--cache-miss", "75M", "--tier", "Lite",
                      "--max-utilization", "90%", "--max-risk", "5%", "--spread", "40%", "--runs", "500"],
     check_figures, 1),
    ("status", ["status", "--tier", "Standard", "--start", "2026-11-01", "--used", "63%",
                "--now", "2026-11-12T12:00Z", "--tz", "Asia/Shanghai"], status_figures, 0),
    ("quote", ["quote", "Standard", "--first-purchase", "--start", "2026-01-31", "--tz", "Asia/Shanghai"],
     quote_figures, 0),
    ("upgrade-quote", ["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1.2B",
                       "--now", "2026-11-12", "--tz", "Asia/Shanghai"], upgrade_figures, 0),
    ("renewal-quote", ["renewal-quote", "--from", "Pro", "--to", "Lite", "--used", "10%", "--now", "2026-11-12"],
     renewal_figures, 0),
    ("expiry", ["expiry", "--start", "2026-03-28", "--now", "2026-04-26", "--tz", "Asia/Shanghai"],
     expiry_figures, 0),
    ("rates", ["rates", "--as-of", AS_OF], rates_figures, 0),
    ("usage-report", ["usage", "report", "--as-of", AS_OF, "--from", "claude-code", CLAUDE, *MAPS],
     report_figures, 0),
    ("usage-report-by-model", ["usage", "report", "--as-of", AS_OF, "--by", "model", "--from", "claude-code",
                               CLAUDE, *MAPS], report_figures, 0),
]  # fmt: skip

_LEFT_OUT = re.compile(r"not shown at \d+ columns: (.*?) \(a wider terminal")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def left_out(text: str) -> set[str]:
    flat = " ".join(text.split())
    return {header for found in _LEFT_OUT.findall(flat) for header in found.split(", ")}


def whole(figure: str, text: str) -> bool:
    """`figure` appears in `text` with no digit (or decimal point and digit) run on either side of it."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d]|\.\d)", text) is not None


def assert_fits(text: str, width: int, figures: list[tuple[str | None, str]]) -> None:
    lines = text.splitlines()
    too_wide = [line for line in lines if len(line) > width and len(line.split()) > 1]
    assert not too_wide, f"lines wider than {width} columns:\n" + "\n".join(too_wide)
    assert re.search(r"[\w.]…", text) is None  # nothing cut ("4.…", "Stand…"); "tp-…" is a key's form
    assert not [line for line in lines if line != line.rstrip()], "a line ends in a space"
    hidden = left_out(text)
    missing = [(column, f) for column, f in figures if column not in hidden and not whole(f, text)]
    assert not missing, f"figures not shown whole at {width} columns: {missing}\n{text}"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def piped(cli: Cli, doc: Mapping[str, Any], args: list[str], code: int, width: int) -> str:
    return str(cli.run(args, code=code, env={"COLUMNS": str(width)}).stdout)


def on_a_colour_terminal(cli: Cli, doc: Mapping[str, Any], args: list[str], code: int, width: int) -> str:
    import importlib

    from tokenplan_cli.render.terminal import show, surface

    module = importlib.import_module(f"tokenplan_cli.render.human_{re.sub('[ -]', '_', doc['command'])}")
    console = Console(file=FakeTerminal(), force_terminal=True, color_system="truecolor", width=width)
    show(module.blocks(doc, surface(console)), console)
    text = _ANSI.sub("", console.file.getvalue())  # type: ignore[attr-defined]
    assert "╭" in text or doc["command"] == "check"  # drawn with the terminal's glyphs
    return text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("draw", [piped, on_a_colour_terminal], ids=["pipe", "terminal"])
@pytest.mark.parametrize(("name", "args", "figures", "code"), CASES, ids=[case[0] for case in CASES])
def test_every_output_fits_and_shows_every_figure_whole(
    cli: Cli,
    name: str,
    args: list[str],
    figures: Callable[[Mapping[str, Any]], Figures],
    code: int,
    draw: Callable[..., str],
    width: int,
) -> None:
    doc = cli.json(args, code=code)
    assert_fits(draw(cli, doc, args, code, width), width, list(figures(doc)))


def test_a_table_too_narrow_for_its_columns_becomes_records() -> None:
    from tokenplan_cli.render.blocks import Column, Row, Surface, Table, plain
    from tokenplan_cli.render.layout import table_lines

    table = Table(
        "Plans",
        (Column("tier"), Column("cycle"), Column("price", "right"), Column("/ month", "right", priority=1)),
        (
            Row(("Standard", "annual", "$168.96", "$14.08"), "chosen"),
            Row(("Max", "monthly", "$100.00", "$100.00")),
        ),
        keys=2,
    )
    assert (
        plain(table_lines(table, Surface(42, False))).splitlines()[4]
        == "| Standard | annual  | $168.96 |  $14.08 |"
    )
    assert plain(table_lines(table, Surface(41, False))).splitlines()[-2:] == [
        "not shown at 41 columns: / month (a wider",
        "  terminal or --json has them)",
    ]
    assert plain(table_lines(table, Surface(31, False))) == (
        "Plans\nStandard annual\n  price: $168.96\n  / month: $14.08\nMax monthly\n  price: $100.00\n  / month: $100.00"
    )


def test_a_column_is_stacked_under_its_partner_before_it_is_left_out() -> None:
    from tokenplan_cli.render.blocks import Column, Row, Surface, Table, plain
    from tokenplan_cli.render.layout import table_lines

    table = Table(
        None,
        (Column("model"), Column("charged as", priority=1, under="model"), Column("credits", "right")),
        (Row(("claude-opus-4-1", "mimo-v2.5-pro", "402k")),),
    )
    assert plain(table_lines(table, Surface(30, False))) == (
        "\n| model           |         |\n| charged as      | credits |\n|-----------------|---------|\n"
        "| claude-opus-4-1 |    402k |\n| mimo-v2.5-pro   |         |\n"
    )


def test_prose_breaks_between_words_never_inside_a_figure() -> None:
    from tokenplan_cli.render.blocks import plain
    from tokenplan_cli.render.layout import wrap

    lines = wrap((("Standard annual fits: 37.0 % of its quota used, $14.08 a month", ""),), 26, indent=2)
    assert plain(lines) == "  Standard annual fits:\n    37.0 % of its quota\n    used, $14.08 a month"
    path = "/a/very/long/path/that/is/longer/than/the/line.jsonl"
    assert plain(wrap(((f"skipped {path}: line 3", ""),), 30)) == f"skipped\n  {path}:\n  line 3"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_held_plan_fits_and_shows_its_figures_whole(cli: Cli, config_file: Path, width: int) -> None:
    cli.run(["plan", "set", "Standard", "--start", "2026-11-01", "--paid", "11.20", "--now", "2026-11-12"])
    doc = cli.json(["plan", "show", "--now", "2026-11-12"])
    text = cli.run(["plan", "show", "--now", "2026-11-12"], env={"COLUMNS": str(width)}).stdout
    figures = [(None, f"{doc['plan']['credits']:,}"), (None, "$11.20"), (None, str(doc["plan"]["days_left"]))]
    assert_fits(text, width, figures)


def gateway_log(path: Path, days: int) -> Path:
    """A gateway CSV with one request a day at 10:00 UTC over the `days` days before today."""
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    rows = ["timestamp,model,cache_hit,cache_miss,output,audio_seconds,id"]
    rows += [
        f"{today - timedelta(days=d):%Y-%m-%dT%H:%M:%SZ},mimo-v2.5-pro,0,{d * 1_500_000},200000,,r-{d}"
        for d in range(1, days + 1)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("tier", ["Lite", "Max"])
def test_a_report_with_a_held_plan_fits_with_its_cycle_chart(
    cli: Cli, config_file: Path, tmp_path: Path, tier: str, width: int
) -> None:
    from datetime import UTC, datetime, timedelta

    start = (datetime.now(UTC) - timedelta(days=12)).date().isoformat()
    cli.run(["plan", "set", tier, "--start", start])
    args = ["usage", "report", "--from", "csv", str(gateway_log(tmp_path / "gateway.csv", 11))]
    doc = cli.json(args)
    for draw in (piped, on_a_colour_terminal):
        text = draw(cli, doc, args, 0, width)
        assert "this cycle:" in text and "50 %" in text and "100 %" in text
        assert_fits(
            text, width, [(None, f"{doc['totals']['credits']:,}"), (None, pct(doc["plan"]["used_fraction"]))]
        )


def test_a_header_wraps_before_a_prose_cell_does() -> None:
    from tokenplan_cli.render.blocks import Column, Row, Surface, Table, plain
    from tokenplan_cli.render.layout import table_lines

    table = Table(
        None,
        (Column("what if", wrap=True), Column("risk on Standard annual", "right")),
        (Row(("shift 30.0 % of peak use off-peak", "0.0 %")),),
    )
    assert plain(table_lines(table, Surface(55, False))).splitlines()[1:5] == [
        "|                                   |         risk on |",
        "| what if                           | Standard annual |",
        "|-----------------------------------|-----------------|",
        "| shift 30.0 % of peak use off-peak |           0.0 % |",
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["rates", "validate", "rates.toml"], id="rates-validate"),
        pytest.param(["usage", "profile", "--from", "claude-code", CLAUDE, "-o", "{tmp}/usage.toml", "--as-of", AS_OF], id="usage-profile"),
        pytest.param(["setup", "claude-code", "--cluster", "sgp"], id="setup"),
        pytest.param(["plan", "set", "Pro", "--start", "2026-11-01", "--now", "2026-11-12"], id="plan-set"),
    ],
)  # fmt: skip
def test_the_other_commands_fit_too(
    cli: Cli, config_file: Path, tmp_path: Path, args: list[str], width: int
) -> None:
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if args[:2] == ["rates", "validate"]:
        args[2] = str(Path(__file__).parent.parent / "rates.toml")
    text = cli.run(args, env={"COLUMNS": str(width)}).stdout
    assert text.strip()
    if args[0] == "setup":  # a config snippet to copy is never wrapped: the terminal may fold it
        text = "\n".join(line for line in text.splitlines() if not re.match(r'^ {4,}["}]', line))
    assert_fits(text, width, [])
