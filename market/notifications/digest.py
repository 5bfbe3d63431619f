"""The daily digest: one email per account gathering its notifications whose delivery is `daily`
and that no digest took yet. Each account's rows are locked, marked and queued in one transaction
(on PostgreSQL `FOR UPDATE SKIP LOCKED`: two jobs never take the same row; SQLite serialises
writes), so a crash leaves them all to the next run and a re-run queues nothing twice."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from market.models import Account, utcnow
from market.notifications import outbox, preferences
from market.notifications.models import Notification


async def send_digests(factory: async_sessionmaker[AsyncSession]) -> int:
    """Queue the digests due; returns how many were queued (the outbox job sends them)."""
    async with factory() as session:
        accounts = list(await session.scalars(
            select(Notification.account_id).where(Notification.delivery == "daily", Notification.emailed_at.is_(None))
            .distinct()))
    queued = 0
    for account_id in accounts:
        async with factory() as session, session.begin():
            queued += await _one(session, account_id)
    return queued


async def _one(session: AsyncSession, account_id: int) -> int:
    rows = list(await session.scalars(
        select(Notification).where(Notification.account_id == account_id, Notification.delivery == "daily",
                                   Notification.emailed_at.is_(None))
        .order_by(Notification.id).with_for_update(skip_locked=True)))
    account = await session.get(Account, account_id)
    if not rows or account is None or not account.email:
        return 0
    await session.execute(update(Notification).where(Notification.id.in_([n.id for n in rows]))
                          .values(emailed_at=utcnow()).execution_options(synchronize_session=False))
    items = [{"text": n.text, "link": n.link, "kind": n.kind} for n in rows]
    await outbox.enqueue(session, account.email, "digest",
                         {"subscriber": preferences.of_account(account_id), "items": items})
    return 1
