"""The last published version of each listing (its public fields, as the API returns them), kept so
the moderation queue shows, field by field, what changed since."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.listings.spec import KindSpec
from market.models import ListingSnapshot, utcnow

# Bookkeeping, not content: never shown as a change
IGNORED = frozenset({"id", "status", "created_at", "updated_at", "published_at", "url", "slug", "merged_into_id"})


def public_fields(spec: KindSpec, item: Any) -> dict[str, Any]:
    data = msgspec.to_builtins(spec.to_out(item))
    return {k: v for k, v in data.items() if k not in IGNORED}


async def find(session: AsyncSession, kind: str, listing_id: int) -> ListingSnapshot | None:
    return await session.scalar(select(ListingSnapshot).where(ListingSnapshot.listing_kind == kind,
                                                              ListingSnapshot.listing_id == listing_id))


async def keep(session: AsyncSession, spec: KindSpec, item: Any, *, only_missing: bool = False) -> None:
    """When the listing is published: its current public fields become the published version."""
    if item.status != "published":
        return
    row = await find(session, spec.kind, item.id)
    if row is not None and only_missing:
        return
    if row is None:
        row = ListingSnapshot(listing_kind=spec.kind, listing_id=item.id)
        session.add(row)
    row.data, row.taken_at = public_fields(spec, item), utcnow()
    await session.flush()


async def changes(session: AsyncSession, spec: KindSpec, item: Any) -> list[dict[str, Any]] | None:
    """[{field, before, after}] since the last published version; None when it was never published."""
    row = await find(session, spec.kind, item.id)
    if row is None:
        return None
    now = public_fields(spec, item)
    return [{"field": name, "before": row.data.get(name), "after": now.get(name)}
            for name in sorted(set(now) | set(row.data)) if row.data.get(name) != now.get(name)]
