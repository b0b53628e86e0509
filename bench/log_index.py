#!/usr/bin/env python3
"""The log index side by side with ccusage and `python -c "import typer"`, in one run, on the same logs.

For each size (deterministic Claude Code logs, bench/claude_logs.py), `tokenplan usage report --from
claude-code DIR --json` is timed

- cold: with an empty index (the index is deleted before each run), and with `--no-index`;
- warm: nothing new since the last run;
- after 10 MB were appended across five files (lines of other sessions, the last one cut mid-line, as a
  tool still writing leaves it); every timed run appends its own 10 MB, right after a warm run of its
  own (timed too), so that its ratio to warm is also taken pair by pair, within one round;

beside `ccusage daily --json --offline` and `python -c "import typer"`, all alternating, so that the
load of a shared machine falls on every command alike. It prints median wall seconds with their range,
CPU seconds, the peak memory of the cold runs (proportional set size of the process and its workers,
sampled in one extra untimed run each), the index's size on disk against the logs', the ratios the issue
sets targets for (of medians, and pair by pair for the runs made in the same round: steadier where the
machine's speed drifts), and checks that the index's totals are the cold read's.

    python bench/log_index.py [--sizes 100M,1G,5G] [--runs 5] [--out bench/out] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from claude_logs import Generator  # noqa: E402
from usage_report import (  # noqa: E402
    Run,
    logs_for,
    measure,
    paired,
    run_sizes,
    started_resident,
    stop_residents,
    tokenplan_command,
)

INDEX = "log-index.sqlite"
RACY_SECONDS = 0.2  # longer than a file modified just before a walk stays racy (`readers.logs.racy`)
APPEND_BYTES = 10 * 1000 * 1000
APPEND_FILES = 5


def delete_index(cache: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (cache / (INDEX + suffix)).unlink(missing_ok=True)


def index_bytes(cache: Path) -> int:
    return sum(
        (cache / (INDEX + suffix)).stat().st_size
        for suffix in ("", "-wal", "-shm")
        if (cache / (INDEX + suffix)).exists()
    )


TYPER = "python -c 'import typer'"
WARM = "warm (nothing new)"
RESIDENT = WARM  # answered by a resident process, as a user who calls again gets it
HERE = f"{WARM}, no resident"


class Appender:
    """Appends 10 MB at a time to five of the logs' files, from a pool of other sessions' lines."""

    def __init__(self, folder: Path, pool: Path, seed: int) -> None:
        if not (pool / "truth.json").exists():
            shutil.rmtree(pool, ignore_errors=True)
            Generator(pool, seed + 1).run(APPEND_BYTES * 12)
        self.lines = [
            line for path in sorted(pool.rglob("*.jsonl")) for line in path.read_bytes().splitlines(True)
        ]
        self.targets = sorted(folder.rglob("*.jsonl"))[
            :: max(1, len(list(folder.rglob("*.jsonl"))) // APPEND_FILES)
        ]
        self.targets = self.targets[:APPEND_FILES]
        self.next = 0
        self.cut: dict[Path, bytes] = {}  # the rest of a line left unfinished in each file
        self.sizes = {target: target.stat().st_size for target in self.targets}

    def restore(self) -> None:
        """The files as they were (the logs are kept for the next run)."""
        for target, size in self.sizes.items():
            os.truncate(target, size)

    def append(self) -> None:
        share = APPEND_BYTES // len(self.targets)
        for number, target in enumerate(self.targets):
            data = bytearray(self.cut.pop(target, b""))
            while len(data) < share:
                data += self.lines[self.next % len(self.lines)]
                self.next += 1
            last = number == len(self.targets) - 1
            if last:  # a line still being written
                line = self.lines[self.next % len(self.lines)]
                self.next += 1
                data += line[: len(line) // 2]
                self.cut[target] = line[len(line) // 2 :]
            with open(target, "ab") as handle:
                handle.write(data)


def median(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def row(name: str, runs: list[Run], megabytes: float, peak_kb: int | None = None) -> str:
    seconds = median(runs)
    low, high = min(r.seconds for r in runs), max(r.seconds for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    peak = f"{peak_kb / 1024:8.0f}" if peak_kb else f"{'':>8}"
    return f"  {name:<34} {seconds:8.3f} {low:7.3f}-{high:<7.3f} {megabytes / seconds:8.0f} {cpu:7.2f} {peak}"


def totals(run: Run) -> list[int]:
    document = json.loads(run.stdout)
    return [document["totals"][kind] for kind in ("cache_hit", "cache_miss", "cache_write", "output")] + [
        document["records"],
        document["duplicates"],
    ]


def run_size(size: str, args: argparse.Namespace, ccusage: Path) -> None:
    folder = logs_for(args.out, size, args.seed, args.missing_request_ids)
    truth = json.loads((folder / "truth.json").read_text())
    megabytes = truth["bytes"] / 1e6
    files = sum(1 for _ in folder.rglob("*.jsonl"))
    cache = args.out / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "TOKENPLAN_NO_INDEX")}
    env.update(TZ="UTC", CLAUDE_CONFIG_DIR=str(folder), NO_COLOR="1", TOKENPLAN_CACHE_DIR=str(cache))
    env["TOKENPLAN_CONFIG"] = str(cache / "no-config.toml")  # no held plan: the same report for everyone
    # Each process answers its own call (a first call has no resident process, and peak memory is the
    # process's); the warm and appended runs are timed that way and as a user who calls again gets
    # them, answered by a resident (docs/resident.md).
    here = {**env, "TOKENPLAN_NO_RESIDENT": "1"}
    report = [*tokenplan_command(), "usage", "report", "--from", "claude-code", str(folder), "--json"]
    cold_read = [*report, "--no-index"]
    theirs = [str(ccusage), "daily", "--json", "--offline"]
    typer = [sys.executable, "-c", "import typer"]

    def cold_indexed(sample: bool = False) -> Run:
        delete_index(cache)
        return measure(report, here, sample=sample)

    # untimed: bytecode written, caches warmed, peak memory sampled
    peaks = {
        "cold, index": cold_indexed(sample=True).peak_kb,
        "cold, --no-index": measure(cold_read, here, sample=True).peak_kb,
        "ccusage": measure(theirs, here, sample=True).peak_kb,
    }
    measure(typer, env)
    results: dict[str, list[Run]] = {name: [] for name in ("cold, index", "cold, --no-index", "ccusage")}
    for number in range(args.runs):
        steps = [("cold, index", cold_indexed), ("cold, --no-index", lambda: measure(cold_read, here)),
                 ("ccusage", lambda: measure(theirs, here))]  # fmt: skip
        for name, step in steps if number % 2 == 0 else reversed(steps):
            results[name].append(step())
    measure(report, here)  # the index is built and up to date
    size_on_disk = index_bytes(cache)
    measure(report, env)
    measure(report, env)  # a second call: a resident starts
    started_resident(cache)
    warm: dict[str, list[Run]] = {RESIDENT: [], HERE: [], TYPER: []}
    for number in range(args.runs * 3):
        steps = [(RESIDENT, report, env), (HERE, report, here), (TYPER, typer, env)]
        for name, command, variables in steps if number % 2 == 0 else reversed(steps):
            warm[name].append(measure(command, variables))
    appender = Appender(folder, args.out / f"append-pool-{args.seed}", args.seed)
    appended: dict[str, list[Run]] = {RESIDENT: [], HERE: []}
    warm_again: dict[str, list[Run]] = {RESIDENT: [], HERE: []}
    warm_before: dict[str, list[Run]] = {RESIDENT: [], HERE: []}  # nothing new, just before an append
    agree: list[bool] = []  # each way's last warm run against a cold read of the logs as they were then
    for number in range(args.runs):
        for name, variables in ((HERE, here), (RESIDENT, env)):
            time.sleep(RACY_SECONDS)  # the last append's files, no longer racy, read once more untimed:
            measure(report, variables)  # the next run finds every file as it found them (a kept answer)
            warm_before[name].append(measure(report, variables))
            appender.append()
            appended[name].append(measure(report, variables))
            warm_again[name].append(measure(report, variables))
            if number == args.runs - 1:
                agree.append(totals(measure(cold_read, here)) == totals(warm_again[name][-1]))
    stop_residents(cache)
    same = all(agree)
    appender.restore()

    print(f"\n{size}: {megabytes:,.0f} MB in {files} files, {truth['requests']:,} requests; "
          f"{args.runs} run(s) each ({args.runs * 3} warm), alternating")  # fmt: skip
    print(f"  {'':<34} {'median s':>8} {'range s':^15} {'MB/s':>8} {'cpu s':>7} {'peak MB':>8}")
    for name, runs in results.items():
        print(row(name, runs, megabytes, peaks[name]))
    for name, runs in warm.items():
        print(row(name, runs, megabytes))
    for name in (RESIDENT, HERE):
        print(row(f"after 10 MB appended{name.removeprefix(WARM)}", appended[name], megabytes))
        print(row(f"warm after that{name.removeprefix(WARM)}", warm_again[name], megabytes))
    cold, no_index, theirs_s = (median(results[n]) for n in ("cold, index", "cold, --no-index", "ccusage"))
    typer_s = median(warm[TYPER])
    share = 100 * size_on_disk / truth["bytes"]
    seconds = {name: [run.seconds for run in runs] for name, runs in (*results.items(), *warm.items())}
    print("  (cpu s of a call a resident answered: the calling process's alone, not the resident's child)")
    print(f"  index on disk: {size_on_disk / 1e6:.1f} MB, {share:.2f} % of the logs (target < 5 %)")
    for name in (RESIDENT, HERE):
        warm_s = median(warm[name])
        print(f"  {name}: {theirs_s / warm_s:.1f}x faster than ccusage (target >= 20x); "
              f"{warm_s / typer_s:.2f}x import typer (target <= 1.3x); after 10 MB appended "
              f"{median(appended[name]) / warm_s:.2f}x warm (target <= 1.5x)")  # fmt: skip
    print(f"  cold: throughput {theirs_s / cold:.2f}x ccusage's (target >= 1.2x); writing the index "
          f"{100 * (cold / no_index - 1):+.0f} % over --no-index (target <= 25 %)")  # fmt: skip
    print("  the same ratios pair by pair (runs of one round):")
    for first, second in ((RESIDENT, TYPER), (HERE, TYPER), ("ccusage", "cold, index"),
                          ("cold, index", "cold, --no-index")):  # fmt: skip
        print(f"    {first} / {second}: {paired(seconds[first], seconds[second])}")
    for name in (RESIDENT, HERE):
        after, before = ([run.seconds for run in runs[name]] for runs in (appended, warm_before))
        print(f"    after 10 MB appended / {name} just before: {paired(after, before)}")
    print(f"  totals after the appends, both ways: index {'==' if same else '!='} a cold read")
    if not args.keep:
        shutil.rmtree(folder)
    shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    run_sizes(__doc__.splitlines()[0], "100M,1G,5G", 5, run_size)


if __name__ == "__main__":
    main()
