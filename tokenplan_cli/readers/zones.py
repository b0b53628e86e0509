"""Time zones by IANA name (`Asia/Shanghai`), with a did-you-mean for a misspelt one."""

from __future__ import annotations

from datetime import datetime, tzinfo

from tokenplan_cli.core.errors import BadInputError, did_you_mean

_ALIASES = {"utc": "UTC", "z": "UTC", "gmt": "UTC"}


def load_zone(name: str) -> tzinfo:
    """The zone called `name`, or a one-line error that suggests the closest known names."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    canonical = _ALIASES.get(name.strip().lower(), name.strip())
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    known = available_timezones()
    hint = did_you_mean(canonical, known)
    suffix = f"; did you mean {hint}?" if hint else " (use an IANA name such as Asia/Shanghai or UTC)"
    raise BadInputError(f"unknown time zone {name!r}{suffix}")


def utc_offset_minutes(zone: tzinfo, at: datetime) -> int:
    """The zone's offset from UTC at the instant `at`, in minutes (east positive)."""
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds()) // 60
