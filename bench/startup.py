#!/usr/bin/env python3
"""Start-up benchmark: `tokenplan estimate … --json` against `python -c "import typer"`, in one run.

`--all` also times quote, upgrade-quote, renewal-quote, expiry and status under --json (beside
`--compare`'s install, alternating, when one is given). `--cache` also times estimate without the
rate-card cache (TOKENPLAN_NO_CACHE=1), in the same alternation: what the cache saves a run. `--compare
OTHER/bin/tokenplan` times an install of another revision in the same alternation: what a change costs
a start-up.

Prints the median wall time of each (over --runs alternating runs), its CPU time (user + system: steadier
on a loaded machine) and their ratio. Target: at most 1.3x (issue #2). Run it against an installed
tokenplan, with bytecode compiled as pip leaves it:

    python bench/startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

ESTIMATE = ["estimate", "--model", "mimo-v2.5-pro", "--cache-hit", "50M", "--cache-miss", "10M",
            "--output", "2M", "--offpeak", "30%", "--json"]  # fmt: skip
# The plan-lifecycle commands (issue 3), timed the same way with --all.
LIFECYCLE = {
    "quote": ["quote", "Standard", "--first-purchase", "--start", "2026-11-01", "--json"],
    "upgrade-quote": ["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1.2B", "--json"],
    "renewal-quote": ["renewal-quote", "--from", "Pro", "--to", "Lite", "--used", "10%", "--json"],
    "expiry": ["expiry", "--start", "2026-03-28", "--now", "2026-04-26", "--tz", "Asia/Shanghai", "--json"],
    "status": ["status", "--tier", "Standard", "--start", "2026-11-01", "--used", "63%",
               "--now", "2026-11-12T12:00Z", "--json"],
}  # fmt: skip


def timed(command: list[str], env: dict[str, str]) -> float:
    return timed_both(command, env)[0]


def timed_both(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall time and the CPU time (user + system) of one run, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def alternating(
    runs: dict[str, tuple[list[str], dict[str, str]]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU milliseconds of each labelled (command, environment), timed in turn, round after
    round (so that the load of a shared machine falls on each alike), after one untimed run each (the
    OS cache warmed, bytecode and the card cache written)."""
    for command, environment in runs.values():
        timed(command, environment)
    walls: dict[str, list[float]] = {label: [] for label in runs}
    cpus: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(rounds):
        for label, (command, environment) in runs.items():
            wall, used = timed_both(command, environment)
            walls[label].append(wall * 1000)
            cpus[label].append(used * 1000)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--all", action="store_true", help="also time the plan-lifecycle commands")
    parser.add_argument("--cache", action="store_true", help="also time estimate without the card cache")
    parser.add_argument(
        "--compare", metavar="EXE", help="also time another install of tokenplan the same way"
    )
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    tokenplan = shutil.which("tokenplan") or sys.exit("tokenplan is not on PATH: install the project first")
    uncached = {**env, "TOKENPLAN_NO_CACHE": "1"}
    runs = {  # label -> (command, environment), timed in turn, round after round
        "python -c 'import typer'": ([sys.executable, "-c", "import typer"], env),
        "tokenplan estimate ... --json": ([tokenplan, *ESTIMATE], env),
        **({"  the same, no card cache": ([tokenplan, *ESTIMATE], uncached)} if args.cache else {}),
        **({"  the same, --compare's": ([args.compare, *ESTIMATE], env)} if args.compare else {}),
    }
    times, cpu = alternating(runs, args.runs)
    for label, samples in times.items():
        median, low, high = statistics.median(samples), min(samples), max(samples)
        print(
            f"{label:<31} median {median:6.1f} ms (range {low:.1f}-{high:.1f}), CPU median "
            f"{statistics.median(cpu[label]):6.1f} ms, over {args.runs} runs"
        )
    base_ms, subject_ms = (statistics.median(samples) for samples in list(times.values())[:2])
    print(f"ratio {subject_ms / base_ms:.2f}x (target <= 1.30x)")
    if args.all:
        for name, command in LIFECYCLE.items():
            installs = {"": tokenplan, **({" (--compare's)": args.compare} if args.compare else {})}
            walls, cpus = alternating(
                {label: ([exe, *command], env) for label, exe in installs.items()}, args.runs
            )
            for label, ms_list in walls.items():
                ms, low, high = statistics.median(ms_list), min(ms_list), max(ms_list)
                print(
                    f"tokenplan {name:<14} --json{label:<15} median {ms:6.1f} ms "
                    f"(range {low:.1f}-{high:.1f}), CPU median {statistics.median(cpus[label]):6.1f} ms, "
                    f"{ms / base_ms:.2f}x 'import typer'"
                )


if __name__ == "__main__":
    main()
