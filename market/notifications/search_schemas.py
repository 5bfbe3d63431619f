"""Bodies of the saved searches: the browse parameters of one kind of listing, and a frequency."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from market.schemas import Body, Email, Out
from market.vocabulary import (
    EconomicPurpose,
    ListingKind,
    Maturity,
    Need,
    OrgForm,
    Stance,
    TakeoverDirection,
    Theme,
)

Frequency = Literal["immediate", "daily", "weekly"]
FILTERS = ("theme", "maturity", "economic_purpose", "org_form", "stance", "need", "direction", "remote_ok")


class SavedSearchCreate(Body):
    """The same filters as `GET /api/{resource}`; `email` only (and then required) without an account."""

    frequency: Frequency
    kind: ListingKind = "initiative"
    q: Annotated[str, Meta(max_length=200)] | None = None
    territory: Annotated[str, Meta(max_length=20)] | None = None
    theme: Theme | None = None
    maturity: Maturity | None = None
    economic_purpose: EconomicPurpose | None = None
    org_form: OrgForm | None = None
    stance: Stance | None = None
    need: Annotated[list[Need], Meta(max_length=20)] | None = None
    direction: TakeoverDirection | None = None
    remote_ok: bool | None = None
    email: Email | msgspec.UnsetType = msgspec.UNSET


class SavedSearchOut(Out):
    id: int
    kind: ListingKind
    q: str | None
    territory: str | None
    filters: dict[str, object]
    frequency: Frequency
    confirmed: bool
    created_at: datetime
    last_sent_at: datetime | None
