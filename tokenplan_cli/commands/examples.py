"""Two or three real examples for each command: the end of its `--help` and of docs/commands.md.

tests/test_help.py runs every one that ends by itself (with sample logs where the tools keep them, a
held plan, and the files the examples name), so an example that stops working fails the suite.
"""

from __future__ import annotations

from tokenplan_cli.tuples import NamedTuple


class Example(NamedTuple):
    what: str  # what it does, in a few words
    command: str  # as typed, starting with `tokenplan`
    ends: bool = True  # False for a live view that runs until stopped (the tests do not run it)
    code: int = 0  # the exit code it ends with (1: a check that fails, as the example shows)


EXAMPLES: dict[str, tuple[Example, ...]] = {
    "estimate": (
        Example("A month of one model, 30 % of it off-peak",
                "tokenplan estimate -m mimo-v2.5-pro --cache-hit 50M --cache-miss 10M --output 2M --offpeak 30%"),
        Example("Your Claude Code logs, Claude models charged as mimo-v2.5-pro",
                "tokenplan estimate --from claude-code --map 'claude-*=mimo-v2.5-pro'"),
        Example("A working day's use, 22 days a month, in yuan",
                "tokenplan estimate -m mimo-v2.5 --cache-miss 2M --output 500k --per day --days 22 --currency CNY"),
    ),
    "rates": (
        Example("The card: models and their status, tiers, discounts, the off-peak window", "tokenplan rates"),
        Example("The rules in force on a date, for a script", "tokenplan rates --as-of 2026-06-01 --json"),
    ),
    "rates validate": (
        Example("Check a card you edited", "tokenplan rates validate my-rates.toml"),
        Example("The same, for a script", "tokenplan rates validate my-rates.toml --json"),
    ),
    "rates export": (
        Example("Start a card of your own from the built-in one", "tokenplan rates export -o your-rates.toml"),
        Example("Print it", "tokenplan rates export"),
    ),
    "quote": (
        Example("A first purchase", "tokenplan quote Standard --first-purchase"),
        Example("A year of Pro in yuan", "tokenplan quote Pro --cycle annual --currency CNY"),
        Example("Auto-renewal from the start, its expiry in your zone",
                "tokenplan quote Standard --auto-renew new-user --start 2026-01-31 --tz Asia/Shanghai"),
    ),
    "upgrade-quote": (
        Example("Standard to Pro with 63 % of the credits used",
                "tokenplan upgrade-quote --from Standard --to Pro --used 63%"),
        Example("An annual Lite bought at a discount, 1.2B credits left",
                "tokenplan upgrade-quote --from Lite --to Standard --cycle annual --remaining 1.2B --paid 55.76"),
    ),
    "renewal-quote": (
        Example("Renew a Pro plan as Lite, 10 % used", "tokenplan renewal-quote --from Pro --to Lite --used 10%"),
        Example("Renew the same tier for a year", "tokenplan renewal-quote --from Standard --used 80% --to-cycle annual"),
    ),
    "expiry": (
        Example("When a plan bought on the 31st expires", "tokenplan expiry --start 2026-01-31"),
        Example("An annual plan, in your zone", "tokenplan expiry --start 2026-03-28 --cycle annual --tz Asia/Shanghai"),
    ),
    "status": (
        Example("The plan you hold, from your tools' logs (after 'tokenplan plan set')", "tokenplan status"),
        Example("A plan given by hand, 63 % used", "tokenplan status --tier Standard --start 2026-11-01 --used 63%"),
        Example("Fail a script when the credits will not last, as a report",
                "tokenplan status --tier Standard --start 2026-11-01 --used 63% --check --format markdown", code=1),
    ),
    "usage report": (
        Example("Every tool's logs on this machine, by day", "tokenplan usage report"),
        Example("Claude Code since a date, by model", "tokenplan usage report --from claude-code --since 2026-10-01 --by model"),
        Example("By week, as Markdown for a pull request", "tokenplan usage report --by week --format markdown"),
    ),
    "usage profile": (
        Example("Keep the observed days for later", "tokenplan usage profile --from claude-code -o observed.toml"),
        Example("Print the profile of one month",
                "tokenplan usage profile --since 2026-10-01 --until 2026-10-31 --map 'claude-*=mimo-v2.5'"),
    ),
    "usage index": (
        Example("What the log index holds, and its size on disk", "tokenplan usage index"),
        Example("Read Claude Code's logs into it afresh", "tokenplan usage index --rebuild --from claude-code"),
        Example("Delete it (the next command that reads logs builds it again)", "tokenplan usage index --clear"),
    ),
    "simulate": (
        Example("A usage with a day-to-day spread of 40 %", "tokenplan simulate -m mimo-v2.5 --cache-miss 38M --spread 40%"),
        Example("The observed days of a profile, at a 1 % risk", "tokenplan simulate --profile usage.toml --risk 1%"),
        Example("What if a third of peak use moved off-peak, and use grew 5 % a month",
                "tokenplan simulate --from claude-code --shift-offpeak 30% --growth 5%"),
    ),
    "check": (
        Example("A CI gate: at most 90 % of an annual Lite plan",
                "tokenplan check --tier Lite --cycle annual --max-utilization 90% -m mimo-v2.5 --cache-miss 30M"),
        Example("At most a 5 % risk of running out, as a job summary",
                "tokenplan check --profile usage.toml --tier Standard --max-risk 5% --format markdown"),
    ),
    "plan set": (
        Example("Remember the plan you hold", "tokenplan plan set Standard --start 2026-11-01"),
        Example("An annual plan bought at a discount, auto-renewal off",
                "tokenplan plan set Pro --start 2026-01-31 --cycle annual --paid 464.64 --auto-renew off"),
    ),
    "plan show": (
        Example("The plan held, its cycle and your defaults", "tokenplan plan show"),
        Example("The same, for a script", "tokenplan plan show --json"),
    ),
    "plan clear": (
        Example("Forget the plan (your defaults stay)", "tokenplan plan clear"),
        Example("The same, for a script", "tokenplan plan clear --json"),
    ),
    "plan calibrate": (
        Example("What the console shows now", "tokenplan plan calibrate --used 63%"),
        Example("What it showed this morning", "tokenplan plan calibrate --used 6.93B --at 2026-11-12T09:30Z"),
    ),
    "plan defaults": (
        Example("Prices in yuan, days in Shanghai", "tokenplan plan defaults --currency CNY --tz Asia/Shanghai"),
        Example("Read Claude Code's logs, Claude models as mimo-v2.5-pro",
                "tokenplan plan defaults --from claude-code --map 'claude-*=mimo-v2.5-pro'"),
    ),
    "watch": (
        Example("A live dashboard of the plan you hold", "tokenplan watch", ends=False),
        Example("Every 30 seconds, and a desktop note at 50, 90 and 100 %",
                "tokenplan watch --every 30s --notify-cmd 'notify-send tokenplan'", ends=False),
        Example("One reading, for a script", "tokenplan watch --once --json"),
    ),
    "statusline": (
        Example("What to add to Claude Code's settings.json", "tokenplan statusline --print-config"),
        Example("Fields of your choosing", "tokenplan statusline --format '{tier} {used} · {left} left'"),
    ),
    "setup": (
        Example("What Claude Code needs to spend your plan (the cluster your subscription page shows)",
                "tokenplan setup claude-code --cluster sgp"),
        Example("OpenCode, written into its config (a backup kept)", "tokenplan setup opencode --cluster ams --write"),
        Example("Whether the key in your environment has the Token Plan form",
                "tokenplan setup --check-key --key-env XIAOMI_TOKEN_PLAN_API_KEY"),
    ),
}  # fmt: skip
