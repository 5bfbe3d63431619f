"""The base Structs of every request and response body, and the field types several features share.

Each feature's bodies live in its own `schemas.py` (listings, accounts, moderation, matches,
pledges). Limits live in the types, so the OpenAPI document shows them to clients.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from market.vocabulary import OrganisationKind


class Body(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every request body: unknown fields are refused."""


class Out(msgspec.Struct):
    """Base of every response body."""


Name = Annotated[str, Meta(min_length=2, max_length=200)]
Siren = Annotated[str, Meta(pattern=r"^\d{9}$", description="SIREN (9 chiffres)")]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]
Reason = Annotated[str, Meta(min_length=3, max_length=1000)]


class OrganisationRef(Out):
    id: int
    slug: str
    name: str
    kind: OrganisationKind
