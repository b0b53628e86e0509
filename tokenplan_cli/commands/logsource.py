"""The options of every command that reads tools' logs, gathered into one `app.logs.LogRequest`.

`usage report` and `usage profile` take these options as one `LogRequest` (`option_group("logs",
LOG_OPTIONS)`), and `estimate`, `simulate` and `check` as part of their usage options; the application
layer reads what they ask for (`app.logs.read_logs`, `app.logs.log_profile`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokenplan_cli.app.logs import LogRequest, parse_day
from tokenplan_cli.commands.groups import Group
from tokenplan_cli.readers.logs import LOG_READERS

FromOption = Annotated[
    list[str] | None,
    typer.Option(
        "--from",
        metavar="TOOL",
        help=f"Read these tools' logs: {', '.join(LOG_READERS)} (repeat or comma-separate; "
        "default: every tool found on this machine).",
        show_default=False,
    ),
]
PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATH",
        help="Log files or folders of the one --from tool (default: where the tool keeps them).",
        show_default=False,
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="PATTERN=MODEL",
        help="Charge logged models matching a glob as a card model: 'claude-opus-*=mimo-v2.5-pro' "
        "(repeatable, first match wins; unmatched models are charged as the dearer model and listed as "
        "assumed).",
        show_default=False,
    ),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="First day to count (YYYY-MM-DD, in --tz).", show_default=False)
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="Last day to count, included (YYYY-MM-DD, in --tz).", show_default=False),
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz", help="Time zone of days and hours, e.g. Asia/Shanghai (default: UTC).", show_default=False
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict", help="Exit 2 if any log line or file could not be read (default: skip and count)."
    ),
]
NoIndexOption = Annotated[
    bool,
    typer.Option(
        "--no-index",
        help="Read every log file from its first byte, without the log index (also TOKENPLAN_NO_INDEX=1).",
    ),
]


def log_request(
    *,
    paths: list[Path] | None,
    tools: list[str] | None,
    maps: list[str] | None,
    since: str | None,
    until: str | None,
    tz: str | None,
    strict: bool,
    no_index: bool,
) -> LogRequest:
    """The log options as one request, the days parsed."""
    return LogRequest(
        tools=tools,
        paths=paths,
        maps=maps,
        since=None if since is None else parse_day(since, "since"),
        until=None if until is None else parse_day(until, "until"),
        tz=tz,
        strict=strict,
        no_index=no_index,
    )


LOG_OPTIONS = Group(
    {
        "paths": (PathsArgument, None),
        "tools": (FromOption, None),
        "maps": (MapOption, None),
        "since": (SinceOption, None),
        "until": (UntilOption, None),
        "tz": (TzOption, None),
        "strict": (StrictOption, False),
        "no_index": (NoIndexOption, False),
    },
    log_request,
)
