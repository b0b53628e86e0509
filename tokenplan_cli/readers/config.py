"""The config file reader: `config.toml` (docs/config.md) to a validated `UserConfig`.

Like every reader, it names the file, the key and the fault, and refuses keys it does not know. A file
of a newer `schema_version` is refused rather than half understood: the newer tokenplan that wrote it
may hold things this one would drop on its next write.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tokenplan_cli.core.amounts import parse_amount, parse_money, parse_share
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.subscription import Reading, Subscription
from tokenplan_cli.core.userconfig import EMPTY, SCHEMA_VERSION, Defaults, UserConfig
from tokenplan_cli.readers.cardcache import load_document
from tokenplan_cli.readers.tomlfields import FileError, Table


def load_config(path: Path) -> UserConfig:
    """The config at `path`; a file that does not exist is an empty config."""
    if not path.exists() and not path.is_symlink():
        return EMPTY
    if path.exists() and not path.is_file():
        raise FileError(f"{path}: not a regular file (the config file must be one)")
    return parse_config(load_document(path, "config"), str(path))


def parse_config(document: dict[str, Any], source: str) -> UserConfig:
    root = Table(document, "", source)
    _check_version(root)
    defaults = _defaults(root.table("defaults", required=False))
    plan_table = root.table("plan", required=False)
    plan, readings = (_plan(plan_table), _readings(plan_table)) if root.has("plan") else (None, ())
    plan_table.finish()
    root.finish()
    return UserConfig(plan, readings, defaults)


def _check_version(root: Table) -> None:
    version = root.raw("schema_version", required=True)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        root.fail("schema_version", f"expected a whole number from 1, got {version!r}")
    if version > SCHEMA_VERSION:
        root.fail(
            "schema_version",
            f"{version} is newer than this tokenplan reads ({SCHEMA_VERSION}): upgrade tokenplan "
            "(the file is left as it is)",
        )


def _defaults(table: Table) -> Defaults:
    defaults = Defaults(
        currency=table.optional_string("currency"),
        timezone=table.optional_string("timezone"),
        tools=_strings(table, "tools"),
        maps=_strings(table, "map"),
    )
    table.finish()
    return defaults


def _strings(table: Table, key: str) -> tuple[str, ...] | None:
    value = table.raw(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        table.fail(key, "expected an array of strings")
    return tuple(value)


def _plan(table: Table) -> Subscription:
    paid_text = table.optional_string("paid")
    paid = None
    if paid_text is not None:
        paid = _wrapped(table, "paid", parse_money, paid_text)
    plan = Subscription(
        tier=table.string("tier"),
        cycle=table.string("cycle", "monthly"),
        start=_instant(table, "start"),
        auto_renew=table.boolean("auto_renew", True),
        paid=paid,
        paid_currency=table.optional_string("paid_currency"),
    )
    if (plan.paid is None) != (plan.paid_currency is None):
        table.fail("paid_currency", "paid and paid_currency go together: give both or neither")
    return plan


def _readings(table: Table) -> tuple[Reading, ...]:
    readings = []
    for entry in table.tables("readings"):
        at, used = _instant(entry, "at"), entry.string("used")
        readings.append(_wrapped(entry, "used", parse_reading, at, used))
        entry.finish()
    return tuple(readings)


def parse_reading(at: datetime, used: str, what: str = "used", field: str | None = None) -> Reading:
    """A console reading from text: a share of the quota (`63%`) or a count of credits (`6.93B`)."""
    if used.strip().endswith("%"):
        return Reading(at, used.strip(), share=parse_share(used, what=what, field=field))
    return Reading(at, used.strip(), credits=parse_amount(used, what=what, field=field))


def _instant(table: Table, key: str) -> datetime:
    """A date-time with an offset, or a bare date (00:00 UTC that day)."""
    value = table.raw(key, required=True)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time(), UTC)
    found = table.instant(key)
    assert found is not None  # required
    return found


def _wrapped(table: Table, key: str, parse: Any, *values: Any) -> Any:
    """`parse(*values)`, its error told as one of `key` in the file."""
    try:
        return parse(*values)
    except BadInputError as exc:
        table.fail(key, exc.message)
        raise AssertionError from None  # unreachable: fail() raises
