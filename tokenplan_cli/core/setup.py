"""What to put where so a coding tool spends the Token Plan: environment, a config block, models.

Each tool is configured its own way (sources in docs/setup.md):

- Claude Code speaks the Anthropic protocol and reads `ANTHROPIC_*` variables, from the shell or from the
  `env` block of `~/.claude/settings.json`; `ANTHROPIC_AUTH_TOKEN` is sent as `Authorization: Bearer`.
- OpenCode takes a custom provider in `opencode.json` (`@ai-sdk/openai-compatible`, `options.baseURL`,
  `options.apiKey` as `{env:NAME}`), and `model` / `small_model` as `provider/model`.
- Codex CLI takes `[model_providers.<id>]` in `~/.codex/config.toml` (`base_url`, `env_key`, `wire_api`)
  and the root keys `model` and `model_provider`.
- OpenClaw bundles a `xiaomi-token-plan` provider that reads `XIAOMI_TOKEN_PLAN_API_KEY`; its config
  (`~/.openclaw/openclaw.json`) needs the cluster's base URL in `models.providers.xiaomi-token-plan`.
- Any other OpenAI- or Anthropic-compatible client: the SDKs' own variables.

The key itself never appears: every snippet names the environment variable that holds it. Nothing here
reads the environment or a file; `app/setup.py` finds the tool's config file and `writers/toolconfig.py`
merges the block into it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from tokenplan_cli.core.endpoints import Cluster, Endpoints, Protocol
from tokenplan_cli.core.errors import BadInputError, UnknownNameError
from tokenplan_cli.tuples import NamedTuple

ConfigFormat = Literal["json", "toml"]
# The variable every snippet reads the key from (OpenClaw's own name for it, so one variable serves all).
KEY_VARIABLE = "XIAOMI_TOKEN_PLAN_API_KEY"
# The provider id tokenplan registers in tools that take custom providers (OpenCode, Codex).
PROVIDER_ID = "mimo-token-plan"
OPENCLAW_PROVIDER_ID = "xiaomi-token-plan"  # the one OpenClaw bundles


class SetupValues(NamedTuple):
    """What every tool's setup is made of: the cluster, the URL for the tool's protocol, the models."""

    cluster: Cluster
    base_url: str
    key_variable: str
    model: str
    small_model: str


class EnvSetting(NamedTuple):
    """An environment variable to set; `value` may refer to another (`"$XIAOMI_TOKEN_PLAN_API_KEY"`)."""

    name: str
    value: str


class ConfigBlock(NamedTuple):
    """What to merge into the tool's config file: `block` holds only the keys tokenplan sets."""

    file: str  # the file as the tool's documentation names it, e.g. "~/.claude/settings.json"
    format: ConfigFormat
    block: Mapping[str, Any]
    comments_allowed: bool  # the tool reads comments in it (JSONC, JSON5); tokenplan does not write them


class ToolSetup(NamedTuple):
    tool: str
    label: str
    protocol: Protocol
    values: SetupValues
    env: tuple[EnvSetting, ...]
    config: ConfigBlock | None
    commands: tuple[str, ...]  # the tool's own set-up commands, where it has them
    log_source: str | None  # the `--from` name tokenplan reads the tool's logs with
    notes: tuple[str, ...]


class ToolSpec(NamedTuple):
    name: str
    label: str
    protocol: Protocol
    log_source: str | None
    build: Callable[[SetupValues], tuple[tuple[EnvSetting, ...], ConfigBlock | None, tuple[str, ...]]]
    notes: tuple[str, ...] = ()


def setup_for(endpoints: Endpoints, tool: str, cluster: str, key_variable: str = KEY_VARIABLE) -> ToolSetup:
    """What `tool` needs to spend the plan on `cluster` (names checked, with a did-you-mean)."""
    spec = TOOLS.get(tool.lower())
    if spec is None:
        raise UnknownNameError("tool", tool, TOOLS)
    if not key_variable.replace("_", "").isalnum() or key_variable[0].isdigit():
        raise BadInputError(f"key variable {key_variable!r}: expected letters, digits and _ (an env name)")
    chosen = endpoints.cluster(cluster)
    values = SetupValues(
        chosen, chosen.base_url(spec.protocol), key_variable, endpoints.model, endpoints.small_model
    )
    env, config, commands = spec.build(values)
    return ToolSetup(
        tool=spec.name,
        label=spec.label,
        protocol=spec.protocol,
        values=values,
        env=env,
        config=config,
        commands=commands,
        log_source=spec.log_source,
        notes=spec.notes,
    )


