"""One request's usage as a tool's log recorded it: the record every log reader yields.

Each AI coding tool counts tokens its own way; its reader (`tokenplan_cli.readers.logs.<tool>`) turns
them into these five kinds, so that no token is counted twice or lost:

- `cache_hit`: input tokens read from the provider's prompt cache;
- `cache_miss`: input tokens neither read from nor written to the cache;
- `cache_write`: input tokens written to the cache (the card charges them as cache misses);
- `output`: generated tokens, *without* the reasoning tokens where the tool counts those apart;
- `reasoning`: reasoning tokens the tool counts apart from `output` (else 0; charged as output).

A reader never puts message text into a record: only counts, a model name, an instant and a key.
"""

from __future__ import annotations

import re
from datetime import datetime
from fractions import Fraction
from functools import lru_cache

from tokenplan_cli.tuples import NamedTuple

ZERO = Fraction(0)


class UsageRecord(NamedTuple):
    """The tokens of one request (or one turn), at the instant the tool logged it."""

    timestamp: datetime  # aware, UTC
    tool: str  # "claude-code", "opencode", "codex", "openclaw", "gemini", "csv", "jsonl"
    model: str  # the name the tool logged, without surrounding space (`normalise_model` gives the name
    # the card and --map see; reports show both)
    cache_hit: int = 0
    cache_miss: int = 0
    cache_write: int = 0
    output: int = 0
    reasoning: int = 0
    audio_seconds: Fraction = ZERO  # speech recognition input (generic logs only)
    # Equal for every copy of the same request, in any file (prefix it with the tool: b"cc:msg_…:req_…");
    # None for a format that never repeats a request.
    dedupe_key: bytes | None = None
    # Among copies with the same key, a preferred copy wins over one that is not (Claude Code: the
    # non-sidechain copy); between equals, the copy with more tokens (a streamed response's copies grow
    # until the last holds the final output count); between those, the first one read.
    preferred: bool = True

    @property
    def tokens(self) -> int:
        return self.cache_hit + self.cache_miss + self.cache_write + self.output + self.reasoning


UNKNOWN_MODEL = "unknown"  # what a record that names no model is tallied under

# Gateways spell one vendor's model their own way; these patterns undo what they add (docs/logs.md).
# Amazon Bedrock: `anthropic.` after an optional cross-region prefix (`us.`, `jp.`, `global.`, ...), and a
# version `-v1:0` after the model's date.
_BEDROCK_VENDOR = re.compile(r"^(?:(?:us|eu|apac|jp|au|ca|global|us-gov)\.)?anthropic\.")
_BEDROCK_VERSION = re.compile(r"(?<=\d{8})-v\d+(?::\d+)?$")
_VERSION_DOT = re.compile(r"(?<=\d)\.(?=\d)")  # `4.5`: how OpenRouter and Copilot spell Claude's `4-5`


@lru_cache(maxsize=4096)
def normalise_model(name: str) -> str:
    """The model name a log holds, as the rate card and `--map` patterns see it (`unknown` for none).

    Lower case; no surrounding space; no provider path (`xiaomi/`, `openrouter/anthropic/`, a Bedrock
    ARN's `.../inference-profile/`); no context-window tag (`[1m]`); Bedrock's `anthropic.` with its
    region and its `-v1:0`; Vertex's pinned date `@20250929` written as Anthropic's `-20250929` (another
    `@` tag is dropped); and Claude's versions with hyphens, as Anthropic writes them (`4.5` is `4-5`).
    So the names of one model at Anthropic, Bedrock, Vertex and OpenRouter are one name.

    >>> normalise_model("mimo-v2.5-pro[1m]"), normalise_model(" Xiaomi/MiMo-V2.5 ")
    ('mimo-v2.5-pro', 'mimo-v2.5')
    >>> {normalise_model(name) for name in ("claude-haiku-4-5-20251001",
    ...     "jp.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5@20251001",
    ...     "openrouter/anthropic/claude-haiku-4.5-20251001")}
    {'claude-haiku-4-5-20251001'}
    """
    cleaned = name.strip().lower().rsplit("/", 1)[-1]
    if cleaned.endswith("]") and "[" in cleaned:
        cleaned = cleaned[: cleaned.rindex("[")]
    cleaned = _BEDROCK_VERSION.sub("", _BEDROCK_VENDOR.sub("", cleaned))
    cleaned, at, tag = cleaned.partition("@")
    if at and len(tag) == 8 and tag.isascii() and tag.isdigit():
        cleaned += "-" + tag
    if cleaned.startswith("claude"):
        cleaned = _VERSION_DOT.sub("-", cleaned)
    return cleaned.strip() or UNKNOWN_MODEL


def version_hyphens(name: str) -> str:
    """`name` with a dot between two digits written as a hyphen: `--map` patterns match either way.

    >>> version_hyphens("claude-sonnet-4.5*"), version_hyphens("mimo-v2.5")
    ('claude-sonnet-4-5*', 'mimo-v2-5')
    """
    return _VERSION_DOT.sub("-", name)
