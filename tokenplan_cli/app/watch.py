"""`watch`'s loop, without the screen: refresh the live document, notice the thresholds crossed while
watching, hand each refresh to a sink (the dashboard, or a JSON line) and each event to `--notify-cmd`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from typing import Any

Document = dict[str, Any]
NOTIFY_TIMEOUT = 30  # seconds a --notify-cmd may take


def parse_every(text: str) -> float:
    """`5s`, `2m`, `500ms` or a number of seconds, at least one second (a duration, not an amount)."""
    from tokenplan_cli.core.errors import BadInputError

    body = text.strip().lower()
    factor = 1.0
    for suffix, scale in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)):
        if body.endswith(suffix):
            body, factor = body[: -len(suffix)], scale
            break
    try:
        seconds = float(body) * factor
    except ValueError:
        raise BadInputError(f"{text!r} is not a duration (write e.g. 5s, 2m)", field="every") from None
    if not 1 <= seconds <= 24 * 3600:
        raise BadInputError(f"{text!r} is outside 1 second to 24 hours", field="every")
    return seconds


def crossed(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> list[Document]:
    """The usage reminders fired in `current` that had not fired in `previous` (same cycle only: a new
    cycle starts with none fired, and what fired before watching is not news)."""
    if previous is None or previous.get("start") != current.get("start"):
        return []
    before = {r["threshold"] for r in previous["reminders"] if r["fired"]}
    return [
        {
            "schema_version": 1,
            "event": "usage-threshold",
            "threshold": r["threshold"],
            "at": current["now"],
            "tier": current["tier"],
            "cycle": current["cycle"],
            "credits_used": current["credits_used"],
            "credits_total": current["credits_total"],
            "used_fraction": current["used_fraction"],
            "runs_out_at": current["runs_out_at"],
            "stops_early": current["stops_early"],
        }
        for r in current["reminders"]
        if r["fired"] and r["threshold"] not in before
    ]


def notify(command: str, event: Mapping[str, Any]) -> str | None:
    """Run `command` (a shell command) with `event` as JSON on stdin; what went wrong, or None."""
    from tokenplan_cli.render.jsonout import dumps

    try:
        done = subprocess.run(
            command, shell=True, input=dumps(event, indent=0) + "\n", text=True, timeout=NOTIFY_TIMEOUT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"--notify-cmd took over {NOTIFY_TIMEOUT} s and was stopped"
    except OSError as exc:
        return f"--notify-cmd could not run: {exc.strerror or exc}"
    return None if done.returncode == 0 else f"--notify-cmd exited {done.returncode}"


def watch(
    refresh: Callable[[], Document],
    show: Callable[[Document], None],
    wait: Callable[[], None],
    *,
    once: bool,
    notify_cmd: str | None,
) -> None:
    """Refresh, show, and wait, until interrupted (or once); events go in the document and to the
    notify command."""
    previous: Document | None = None
    problems: list[str] = []
    while True:
        document = refresh()
        events = crossed(previous, document)
        for event in events:
            if notify_cmd:
                problem = notify(notify_cmd, event)
                if problem:
                    problems.append(problem)
        document["events"] = events
        document["watch_notes"] = problems[-3:]
        show(document)
        previous = document
        if once:
            return
        wait()
