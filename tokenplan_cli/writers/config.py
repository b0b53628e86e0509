"""The user's config as `config.toml` (docs/config.md), written so that `readers/config.py` reads back
exactly what was written, and atomically: a reader sees the old file or the new one, never half."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.money import decimal_text
from tokenplan_cli.core.userconfig import SCHEMA_VERSION, UserConfig

HEADER = "# tokenplan's config: the plan you hold and your defaults (docs/config.md).\n"


def config_to_toml(config: UserConfig) -> dict[str, Any]:
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    defaults = {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in (
            ("currency", config.defaults.currency),
            ("timezone", config.defaults.timezone),
            ("tools", config.defaults.tools),
            ("map", config.defaults.maps),
        )
        if value is not None
    }
    if defaults:
        document["defaults"] = defaults
    plan = config.plan
    if plan is not None:
        table: dict[str, Any] = {
            "tier": plan.tier,
            "cycle": plan.cycle,
            "start": plan.start,
            "auto_renew": plan.auto_renew,
        }
        if plan.paid is not None:
            table["paid"] = decimal_text(plan.paid)
            table["paid_currency"] = plan.paid_currency
        if config.readings:
            table["readings"] = [{"at": r.at, "used": r.given} for r in config.readings]
        document["plan"] = table
    return document


def write_config(path: Path, config: UserConfig) -> None:
    """Write `config` to `path` (its folder made if need be), replacing the old file atomically."""
    import tomli_w

    from tokenplan_cli.writers.files import write_output

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write the config: {exc.strerror or exc}") from None
    write_output(path, (HEADER + tomli_w.dumps(config_to_toml(config))).encode(), force=True)
