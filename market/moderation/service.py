"""What moderators do with listings: publish, reject with a reason, archive, merge a duplicate into
another; the queue of listings waiting for review and the log of every action."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.errors import InvalidField
from market.listings import kinds
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.models import ModerationAction
from market.moderation import merge
from market.moderation import workflow as moderation
from market.moderation.schemas import ModerationActionOut, ModerationLog, Queue
from market.moderation.views import action_out, queue_item

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


async def queue(session: AsyncSession, actor: Identity | None, kind: str | None) -> Queue:
    """Listings waiting in pending_review, oldest first, of one kind or all."""
    access.staff(actor)
    found: list[tuple[str, Any]] = []
    for spec in kinds.KINDS.values():
        if kind and spec.kind != kind:
            continue
        model = spec.model
        rows = await session.scalars(select(model).where(model.status == "pending_review").order_by(model.id))
        found += [(spec.kind, row) for row in rows.unique()]
    found.sort(key=lambda pair: pair[1].updated_at)
    return Queue(items=[queue_item(k, row) for k, row in found])


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
              page_size: int = 50) -> ModerationLog:
    """The moderation log, newest first (moderators and admins)."""
    access.staff(actor)
    conditions = _filters(kind, listing_id, actor_id)
    total = await session.scalar(select(func.count()).select_from(ModerationAction).where(*conditions))
    rows = await session.scalars(select(ModerationAction).where(*conditions)
                                 .order_by(ModerationAction.at.desc(), ModerationAction.id.desc())
                                 .offset((page - 1) * page_size).limit(page_size))
    return ModerationLog(items=[action_out(r) for r in rows], total=total or 0, page=page, page_size=page_size)


async def history(session: AsyncSession, spec: KindSpec, listing_id: int, viewer: Identity | None
                  ) -> list[ModerationActionOut]:
    """One listing's actions, for its organisation's members (who see why it was refused, not which
    moderator acted) and the staff."""
    item = await listings.load_managed(session, spec, listing_id, viewer)
    rows = await session.scalars(select(ModerationAction).where(*_filters(spec.kind, item.id, None))
                                 .order_by(ModerationAction.id))
    show_actor = access.staff_member(viewer)
    return [action_out(row, show_actor=show_actor) for row in rows]
