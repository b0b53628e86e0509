"""The `setup` documents (schema in docs/json.md): a tool's settings, and a key's form."""

from __future__ import annotations

from typing import Any

from tokenplan_cli.app.setup import KeyCheckResult, SetupResult
from tokenplan_cli.core.setup import render_block
from tokenplan_cli.views import envelope


def setup_document(result: SetupResult) -> dict[str, Any]:
    setup = result.setup
    values = setup.values
    config = setup.config
    written = result.written
    return envelope(
        "setup",
        tool=setup.tool,
        tool_label=setup.label,
        cluster=values.cluster.name,
        cluster_label=values.cluster.label,
        protocol=setup.protocol,
        base_url=values.base_url,
        key_variable=values.key_variable,
        models={"main": values.model, "small": values.small_model},
        env=[{"name": e.name, "value": e.value} for e in setup.env],
        config=None
        if config is None
        else {
            "file": config.file,
            "path": str(result.config_path),
            "format": config.format,
            "comments_allowed": config.comments_allowed,
            "block": config.block,
            "text": render_block(config),
        },
        commands=list(setup.commands),
        logs={"from": setup.log_source, "map": []},
        written=None
        if written is None
        else {
            "path": str(written.path),
            "changed": written.changed,
            "backup": None if written.backup is None else str(written.backup),
        },
        notes=list(setup.notes),
    )


def key_check_document(result: KeyCheckResult) -> dict[str, Any]:
    return envelope(
        "setup", key_check={"source": result.source, "ok": result.check.ok, "reason": result.check.reason}
    )
