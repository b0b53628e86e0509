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

from datetime import datetime
from fractions import Fraction
from typing import NamedTuple

ZERO = Fraction(0)


class UsageRecord(NamedTuple):
    """The tokens of one request (or one turn), at the instant the tool logged it."""

    timestamp: datetime  # aware, UTC
    tool: str  # "claude-code", "opencode", "codex", "openclaw", "gemini", "csv", "jsonl"
    model: str  # `normalise_model` of the name the tool logged (before any --map)
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


def normalise_model(name: str) -> str:
    """The model name a log holds, as the rate card and `--map` patterns see it.

    Lower case; no surrounding space; no provider prefix (`xiaomi/`, `openrouter/xiaomi/`); no
    context-window tag (`[1m]`) or trailing date tag of a pinned snapshot kept by some tools (`@…`).

    >>> normalise_model("mimo-v2.5-pro[1m]")
    'mimo-v2.5-pro'
    >>> normalise_model(" Xiaomi/MiMo-V2.5 ")
    'mimo-v2.5'
    >>> normalise_model("claude-sonnet-4-5-20250929")
    'claude-sonnet-4-5-20250929'
    """
    cleaned = name.strip().lower()
    cleaned = cleaned.rsplit("/", 1)[-1]
    cleaned = cleaned.split("@", 1)[0]
    if cleaned.endswith("]") and "[" in cleaned:
        cleaned = cleaned[: cleaned.rindex("[")]
    return cleaned.strip()
