"""Finding accounts for the back office: by a part of the email or of the name."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin.services.audit import like
from market import access
from market.access import Identity
from market.accounts.service import get_live
from market.models import Account

LIMIT = 50


async def find(session: AsyncSession, actor: Identity | None, q: str) -> list[Account]:
    access.staff(actor)
    text = q.strip()
    if not text:
        return []
    pattern = like(text)
    rows = await session.scalars(select(Account).where(
        Account.erased_at.is_(None),
        or_(func.lower(Account.email).like(pattern, escape="\\"),
            func.lower(Account.display_name).like(pattern, escape="\\"))).order_by(Account.email).limit(LIMIT))
    return list(rows)


async def one(session: AsyncSession, actor: Identity | None, account_id: int) -> Account:
    access.staff(actor)
    return await get_live(session, account_id)
