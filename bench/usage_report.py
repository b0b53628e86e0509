#!/usr/bin/env python3
"""`tokenplan usage report` against `ccusage daily --json --offline` on the same synthetic Claude Code logs.

For each size, generates deterministic logs (bench/claude_logs.py) unless they exist and reads them
once to warm the page cache. Each tool then runs once untimed, to measure its peak memory (the
proportional set size of the process and its children, sampled every 20 ms; tokenplan also writes its
bytecode then, as an installed copy has it). Then both tools are timed alternately, unsampled, and for
each the bench prints the median wall time, the throughput (MB/s of log files), the CPU seconds, the
peak memory and the token totals beside the truth the generator wrote. ccusage 20.0.24 (a native build
that uses every core) is installed with npm into OUT/ccusage unless --ccusage names one. Timings on a
shared machine vary: run it on a quiet one for figures to quote.

    python bench/usage_report.py [--sizes 100M,1G] [--runs 7] [--out bench/out] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).parent))
from claude_logs import Generator, parse_size  # noqa: E402

CCUSAGE = "ccusage@20.0.24"
KINDS = ("cache_hit", "cache_miss", "cache_write", "output")  # tokenplan's names
CCUSAGE_KINDS = ("cacheReadTokens", "inputTokens", "cacheCreationTokens", "outputTokens")
TRUTH_KINDS = ("cache_read", "input", "cache_write", "output")


def tree_pss_kb(root: int) -> int:
    """Proportional set size of `root` and its descendants, in kB (shared pages counted once)."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    pending += [int(child) for child in handle.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


class Run(NamedTuple):
    seconds: float  # wall time
    cpu: float  # user + system seconds of the process and the children it waited for
    peak_kb: int  # 0 unless the run was sampled
    stdout: bytes


def measure(command: list[str], env: dict[str, str], *, sample: bool = False) -> Run:
    """One run of `command`; with `sample`, its peak memory too (sampling costs CPU: not in timed runs)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    peak = 0
    while True:  # wait4, not Popen.poll: the rusage of the process comes with its exit
        pid, status, usage = os.wait4(process.pid, os.WNOHANG if sample else 0)
        if pid:
            break
        peak = max(peak, tree_pss_kb(process.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, peak, b"".join(chunks))


def paired(first: list[float], second: list[float]) -> str:
    """The median of `first[i] / second[i]` over runs made in the same round, with its range: steadier
    than a ratio of medians on a shared machine, whose speed drifts from one round to the next."""
    ratios = sorted(a / b for a, b in zip(first, second, strict=True))
    return f"{statistics.median(ratios):.2f}x (pairs {ratios[0]:.2f}-{ratios[-1]:.2f})"


def ccusage_binary(out: Path, given: str | None) -> Path:
    if given:
        return Path(given)
    folder = out / "ccusage"
    binary = folder / "node_modules" / ".bin" / "ccusage"
    if not binary.exists():
        npm = shutil.which("npm") or sys.exit("npm is needed to install ccusage (or pass --ccusage PATH)")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", CCUSAGE], check=True
        )
    return binary


def logs_for(out: Path, size: str, seed: int, missing: float) -> Path:
    folder = out / f"claude-{size}-{missing}"
    if not (folder / "truth.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {size} of Claude Code logs in {folder} ...", flush=True)
        Generator(folder, seed, missing).run(parse_size(size))
    for path in folder.rglob("*.jsonl"):  # warm the page cache: both tools then read from memory
        with path.open("rb") as handle:
            while handle.read(1 << 20):
                pass
    return folder


def started_resident(cache: Path, wait_seconds: float = 30.0) -> None:
    """Wait for the resident process (docs/resident.md) that calls with `cache` started: the figures
    "as a user gets them" are of calls it answers. SystemExit when none started."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if any("answered" in lock.read_text() for lock in cache.glob("resident-*.lock")):
            return
        time.sleep(0.05)
    raise SystemExit(f"no resident process started in {cache}")


def stop_residents(cache: Path) -> None:
    """Stop the resident processes of `cache` (they would leave on their own, once idle)."""
    for lock in cache.glob("resident-*.lock"):
        words = lock.read_text().split()
        if words[:1] == ["pid"]:
            try:
                os.kill(int(words[1]), signal.SIGTERM)
            except ProcessLookupError:
                pass


def tokenplan_command() -> list[str]:
    """The `tokenplan` script installed beside this Python, as a user runs it (else `python -m`)."""
    script = Path(sys.executable).with_name("tokenplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tokenplan_cli"]


