"""The listings of the signed-in person's organisations, of every kind, for their own space."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.listings.kinds import KINDS

LIMIT = 200  # per kind: an organisation with more browses them in the JSON API


async def of_my_organisations(session: AsyncSession, identity: Identity | None) -> dict[str, list[Any]]:
    """Per kind, the listings of the organisations the account is a member of (every state but
    merged), the most recently changed first."""
    identity = signed_in(identity)
    found: dict[str, list[Any]] = {}
    for kind, spec in KINDS.items():
        model = spec.model
        rows = await session.scalars(
            select(model).where(model.organisation_id.in_(list(identity.memberships)), model.status != "merged")
            .order_by(model.updated_at.desc(), model.id.desc()).limit(LIMIT))
        found[kind] = list(rows.unique())
    return found
