#!/usr/bin/env python3
"""Simulation benchmark (issue 5, part 5), every figure measured in the same run.

1. `tokenplan simulate --runs 10000` (all tiers, both cycles, a 40 % day-to-day spread) against
   `tokenplan --version`: median wall times and their ratio (target: at most 3x), for --json and for the
   Rich output.
2. The same simulation at several --runs: the cost must grow linearly (time per 1,000 runs, minus the
   fixed start-up measured by --runs 1).
3. The kernel alone, in-process: numpy (`core.montecarlo_numpy`) against the pure-Python reference
   (`core.montecarlo`) on the same cycles, 10,000 runs each (the Python figure from 500 runs, scaled).

Run it against an installed tokenplan, with bytecode compiled as pip leaves it:

    python bench/simulate.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

USAGE = ["--model", "mimo-v2.5-pro", "--cache-hit", "50M", "--cache-miss", "10M", "--output", "2M",
         "--offpeak", "30%", "--spread", "40%"]  # fmt: skip
RUNS_SCALE = (1, 25_000, 50_000, 100_000, 200_000)


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def medians(commands: dict[str, list[str]], env: dict[str, str], repeat: int) -> dict[str, float]:
    """Median wall time in ms of each command, run alternately so that load hits them alike."""
    for command in commands.values():  # warm the OS cache and write bytecode once
        timed(command, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(timed(command, env))
    return {name: statistics.median(times) * 1000 for name, times in samples.items()}


def kernel_figures() -> tuple[float, float]:
    """ms for 10,000 runs of both cycles of the bench usage: numpy kernel, pure-Python kernel."""
    from datetime import UTC, datetime
    from fractions import Fraction

    from tokenplan_cli.api import Usage
    from tokenplan_cli.app.settings import load_card
    from tokenplan_cli.app.usage import read_usage
    from tokenplan_cli.core import montecarlo, montecarlo_numpy, simulation

    card = load_card(None)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    usage = Usage("mimo-v2.5-pro", 50 * 10**6, 10 * 10**6, 2 * 10**6, offpeak=Fraction(3, 10))
    profile = read_usage(card, usage, as_of=now, now=now)  # what simulate feeds the kernel
    captured: list[montecarlo.CycleDraws] = []
    original = montecarlo_numpy.simulate_cycle

    def capture(draws: montecarlo.CycleDraws, *args: object, **kwargs: object) -> montecarlo.CycleOutcome:
        captured.append(draws)
        return original(draws, *args, **kwargs)  # type: ignore[arg-type]

    montecarlo_numpy.simulate_cycle = capture  # type: ignore[assignment]
    settings = simulation.SimulationSettings(10, 1, Fraction(1, 20), Fraction(2, 5))
    simulation.simulate_scenario(card, profile, simulation.BASELINE, as_of=now,
                                 currency=card.currency("USD"), settings=settings)  # fmt: skip
    montecarlo_numpy.simulate_cycle = original  # type: ignore[assignment]
    start = time.perf_counter()
    for draws in captured:
        original(draws, 10_000, 1)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    for draws in captured:
        montecarlo.simulate_cycle(draws, 500, 1)
    slow = (time.perf_counter() - start) * 20
    return fast * 1000, slow * 1000


def _line(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Slope and R^2 of the least-squares line through `points` (runs, ms)."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    syy = sum((y - mean_y) ** 2 for _, y in points)
    return sxy / sxx, (sxy * sxy / (sxx * syy) if syy else 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    tokenplan = shutil.which("tokenplan") or sys.exit("tokenplan is not on PATH: install the project first")
    simulate = [tokenplan, "simulate", *USAGE]
    figures = medians(
        {
            "version": [tokenplan, "--version"],
            "json": [*simulate, "--runs", "10000", "--json"],
            "human": [*simulate, "--runs", "10000"],
        },
        env,
        args.repeat,
    )
    version = figures["version"]
    print(f"tokenplan --version                      median {version:6.1f} ms over {args.repeat} runs")
    for name in ("json", "human"):
        label = f"tokenplan simulate --runs 10000{' --json' if name == 'json' else ''}"
        ratio = figures[name] / version
        print(f"{label:40s} median {figures[name]:6.1f} ms  ratio {ratio:.2f}x (target <= 3.00x)")
    scale = medians({str(runs): [*simulate, "--runs", str(runs), "--json"] for runs in RUNS_SCALE}, env, 5)
    fixed = scale["1"]
    print(f"runs scaling (--json, median of 5; fixed cost = --runs 1 = {fixed:.0f} ms):")
    for runs in RUNS_SCALE[1:]:
        total = scale[str(runs)]
        per_thousand = (total - fixed) / runs * 1000
        print(f"  --runs {runs:>7,}  {total:7.0f} ms   {per_thousand:6.2f} ms per 1,000 runs above --runs 1")
    slope, r2 = _line([(runs, scale[str(runs)]) for runs in RUNS_SCALE])
    print(f"  least-squares line: {slope * 1000:.2f} ms per 1,000 runs, R^2 = {r2:.4f} (1: a straight line)")
    fast, slow = kernel_figures()
    print(f"kernel, 10,000 runs of both cycles: numpy {fast:.0f} ms, pure Python {slow:.0f} ms "
          f"(from 500 runs), {slow / fast:.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
