"""`tokenplan setup`: each tool's settings from the card, `--write` into its config, and `--check-key`."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cli
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.core.setup import merged
from tokenplan_cli.writers.toolconfig import strip_jsonc

KEY = "tp-SecretKeyOfTheTest123"


@pytest.fixture(autouse=True)
def key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is in the environment, as a user would have it: no output may ever show it."""
    monkeypatch.setenv("XIAOMI_TOKEN_PLAN_API_KEY", KEY)


def _setup(cli: Cli, *args: str, code: int = 0) -> Any:
    result = cli.run(["setup", *args, "--json"], code=code)
    assert KEY not in result.output
    return json.loads(result.stdout)


# What each tool is given, for every cluster of the card.


@pytest.mark.parametrize("cluster", ["cn", "sgp", "ams"])
@pytest.mark.parametrize(
    ("tool", "protocol", "file", "log_source"),
    [
        pytest.param("claude-code", "anthropic", ".claude/settings.json", "claude-code", id="claude-code"),
        pytest.param("opencode", "openai", ".config/opencode/opencode.json", "opencode", id="opencode"),
        pytest.param("codex", "openai", ".codex/config.toml", "codex", id="codex"),
        pytest.param("openclaw", "openai", ".openclaw/openclaw.json", "openclaw", id="openclaw"),
        pytest.param("openai", "openai", None, None, id="generic-openai"),
        pytest.param("anthropic", "anthropic", None, None, id="generic-anthropic"),
    ],
)
def test_each_tool_gets_its_protocols_base_url_from_the_card(
    cli: Cli,
    card: RateCard,
    home: Path,
    cluster: str,
    tool: str,
    protocol: str,
    file: str | None,
    log_source: str | None,
) -> None:
    doc = _setup(cli, tool, "--cluster", cluster)
    url = card.require_endpoints().cluster(cluster).base_url(protocol)  # type: ignore[arg-type]
    assert (doc["protocol"], doc["base_url"]) == (protocol, url)
    assert doc["logs"] == {"from": log_source, "map": []}
    assert doc["models"] == {"main": "mimo-v2.5-pro", "small": "mimo-v2.5"}
    snippets = json.dumps(doc["env"]) + (doc["config"]["text"] if doc["config"] else "")
    assert url in snippets
    assert "$XIAOMI_TOKEN_PLAN_API_KEY" in snippets or "XIAOMI_TOKEN_PLAN_API_KEY" in snippets
    if file is None:
        assert doc["config"] is None
    else:
        assert doc["config"]["path"] == str(home / file)


def test_claude_code_names_a_mimo_model_in_every_slot(cli: Cli) -> None:
    doc = _setup(cli, "claude-code", "--cluster", "sgp")
    env = doc["config"]["block"]["env"]
    assert env["ANTHROPIC_BASE_URL"] == "https://token-plan-sgp.xiaomimimo.com/anthropic"
    slots = {k: v for k, v in env.items() if k.endswith("_MODEL")}
    assert set(slots) == {
        "ANTHROPIC_MODEL",
        "ANTHROPIC_DEFAULT_OPUS_MODEL",
        "ANTHROPIC_DEFAULT_SONNET_MODEL",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    }
    assert all(model.startswith("mimo-") for model in slots.values())
    assert doc["env"] == [{"name": "ANTHROPIC_AUTH_TOKEN", "value": "$XIAOMI_TOKEN_PLAN_API_KEY"}]


def test_codex_provider_reads_the_key_from_the_named_variable(cli: Cli) -> None:
    doc = _setup(cli, "codex", "--cluster", "cn", "--key-env", "MY_TP_KEY")
    config = tomllib.loads(doc["config"]["text"])
    assert config["model"] == "mimo-v2.5-pro"
    assert config["model_provider"] == "mimo-token-plan"
    assert config["model_providers"]["mimo-token-plan"] == {
        "name": "MiMo Token Plan (China)",
        "base_url": "https://token-plan-cn.xiaomimimo.com/v1",
        "env_key": "MY_TP_KEY",
        "wire_api": "chat",
    }


