"""Pledge state changes shared by webhooks, reconciliation and refunds.

Each change is one conditional UPDATE that leaves a row only from the states it may leave, so a
repeated or late event finds nothing to change (rowcount 0): a settled pledge is never moved back
to `pending` or `failed`, and a refunded total only grows. Concurrent writers are serialised by the
database (row locks on PostgreSQL, the write lock on SQLite) without any read-then-write.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.db import dialect, insert_for, rows_changed
from market.live import events as live
from market.models import Pledge, PledgeRefund, utcnow
from market.pledges.payments import Intent, Refund

log = logging.getLogger("bourse.pledges")
NO_SYNC = {"synchronize_session": False}


@dataclass(frozen=True)
class PledgeRef:
    """The few columns a state change needs, read without loading the ORM object."""

    id: int
    amount_cents: int
    currency: str
    payment_intent_id: str | None
    status: str
    stripe_reference: str


_REF_COLUMNS = (Pledge.id, Pledge.amount_cents, Pledge.currency, Pledge.payment_intent_id, Pledge.status,
                Pledge.stripe_reference)


async def ref(session: AsyncSession, pledge_id: int) -> PledgeRef | None:
    row = (await session.execute(select(*_REF_COLUMNS).where(Pledge.id == pledge_id))).first()
    return PledgeRef(*row) if row else None


async def find_for_intent(session: AsyncSession, intent: Intent) -> PledgeRef | None:
    """The pledge an intent pays: by the stored intent id, else by the pledge id and reference in its
    metadata (the intent id was never stored when Stripe answered too late): then it is recorded now.
    An intent whose reference is not the pledge's belongs to another database on the same account."""
    row = (await session.execute(select(*_REF_COLUMNS).where(Pledge.payment_intent_id == intent.id))).first()
    if row:
        return PledgeRef(*row)
    if intent.pledge_id is None:
        return None
    found = await ref(session, intent.pledge_id)
    if found is None or found.stripe_reference != intent.pledge_ref:
        return None
    if found.payment_intent_id is None:
        attached = await rows_changed(session,
            update(Pledge).where(Pledge.id == found.id, Pledge.payment_intent_id.is_(None))
            .values(payment_intent_id=intent.id, updated_at=utcnow()).execution_options(**NO_SYNC))
        if attached == 1:
            return PledgeRef(found.id, found.amount_cents, found.currency, intent.id, found.status,
                             found.stripe_reference)
        found = await ref(session, found.id)
        if found and found.payment_intent_id == intent.id:
            return found
    log.warning("payment intent %s names pledge %s, which is paid by another intent", intent.id, intent.pledge_id)
    return None


async def find_for_charge(session: AsyncSession, intent_id: str | None, charge_id: str | None) -> PledgeRef | None:
    for column, value in ((Pledge.payment_intent_id, intent_id), (Pledge.charge_id, charge_id)):
        if value:
            row = (await session.execute(select(*_REF_COLUMNS).where(column == value))).first()
            if row:
                return PledgeRef(*row)
    return None


def amount_matches(pledge: PledgeRef, intent: Intent) -> bool:
    received = intent.amount_received or intent.amount  # localstripe leaves amount_received out
    return received == pledge.amount_cents and intent.currency == pledge.currency


async def mark_succeeded(session: AsyncSession, pledge_id: int, charge_id: str | None) -> bool:
    now = utcnow()
    changed = await rows_changed(session,
        update(Pledge).where(Pledge.id == pledge_id, Pledge.status.in_(("pending", "failed")))
        .values(status="succeeded", settled_at=now, updated_at=now, failure_reason=None,
                charge_id=func.coalesce(Pledge.charge_id, charge_id))
        .execution_options(**NO_SYNC))
    if changed == 1:
        await live.pledge_settled(session, pledge_id)
    return changed == 1


async def mark_failed(session: AsyncSession, pledge_id: int, reason: str, *, from_states: tuple[str, ...]) -> bool:
    changed = await rows_changed(session,
        update(Pledge).where(Pledge.id == pledge_id, Pledge.status.in_(from_states))
        .values(status="failed", failure_reason=reason[:100], updated_at=utcnow())
        .execution_options(**NO_SYNC))
    return changed == 1


async def apply_refunded_total(session: AsyncSession, pledge_id: int, total: int, charge_id: str | None) -> bool:
    """Stripe's cumulative refunded amount for the pledge's charge: taken only when it is larger than
    the one stored, so replays and late events never count a refund twice. A refunded charge was paid:
    a pledge still `pending` or `failed` (its success event is late) is settled by it."""
    now = utcnow()
    changed = await rows_changed(session,
        update(Pledge).where(Pledge.id == pledge_id, Pledge.refunded_cents < total, Pledge.amount_cents >= total)
        .values(refunded_cents=total,
                status=case((Pledge.amount_cents <= total, "refunded"), else_="partially_refunded"),
                settled_at=func.coalesce(Pledge.settled_at, now), updated_at=now, failure_reason=None,
                charge_id=func.coalesce(Pledge.charge_id, charge_id))
        .execution_options(**NO_SYNC))
    if changed == 1:
        await live.pledge_settled(session, pledge_id)
    return changed == 1


async def mark_disputed(session: AsyncSession, pledge_id: int) -> bool:
    changed = await rows_changed(session,
        update(Pledge).where(Pledge.id == pledge_id, Pledge.disputed.is_(False))
        .values(disputed=True, updated_at=utcnow()).execution_options(**NO_SYNC))
    return changed == 1


def insert_ignore(session: AsyncSession, model: Any, conflict_on: list[str], **values: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike (the row's id is returned
    only when this statement inserted it)."""
    return insert_for(session)(model).values(**values).on_conflict_do_nothing(index_elements=conflict_on)


async def record_refund(session: AsyncSession, pledge_id: int, refund: Refund, *, source: str,
                        reason: str | None = None) -> bool:
    stmt = insert_ignore(session, PledgeRefund, ["stripe_refund_id"], pledge_id=pledge_id,
                         stripe_refund_id=refund.id, amount_cents=refund.amount, status=refund.status,
                         source=source, reason=reason, created_at=utcnow())
    return (await session.execute(stmt.returning(PledgeRefund.id))).first() is not None


async def lock(session: AsyncSession, pledge_id: int) -> Pledge | None:
    """The pledge, locked until the transaction ends: SELECT ... FOR UPDATE on PostgreSQL; on SQLite a
    first write takes the database's write lock, which serialises writers the same way."""
    if dialect(session) != "postgresql":
        await session.execute(update(Pledge).where(Pledge.id == pledge_id)
                              .values(refunded_cents=Pledge.refunded_cents).execution_options(**NO_SYNC))
    stmt = select(Pledge).where(Pledge.id == pledge_id).with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(stmt)).first()
