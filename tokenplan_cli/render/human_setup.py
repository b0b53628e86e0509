"""`setup` for a person: what to put where, as text to copy (snippets are drawn as they are, unwrapped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenplan_cli.render.blocks import Block, Chart, Gap, Surface, para

INDENT = "  "


def blocks(doc: Mapping[str, Any], surface: Surface) -> list[Block]:
    if "key_check" in doc:
        return key_check_blocks(doc["key_check"])
    variable = doc["key_variable"]
    out: list[Block] = [
        para(
            f"{doc['tool_label']} on the Token Plan: {doc['cluster_label']} cluster, "
            f"{_protocol(doc['protocol'])} protocol, {doc['base_url']}",
            "title",
            headline=True,
        ),
        para(
            f"Your key (tp-…) goes in {variable}: set it in your shell profile or secret manager. tokenplan "
            f"never prints or stores it; `tokenplan setup --check-key --key-env {variable}` checks its form."
        ),
    ]
    if doc["env"]:
        rows = [f'{INDENT}export {item["name"]}="{item["value"]}"' for item in doc["env"]]
        out += [Gap(), _snippet("In your shell", rows)]
    if doc["config"] is not None:
        out += [Gap(), *_config(doc)]
    if doc["commands"]:
        out += [Gap(), _snippet("Or let the tool write it", [INDENT + c for c in doc["commands"]])]
    models = doc["models"]
    out += [
        Gap(),
        para(f"Models: {models['main']} for the work, {models['small']} for light background tasks."),
    ]
    out.append(para(_logs(doc)))
    out += [para(note, "note") for note in doc["notes"]]
    return out


def _protocol(protocol: str) -> str:
    return {"openai": "OpenAI-compatible", "anthropic": "Anthropic-compatible"}[protocol]


def _snippet(title: str, rows: list[str]) -> Chart:
    return Chart(title, tuple(((row, ""),) for row in rows))


def _config(doc: Mapping[str, Any]) -> list[Block]:
    config = doc["config"]
    rows = [INDENT + line if line else "" for line in config["text"].splitlines()]
    out: list[Block] = [_snippet(f"In {config['path']}", rows)]
    written = doc["written"]
    if written is None:
        flags = f"{doc['tool']} --cluster {doc['cluster']}"
        out.append(para(f"`tokenplan setup {flags} --write` merges it into that file, keeping a backup."))
    elif not written["changed"]:
        out.append(para(f"{written['path']} already holds this; nothing was written.", "ok"))
    elif written["backup"] is None:
        out.append(para(f"Wrote {written['path']} (there was no file before).", "ok"))
    else:
        out.append(para(f"Merged into {written['path']}; the original is kept as {written['backup']}.", "ok"))
    return out


def _logs(doc: Mapping[str, Any]) -> str:
    source = doc["logs"]["from"]
    if source is None:
        return (
            "tokenplan prices a gateway's usage export with `usage report --from csv` or `--from jsonl`; "
            "requests logged under the MiMo model names need no --map."
        )
    return (
        f"Then `tokenplan usage report --from {source}` prices what it used: no --map is needed, since "
        f"{doc['tool_label']} then logs the MiMo model names."
    )


def key_check_blocks(check: Mapping[str, Any]) -> list[Block]:
    where = "the key on stdin" if check["source"] == "stdin" else f"the key in {check['source']}"
    if check["ok"]:
        return [para(f"{where}: {check['reason']}", "ok", headline=True)]
    return [para(f"{where}: not a Token Plan key: {check['reason']}", "fail", headline=True)]