def test_opencode_and_openclaw_blocks_refer_to_the_variable(cli: Cli) -> None:
    opencode = _setup(cli, "opencode", "--cluster", "ams")["config"]["block"]
    assert opencode["provider"]["mimo-token-plan"]["options"]["apiKey"] == "{env:XIAOMI_TOKEN_PLAN_API_KEY}"
    assert opencode["model"] == "mimo-token-plan/mimo-v2.5-pro"
    openclaw = _setup(cli, "openclaw", "--cluster", "ams")
    provider = openclaw["config"]["block"]["models"]["providers"]["xiaomi-token-plan"]
    assert provider["apiKey"] == "XIAOMI_TOKEN_PLAN_API_KEY"  # OpenClaw takes the variable's name
    assert openclaw["commands"] == ["openclaw onboard --auth-choice xiaomi-token-plan-ams"]


def test_a_cluster_may_be_named_by_its_label(cli: Cli) -> None:
    assert _setup(cli, "codex", "--cluster", "Europe")["cluster"] == "ams"


def test_human_output_shows_the_snippets_and_how_to_write_them(cli: Cli, home: Path) -> None:
    text = cli.run(["setup", "claude-code", "--cluster", "sgp"]).stdout
    assert 'export ANTHROPIC_AUTH_TOKEN="$XIAOMI_TOKEN_PLAN_API_KEY"' in text
    assert '"ANTHROPIC_BASE_URL": "https://token-plan-sgp.xiaomimimo.com/anthropic"' in text
    assert "tokenplan setup claude-code --cluster sgp --write" in text
    assert "--from claude-code" in text
    assert KEY not in text


# Where each tool's config file is, from the tool's own variables.


@pytest.mark.parametrize(
    ("tool", "variable", "value", "expected"),
    [
        pytest.param("claude-code", "CLAUDE_CONFIG_DIR", "cc", "cc/settings.json", id="claude-config-dir"),
        pytest.param("opencode", "OPENCODE_CONFIG", "oc/custom.json", "oc/custom.json", id="opencode-config"),
        pytest.param(
            "opencode", "XDG_CONFIG_HOME", "xdg", "xdg/opencode/opencode.json", id="xdg-config-home"
        ),
        pytest.param("codex", "CODEX_HOME", "cx", "cx/config.toml", id="codex-home"),
        pytest.param("openclaw", "OPENCLAW_CONFIG_PATH", "ow/x.json", "ow/x.json", id="openclaw-config-path"),
        pytest.param("openclaw", "OPENCLAW_STATE_DIR", "st", "st/openclaw.json", id="openclaw-state-dir"),
    ],
)
def test_config_file_follows_the_tools_own_variables(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tool: str,
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, str(tmp_path / value))
    assert _setup(cli, tool, "--cluster", "cn")["config"]["path"] == str(tmp_path / expected)


def test_opencode_jsonc_is_the_file_when_it_is_the_only_one(cli: Cli, home: Path) -> None:
    folder = home / ".config" / "opencode"
    folder.mkdir(parents=True)
    (folder / "opencode.jsonc").write_text("{}\n")
    assert _setup(cli, "opencode", "--cluster", "cn")["config"]["path"] == str(folder / "opencode.jsonc")


# --write


def _write(cli: Cli, tool: str, *extra: str, code: int = 0) -> Any:
    return _setup(cli, tool, "--cluster", "sgp", "--write", *extra, code=code)