def run_size(size: str, args: argparse.Namespace, ccusage: Path) -> None:
    folder = logs_for(args.out, size, args.seed, args.missing_request_ids)
    truth = json.loads((folder / "truth.json").read_text())
    megabytes = truth["bytes"] / 1e6
    # Bytecode is written (and then read) as an installed tokenplan has it: with PYTHONDONTWRITEBYTECODE
    # set, every run would compile the package's sources first, about 0.1 s a run that no user pays.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(TZ="UTC", CLAUDE_CONFIG_DIR=str(folder), NO_COLOR="1")
    tokenplan = [
        *tokenplan_command(),
        "usage",
        "report",
        "--from",
        "claude-code",
        str(folder),
        "--json",
    ]
    theirs = [str(ccusage), "daily", "--json", "--offline"]
    results: dict[str, list[Run]] = {"tokenplan": [], "ccusage": []}
    peaks: dict[str, int] = {}
    for name, command in (("tokenplan", tokenplan), ("ccusage", theirs)):  # warm-up, memory sampled
        peaks[name] = measure(command, env, sample=True).peak_kb
    for run in range(args.runs):
        order = [("tokenplan", tokenplan), ("ccusage", theirs)]
        for name, command in order if run % 2 == 0 else reversed(order):
            results[name].append(measure(command, env))
    print(f"\n{size}: {megabytes:,.0f} MB in {sum(1 for _ in folder.rglob('*.jsonl'))} files, "
          f"{truth['requests']:,} requests, {truth['lines']:,} lines; {args.runs} run(s) each")  # fmt: skip
    print(
        f"  {'tool':<10} {'median s':>9} {'MB/s':>8} {'cpu s':>6} {'peak MB':>8}   "
        f"{'  '.join(f'{k:>13}' for k in KINDS)}"
    )
    speeds = {}
    for name, runs in results.items():
        seconds = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        speeds[name] = megabytes / seconds
        document = json.loads(runs[-1].stdout)
        if name == "tokenplan":
            totals = [document["totals"][kind] for kind in KINDS]
        else:
            totals = [document["totals"][kind] for kind in CCUSAGE_KINDS]
        figures = "  ".join(f"{t:>13,}" for t in totals)
        peak = peaks[name] / 1024
        print(f"  {name:<10} {seconds:9.2f} {speeds[name]:8.0f} {cpu:6.2f} {peak:8.0f}   {figures}")
    truths = "  ".join(f"{truth[k]:>13,}" for k in TRUTH_KINDS)
    print(f"  {'truth':<10} {'':>9} {'':>8} {'':>6} {'':>8}   {truths}")
    spread = {
        name: (min(r.seconds for r in runs), max(r.seconds for r in runs)) for name, runs in results.items()
    }
    print(
        "  wall range: " + "; ".join(f"{name} {low:.2f}-{high:.2f} s" for name, (low, high) in spread.items())
    )
    ratio = speeds["tokenplan"] / speeds["ccusage"]
    print(f"  throughput ratio tokenplan / ccusage: {ratio:.2f}x (target: at least 1.0x, aim 1.2x)")
    if not args.keep:
        shutil.rmtree(folder)


def benchmark_arguments(description: str, sizes: str, runs: int) -> argparse.Namespace:
    """The options the log benchmarks share (sizes, runs, seed, where the logs and ccusage live)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--ccusage", help="a ccusage executable (default: install ccusage@20.0.24 into OUT)")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs for the next run")
    parser.add_argument(
        "--missing-request-ids", type=float, default=0.05, help="share of requests logged without a requestId"
    )
    return parser.parse_args()


def ccusage_announced(args: argparse.Namespace) -> Path:
    """ccusage (installed if need be), after a line saying what this machine and run are."""
    ccusage = ccusage_binary(args.out, args.ccusage)
    version = subprocess.run([str(ccusage), "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"cores: {os.cpu_count()}; python {sys.version.split()[0]}; {version}; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return ccusage


def run_sizes(
    description: str, sizes: str, runs: int, run_size: Callable[[str, argparse.Namespace, Path], None]
) -> None:
    """A log benchmark's main: its options read, ccusage announced, then `run_size` for each size."""
    args = benchmark_arguments(description, sizes, runs)
    ccusage = ccusage_announced(args)
    for size in args.sizes.split(","):
        run_size(size.strip(), args, ccusage)


def main() -> None:
    run_sizes(__doc__.splitlines()[0], "100M,1G", 7, run_size)


if __name__ == "__main__":
    main()
