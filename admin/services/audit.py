"""The moderation log, searchable: by words of the reason or of the listing's title, by action, kind,
listing number and by the moderator's email; newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.listings import kinds
from market.models import Account, ModerationAction
from market.moderation.service import log_filters

PAGE_SIZE = 50


@dataclass
class Entry:
    action: ModerationAction
    title: str | None
    actor_email: str | None


@dataclass
class Found:
    entries: list[Entry]
    total: int
    page: int
    pages: int


def like(text: str) -> str:
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search(session: AsyncSession, actor: Identity | None, *, q: str = "", action: str = "", kind: str = "",
                 listing_id: int | None = None, moderator: str = "", page: int = 1) -> Found:
    access.staff(actor)
    conditions: list[Any] = log_filters(kind, listing_id, None)
    if action:
        conditions.append(ModerationAction.action == action)
    if moderator:
        conditions.append(ModerationAction.actor_id.in_(
            select(Account.id).where(func.lower(Account.email).like(like(moderator), escape="\\"))))
    if q:
        words: list[Any] = [func.lower(ModerationAction.reason).like(like(q), escape="\\")]
        for spec in kinds.KINDS.values():
            title = getattr(spec.model, spec.title_attr)
            ids = select(spec.model.id).where(func.lower(title).like(like(q), escape="\\"))
            words.append((ModerationAction.listing_kind == spec.kind) & ModerationAction.listing_id.in_(ids))
        conditions.append(or_(*words))
    total = await session.scalar(select(func.count()).select_from(ModerationAction).where(*conditions)) or 0
    rows = list(await session.scalars(select(ModerationAction).where(*conditions)
                                      .order_by(ModerationAction.at.desc(), ModerationAction.id.desc())
                                      .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return Found([await _entry(session, row) for row in rows], total, page, max(1, -(-total // PAGE_SIZE)))


async def _entry(session: AsyncSession, row: ModerationAction) -> Entry:
    spec = kinds.KINDS[row.listing_kind]
    item = await session.get(spec.model, row.listing_id)
    actor = await session.get(Account, row.actor_id) if row.actor_id else None
    return Entry(row, spec.title(item) if item else None, actor.email if actor else None)
