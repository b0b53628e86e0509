"""Model lifecycle: legacy V2 rates, forwards to V2.5, and the V2 discontinuation."""

from __future__ import annotations

from datetime import datetime

import pytest

from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.lifecycle import resolve_model
from tokenplan_cli.core.ratecard import RateCard


def at(text: str) -> datetime:
    return parse_instant(text)


@pytest.mark.parametrize(
    ("model", "when", "charged_as", "status", "miss_rate"),
    [
        pytest.param(
            "mimo-v2-pro", "2026-05-26T15:59:59Z", "mimo-v2-pro", "legacy", 700, id="v2-pro-before-forward"
        ),
        pytest.param(
            "mimo-v2-pro", "2026-05-26T16:00:00Z", "mimo-v2.5-pro", "forwarded", 300, id="v2-pro-at-forward"
        ),
        pytest.param("mimo-v2-omni", "2026-05-01", "mimo-v2-omni", "legacy", 280, id="v2-omni-legacy"),
        pytest.param("mimo-v2-omni", "2026-06-01", "mimo-v2.5", "forwarded", 100, id="v2-omni-forwarded"),
        pytest.param(
            "mimo-v2-pro", "2026-06-29T15:59:59Z", "mimo-v2.5-pro", "forwarded", 300, id="last-second-of-v2"
        ),
        pytest.param(
            "mimo-v2-pro", "2026-06-29T16:00:00Z", "mimo-v2.5-pro", "discontinued", 300, id="v2-discontinued"
        ),
        pytest.param(
            "mimo-v2-tts", "2026-06-17T15:59:59Z", "mimo-v2-tts", "active", 0, id="v2-tts-before-forward"
        ),
        pytest.param("mimo-v2-tts", "2026-06-18", "mimo-v2.5-tts", "forwarded", 0, id="v2-tts-forwarded"),
        pytest.param("mimo-v2.5-pro", "2026-11-23", "mimo-v2.5-pro", "active", 300, id="v25-active"),
        pytest.param("MiMo-V2.5-Pro", "2026-11-23", "mimo-v2.5-pro", "active", 300, id="case-insensitive"),
    ],
)
def test_rules_in_force(
    card: RateCard, model: str, when: str, charged_as: str, status: str, miss_rate: int
) -> None:
    resolved = resolve_model(card, model, at(when))
    assert (resolved.charged_as, resolved.status) == (charged_as, status)
    assert resolved.rates is not None and resolved.rates.cache_miss == miss_rate


def test_discontinued_model_is_named_as_such(card: RateCard) -> None:
    notes = resolve_model(card, "mimo-v2-omni", at("2026-11-23")).notes
    assert notes == (
        "mimo-v2-omni was discontinued at 2026-06-29 16:00 UTC; charged as its successor mimo-v2.5",
    )


def test_unknown_model_suggests_the_closest(card: RateCard) -> None:
    with pytest.raises(BadInputError, match=r"unknown model 'mimo-v25-pro'; did you mean 'mimo-v2.5-pro'"):
        resolve_model(card, "mimo-v25-pro", at("2026-11-23"))
