"""Each subscriber's choice per kind of event: immediate email (the default), daily digest, or none."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.db import insert_for
from market.notifications.kinds import DEFAULT_MODE, EVENT_KINDS, Mode
from market.notifications.models import NotificationPreference


def of_account(account_id: int) -> str:
    return f"account:{account_id}"


def of_address(email: str) -> str:
    """A contact address without an account, kept only as a hash."""
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


async def modes(session: AsyncSession, subscriber: str) -> dict[str, Mode]:
    chosen = dict((await session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.subscriber == subscriber))).tuples().all())
    return {kind: chosen.get(kind, DEFAULT_MODE) for kind in EVENT_KINDS}  # type: ignore[misc]


async def wants(session: AsyncSession, subscriber: str, kind: str) -> bool:
    """False only when the subscriber turned this kind of email off."""
    mode = await session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.subscriber == subscriber, NotificationPreference.kind == kind))
    return mode != "none"


async def choose(session: AsyncSession, subscriber: str, chosen: dict[str, Mode]) -> None:
    """Upsert the modes given (kinds not given keep theirs)."""
    if not chosen:
        return
    insert = insert_for(session)
    stmt = insert(NotificationPreference).values(
        [{"subscriber": subscriber, "kind": kind, "mode": mode} for kind, mode in chosen.items()])
    await session.execute(stmt.on_conflict_do_update(index_elements=["subscriber", "kind"],
                                                     set_={"mode": stmt.excluded.mode}))
