"""Start-up discipline: the core imports neither typer nor rich, and `--json` loads neither rich nor pydantic.

These are import checks, not timings (bench/startup.py measures time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import tokenplan_cli


def imported_modules(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_the_core_loads_neither_typer_nor_rich() -> None:
    modules = imported_modules(
        "import tokenplan_cli.core.estimate, tokenplan_cli.core.credits, tokenplan_cli.core.plans, "
        "tokenplan_cli.core.offpeak, tokenplan_cli.core.profile, tokenplan_cli.core.amounts, "
        "tokenplan_cli.core.validity, tokenplan_cli.core.quotes, tokenplan_cli.core.status, "
        "tokenplan_cli.core.simulation, tokenplan_cli.core.check, tokenplan_cli.core.whatifs"
    )
    assert not {m for m in modules if m.split(".")[0] in ("typer", "rich", "click", "numpy")}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(
            ["estimate", "-m", "mimo-v2.5-pro", "--cache-miss", "10M", "--offpeak", "30%", "--json"],
            id="estimate",
        ),
        pytest.param(["rates", "--json"], id="rates"),
        pytest.param(["estimate", "-m", "nope", "--output", "1", "--json"], id="error"),
        pytest.param(["quote", "Standard", "--first-purchase", "--json"], id="quote"),
        pytest.param(
            ["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1B", "--json"], id="upgrade-quote"
        ),
        pytest.param(
            ["renewal-quote", "--from", "Pro", "--to", "Lite", "--used", "1B", "--json"], id="renewal-quote"
        ),
        pytest.param(
            ["expiry", "--start", "2026-03-28", "--now", "2026-04-01", "--tz", "Asia/Tokyo", "--json"],
            id="expiry",
        ),
        pytest.param(
            [
                "status",
                "--tier",
                "Lite",
                "--start",
                "2026-11-01",
                "--used",
                "90%",
                "--now",
                "2026-11-05",
                "--json",
            ],
            id="status",
        ),
    ],
)
def test_json_output_loads_neither_rich_nor_pydantic(args: list[str]) -> None:
    modules = run_and_list_modules(args)
    # help, examples and completion load only to draw a help page or answer the shell
    assert (
        not {f"tokenplan_cli.commands.{m}" for m in ("help", "examples", "completion", "reference")} & modules
    )
    assert "rich" not in modules and "pydantic" not in modules and "numpy" not in modules
    assert not {m for m in modules if m.startswith("tokenplan_cli.render.human")}
    assert "tokenplan_cli.render.burndown" not in modules
    assert "tokenplan_cli.core.simulation" not in modules


def run_and_list_modules(args: list[str]) -> set[str]:
    code = (
        "import sys\nfrom tokenplan_cli.cli import main\n"
        f"sys.argv = ['tokenplan', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\nsys.stdout = sys.__stdout__"
    )
    return imported_modules(code)


USAGE = ["-m", "mimo-v2.5", "--cache-miss", "75M"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["simulate", "--help"], id="simulate-help"),
        pytest.param(["simulate", *USAGE, "--json"], id="simulate-without-spread"),
        pytest.param(
            ["check", "--tier", "Lite", "--max-utilization", "90%", *USAGE, "--json"], id="check-utilization"
        ),
        pytest.param(["--version"], id="version"),
    ],
)
def test_numpy_is_imported_only_to_simulate_randomness(args: list[str]) -> None:
    assert "numpy" not in run_and_list_modules(args)


def test_a_simulation_with_spread_runs_numpy_in_a_worker_and_loads_no_rich_under_json() -> None:
    modules = run_and_list_modules(["simulate", *USAGE, "--spread", "40%", "--runs", "100", "--json"])
    assert "numpy" not in modules and "rich" not in modules and "pydantic" not in modules
    assert "tokenplan_cli.workers" in modules  # the kernel ran in a forked worker that imported numpy


def test_python_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tokenplan_cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout == f"tokenplan {tokenplan_cli.__version__}\n"


def test_a_warm_report_imports_no_parser_and_forks_no_worker(tmp_path: object) -> None:
    """Nothing new in the logs: the answer comes from the index, without msgspec, workers or Rich."""
    import os
    import shutil
    from pathlib import Path

    logs = Path(str(tmp_path)) / "logs"
    shutil.copytree(Path(__file__).parent / "fixtures" / "logs" / "claude", logs)
    for path in logs.rglob("*.jsonl"):
        os.utime(path, ns=(1_700_000_000 * 10**9,) * 2)  # long before the walk: its stat can be trusted
    args = ["usage", "report", "--from", "claude-code", str(logs), "--json"]
    assert "msgspec" in run_and_list_modules(args)  # the first run reads the files
    warm = run_and_list_modules(args)
    assert not {"msgspec", "tokenplan_cli.workers", "rich", "pydantic", "numpy"} & warm
    assert "tokenplan_cli.readers.logs.claude_fast" not in warm


def test_estimate_json_loads_no_plan_lifecycle_code() -> None:
    # Pay-as-you-go rides in the estimate; quotes, discounts and their views are other commands' work.
    modules = run_and_list_modules([*ESTIMATE_ARGS, "--json"])
    assert "tokenplan_cli.core.payg" in modules
    assert (
        not {"tokenplan_cli.core.quotes", "tokenplan_cli.core.discounts", "tokenplan_cli.views.lifecycle"}
        & modules
    )
    assert "tokenplan_cli.views.compare" not in modules  # only under --compare-to


ESTIMATE_ARGS = ["estimate", "--model", "mimo-v2.5-pro", "--cache-miss", "10M"]


def test_a_log_is_read_with_msgspec_imported_without_typing_extensions() -> None:
    """msgspec imports typing_extensions when it is installed (Typer needs it), which brought `inspect`:
    half of msgspec's import, paid by every run that reads a log line. Without Typer in the process it
    is left out; once imported (by Typer), msgspec uses it, and it can be imported after msgspec too."""
    fixture = Path(__file__).parent / "fixtures" / "logs" / "claude"
    read = (
        "from pathlib import Path\nfrom tokenplan_cli.readers.logs import Skips, claude_code\n"
        f"records = [r for p in sorted(Path({str(fixture)!r}).rglob('*.jsonl')) "
        "for r in claude_code.read_file(p, Skips())]\nassert records\n"
    )
    alone = imported_modules(read)
    assert "msgspec" in alone and "typing_extensions" not in alone
    after = imported_modules(read + "import typing_extensions\nassert typing_extensions.Self\n")
    assert "typing_extensions" in after
    first = imported_modules(
        "import typing_extensions\n" + read
        + "import msgspec._utils\nassert msgspec._utils._get_type_hints is typing_extensions.get_type_hints\n"
    )  # fmt: skip
    assert "msgspec" in first


def test_msgspec_is_imported_as_usual_while_another_thread_runs() -> None:
    """Another thread could be importing typing_extensions while it is hidden: then it is not hidden."""
    code = (
        "import threading, time\nstop = threading.Event()\n"
        "thread = threading.Thread(target=stop.wait)\nthread.start()\n"
        "from tokenplan_cli.readers.logs.jsonlines import import_msgspec\nimport_msgspec()\n"
        "stop.set()\nthread.join()\n"
    )
    assert "typing_extensions" in imported_modules(code)
