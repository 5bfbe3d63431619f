"""What moderators do with listings: publish, reject with a reason, archive, merge a duplicate into
another; the queue of listings waiting for review and the log of every action."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.errors import InvalidField
from market.listings import kinds
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.models import ModerationAction
from market.moderation import merge, reports, snapshots
from market.moderation import workflow as moderation
from market.moderation.schemas import ModerationActionOut, ModerationLog, Queue
from market.moderation.views import action_out, queue_item

# `hide` takes a published listing offline at once (back to the queue); `dismiss` closes its reports
TARGETS = {"publish": "published", "reject": "rejected", "archive": "archived", "hide": "pending_review"}


async def act(session: AsyncSession, spec: KindSpec, listing_id: int, actor: Identity | None, action: str,
              reason: str | None = None, merge_into: int | None = None,
              kept_from_source: list[str] | None = None) -> Any:
    actor = access.staff(actor)
    item = await listings.load(session, spec, listing_id)
    if action == "reject" and not reason:
        raise InvalidField("un refus doit être motivé", field="reason")
    if action == "merge":
        if merge_into is None:
            raise InvalidField("l'annonce qui reste (merge_into) est obligatoire pour une fusion", field="merge_into")
        await merge.merge(session, spec, item, merge_into, actor, reason, kept_from_source)
    elif action == "dismiss":
        if not await reports.open_reports(session, spec.kind, item.id):
            raise InvalidField("aucun signalement ouvert sur cette annonce", field="action")
        moderation.record(session, spec.kind, item, action="dismiss", from_status=item.status, actor=actor,
                          reason=reason)
    else:
        if action == "hide" and item.status != "published":
            raise InvalidField("seule une annonce publiée peut être masquée", field="action")
        moderation.change(session, spec.kind, item, TARGETS[action], action=action, actor=actor, reason=reason)
    await reports.resolve(session, spec.kind, item.id, action)
    await session.flush()
    await snapshots.keep(session, spec, item)
    return item


async def queue(session: AsyncSession, actor: Identity | None, kind: str | None) -> Queue:
    """Listings waiting in pending_review and listings with open reports, oldest first (by the
    last change, or by the first open report), of one kind or all."""
    access.staff(actor)
    flagged = await reports.reported(session)
    found: list[tuple[str, Any, list[Any]]] = []
    for spec in kinds.KINDS.values():
        if kind and spec.kind != kind:
            continue
        model = spec.model
        reported_ids = [i for k, i in flagged if k == spec.kind]
        rows = await session.scalars(select(model).where(
            or_(model.status == "pending_review", model.id.in_(reported_ids))).order_by(model.id))
        found += [(spec.kind, row, flagged.get((spec.kind, row.id), [])) for row in rows.unique()]
    found.sort(key=lambda entry: min([entry[1].updated_at] + [r.created_at for r in entry[2]]))
    return Queue(items=[queue_item(k, row, len(open_ones)) for k, row, open_ones in found])


def log_filters(kind: str | None, listing_id: int | None, actor_id: int | None) -> list[Any]:
    """Conditions on the moderation log: a kind, a listing, an actor (each when given)."""
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
    conditions = log_filters(kind, listing_id, actor_id)
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
    rows = await session.scalars(select(ModerationAction).where(*log_filters(spec.kind, item.id, None))
                                 .order_by(ModerationAction.id))
    show_actor = access.staff_member(viewer)
    return [action_out(row, show_actor=show_actor) for row in rows]
