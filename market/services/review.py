"""What moderators do with listings: publish, reject with a reason, archive, merge a duplicate into
another; the queue of listings waiting for review and the log of every action."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField, NotFound
from market.models import LISTING_MODELS, ModerationAction
from market.services import access, listings, merge, moderation
from market.services.access import Identity
from market.services.common import KindSpec

BY_KIND = {spec.kind: spec for spec in listings.KINDS.values()}
TARGETS = {"publish": "published", "reject": "rejected", "archive": "archived"}


async def act(session: AsyncSession, spec: KindSpec, listing_id: int, actor: Identity | None, action: str,
              reason: str | None = None, merge_into: int | None = None) -> Any:
    actor = access.staff(actor)
    item = await listings.load(session, spec, listing_id)
    if action == "reject" and not reason:
        raise InvalidField("un refus doit être motivé", field="reason")
    if action == "merge":
        if merge_into is None:
            raise InvalidField("l'annonce qui reste (merge_into) est obligatoire pour une fusion", field="merge_into")
        await merge.merge(session, spec, item, merge_into, actor, reason)
    else:
        moderation.change(session, spec.kind, item, TARGETS[action], action=action, actor=actor, reason=reason)
    await session.flush()
    return item


async def queue(session: AsyncSession, actor: Identity | None, kind: str | None) -> list[tuple[str, Any]]:
    """Listings waiting in pending_review, oldest first, of one kind or all."""
    access.staff(actor)
    found: list[tuple[str, Any]] = []
    for model in LISTING_MODELS:
        if kind and model.kind != kind:
            continue
        rows = await session.scalars(select(model).where(model.status == "pending_review").order_by(model.id))
        found += [(model.kind, row) for row in rows.unique()]
    return sorted(found, key=lambda pair: pair[1].updated_at)


def _filters(kind: str | None, listing_id: int | None, actor_id: int | None) -> list[Any]:
    conditions = []
    if kind:
        conditions.append(ModerationAction.listing_kind == kind)
    if listing_id:
        conditions.append(ModerationAction.listing_id == listing_id)
    if actor_id:
        conditions.append(ModerationAction.actor_id == actor_id)
    return conditions


async def log(session: AsyncSession, actor: Identity | None, *, kind: str | None = None,
              listing_id: int | None = None, actor_id: int | None = None, page: int = 1,
              page_size: int = 50) -> tuple[list[ModerationAction], int]:
    """The moderation log, newest first (moderators and admins)."""
    access.staff(actor)
    conditions = _filters(kind, listing_id, actor_id)
    total = await session.scalar(select(func.count()).select_from(ModerationAction).where(*conditions))
    rows = await session.scalars(select(ModerationAction).where(*conditions)
                                 .order_by(ModerationAction.at.desc(), ModerationAction.id.desc())
                                 .offset((page - 1) * page_size).limit(page_size))
    return list(rows), total or 0


async def history(session: AsyncSession, spec: KindSpec, listing_id: int, viewer: Identity | None
                  ) -> list[ModerationAction]:
    """One listing's actions, for its organisation's members (who see why it was refused) and the staff."""
    item = await listings.load_managed(session, spec, listing_id, viewer)
    rows = await session.scalars(select(ModerationAction).where(*_filters(spec.kind, item.id, None))
                                 .order_by(ModerationAction.id))
    return list(rows)


def ensure_kind(kind: str) -> KindSpec:
    if kind not in BY_KIND:
        raise NotFound(f"type d'annonce inconnu : {kind}")
    return BY_KIND[kind]
