"""Time zones by IANA name (`Asia/Shanghai`), with a did-you-mean for a misspelt one."""

from __future__ import annotations

from datetime import datetime, tzinfo

from tokenplan_cli.core.errors import BadInputError, did_you_mean

_ALIASES = {"utc": "UTC", "z": "UTC", "gmt": "UTC"}
# The longest IANA name has 32 characters (America/Argentina/ComodRivadavia); a longer one is no zone,
# and as a path into the zone database the system may refuse it ("file name too long").
LONGEST_NAME = 64


def load_zone(name: str) -> tzinfo:
    """The zone called `name`, or a one-line error that suggests the closest known names."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    canonical = _ALIASES.get(name.strip().lower(), name.strip())
    if len(canonical) <= LONGEST_NAME:
        try:
            return ZoneInfo(canonical)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of it, e.g. America
            pass
    known = available_timezones()
    raise BadInputError(f"unknown time zone {_quoted(name)}{_hint(canonical, known)}")


def _hint(name: str, known: set[str]) -> str:
    region = sorted(zone for zone in known if zone.startswith(f"{name}/")) if name else []
    if region:
        return f": {name} is a region; name one of its zones, e.g. {', '.join(region[:3])}"
    close = did_you_mean(name, known) if len(name) <= LONGEST_NAME else None
    return f"; did you mean {close}?" if close else " (use an IANA name such as Asia/Shanghai or UTC)"


def _quoted(name: str) -> str:
    """The name as typed, cut short when it is long enough to wrap the one line of an error."""
    if len(name) <= LONGEST_NAME:
        return repr(name)
    return f"{name[:32]!r}… ({len(name)} characters)"


def utc_offset_minutes(zone: tzinfo, at: datetime) -> int:
    """The zone's offset from UTC at the instant `at`, in minutes (east positive)."""
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds()) // 60
