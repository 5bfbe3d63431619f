"""Admins suspend an account: it can no longer log in, and every session and API token it had ends
at once (`identity` also refuses a suspended account, whatever credential it still shows)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.accounts.service import end_credentials, get_live
from market.errors import InvalidField
from market.models import Account, utcnow


async def suspend(session: AsyncSession, actor: Identity | None, account_id: int) -> Account:
    actor = access.admin(actor)
    if account_id == actor.account_id:
        raise InvalidField("vous ne pouvez pas suspendre votre propre compte", field="account_id")
    account = await get_live(session, account_id)
    if account.suspended_at is None:
        account.suspended_at = utcnow()
    await end_credentials(session, account.id)
    await session.flush()
    return account


async def reinstate(session: AsyncSession, actor: Identity | None, account_id: int) -> Account:
    access.admin(actor)
    account = await get_live(session, account_id)
    account.suspended_at = None
    await session.flush()
    return account
