"""Values, not text, cross into the core: its errors name a field (`used`), never a flag (`--used`); the
CLI's error boundary names the invoked command's flag (`--used`, `--from`, `PATH`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import Cli
from tokenplan_cli.core.errors import BadInputError

PACKAGE = Path(__file__).parent.parent / "tokenplan_cli"
# The layers the Python API calls: what they raise reaches a script as it is, without a flag table.
VALUE_LAYERS = ("core", "app")
FLAG = re.compile(r"(?<![\w'])--[a-z]")  # a flag, not a command to run ('tokenplan expiry --start DATE')


def error_texts(path: Path) -> list[tuple[int, str]]:
    """The string parts of every `…Error(…)` raised or built in `path`, with their line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith("Error") and node.args:
            for part in ast.walk(node.args[0]):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((node.lineno, part.value))
    return found


def quoted_commands_removed(text: str) -> str:
    return re.sub(r"'tokenplan [^']*'", "", text)


@pytest.mark.parametrize("layer", VALUE_LAYERS)
def test_no_error_of_the_value_layers_names_a_flag(layer: str) -> None:
    flags = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for line, text in error_texts(path)
        if FLAG.search(quoted_commands_removed(text))
    ]
    assert not flags, "name the field (BadInputError(..., field=...)), not the flag:\n" + "\n".join(flags)


def test_an_error_names_its_field_and_the_fields_it_mentions() -> None:
    error = BadInputError("`used` 1B and `remaining` 4B disagree", mentions=("used", "remaining"))
    assert error.message == "`used` 1B and `remaining` 4B disagree"  # what the API shows
    flags = {"used": "--used", "remaining": "--remaining"}
    assert error.named(flags.get) == "--used 1B and --remaining 4B disagree"
    about = BadInputError("'lots' is not a number", field="cache_hit")
    assert about.message == "cache_hit: 'lots' is not a number"
    assert about.named({"cache_hit": "--cache-hit"}.get) == "--cache-hit: 'lots' is not a number"
    assert about.named({}.get) == "cache_hit: 'lots' is not a number"  # a field the command lacks


def test_a_label_is_never_taken_for_a_flag() -> None:
    """A file's key that happens to share a field's name stays the key (`cache_hit` in a profile)."""
    error = BadInputError("-1 is negative", label="usage.toml: cache_hit")
    assert error.named({"usage.toml: cache_hit": "--cache-hit", "cache_hit": "--cache-hit"}.get) == (
        "usage.toml: cache_hit: -1 is negative"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["upgrade-quote", "--from", "Lite", "--to", "Pro"], "give --used or --remaining", id="mentions"),
        pytest.param(["usage", "report", "--from", "csv"], "--from csv reads the files you name", id="tools-is-from"),
        pytest.param(["status", "--tier", "Lite", "--used", "1B"], "give both --tier and --start", id="status"),
        pytest.param(["simulate", "-m", "mimo-v2.5", "--output", "1M", "--runs", "0"], "--runs: expected 1 to", id="runs"),
        pytest.param(["estimate", "-m", "mimo-v2.5", "--output", "1M", "--days", "3"], "--days counts active days for amounts --per day", id="days"),
    ],
)  # fmt: skip
def test_the_cli_names_the_flags_of_the_command_invoked(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error(args)


def test_an_error_under_json_names_the_flag_in_the_document_too(cli: Cli) -> None:
    document = cli.json(["upgrade-quote", "--from", "Lite", "--to", "Pro", "--used", "lots"], code=2)
    assert document["error"]["message"].startswith("--used: 'lots' is not a number")
