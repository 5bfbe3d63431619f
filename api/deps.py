"""Dependencies handed to route handlers: the app-wide state built by `create_app`, and the parsing
of path ids and strict bodies."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from litestar.datastructures import State
from litestar.exceptions import ValidationException
from litestar.params import SkipValidation
from sqlalchemy.ext.asyncio import AsyncSession

from market.config import Settings
from market.errors import InvalidField, NotFound
from market.matches.pools import CandidatePools
from market.pledges.payments import PaymentGateway
from market.reference.territories import TerritoryIndex, build_index
from matching.semantic import Embedder

MAX_ID = 2**31 - 1


def provide_settings(state: State) -> Settings:
    return state.settings


# Handlers take the embedder as `embedder: EmbedderDep`: a protocol, so not checked by the signature model.
EmbedderDep = SkipValidation[Embedder | None]


def provide_embedder(state: State) -> Embedder | None:
    """The embedding model loaded at start-up, or None when it is unavailable."""
    return state.get("embedder")


async def provide_territory_index(state: State, db_session: AsyncSession) -> TerritoryIndex:
    """Built by the first search from the database's reference, then kept by the app (it is
    read-only). One build at a time: the searches that arrive while it is being built wait for it
    instead of each building their own (after a restart under load, sixteen concurrent builds kept a
    worker busy for twenty seconds). Not built at start-up: the test suite starts hundreds of apps."""
    if state.get("territory_index") is None:
        async with state.territory_lock:
            if state.get("territory_index") is None:
                state.territory_index = await build_index(db_session)
    return state.territory_index


def provide_pools(state: State) -> CandidatePools:
    return state.pools


def provide_payments(state: State) -> PaymentGateway:
    return state.payments


def parse_id(raw: str, label: str) -> int:
    """Path ids are positive integers in ASCII digits ("²", "①", "١" are not ids: a 400 naming the
    parameter); an id beyond the columns' range (however many digits) is a 404."""
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidField("identifiant entier positif attendu (chiffres 0 à 9)", field="id", source="path")
    digits = raw.lstrip("0")
    if not digits or len(digits) > len(str(MAX_ID)) or int(digits) > MAX_ID:
        raise NotFound(f"{label} {raw[:20]}{'…' if len(raw) > 20 else ''} introuvable")
    return int(digits)


T = TypeVar("T")


def strict_body(raw: bytes, body_type: type[T]) -> T:
    """Decode a JSON body with strict types: "12" is not a number, "true" is not a boolean.

    Litestar converts bodies leniently; handlers declare `data` for the OpenAPI schema and
    decode the raw body again through this function.
    """
    try:
        return msgspec.json.decode(raw, type=body_type)
    except msgspec.ValidationError as exc:
        raise ValidationException(
            detail=str(exc), extra=[{"message": str(exc), "key": "body", "source": "body"}]
        ) from exc
    except msgspec.DecodeError as exc:
        raise ValidationException(
            detail=str(exc), extra=[{"message": "JSON mal formé", "key": "body", "source": "body"}]
        ) from exc
