"""Which rules are in force for a model at an instant: forwards, legacy rates, discontinuation."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Literal

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import Model, ModelKind, RateCard, TokenRates
from tokenplan_cli.tuples import NamedTuple

Status = Literal["active", "legacy", "forwarded", "discontinued"]


class ResolvedModel(NamedTuple):
    """A model name as a request for it is charged at `as_of`."""

    requested: str
    charged_as: str
    kind: ModelKind
    status: Status
    rates: TokenRates | None
    credits_per_audio_hour: Fraction | None
    promotion: str | None
    notes: tuple[str, ...] = ()


def rule_changes(card: RateCard) -> tuple[datetime, ...]:
    """Every instant the card's rules change at, earliest first: forwards, the end of legacy rates,
    discontinuations, and the card's events (the usage reset)."""
    instants = {event.at for event in card.events}
    for model in card.models.values():
        if model.forward is not None:
            instants.add(model.forward.since)
        instants.update(legacy.until for legacy in model.legacy)
    instants.update(s.discontinued_at for s in card.series.values() if s.discontinued_at is not None)
    return tuple(sorted(instants))


def utc_label(instant: datetime) -> str:
    """`2026-06-29 16:00 UTC`: how instants appear in notes."""
    return instant.strftime("%Y-%m-%d %H:%M UTC")


def resolve_model(card: RateCard, name: str, as_of: datetime) -> ResolvedModel:
    """The rates and status that apply to `name` at `as_of` (an aware datetime)."""
    model = card.model(name)
    series = card.series.get(model.series)
    discontinued_at = series.discontinued_at if series else None
    discontinued = discontinued_at is not None and as_of >= discontinued_at

    if model.forward is not None and as_of >= model.forward.since:
        target = resolve_model(card, model.forward.to, as_of)
        if discontinued:
            assert discontinued_at is not None
            note = (
                f"{model.name} was discontinued at {utc_label(discontinued_at)}; "
                f"charged as its successor {target.charged_as}"
            )
        else:
            note = (
                f"{model.name} is forwarded to {target.charged_as} since "
                f"{utc_label(model.forward.since)} and charged at its rates"
            )
        status: Status = "discontinued" if discontinued else "forwarded"
        return target._replace(requested=model.name, status=status, notes=(note, *target.notes))

    if discontinued:
        assert discontinued_at is not None
        raise BadInputError(
            f"model {model.name} was discontinued at {utc_label(discontinued_at)} "
            "and the card names no successor"
        )
    return _own_rates(model, as_of)


def _own_rates(model: Model, as_of: datetime) -> ResolvedModel:
    for legacy in model.legacy:
        if as_of < legacy.until:
            note = f"{model.name} is charged at its legacy rates until {utc_label(legacy.until)}"
            return ResolvedModel(
                model.name, model.name, model.kind, "legacy", legacy.rates, None, model.promotion, (note,)
            )
    if model.rates is None and model.credits_per_audio_hour is None:
        raise BadInputError(f"model {model.name} has no rates on the card at {utc_label(as_of)}")
    return ResolvedModel(
        requested=model.name,
        charged_as=model.name,
        kind=model.kind,
        status="active",
        rates=model.rates,
        credits_per_audio_hour=model.credits_per_audio_hour,
        promotion=model.promotion,
    )
