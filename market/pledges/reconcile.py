"""Reconciliation (`python -m market.cli reconcile`): settle pending pledges whose webhook never
came, by asking Stripe.

Safe to run at any time, beside the webhooks and twice in a row: every change is a conditional
update that a second run (or a late event) finds already made. Each pledge is settled in its own
transaction, so Stripe failing on one leaves the others settled. Then receipts that have not gone
out are mailed, and what the run did is recorded (`reconcile_runs`, shown in the back office).
"""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tqdm import tqdm

from market.config import Settings
from market.models import Pledge, ReconcileRun, utcnow
from market.pledges.mailer import send_receipts, unsent
from market.pledges.payments import PaymentGateway, PaymentUnavailable
from market.pledges.settlement import settle

log = logging.getLogger("bourse.reconcile")


async def reconcile(session_factory: async_sessionmaker[AsyncSession], gateway: PaymentGateway,
                    settings: Settings, *, progress: bool = True) -> Counter[str]:
    started = utcnow()
    async with session_factory() as session:
        pending = list(await session.scalars(select(Pledge.id).where(Pledge.status == "pending").order_by(Pledge.id)))
    outcomes: Counter[str] = Counter()
    for pledge_id in tqdm(pending, desc="Promesses en attente", unit="promesse", disable=not progress):
        try:
            async with session_factory() as session, session.begin():
                outcomes[await settle(session, gateway, settings, pledge_id)] += 1
        except PaymentUnavailable as exc:
            log.warning("pledge %s left pending: Stripe did not answer (%s)", pledge_id, exc)
            outcomes["stripe_unavailable"] += 1
    async with session_factory() as session:
        to_mail = await unsent(session)
    outcomes["receipts_sent"] = await send_receipts(session_factory, settings, to_mail)
    async with session_factory() as session, session.begin():
        session.add(ReconcileRun(started_at=started, finished_at=utcnow(), outcomes=dict(outcomes)))
    return outcomes
