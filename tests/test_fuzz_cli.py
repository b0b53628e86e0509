"""Fuzzing the commands' option values through the CLI: whatever is typed, tokenplan answers (exit 0),
reports a broken limit (1) or refuses the input in one line (2); never an internal error (3), never a
traceback, never a hang.

Values are drawn from the shapes that broke it before (issue 10): numbers with huge exponents,
percentages of them, instants at the calendar's ends and in far zones, folders of the zone database and
over-long names, plus arbitrary text. (Log files are fuzzed with the log readers' tests.)
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OF, Cli
from tokenplan_cli.cli import app

EDGE_NUMBERS = ["1e999999999", "1e-999999999", "-1e999999999", "1E+30", "1e31", "0e-999999999", "NaN", "inf",
                "-0", "0", "1_000", "1,000", "1,00", "١٢", "12.5%", "1e999999999%", "1e-999999999%", "100%", "" ]  # fmt: skip
EDGE_INSTANTS = ["0001-01-01T00:00+14:00", "9999-12-31T23:59:59-12:00", "9999-12-30", "0001-01-01", "0002-01-01",
                 "9997-12-31T23:59:59Z", "9998-01-01", "2026-02-30", "2026-11-01T25:00", "2026-11-01T12:00+24:00",
                 "2026-11-01", "2026-05-26T16:00:00Z", "yesterday", ""]  # fmt: skip
EDGE_ZONES = ["America", "Etc", "America/Argentina", "A" * 300, "Asia/" * 60, "", "/", "..", "../../etc/passwd",
              "Asia/Shanghai/", "UTC", "Asia/Shanghai", "Pacific/Kiritimati", "localtime", "\x00"]  # fmt: skip

numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.builds(
        "{}e{}{}".format,
        st.sampled_from(["1", "2.5", "-3", "0.000"]),
        st.integers(-(10**10), 10**10),
        st.sampled_from(["", "%", "k", "M", "B"]),
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
)
instants = st.one_of(
    st.sampled_from(EDGE_INSTANTS),
    st.builds(
        "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}{}".format,
        st.sampled_from([1, 2, 1970, 2026, 9997, 9998, 9999]),
        st.integers(1, 12),
        st.integers(1, 31),
        st.integers(0, 23),
        st.integers(0, 59),
        st.sampled_from(["", "Z", "+14:00", "-12:00", "+23:59", "-23:59"]),
    ),
    st.text(max_size=25),
)
zones = st.one_of(st.sampled_from(EDGE_ZONES), st.text(max_size=40))
words = st.one_of(
    st.sampled_from(["monthly", "annual", "Lite", "Pro", "Max", "USD", "cny", "new-user"]),
    st.text(max_size=12),
)
small_counts = st.sampled_from(
    ["-1", "0", "5", "31", "abc", "1e3", "99999999999999999999", ""]
)  # never many runs
mixes = st.builds("{}={}".format, st.sampled_from(["mimo-v2.5", "mimo-v2.5-pro", "x"]), numbers)

# Per command: the arguments it needs to run at all, and the options whose values are fuzzed.
COMMANDS = {
    "estimate": (["estimate", "--as-of", AS_OF, "-m", "mimo-v2.5-pro", "--output", "10M"],
                 {"--offpeak": numbers, "--headroom": numbers, "--cache-hit": numbers, "--cache-miss": numbers,
                  "--output": numbers, "--as-of": instants, "--currency": words, "--per": words}),
    "estimate-asr": (["estimate", "--as-of", AS_OF, "--audio-hours", "3"], {"--audio-hours": numbers}),
    "quote": (["quote", "Pro", "--start", "2026-11-01"],
              {"--start": instants, "--tz": zones, "--cycle": words, "--currency": words, "--auto-renew": words}),
    "upgrade-quote": (["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "1B", "--now", "2026-11-10"],
                      {"--used": numbers, "--remaining": numbers, "--paid": numbers, "--now": instants,
                       "--tz": zones, "--cycle": words, "--to-cycle": words}),
    "renewal-quote": (["renewal-quote", "--from", "Lite", "--used", "1B", "--now", "2026-11-10"],
                      {"--used": numbers, "--paid": numbers, "--now": instants, "--to": words, "--tz": zones}),
    "expiry": (["expiry", "--start", "2026-11-01", "--now", "2026-11-10"],
               {"--start": instants, "--now": instants, "--tz": zones, "--cycle": words}),
    "status": (["status", "--tier", "Pro", "--start", "2026-11-01", "--used", "10%", "--now", "2026-11-10"],
               {"--used": numbers, "--remaining": numbers, "--paid": numbers, "--start": instants,
                "--now": instants, "--tz": zones}),
    "simulate": (["simulate", "--as-of", AS_OF, "-m", "mimo-v2.5-pro", "--output", "10M", "--runs", "20"],
                 {"--spread": numbers, "--risk": numbers, "--growth": numbers, "--shift-offpeak": numbers,
                  "--mix": mixes, "--runs": small_counts, "--seed": small_counts, "--active-days": small_counts,
                  "--as-of": instants}),
    "check": (["check", "--as-of", AS_OF, "--tier", "Pro", "-m", "mimo-v2.5-pro", "--output", "10M", "--runs", "20"],
              {"--max-utilization": numbers, "--max-risk": numbers, "--cycle": words, "--as-of": instants}),
    "rates": (["rates"], {"--as-of": instants}),
}  # fmt: skip


@st.composite
def invocations(draw: st.DrawFn) -> list[str]:
    base, options = COMMANDS[draw(st.sampled_from(sorted(COMMANDS)))]
    chosen = draw(st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3, unique=True))
    args = list(base)
    for option in chosen:
        args += [option, draw(options[option])]
    return args


@settings(max_examples=250)
@given(args=invocations())
def test_no_option_value_ends_in_an_internal_error(args: list[str]) -> None:
    result = Cli().runner.invoke(app, [*args, "--json"], env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code in (0, 1, 2), f"exit {result.exit_code} for {args}:\n{result.stderr}"
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    document = json.loads(result.stdout)  # --json: a document on stdout whatever happened
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("tokenplan: error: "), result.stderr
        assert document["error"]["code"] == 2
