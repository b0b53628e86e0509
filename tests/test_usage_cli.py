"""`tokenplan usage report`, `usage profile` and `estimate --from` through the CLI, and their bad inputs."""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import AS_OF, Cli

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
CLAUDE = str(FIXTURES / "claude")
REPORT = ["usage", "report", "--as-of", AS_OF]
FROM_CLAUDE = ["--from", "claude-code", CLAUDE]

# The fixture's four requests, charged at mimo-v2.5-pro (2.5 / 300 / 600; cache writes as misses):
#   sonnet 15:59:59 peak      15030 hit, 4 miss, 1200 write, 260 out  -> 554,775
#   opus   16:00:01 off-peak  20000 hit, 10 miss, 500 write, 500 out  -> 503,000 x 0.8 = 402,400
#   haiku  16:05    off-peak   1000 hit, 50 miss, 80 out              ->  65,500 x 0.8 =  52,400
#   mimo   10-02 08:00 peak    5000 hit, 100 miss, 1000 out           -> 642,500
TOTAL = 554_775 + 402_400 + 52_400 + 642_500


def test_report_totals_are_exact(cli: Cli) -> None:
    doc = cli.json([*REPORT, *FROM_CLAUDE])
    assert doc["schema_version"] == 1 and doc["command"] == "usage report"
    totals = doc["totals"]
    assert (totals["cache_hit"], totals["cache_miss"], totals["cache_write"], totals["output"]) == (
        41030,
        164,
        1700,
        1840,
    )
    assert (totals["credits"], totals["credits_peak"], totals["credits_offpeak"]) == (
        TOTAL,
        554_775 + 642_500,
        454_800,
    )
    assert [(row["day"], row["requests"], row["credits"]) for row in doc["rows"]] == [
        ("2026-10-01", 3, 554_775 + 454_800),
        ("2026-10-02", 1, 642_500),
    ]
    assert doc["assumed_models"] == [
        "claude-haiku-4-5-20251001",
        "claude-opus-4-1-20250805",
        "claude-sonnet-4-5-20250929",
    ]
    assert doc["records"] == 4 and doc["duplicates"] == 11
    assert doc["tools"] == [{"tool": "claude-code", "files": 3, "bytes": doc["tools"][0]["bytes"]}]
    assert doc["skipped"] == {"total": 0, "files": [], "future": {"records": 0, "after": None}}
    assert doc["period"] == {"first_day": "2026-10-01", "last_day": "2026-10-02", "days": 2}
    assert (
        "claude-opus-4-1-20250805: no --map rule names it; charged as mimo-v2.5-pro (assumed)" in doc["notes"]
    )
    mimo = next(m for m in doc["models"] if m["model"] == "mimo-v2.5-pro")
    assert (mimo["assumed"], mimo["charged_as"], mimo["credits"]) == (False, "mimo-v2.5-pro", 642_500)


def test_map_rules_change_what_is_charged(cli: Cli) -> None:
    doc = cli.json(
        [*REPORT, *FROM_CLAUDE, "--map", "claude-haiku-*=mimo-v2.5", "--map", "claude-*=mimo-v2.5-pro"]
    )
    # haiku at mimo-v2.5 (2 / 100 / 200): (1000 x 2 + 50 x 100 + 80 x 200) x 0.8 = 18,400
    assert doc["totals"]["credits"] == TOTAL - 52_400 + 18_400
    assert doc["assumed_models"] == [] and doc["mapping"] == [
        "claude-haiku-*=mimo-v2.5",
        "claude-*=mimo-v2.5-pro",
    ]


