"""One short line of the `watch` document, for a status line: `Standard 63% · 4.07B left · runs out
Nov 19, 12 d early · off-peak ×0.8 in 2h14m`. Plain text, or ANSI colour by how much is used.

No Rich here: a status line runs on every message of a session, and this module imports nothing.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from tokenplan_cli.core.errors import BadInputError, did_you_mean
from tokenplan_cli.render.numbers import short

DEFAULT_FORMAT = "{tier} {used} · {left} left · {runout} · {offpeak}"
GREEN, YELLOW, RED, DIM, RESET = "\033[32m", "\033[33m", "\033[31m", "\033[2m", "\033[0m"
SEPARATOR = " · "


def fields(doc: Mapping[str, Any]) -> dict[str, str]:
    """Every field a `--format` template can name, as text."""
    live = doc["live"]
    used = Decimal(doc["used_fraction"] or 0) * 100
    return {
        "tier": doc["tier"],
        "cycle": doc["cycle"],
        "used": f"{used:.0f}%",
        "left": short(doc["credits_left"]),
        "used_credits": short(doc["credits_used"]),
        "runout": _runout(doc),
        "expires": _day(doc["local"]["expires_at"]),
        "days_left": f"{doc['days_left']} d left",
        "burn": f"{short(doc['burn_per_day'])}/d" if doc["burn_per_day"] is not None else "–",
        "hour": short(live["last_hour_credits"]),
        "today": short(live["today_credits"]),
        "offpeak": _offpeak(live["offpeak"], doc["now"]),
        "reminder": _reminder(doc["next_reminder"]),
        "source": doc["source"],
    }


FIELDS = ("tier", "cycle", "used", "left", "used_credits", "runout", "expires", "days_left", "burn", "hour",
          "today", "offpeak", "reminder", "source")  # fmt: skip


def known_fields() -> tuple[str, ...]:
    return FIELDS


def check_template(template: str) -> str:
    """`template` if every `{field}` in it is known; else one line saying which is not."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise BadInputError(f"--format: {exc}") from None
    for name in names:
        if name not in known_fields():
            hint = did_you_mean(name, known_fields())
            raise BadInputError(
                f"--format: unknown field {{{name}}}"
                + (f"; did you mean {hint}?" if hint else f" (known: {', '.join(known_fields())})")
            )
    return template


def status_line(doc: Mapping[str, Any], template: str = DEFAULT_FORMAT, colour: bool = False) -> str:
    values = fields(doc)
    if colour:
        level = _level(doc)
        values["used"] = f"{level}{values['used']}{RESET}"
        if doc["stops_early"] or not doc["active"]:
            values["runout"] = f"{RED}{values['runout']}{RESET}"
        if values["offpeak"]:
            values["offpeak"] = f"{DIM}{values['offpeak']}{RESET}"
    line = check_template(template).format_map(values)
    return _tidy(line)


def _tidy(line: str) -> str:
    """One line, without separators left dangling by an empty field."""
    parts = [part for part in line.replace("\n", " ").split(SEPARATOR) if part.strip()]
    return SEPARATOR.join(parts).strip()


def _level(doc: Mapping[str, Any]) -> str:
    used = Decimal(doc["used_fraction"] or 0)
    if used >= Decimal("0.9") or doc["stops_early"] or not doc["active"]:
        return RED
    return YELLOW if used >= Decimal("0.5") else GREEN


def _runout(doc: Mapping[str, Any]) -> str:
    if not doc["active"]:
        return "expired"
    if not doc["credits_left"]:
        return "out of credits"
    if doc["stops_early"]:
        early = doc["live"]["days_early"]
        when = _day(doc["local"]["runs_out_at"])
        return f"runs out {when}, {early} d early" if early else f"runs out {when}"
    return f"lasts to {_day(doc['local']['expires_at'])}"


def _offpeak(offpeak: Mapping[str, Any], now: str) -> str:
    coefficient = f"×{offpeak['coefficient']}"
    if offpeak["changes_at"] is None:
        return f"off-peak {coefficient}" if offpeak["on"] else ""
    wait = _duration(_instant(offpeak["changes_at"]) - _instant(now))
    return f"off-peak {coefficient} for {wait}" if offpeak["on"] else f"off-peak {coefficient} in {wait}"


def _reminder(reminder: Mapping[str, Any] | None) -> str:
    if reminder is None:
        return ""
    day = _day(reminder["date"])
    if reminder["kind"] == "usage":
        return f"{Decimal(reminder['threshold']) * 100:.0f}% ~{day}"
    return f"expiry reminder {day}"


def _duration(delta: Any) -> str:
    minutes = max(0, int(delta.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def _day(text: str | None) -> str:
    """`Nov 19` from an ISO date or instant (in the zone it carries)."""
    if text is None:
        return "–"
    moment = (
        datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text else datetime.fromisoformat(text)
    )
    return f"{moment:%b} {moment.day}"


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)