def test_write_merges_into_json_keeping_the_rest_and_a_backup(cli: Cli, home: Path) -> None:
    path = home / ".claude" / "settings.json"
    path.parent.mkdir()
    original = '{\n    "theme": "dark",\n    "env": {"KEEP": "1"}\n}\n'
    path.write_text(original)
    path.chmod(0o600)
    written = _write(cli, "claude-code")["written"]
    assert written == {"path": str(path), "changed": True, "backup": str(path) + ".bak"}
    settings = json.loads(path.read_text())
    assert settings["theme"] == "dark"
    assert settings["env"]["KEEP"] == "1"
    assert settings["env"]["ANTHROPIC_BASE_URL"] == "https://token-plan-sgp.xiaomimimo.com/anthropic"
    assert '    "theme"' in path.read_text()  # the file's own indentation
    assert Path(written["backup"]).read_text() == original
    for file in (path, Path(written["backup"])):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600  # as private as it was
    assert KEY not in path.read_text()


def test_write_again_changes_nothing_and_an_old_backup_is_never_overwritten(cli: Cli, home: Path) -> None:
    path = home / ".codex" / "config.toml"
    path.parent.mkdir()
    path.write_text('model = "gpt-5"\n')
    (home / ".codex" / "config.toml.bak").write_text("an older backup\n")
    first = _write(cli, "codex")["written"]
    assert first["backup"] == str(path) + ".bak.1"
    assert (home / ".codex" / "config.toml.bak").read_text() == "an older backup\n"
    again = _write(cli, "codex")["written"]
    assert again == {"path": str(path), "changed": False, "backup": None}
    assert not (home / ".codex" / "config.toml.bak.2").exists()


