#!/usr/bin/env python3
"""`statusline` and `status --json` with a held plan over Claude Code logs, against `python -c "import
typer"`, in one run of alternating commands.

Issue 12's target, with the incremental log index: both at most 1.3x `import typer` on 1 GB of logs with
nothing new since the last run. Without an index every run reads the logs whole; the figures say which.
Each is timed as a user who calls again and again gets it, answered by a resident process
(docs/resident.md), and with `TOKENPLAN_NO_RESIDENT=1`, each process answering its call itself.
The logs are bench/claude_logs.py's (generated once into --out and kept); a held plan (Max, bought
2026-10-15) lives in a config file of the run's own, and `--now 2026-10-30T12:00Z` pins the instant.

    python bench/statusline.py [--size 1G] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from usage_report import logs_for, paired, started_resident, stop_residents, tokenplan_command  # noqa: E402

NOW = "2026-10-30T12:00Z"


def timed(command: list[str], env: dict[str, str], stdin: bytes) -> float:
    start = time.perf_counter()
    subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    folder = logs_for(args.out, args.size, args.seed, 0.05)
    with tempfile.TemporaryDirectory(prefix="tokenplan-bench-") as scratch:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(
            CLAUDE_CONFIG_DIR=str(folder), TOKENPLAN_CONFIG=f"{scratch}/config.toml",
            TOKENPLAN_CACHE_DIR=f"{scratch}/cache", NO_COLOR="1", TZ="UTC",
        )  # fmt: skip
        tokenplan = tokenplan_command()
        subprocess.run([*tokenplan, "plan", "set", "Max", "--start", "2026-10-15", "--now", NOW],
                       env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([*tokenplan, "plan", "defaults", "--from", "claude-code"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        session = b'{"session_id": "bench", "model": {"id": "mimo-v2.5-pro"}}'
        here = {**env, "TOKENPLAN_NO_RESIDENT": "1"}
        statusline = [*tokenplan, "statusline", "--now", NOW, "--timeout", "60"]
        status = [*tokenplan, "status", "--json", "--now", NOW]
        commands = {
            "python -c 'import typer'": ([sys.executable, "-c", "import typer"], env),
            "tokenplan statusline": (statusline, env),
            "tokenplan status --json": (status, env),
            "tokenplan statusline, no resident": (statusline, here),
            "tokenplan status --json, no resident": (status, here),
        }
        for command, variables in commands.values():  # warm up: bytecode, page cache, the index, and a
            timed(command, variables, session)  # resident (started by a second call)
        started_resident(Path(scratch) / "cache")
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (command, variables) in commands.items():
                times[name].append(timed(command, variables, session))
        line = subprocess.run(statusline, input=session.decode(), env=env, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip
        # As a host runs it: the default 2 s budget, past which the last line is shown (stale) while a
        # detached refresher finishes. Timed apart: a refresher still reading would load the runs above.
        budgeted_command = [*tokenplan, "statusline", "--now", NOW]
        budgeted = [timed(budgeted_command, env, session) for _ in range(args.runs)]
        budgeted_line = subprocess.run(budgeted_command, input=session.decode(), env=env, check=True,
                                       capture_output=True, text=True).stdout.strip()  # fmt: skip
        times["tokenplan statusline (2 s budget)"] = budgeted
        stop_residents(Path(scratch) / "cache")
    typer = times["python -c 'import typer'"]
    base = statistics.median(typer)
    print(f"{args.size} of Claude Code logs in {folder}, {args.runs} alternating runs each")
    for name, runs in times.items():
        median = statistics.median(runs)
        spread = f"{min(runs) * 1000:.1f}-{max(runs) * 1000:.1f} ms"
        # (the budgeted runs are timed apart: no round pairs them with import typer)
        pairs = "" if name.endswith("(2 s budget)") else f"  pair by pair {paired(runs, typer)}"
        print(f"{name:<37} median {median * 1000:8.1f} ms  range {spread}  {median / base:5.2f}x{pairs}")
    print(f"the line: {line}")
    print(f"the line within its budget: {budgeted_line}")
    print("target (with the log index, nothing new): at most 1.30x 'import typer'")


if __name__ == "__main__":
    main()