def _key(values: SetupValues) -> str:
    return f"${values.key_variable}"


def _claude_code(values: SetupValues) -> tuple[tuple[EnvSetting, ...], ConfigBlock, tuple[str, ...]]:
    # Claude Code's background work runs on the "haiku" slot and its main work on "opus"/"sonnet";
    # every slot names a MiMo model, so no request goes out under a Claude name.
    env = {
        "ANTHROPIC_BASE_URL": values.base_url,
        "ANTHROPIC_MODEL": values.model,
        "ANTHROPIC_DEFAULT_OPUS_MODEL": values.model,
        "ANTHROPIC_DEFAULT_SONNET_MODEL": values.model,
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": values.small_model,
    }
    block = ConfigBlock("~/.claude/settings.json", "json", {"env": env}, comments_allowed=False)
    return (EnvSetting("ANTHROPIC_AUTH_TOKEN", _key(values)),), block, ()


def _opencode(values: SetupValues) -> tuple[tuple[EnvSetting, ...], ConfigBlock, tuple[str, ...]]:
    provider = {
        "npm": "@ai-sdk/openai-compatible",
        "name": f"MiMo Token Plan ({values.cluster.label})",
        "options": {"baseURL": values.base_url, "apiKey": f"{{env:{values.key_variable}}}"},
        "models": {name: {"name": name} for name in (values.model, values.small_model)},
    }
    block = {
        "provider": {PROVIDER_ID: provider},
        "model": f"{PROVIDER_ID}/{values.model}",
        "small_model": f"{PROVIDER_ID}/{values.small_model}",
    }
    return (), ConfigBlock("~/.config/opencode/opencode.json", "json", block, comments_allowed=True), ()


def _codex(values: SetupValues) -> tuple[tuple[EnvSetting, ...], ConfigBlock, tuple[str, ...]]:
    provider = {
        "name": f"MiMo Token Plan ({values.cluster.label})",
        "base_url": values.base_url,
        "env_key": values.key_variable,
        "wire_api": "chat",
    }
    block = {"model": values.model, "model_provider": PROVIDER_ID, "model_providers": {PROVIDER_ID: provider}}
    return (), ConfigBlock("~/.codex/config.toml", "toml", block, comments_allowed=True), ()


def _openclaw(values: SetupValues) -> tuple[tuple[EnvSetting, ...], ConfigBlock, tuple[str, ...]]:
    provider = {
        "baseUrl": values.base_url,
        "api": "openai-completions",
        "apiKey": values.key_variable,  # OpenClaw takes the variable's name here, not the key
        "models": [{"id": name, "name": name} for name in (values.model, values.small_model)],
    }
    block = {
        "models": {"providers": {OPENCLAW_PROVIDER_ID: provider}},
        "agents": {"defaults": {"model": {"primary": f"{OPENCLAW_PROVIDER_ID}/{values.model}"}}},
    }
    onboard = f"openclaw onboard --auth-choice xiaomi-token-plan-{values.cluster.name}"
    return (), ConfigBlock("~/.openclaw/openclaw.json", "json", block, comments_allowed=True), (onboard,)


def _generic_openai(values: SetupValues) -> tuple[tuple[EnvSetting, ...], None, tuple[str, ...]]:
    return (
        (EnvSetting("OPENAI_BASE_URL", values.base_url), EnvSetting("OPENAI_API_KEY", _key(values))),
        None,
        (),
    )


def _generic_anthropic(values: SetupValues) -> tuple[tuple[EnvSetting, ...], None, tuple[str, ...]]:
    env = (
        EnvSetting("ANTHROPIC_BASE_URL", values.base_url),
        EnvSetting("ANTHROPIC_AUTH_TOKEN", _key(values)),
    )
    return env, None, ()


TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(
            "claude-code",
            "Claude Code",
            "anthropic",
            "claude-code",
            _claude_code,
            notes=(
                "Leave ANTHROPIC_API_KEY unset: with both set, Claude Code sends both headers.",
                "The settings.json env values may be exported in the shell instead.",
            ),
        ),
        ToolSpec("opencode", "OpenCode", "openai", "opencode", _opencode),
        ToolSpec(
            "codex",
            "Codex CLI",
            "openai",
            "codex",
            _codex,
            notes=(
                'MiMo\'s endpoint speaks Chat Completions, so the provider says wire_api = "chat"; '
                "Codex has deprecated that wire API and recent releases refuse it: use a release that "
                "accepts it, or a local Responses-to-Chat proxy.",
            ),
        ),
        ToolSpec(
            "openclaw",
            "OpenClaw",
            "openai",
            "openclaw",
            _openclaw,
            notes=(
                "OpenClaw's own onboarding (the command above) writes the same provider; a gateway run as "
                "a daemon needs the key variable in ~/.openclaw/.env.",
            ),
        ),
        ToolSpec("openai", "An OpenAI-compatible client", "openai", None, _generic_openai),
        ToolSpec("anthropic", "An Anthropic-compatible client", "anthropic", None, _generic_anthropic),
    )
}


def merged(document: Mapping[str, Any], block: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """`document` with `block` merged in: tables merge key by key, anything else is replaced.

    A key of the block's path that holds something other than a table in `document` (`"env": "x"`) is
    an error naming it, rather than a value silently thrown away.

    >>> merged({"env": {"A": "1"}, "theme": "dark"}, {"env": {"B": "2"}})
    {'env': {'A': '1', 'B': '2'}, 'theme': 'dark'}
    """
    result = dict(document)
    for key, value in block.items():
        path = f"{where}.{key}" if where else key
        if isinstance(value, Mapping):
            current = result.get(key, {})
            if not isinstance(current, Mapping):
                raise BadInputError(f"{path} is {_kind(current)}, not a table of settings; it was left alone")
            result[key] = merged(current, value, path)
        else:
            result[key] = value
    return result


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a number" if isinstance(value, int | float) else f"a {type(value).__name__}"


def render_block(config: ConfigBlock) -> str:
    """The block as the text to paste into the file (JSON with two-space indents, or TOML)."""
    if config.format == "json":
        import json

        return json.dumps(config.block, indent=2, ensure_ascii=False)
    import tomli_w

    return tomli_w.dumps(dict(config.block)).rstrip("\n")


class KeyCheck(NamedTuple):
    """Whether a key has the plan's form, and why not; never the key itself."""

    ok: bool
    reason: str


def check_key_form(key: str, endpoints: Endpoints) -> KeyCheck:
    """Whether `key` looks like a Token Plan key (`tp-…`). The answer never quotes the key.

    >>> from tokenplan_cli.core.endpoints import Endpoints
    >>> card = Endpoints({}, "tp-", {"sk-": "a pay-as-you-go API key"}, "m", "s")
    >>> check_key_form("tp-abc123", card).ok, check_key_form("sk-abc123", card).reason
    (True, 'it starts with sk-: a pay-as-you-go API key')
    """
    prefix = endpoints.key_prefix
    if key != key.strip() or any(c.isspace() for c in key):
        return KeyCheck(False, "it has spaces or line breaks in it")
    if key[:1] in "\"'" or key[-1:] in "\"'":
        return KeyCheck(False, "it is wrapped in quotes")
    if not key.isascii() or not key.isprintable():
        return KeyCheck(False, "it has characters a key does not hold")
    for other, meaning in endpoints.other_key_prefixes.items():
        if key.startswith(other):
            return KeyCheck(False, f"it starts with {other}: {meaning}")
    if not key.startswith(prefix):
        return KeyCheck(False, f"it does not start with {prefix}")
    if len(key) == len(prefix):
        return KeyCheck(False, f"it is only the prefix {prefix}")
    return KeyCheck(True, f"it has the Token Plan form ({prefix}…)")