@pytest.mark.parametrize(
    ("options", "keys"),
    [
        pytest.param(["--by", "hour"], [8, 15, 16], id="hour-utc"),
        pytest.param(["--by", "hour", "--tz", "Asia/Shanghai"], [0, 16, 23], id="hour-shanghai"),
        pytest.param(
            ["--by", "day", "--tz", "Asia/Shanghai"], ["2026-10-01", "2026-10-02"], id="day-shanghai"
        ),
        pytest.param(["--by", "week"], ["2026-W40"], id="week"),
        pytest.param(["--by", "month"], ["2026-10"], id="month"),
        pytest.param(["--by", "tool"], ["claude-code"], id="tool"),
        pytest.param(["--since", "2026-10-02"], ["2026-10-02"], id="since"),
        pytest.param(["--until", "2026-10-01"], ["2026-10-01"], id="until"),
    ],
)
def test_groupings(cli: Cli, options: list[str], keys: list[object]) -> None:
    doc = cli.json([*REPORT, *FROM_CLAUDE, *options])
    assert [row[doc["by"]] for row in doc["rows"]] == keys


def test_csv_has_a_row_per_group_and_the_total(cli: Cli) -> None:
    lines = cli.run([*REPORT, *FROM_CLAUDE, "--csv"]).stdout.splitlines()
    assert lines[0].startswith(
        "day,requests,cache_hit,cache_miss,cache_write,output,reasoning,audio_seconds,tokens,credits,"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["2026-10-01", "2026-10-02", "total"]
    assert f",{TOTAL}," in lines[-1]


def test_human_report(cli: Cli) -> None:
    out = cli.run([*REPORT, *FROM_CLAUDE]).stdout
    assert "| 2026-10-01 |" in out and "| total" in out
    assert "1,652,075 credits over 2 days (2026-10-01 to 2026-10-02)" in out
    assert "mimo-v2.5-pro (assumed)" in out


def write_bad_log(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    shutil.copytree(CLAUDE, folder)
    session = next(folder.rglob("7f3c*.jsonl"))
    session.write_bytes(session.read_bytes() + b'{"type":"assistant","message":{"usage":')
    return session


def test_unreadable_lines_are_counted_by_file_and_line(cli: Cli, tmp_path: Path) -> None:
    session = write_bad_log(tmp_path)
    doc = cli.json([*REPORT, "--from", "claude-code", str(tmp_path / "logs")])
    assert doc["totals"]["credits"] == TOTAL
    assert doc["skipped"] == {
        "total": 1,
        "files": [{"path": str(session), "count": 1, "lines": [13], "reasons": ["truncated last line"]}],
        "future": {"records": 0, "after": None},
    }
    human = cli.run([*REPORT, "--from", "claude-code", str(tmp_path / "logs")]).stdout
    assert (  # the path is longer than a line: it stands whole on its own, its details follow
        f"{session}: line 13 (truncated last line; 1 in all)" in " ".join(human.split())
        and "usage" not in human.split("skipped")[1]
    )


def test_strict_turns_a_skipped_line_into_exit_2(cli: Cli, tmp_path: Path) -> None:
    session = write_bad_log(tmp_path)
    message = cli.error([*REPORT, "--from", "claude-code", str(tmp_path / "logs"), "--strict"])
    assert (
        message
        == f"--strict: 1 log line(s) or file(s) could not be read, in 1 file(s); first: {session}:13 (truncated last line)"
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", " (1 line(s) or file(s) skipped: no log files found)", id="empty-folder"),
        pytest.param(lambda tmp: (tmp / "loop").mkdir() or (tmp / "loop" / "self").symlink_to(tmp / "loop") or tmp / "loop", " (1 line(s) or file(s) skipped: symbolic link loop)", id="symlink-loop"),
        pytest.param(lambda tmp: (tmp / "bad.jsonl").write_bytes(b"\xff\xfe{}\n") and tmp / "bad.jsonl", "", id="not-utf8-without-usage"),
        pytest.param(lambda tmp: os.mkfifo(tmp / "pipe.jsonl") or tmp / "pipe.jsonl", " (1 line(s) or file(s) skipped: not a file or folder: a named pipe)", id="named-pipe"),
        pytest.param(lambda tmp: (tmp / "self").symlink_to(tmp / "self") or tmp / "self", " (1 line(s) or file(s) skipped: symbolic link loop)", id="self-symlink"),
        pytest.param(lambda tmp: (tmp / "gone").symlink_to(tmp / "nothing") or tmp / "gone", " (1 line(s) or file(s) skipped: broken symbolic link)", id="broken-symlink"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", [REPORT, ["estimate", "--as-of", AS_OF]], ids=["report", "estimate"])
def test_logs_without_usage_are_one_error_that_says_where_it_looked(
    cli: Cli, tmp_path: Path, make: object, reason: str, command: list[str]
) -> None:
    """usage report and estimate --from agree: no request found is exit 2, with what was skipped and the
    paths looked in, the same line from both."""
    path = make(tmp_path)  # type: ignore[operator]
    message = cli.error([*command, "--from", "claude-code", str(path)])
    assert message == f"logs claude-code: no usage found{reason}; looked in {path}"
    if reason:
        assert cli.error([*command, "--from", "claude-code", str(path), "--strict"]).startswith(
            "--strict: 1 log line"
        )


@pytest.mark.parametrize("command", [REPORT, ["estimate", "--as-of", AS_OF], ["usage", "profile"]])
def test_a_path_that_does_not_exist_is_a_typo_not_no_logs(
    cli: Cli, tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "clade"
    assert (
        cli.error([*command, "--from", "claude-code", str(missing)]) == f"{missing}: no such file or folder"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--by", "year"], "--by: expected one of day, week, month, hour, model, tool, got 'year'", id="by"),
        pytest.param(["--tz", "Asia/Shangai"], "unknown time zone 'Asia/Shangai'; did you mean 'Asia/Shanghai'", id="tz"),
        pytest.param(["--since", "last week"], "--since: 'last week' is not a date (expected YYYY-MM-DD)", id="since"),
        pytest.param(["--since", "2026-10-05", "--until", "2026-10-01"], "--since 2026-10-05 is after --until 2026-10-01", id="since-after-until"),
        pytest.param(["--map", "claude-*=mimo-v25"], "unknown model 'mimo-v25'; did you mean 'mimo-v2.5'", id="map-typo"),
        pytest.param(["--from", "claude"], "unknown log source 'claude'; did you mean 'claude-code'", id="tool-typo"),
        pytest.param(["--from", "csv"], "--from csv reads the files you name: add a PATH", id="csv-without-path"),
        pytest.param(["--from", "codex,claude-code", CLAUDE], "paths belong to one log source", id="paths-two-tools"),
        pytest.param([CLAUDE], "paths belong to one log source", id="paths-no-tool"),
        pytest.param(["--json", "--csv"], "--json and --csv exclude each other", id="json-and-csv"),
    ],
)  # fmt: skip
def test_bad_report_options(cli: Cli, args: list[str], message: str) -> None:
    base = REPORT if "--from" in args or args[0] == CLAUDE else [*REPORT, *FROM_CLAUDE]
    assert message in cli.error([*base, *args])


def test_default_discovery_reads_the_tools_found_on_this_machine(cli: Cli, tmp_path: Path) -> None:
    shutil.copytree(CLAUDE, tmp_path / ".claude")
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": "", "CLAUDE_CONFIG_DIR": ""}
    doc = cli.json(REPORT, env=env)
    assert doc["totals"]["credits"] == TOTAL and doc["source"] == "logs claude-code"
    nobody = tmp_path / "nobody"
    message = cli.error([*REPORT], env={**env, "HOME": str(nobody)})
    assert re.fullmatch(
        r"logs \(none found\): no usage found; looked in \d+ places, none of which exists", message
    )


def test_profile_round_trip_gives_the_same_monthly_credits(cli: Cli, tmp_path: Path) -> None:
    """logs -> usage.toml -> estimate prices exactly as estimate --from the same logs."""
    target = tmp_path / "usage.toml"
    written = cli.json(
        ["usage", "profile", *FROM_CLAUDE, "-o", str(target), "--as-of", AS_OF, "--tz", "Asia/Shanghai"]
    )
    assert written["output"] == str(target) and written["days"] == 2 and written["records"] == 4
    text = target.read_text()
    assert "period_days = 2" in text and 'timezone = "Asia/Shanghai"' in text and "[[days]]" in text
    from_profile = cli.json(["estimate", "--profile", str(target), "--as-of", AS_OF])
    from_logs = cli.json(["estimate", *FROM_CLAUDE, "--as-of", AS_OF, "--tz", "Asia/Shanghai"])
    assert from_profile["credits_per_month"] == from_logs["credits_per_month"] == Decimal(TOTAL) * 30 / 2
    assert from_profile["credits_offpeak"] == from_logs["credits_offpeak"] == Decimal(454_800) * 15
    assert from_profile["recommended"] == from_logs["recommended"]
    assert from_logs["source"] == "logs claude-code" and from_profile["notes"] == from_logs["notes"]
    assert any("(assumed)" in note for note in from_logs["notes"])


def test_the_readmes_profile_example_gives_the_same_credits_as_from(cli: Cli, tmp_path: Path) -> None:
    """The README's three lines, run on the sample logs: the profile gives the credits --from gives."""
    import shlex

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    lines = [line for line in readme.splitlines() if line.startswith("$ tokenplan ") and "usage.toml" in line]
    lines.insert(0, next(line for line in readme.splitlines() if "# every Claude Code log" in line))
    runs = []
    for line in lines:
        args = shlex.split(line.split("#")[0])[2:]
        args = [str(tmp_path / a) if a == "usage.toml" else a for a in args]
        if "claude-code" in args:
            args.insert(args.index("claude-code") + 1, CLAUDE)
        runs.append(cli.json([*args, "--as-of", AS_OF]))
    from_logs, written, from_profile = runs
    assert written["command"] == "usage profile"
    assert from_profile["credits_per_month"] == from_logs["credits_per_month"]
    assert from_profile["notes"] == from_logs["notes"] == []  # the --map leaves no model assumed


def test_profile_never_overwrites_without_force(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "usage.toml"
    target.write_text("keep me")
    assert (
        cli.error(["usage", "profile", *FROM_CLAUDE, "-o", str(target)])
        == f"{target}: already exists; add --force to overwrite it"
    )
    assert target.read_text() == "keep me"
    cli.run(["usage", "profile", *FROM_CLAUDE, "-o", str(target), "--force"])
    assert target.read_text().startswith("# Written by tokenplan usage profile")


def test_profile_days_are_read_back(cli: Cli, tmp_path: Path, card: object) -> None:
    from conftest import NOW
    from tokenplan_cli.readers.profile import load_profile

    target = tmp_path / "usage.toml"
    cli.run(["usage", "profile", *FROM_CLAUDE, "-o", str(target), "--as-of", AS_OF])
    profile = load_profile(target, card, NOW)  # type: ignore[arg-type]
    assert [str(day.day) for day in profile.days] == ["2026-10-01", "2026-10-02"]
    assert profile.observed["assumed_models"] == [
        "claude-haiku-4-5-20251001",
        "claude-opus-4-1-20250805",
        "claude-sonnet-4-5-20250929",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            [*FROM_CLAUDE, "--output", "5M"],
            "--from reads the usage from logs; drop --output",
            id="from-and-flags",
        ),
        pytest.param(
            [*FROM_CLAUDE, "--profile", "u.toml"],
            "give either --profile or --from, not both",
            id="from-and-profile",
        ),
        pytest.param(
            ["--from", "claude-code", "/nonexistent/logs"],
            "/nonexistent/logs: no such file or folder",
            id="typo",
        ),
        pytest.param(
            ["--model", "mimo-v2.5", "--cache-miss", "10M", "extra"],
            "unexpected argument 'extra': log files and folders follow --from TOOL",
            id="stray-word",
        ),
        pytest.param(["extra"], "unexpected argument 'extra'", id="stray-word-alone"),
        pytest.param(
            [*FROM_CLAUDE, "--since", "2027-01-01"],
            "no usage found between 2027-01-01 and today",
            id="empty-period",
        ),
    ],
)
def test_bad_estimate_from(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error(["estimate", "--as-of", AS_OF, *args])


def test_usage_report_json_loads_no_rich() -> None:
    from test_startup import run_and_list_modules

    modules = run_and_list_modules(["usage", "report", "--from", "claude-code", CLAUDE, "--json"])
    assert "rich" not in modules and "pydantic" not in modules


def test_profile_json_needs_a_file(cli: Cli) -> None:
    assert "--json describes the file written: add -o FILE" in cli.error(
        ["usage", "profile", *FROM_CLAUDE, "--json"]
    )


def test_profile_to_stdout_is_the_toml(cli: Cli) -> None:
    out = cli.run(["usage", "profile", *FROM_CLAUDE, "--as-of", AS_OF]).stdout
    assert out.startswith("# Written by tokenplan usage profile") and "schema_version = 1" in out


def test_the_progress_bar_draws_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, card: object, tmp_path: Path
) -> None:
    """Rich is imported, and the bar drawn on stderr, only when stderr is a terminal and a person reads;
    through the index, only for what there is to read."""
    import sys

    from tokenplan_cli.app import logs
    from tokenplan_cli.readers.logs import Skips
    from tokenplan_cli.readers.logs.scanner import iter_log_files, log_searches

    searches = log_searches(("claude-code",), [Path(CLAUDE)], {}, Path("/nowhere"))
    files = list(iter_log_files(("claude-code",), [Path(CLAUDE)], {}, Path("/nowhere"), Skips()))
    monkeypatch.setattr("tokenplan_cli.readers.logs.scanner.POOL_FROM_BYTES", 0)
    monkeypatch.setenv("TOKENPLAN_CACHE_DIR", str(tmp_path))
    drawn: list[int] = []

    class FakeProgress:
        def __init__(self, files: int, total: int) -> None:
            drawn.append(files)

        def __enter__(self) -> object:
            return lambda size: drawn.append(size)

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr("tokenplan_cli.render.progress.file_progress", FakeProgress)
    for scan in (logs._scan, logs._indexed_scan):
        drawn.clear()
        monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
        scan(searches, True, card, Skips(), False)  # type: ignore[arg-type]
        scan(searches, True, card, Skips(), True)  # type: ignore[arg-type]
        assert drawn == []
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
        scan(searches, True, card, Skips(), False)  # type: ignore[arg-type]
        assert drawn == []
        (tmp_path / "log-index.sqlite").unlink(missing_ok=True)  # the index reads the files again
        result = scan(searches, True, card, Skips(), True)  # type: ignore[arg-type]
        assert result is not None
        assert drawn[0] == 3 and sum(drawn[1:]) == sum(f.size for f in files) and result.records == 4
        drawn.clear()
        if scan is logs._indexed_scan:  # nothing new: nothing to read, no bar
            again = scan(searches, True, card, Skips(), True)  # type: ignore[arg-type]
            assert again is not None and again.records == 4 and drawn == []


def test_file_progress_draws_files_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from tokenplan_cli.render import progress

    stream = io.StringIO()
    monkeypatch.setattr(
        progress, "make_console", lambda stderr: Console(file=stream, force_terminal=True, width=100)
    )
    with progress.file_progress(2, 2_000_000) as advance:
        advance(1_000_000)
        advance(1_000_000)
    assert "2/2 files" in stream.getvalue() and "2.0 MB" in stream.getvalue()


def test_the_readme_tour_shows_real_output(cli: Cli) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    command = "$ tokenplan usage report --from claude-code tests/fixtures/logs/claude --map 'claude-haiku-*=mimo-v2.5' --map 'claude-*=mimo-v2.5-pro'\n"
    shown = readme.split(command, 1)[1].split("```", 1)[0]
    args = [
        "usage",
        "report",
        *FROM_CLAUDE,
        "--map",
        "claude-haiku-*=mimo-v2.5",
        "--map",
        "claude-*=mimo-v2.5-pro",
    ]
    real = (
        "\n".join(line.rstrip() for line in cli.run(args, env={"COLUMNS": "100"}).stdout.splitlines()) + "\n"
    )
    assert shown == real


def test_with_no_flags_every_tool_found_is_read(cli: Cli, tmp_path: Path) -> None:
    """A machine with Claude Code, Codex and Gemini CLI logs where each keeps them: one report of all."""
    shutil.copytree(CLAUDE, tmp_path / ".claude")
    shutil.copytree(FIXTURES / "codex", tmp_path / ".codex")
    shutil.copytree(FIXTURES / "gemini", tmp_path / ".gemini")
    env = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": "",
        "CLAUDE_CONFIG_DIR": "",
        "CODEX_HOME": "",
        "XDG_DATA_HOME": "",
        "GEMINI_CLI_HOME": "",
        "OPENCLAW_STATE_DIR": "",
    }
    doc = cli.json([*REPORT, "--by", "tool"], env=env)
    assert [t["tool"] for t in doc["tools"]] == ["claude-code", "codex", "gemini"]
    assert [row["tool"] for row in doc["rows"]] == ["claude-code", "codex", "gemini"]
    alone = {
        tool: cli.json([*REPORT, "--from", tool], env=env)["totals"]["credits"]
        for tool in ("claude-code", "codex", "gemini")
    }
    assert doc["totals"]["credits"] == sum(alone.values()) and alone["claude-code"] == TOTAL
    assert doc["source"] == "logs claude-code, codex, gemini"


def test_a_machine_without_logs(cli: Cli, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": "", "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": "",
           "XDG_DATA_HOME": "", "GEMINI_CLI_HOME": "", "OPENCLAW_STATE_DIR": ""}  # fmt: skip
    report = cli.run(REPORT, code=2, env=env)
    assert report.stderr.startswith("tokenplan: error: logs (none found): no usage found; looked in ")
    assert report.stderr.endswith(" places, none of which exists\n")
    (tmp_path / ".codex" / "sessions").mkdir(parents=True)  # a folder that exists is named, as ~/…
    named = cli.error(REPORT, env=env)
    assert re.fullmatch(
        r"logs \(none found\): no usage found; looked in ~/.codex/sessions \(\d+ other places not found\)",
        named,
    )
    document = cli.json(REPORT, code=2, env=env)
    assert document["error"]["code"] == 2 and "no usage found" in document["error"]["message"]
    failed = cli.run(["estimate", "--from", "claude-code"], code=2, env=env)
    assert failed.stderr.startswith("tokenplan: error: logs claude-code: no usage found; looked in ")


def test_simulate_and_check_read_the_same_logs_as_estimate(cli: Cli) -> None:
    """`--from` is one source for every planning command: the same monthly credits, the same assumptions."""
    estimate = cli.json(["estimate", "--as-of", AS_OF, *FROM_CLAUDE])
    simulate = cli.json(["simulate", "--as-of", AS_OF, "--runs", "200", *FROM_CLAUDE])
    check = cli.json(["check", "--as-of", AS_OF, "--tier", "Lite", "--max-utilization", "90%", *FROM_CLAUDE])
    assumed = [note for note in estimate["notes"] if "(assumed)" in note]
    assert len(assumed) == 3  # the three claude-* models of the fixture, charged as mimo-v2.5-pro
    assert simulate["credits_per_month"] == estimate["credits_per_month"]
    assert simulate["source"] == check["source"] == estimate["source"] == "logs claude-code"
    assert set(assumed) <= set(simulate["notes"]) and set(assumed) <= set(check["notes"])
    assert check["ok"] is True and check["usage"] == estimate["credits_per_month"]


@pytest.mark.parametrize("command", ["simulate", "check"])
def test_from_excludes_flags_in_simulate_and_check(cli: Cli, command: str) -> None:
    extra = ["--tier", "Lite", "--max-utilization", "90%"] if command == "check" else []
    message = cli.error([command, "--as-of", AS_OF, *extra, *FROM_CLAUDE, "--cache-miss", "5M"])
    assert message == "--from reads the usage from logs; drop --cache-miss"
