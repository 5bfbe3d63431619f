"""Receipt emails, sent with smtplib to the configured SMTP server once a pledge is paid.

Sending runs after the payment's transaction has committed (a background task of the webhook's
response, or the reconciliation command), in its own short transactions: a pledge is claimed
(`receipt_emailed_at` set where it was empty), then mailed; a failed send clears the claim, so the
next `python -m market.cli reconcile` tries again. Logs name the pledge, never the address.
"""

from __future__ import annotations

import logging
import smtplib

import anyio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from market.config import Settings
from market.db import rows_changed
from market.mail import send_mail
from market.models import Pledge, utcnow
from market.pledges import service as pledges
from market.pledges.receipts import email_text
from market.vocabulary import SETTLED_STATES

log = logging.getLogger("bourse.mail")


async def unsent(session: AsyncSession) -> list[int]:
    """Paid pledges whose receipt has not gone out (SMTP was down or not yet configured)."""
    rows = await session.scalars(select(Pledge.id).where(
        Pledge.status.in_(SETTLED_STATES), Pledge.receipt_emailed_at.is_(None), Pledge.email.is_not(None)))
    return list(rows)


async def send_receipts(session_factory: async_sessionmaker[AsyncSession], settings: Settings,
                        pledge_ids: list[int]) -> int:
    """Mail the receipt of each paid pledge that has not had one; returns how many went out."""
    if not settings.smtp_host:
        if pledge_ids:
            log.info("receipt emails are off (SMTP_HOST is empty): %d not sent", len(pledge_ids))
        return 0
    sent = 0
    for pledge_id in pledge_ids:
        async with session_factory() as session, session.begin():
            claimed = await rows_changed(session,
                update(Pledge).where(Pledge.id == pledge_id, Pledge.receipt_emailed_at.is_(None),
                                     Pledge.status.in_(SETTLED_STATES), Pledge.email.is_not(None))
                .values(receipt_emailed_at=utcnow()).execution_options(synchronize_session=False))
            if claimed != 1:
                continue
            view = await pledges.receipt_view(session, settings, pledge_id)
            pledge = await session.get(Pledge, pledge_id)
            assert pledge is not None and pledge.email is not None  # claimed above: settled, with an email
            to = pledge.email
        subject, body = email_text(view)
        try:
            await anyio.to_thread.run_sync(send_mail, settings, to, subject, body)
            sent += 1
            log.info("receipt email sent for pledge %s", pledge_id)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("receipt email for pledge %s not sent (%s): will retry", pledge_id, type(exc).__name__)
            async with session_factory() as session, session.begin():
                await session.execute(update(Pledge).where(Pledge.id == pledge_id)
                                      .values(receipt_emailed_at=None).execution_options(synchronize_session=False))
    return sent
