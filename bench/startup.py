#!/usr/bin/env python3
"""Start-up benchmark: `tokenplan estimate … --json` against `python -c "import typer"`, in one run.

Prints the median wall time of each (over --runs alternating runs) and their ratio. Target: at most
1.3x (issue #2). Run it against an installed tokenplan, with bytecode compiled as pip leaves it:

    python bench/startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ESTIMATE = ["estimate", "--model", "mimo-v2.5-pro", "--cache-hit", "50M", "--cache-miss", "10M",
            "--output", "2M", "--offpeak", "30%", "--json"]  # fmt: skip


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    tokenplan = shutil.which("tokenplan") or sys.exit("tokenplan is not on PATH: install the project first")
    baseline_cmd = [sys.executable, "-c", "import typer"]
    subject_cmd = [tokenplan, *ESTIMATE]
    for command in (baseline_cmd, subject_cmd):  # warm the OS cache and write bytecode once
        timed(command, env)
    baseline, subject = [], []
    for _ in range(args.runs):
        baseline.append(timed(baseline_cmd, env))
        subject.append(timed(subject_cmd, env))
    base_ms, subject_ms = statistics.median(baseline) * 1000, statistics.median(subject) * 1000
    print(f"python -c 'import typer'        median {base_ms:6.1f} ms over {args.runs} runs")
    print(f"tokenplan estimate ... --json   median {subject_ms:6.1f} ms over {args.runs} runs")
    print(f"ratio {subject_ms / base_ms:.2f}x (target <= 1.30x)")


if __name__ == "__main__":
    main()
