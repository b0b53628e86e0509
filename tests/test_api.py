"""The Python API and the CLI give the same document for the same input, to the byte; the API takes
values (exact numbers, `Share`s, instants, paths) and its errors name its parameters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from test_status_cli import EXAMPLE

from conftest import Cli
from tokenplan_cli import api

CLAUDE = Path(__file__).parent / "fixtures" / "logs" / "claude"
DAY = date(2026, 11, 23)
USAGE = api.Usage(model="mimo-v2.5-pro", cache_hit=50_000_000, cache_miss=10_000_000, output=2_000_000,
                  offpeak=Fraction(3, 10))  # fmt: skip
USAGE_FLAGS = ["-m", "mimo-v2.5-pro", "--cache-hit", "50M", "--cache-miss", "10M", "--output", "2M",
               "--offpeak", "30%"]  # fmt: skip
LOGS = api.Logs(tools=["claude-code"], paths=[CLAUDE])
LOG_FLAGS = ["--from", "claude-code", str(CLAUDE)]

SAME = [
    pytest.param(
        ["estimate", *USAGE_FLAGS, "--headroom", "20%", "--as-of", "2026-11-23"],
        lambda: api.estimate(USAGE, headroom=Fraction(1, 5), as_of=DAY),
        id="estimate",
    ),
    pytest.param(
        ["estimate", *LOG_FLAGS, "--map", "claude-*=mimo-v2.5", "--as-of", "2026-11-23"],
        lambda: api.estimate(api.Usage(logs=LOGS._replace(maps=["claude-*=mimo-v2.5"])), as_of=DAY),
        id="estimate-from-logs",
    ),
    pytest.param(
        [
            "simulate",
            *USAGE_FLAGS,
            "--spread",
            "40%",
            "--runs",
            "300",
            "--growth",
            "10%",
            "--mix",
            "mimo-v2.5=50%",
            "--as-of",
            "2026-11-23",
        ],
        lambda: api.simulate(
            USAGE,
            spread=Decimal("0.4"),
            runs=300,
            growth=Fraction(1, 10),
            mix=("mimo-v2.5", Fraction(1, 2)),
            as_of=DAY,
        ),
        id="simulate",
    ),  # fmt: skip
    pytest.param(
        [
            "check",
            "--tier",
            "Pro",
            "--max-utilization",
            "90%",
            "--max-risk",
            "5%",
            *USAGE_FLAGS,
            "--spread",
            "30%",
            "--runs",
            "200",
            "--as-of",
            "2026-11-23",
        ],
        lambda: api.check(
            USAGE,
            tier="Pro",
            max_utilization=Fraction(9, 10),
            max_risk=Fraction(1, 20),
            spread=Fraction(3, 10),
            runs=200,
            as_of=DAY,
        ),
        id="check",
    ),  # fmt: skip
    pytest.param(
        ["usage", "report", *LOG_FLAGS, "--by", "model", "--as-of", "2026-11-23"],
        lambda: api.usage_report(LOGS, by="model", as_of=DAY),
        id="usage-report",
    ),
    pytest.param(
        [
            "quote",
            "Standard",
            "--first-purchase",
            "--start",
            "2026-11-01",
            "--currency",
            "CNY",
            "--tz",
            "Asia/Shanghai",
        ],
        lambda: api.quote(
            "Standard", first_purchase=True, start=date(2026, 11, 1), currency="CNY", tz="Asia/Shanghai"
        ),
        id="quote",
    ),  # fmt: skip
    pytest.param(
        [
            "upgrade-quote",
            "--from",
            "Lite",
            "--to",
            "Pro",
            "--used",
            "63%",
            "--paid",
            "5.28",
            "--start",
            "2026-11-01",
            "--now",
            "2026-11-12T12:00Z",
        ],
        lambda: api.upgrade_quote(
            "Lite",
            "Pro",
            used=api.Share(Fraction(63, 100)),
            paid=Decimal("5.28"),
            start=date(2026, 11, 1),
            now=datetime(2026, 11, 12, 12, tzinfo=UTC),
        ),
        id="upgrade-quote",
    ),  # fmt: skip
    pytest.param(
        [
            "renewal-quote",
            "--from",
            "Pro",
            "--to",
            "Lite",
            "--remaining",
            "10B",
            "--auto-renew",
            "on",
            "--start",
            "2026-10-20",
            "--now",
            "2026-11-15",
        ],
        lambda: api.renewal_quote(
            "Pro",
            "Lite",
            remaining=10 * 10**9,
            auto_renew="on",
            start=date(2026, 10, 20),
            now=date(2026, 11, 15),
        ),
        id="renewal-quote",
    ),  # fmt: skip
    pytest.param(
        ["expiry", "--start", "2026-03-28", "--cycle", "annual", "--now", "2026-04-26", "--tz", "Asia/Tokyo"],
        lambda: api.expiry(date(2026, 3, 28), cycle="annual", now=date(2026, 4, 26), tz="Asia/Tokyo"),
        id="expiry",
    ),
    pytest.param(
        EXAMPLE,  # the example: a Standard plan bought on Nov 1, 63 % used at noon on day 12
        lambda: api.status(
            tier="Standard",
            start=date(2026, 11, 1),
            used=api.Share(Fraction(63, 100)),
            now=datetime(2026, 11, 12, 12, tzinfo=UTC),
        ),
        id="status",
    ),  # fmt: skip
    pytest.param(
        ["status", "--tier", "Lite", "--start", "2026-10-01", "--now", "2026-10-03", *LOG_FLAGS],
        lambda: api.status(tier="Lite", start=date(2026, 10, 1), now=date(2026, 10, 3), logs=LOGS),
        id="status-from-logs",
    ),
]


@pytest.mark.parametrize(("args", "call"), SAME)
def test_the_api_gives_the_cli_document(cli: Cli, args: list[str], call: Callable[[], Any]) -> None:
    result = call()
    printed = cli.run([*args, "--json"], code=int(result.exit_code)).stdout
    assert printed == result.to_json() + "\n"
    assert result.document()["command"] == ("usage report" if args[0] == "usage" else args[0])


def test_check_says_the_exit_code_the_cli_gives(cli: Cli) -> None:
    broken = api.check(USAGE, tier="Lite", max_utilization=Fraction(1, 2), as_of=DAY)
    assert broken.value.ok is False and broken.exit_code == api.ExitCode.CHECK_FAILED
    kept = api.check(USAGE, tier="Max", max_utilization=Fraction(9, 10), as_of=DAY)
    assert kept.value.ok is True and kept.exit_code == api.ExitCode.OK


def test_the_api_takes_exact_numbers_of_every_kind() -> None:
    """An int, a Decimal and a Fraction of the same amount give the same answer."""
    documents = [
        api.estimate(api.Usage(model="mimo-v2.5", output=amount), as_of=DAY).document()
        for amount in (2_500_000, Decimal("2.5e6"), Fraction(5_000_000, 2))
    ]
    assert documents[0] == documents[1] == documents[2]


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        pytest.param(lambda: api.estimate(api.Usage(model="mimo-v2.5", output=2.5e6)), "output",
                     "output: 2500000.0 is a float, which is not exact", id="float"),
        pytest.param(lambda: api.estimate(api.Usage(model="mimo-v2.5", output=-1)), "output",
                     "output: -1 is negative", id="negative"),
        pytest.param(lambda: api.estimate(api.Usage(model="mimo-v2.5", output=1, offpeak=Fraction(3, 2))),
                     "offpeak", "offpeak: 1.5 is outside 0–100 %", id="share-over-one"),
        pytest.param(lambda: api.upgrade_quote("Lite", "Pro", used=api.Share(Fraction(2))), "used",
                     "used: 2 is outside 0–100 %", id="share-of-two"),
        pytest.param(lambda: api.upgrade_quote("Lite", "Pro", used=1, paid=Decimal("5.281")), "paid",
                     "paid: 5.281 has more decimals than USD has", id="paid-decimals"),
        pytest.param(lambda: api.expiry("2026-03-28"), "start",  # type: ignore[arg-type]
                     "start: expected a date or a datetime, got str", id="instant-as-text"),
        pytest.param(lambda: api.expiry(date(9999, 12, 30)), "start",
                     "start: '9999-12-30' is outside years 0002-9997", id="instant-out-of-span"),
        pytest.param(lambda: api.usage_report(api.Logs(tools=["claude-code"], paths=[CLAUDE], since="2026-10-01")),  # type: ignore[arg-type]
                     "since", "since: expected a date, got str", id="day-as-text"),
        pytest.param(lambda: api.simulate(USAGE, runs=0), "runs", "runs: expected 1 to", id="runs"),
        pytest.param(lambda: api.check(USAGE, tier="Lite"), None, "give a limit, e.g. `max_utilization` 90%",
                     id="no-limit"),
    ],
)  # fmt: skip
def test_a_bad_value_names_the_parameter(call: Callable[[], Any], field: str | None, message: str) -> None:
    with pytest.raises(api.BadInputError, match=message) as raised:
        call()
    assert raised.value.field == field
    assert "--" not in raised.value.message  # the API has no flags


def test_the_api_loads_neither_typer_nor_rich() -> None:
    from test_startup import imported_modules

    modules = imported_modules(
        "from datetime import date\nfrom tokenplan_cli import api\n"
        "api.estimate(api.Usage(model='mimo-v2.5', output=10**6), as_of=date(2026, 11, 23)).to_json()\n"
        "api.quote('Lite', start=date(2026, 11, 1)).document()"
    )
    assert not {m for m in modules if m.split(".")[0] in ("typer", "rich", "click", "pydantic")}


def test_the_readme_example_prints_what_it_says(capsys: pytest.CaptureFixture[str]) -> None:
    import re
    import textwrap

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?from tokenplan_cli import api.*?)```", readme, re.S)
    assert block is not None
    code = textwrap.dedent(block.group(1))
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    said = re.search(r"print\(.*\)  # (.*)", code)
    assert said is not None and capsys.readouterr().out == said.group(1) + "\n"
