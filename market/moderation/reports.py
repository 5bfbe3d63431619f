"""Reports (« signaler »): any signed-in person flags a published listing with a reason; the report
joins the moderation queue and stays open until a moderator acts on the listing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.db import rows_changed
from market.errors import Conflict, InvalidField
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.models import ListingReport, utcnow

MAX_OPEN_PER_PERSON = 1  # one open report per person and listing: a second one says nothing new


async def report(session: AsyncSession, spec: KindSpec, listing_id: int, actor: Identity | None,
                 reason: str) -> ListingReport:
    actor = access.signed_in(actor)
    item = await listings.read(session, spec, listing_id, actor)
    text = reason.strip()
    if len(text) < 5:
        raise InvalidField("dites en quelques mots ce qui ne va pas (5 caractères au moins)", field="reason")
    open_ones = await session.scalar(select(func.count()).select_from(ListingReport).where(
        *_open(spec.kind, item.id), ListingReport.reporter_id == actor.account_id))
    if (open_ones or 0) >= MAX_OPEN_PER_PERSON:
        raise Conflict("vous avez déjà signalé cette annonce : un modérateur va la relire", field="reason")
    row = ListingReport(listing_kind=spec.kind, listing_id=item.id, reporter_id=actor.account_id, reason=text,
                        created_at=utcnow())
    session.add(row)
    await session.flush()
    return row


def _open(kind: str, listing_id: int) -> list[Any]:
    return [ListingReport.listing_kind == kind, ListingReport.listing_id == listing_id,
            ListingReport.resolved_at.is_(None)]


async def open_reports(session: AsyncSession, kind: str, listing_id: int) -> list[ListingReport]:
    rows = await session.scalars(select(ListingReport).where(*_open(kind, listing_id)).order_by(ListingReport.id))
    return list(rows)


async def reported(session: AsyncSession) -> dict[tuple[str, int], list[ListingReport]]:
    """Every open report, by listing."""
    found: dict[tuple[str, int], list[ListingReport]] = {}
    for row in await session.scalars(select(ListingReport).where(ListingReport.resolved_at.is_(None))
                                     .order_by(ListingReport.id)):
        found.setdefault((row.listing_kind, row.listing_id), []).append(row)
    return found


async def resolve(session: AsyncSession, kind: str, listing_id: int, action: str) -> int:
    return await rows_changed(session, update(ListingReport).where(*_open(kind, listing_id))
                              .values(resolved_at=utcnow(), resolution=action))