def test_write_through_a_symlink_writes_its_target(cli: Cli, home: Path, tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "opencode.json"
    target.parent.mkdir()
    target.write_text('{"theme": "x"}\n')
    link = home / ".config" / "opencode" / "opencode.json"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    written = _write(cli, "opencode")["written"]
    assert link.is_symlink() and link.resolve() == target
    assert written["path"] == str(target)
    assert json.loads(target.read_text())["provider"]["mimo-token-plan"]["npm"] == "@ai-sdk/openai-compatible"


def test_write_creates_a_missing_file_and_its_folder(cli: Cli, home: Path) -> None:
    written = _write(cli, "openclaw")["written"]
    path = home / ".openclaw" / "openclaw.json"
    assert written == {"path": str(path), "changed": True, "backup": None}
    assert (
        json.loads(path.read_text())["agents"]["defaults"]["model"]["primary"]
        == "xiaomi-token-plan/mimo-v2.5-pro"
    )


CODEX_WITH_COMMENTS = """\
# my codex config
model = "gpt-5"  # the default
approval_policy = "on-request"

# local models
[model_providers.ollama]
name = "Ollama"
base_url = "http://localhost:11434/v1"

[model_providers.mimo-token-plan]
name = "old"
base_url = "https://token-plan-cn.xiaomimimo.com/v1"
request_max_retries = 9

# the sandbox
[sandbox_workspace_write]
network_access = false
"""


def test_write_into_toml_keeps_comments_and_what_it_does_not_set(cli: Cli, home: Path) -> None:
    path = home / ".codex" / "config.toml"
    path.parent.mkdir()
    path.write_text(CODEX_WITH_COMMENTS)
    _write(cli, "codex")
    text = path.read_text()
    for comment in ("# my codex config", "# local models", "# the sandbox"):
        assert comment in text
    config = tomllib.loads(text)
    assert config["model"] == "mimo-v2.5-pro"
    assert config["model_provider"] == "mimo-token-plan"
    assert config["approval_policy"] == "on-request"
    assert config["model_providers"]["ollama"]["name"] == "Ollama"
    ours = config["model_providers"]["mimo-token-plan"]
    assert ours["base_url"] == "https://token-plan-sgp.xiaomimimo.com/v1"
    assert ours["request_max_retries"] == 9  # a setting of the user's in our table stays
    assert config["sandbox_workspace_write"] == {"network_access": False}


BAD_FILES = [
    pytest.param(
        "opencode", '{\n  // mine\n  "model": "x",\n}\n', "has comments or trailing commas", id="jsonc"
    ),
    pytest.param("opencode", '{"model": "x" "y": 1}', "not valid JSON (line 1, column 15", id="bad-json"),
    pytest.param("openclaw", "[1, 2]", "holds a JSON list, not an object", id="json-list"),
    pytest.param("opencode", '{"provider": "oops"}', "provider is a string, not a table", id="wrong-type"),
    pytest.param("claude-code", '{"env": ["A"]}', "env is a list, not a table", id="env-list"),
    pytest.param("codex", "model = \n", "not valid TOML", id="bad-toml"),
    pytest.param(
        "codex",
        'model_providers = { ollama = { name = "Ollama" } }\n',
        "cannot merge into this layout without rewriting the file",
        id="inline-table",
    ),
]
FILES = {
    "opencode": ".config/opencode/opencode.json",
    "openclaw": ".openclaw/openclaw.json",
    "claude-code": ".claude/settings.json",
    "codex": ".codex/config.toml",
}


@pytest.mark.parametrize(("tool", "content", "fault"), BAD_FILES)
def test_write_refuses_a_file_it_cannot_merge_and_leaves_it_alone(
    cli: Cli, home: Path, tool: str, content: str, fault: str
) -> None:
    path = home / FILES[tool]
    path.parent.mkdir(parents=True)
    path.write_text(content)
    message = cli.error(["setup", tool, "--cluster", "sgp", "--write"])
    assert message.startswith(f"{path}: ")
    assert fault in message
    assert "run without --write to see it" in message
    assert path.read_text() == content
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no backup, no temporary file


def test_write_refuses_a_file_that_is_not_utf8(cli: Cli, home: Path) -> None:
    path = home / ".codex" / "config.toml"
    path.parent.mkdir()
    path.write_bytes(b"model = '\xff'\n")
    assert "not UTF-8 text" in cli.error(["setup", "codex", "--cluster", "cn", "--write"])


def test_write_refuses_a_folder_as_the_config(cli: Cli, tmp_path: Path) -> None:
    message = cli.error(["setup", "codex", "--cluster", "cn", "--write", "--config", str(tmp_path)])
    assert "not a regular file" in message


@pytest.mark.parametrize(
    ("args", "fault"),
    [
        pytest.param(
            ["claud", "--cluster", "cn"], "unknown tool 'claud'; did you mean 'claude-code'?", id="tool"
        ),
        pytest.param(["codex", "--cluster", "eu"], "unknown cluster 'eu'", id="cluster"),
        pytest.param(["codex"], "--cluster is required: cn, sgp, ams", id="no-cluster"),
        pytest.param([], "name the tool to set up", id="no-tool"),
        pytest.param(["openai", "--cluster", "cn", "--write"], "has no config file", id="generic-write"),
        pytest.param(["codex", "--cluster", "cn", "--key-env", "1X"], "key variable '1X'", id="key-env"),
        pytest.param(["codex", "--check-key"], "--check-key takes no tool", id="check-key-tool"),
    ],
)
def test_bad_setup_requests_are_one_line_and_exit_2(cli: Cli, args: list[str], fault: str) -> None:
    assert fault in cli.error(["setup", *args])


def test_a_card_without_endpoints_says_so(cli: Cli, tmp_path: Path) -> None:
    from tokenplan_cli.readers.ratecard import builtin_card_path

    text = builtin_card_path().read_text()
    card = tmp_path / "old.toml"
    card.write_text(text[: text.index("[endpoints]")] + text[text.index("[[events]]") :])
    assert "has no [endpoints] table" in cli.error(
        ["setup", "codex", "--cluster", "cn", "--rates", str(card)]
    )


# --check-key


@pytest.mark.parametrize(
    ("key", "ok", "reason"),
    [
        pytest.param(KEY + "\n", True, "it has the Token Plan form (tp-…)", id="tp-key"),
        pytest.param(KEY + "\r\n", True, "it has the Token Plan form (tp-…)", id="crlf"),
        pytest.param(
            "sk-PayAsYouGo99",
            False,
            "it starts with sk-: a pay-as-you-go API key, which the Token Plan does not accept",
            id="sk-key",
        ),
        pytest.param("abc123", False, "it does not start with tp-", id="other"),
        pytest.param("tp-", False, "it is only the prefix tp-", id="prefix-only"),
        pytest.param(f'"{KEY}"', False, "it is wrapped in quotes", id="quoted"),
        pytest.param(f" {KEY}", False, "it has spaces or line breaks in it", id="space"),
        pytest.param(f"{KEY}\n{KEY}\n", False, "it has spaces or line breaks in it", id="two-lines"),
    ],
)
def test_check_key_says_only_whether_the_form_is_right(cli: Cli, key: str, ok: bool, reason: str) -> None:
    result = cli.run(["setup", "--check-key", "--json"], code=0 if ok else 1, input=key)
    doc = json.loads(result.stdout)
    assert doc["key_check"] == {"source": "stdin", "ok": ok, "reason": reason}
    text = cli.run(["setup", "--check-key"], code=0 if ok else 1, input=key).stdout
    assert reason in " ".join(text.split())
    if key.strip() != "tp-":  # the bare prefix is no secret, and the reason names it
        assert key.strip() not in result.output + text


def test_check_key_reads_a_named_variable(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli.run(["setup", "--check-key", "--key-env", "XIAOMI_TOKEN_PLAN_API_KEY", "--json"])
    assert json.loads(result.stdout)["key_check"]["source"] == "$XIAOMI_TOKEN_PLAN_API_KEY"
    assert KEY not in result.output
    monkeypatch.delenv("XIAOMI_TOKEN_PLAN_API_KEY")
    message = cli.error(["setup", "--check-key", "--key-env", "XIAOMI_TOKEN_PLAN_API_KEY"])
    assert message == "$XIAOMI_TOKEN_PLAN_API_KEY is not set (or empty): there is no key to check"


def test_check_key_with_nothing_on_stdin_is_bad_input(cli: Cli) -> None:
    assert "no key on stdin" in cli.error(["setup", "--check-key"])


# The merge itself


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='a/*,]} "\\x'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8,
)


@given(json_values)
def test_strip_jsonc_leaves_plain_json_meaning_the_same(value: Any) -> None:
    text = json.dumps(value, indent=1)
    assert json.loads(strip_jsonc(text)) == value


settings_tables = st.dictionaries(
    st.sampled_from(["env", "model", "theme", "provider"]),
    st.text(max_size=3) | st.dictionaries(st.sampled_from(["A", "B"]), st.text(max_size=2), max_size=2),
    max_size=4,
)


@given(settings_tables, settings_tables)
def test_merging_a_block_twice_is_merging_it_once_and_the_block_wins(
    document: dict[str, Any], block: dict[str, Any]
) -> None:
    try:
        once = merged(document, block)
    except BadInputError:  # a table where the document holds text: refused, never overwritten
        return
    assert merged(once, block) == once
    for key, value in block.items():
        if isinstance(value, dict):
            assert all(once[key][k] == v for k, v in value.items())
        else:
            assert once[key] == value
    assert set(document) <= set(once)


def test_files_written_hold_no_key(cli: Cli, home: Path) -> None:
    for tool in FILES:
        _write(cli, tool)
    for path in home.rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(), path
    assert os.environ["XIAOMI_TOKEN_PLAN_API_KEY"] == KEY


def test_readme_shows_setup_as_it_prints(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8").splitlines()
    start = readme.index("$ tokenplan setup codex --cluster sgp")
    shown = readme[start + 1 : readme.index("…", start)]
    monkeypatch.setenv("HOME", "/home/you")
    printed = cli.run(["setup", "codex", "--cluster", "sgp"], env={"COLUMNS": "100"}).stdout.splitlines()
    assert printed[: len(shown)] == shown


def test_a_config_file_written_anew_gets_the_users_normal_permissions(cli: Cli, home: Path) -> None:
    mask = os.umask(0o022)
    try:
        _write(cli, "codex")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((home / ".codex" / "config.toml").stat().st_mode) == 0o644
