"""The outbox: emails are written in the transaction of what caused them, and sent by a job.

An SMTP server that is down loses nothing (the row waits for the next run) and never rolls back
what caused the email. Each row is claimed (pending -> sending) in its own committed transaction
before SMTP is spoken to, and marked sent right after: two jobs never send the same row, and a
re-run after a crash sends nothing twice (a row left in `sending` waits for an operator).
"""

from __future__ import annotations

import functools
import logging
import smtplib
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from market.config import Settings
from market.db import rows_changed
from market.mail import send_mail
from market.models import utcnow
from market.notifications.models import OutboxMail
from market.notifications.render import render

log = logging.getLogger("bourse.mail")
MAX_ATTEMPTS = 10


async def enqueue(session: AsyncSession, to: str, template: str, context: dict[str, Any]) -> None:
    session.add(OutboxMail(to_address=to, template=template, context=context, status="pending"))


async def _claim(factory: async_sessionmaker[AsyncSession], mail_id: int) -> OutboxMail | None:
    async with factory() as session, session.begin():
        claimed = await rows_changed(session, update(OutboxMail)
                                     .where(OutboxMail.id == mail_id, OutboxMail.status == "pending")
                                     .values(status="sending", claimed_at=utcnow(),
                                             attempts=OutboxMail.attempts + 1)
                                     .execution_options(synchronize_session=False))
        return await session.get(OutboxMail, mail_id) if claimed == 1 else None


async def _settle(factory: async_sessionmaker[AsyncSession], mail: OutboxMail, error: str | None) -> None:
    # a sent row keeps no address (personal data is kept only as long as it is needed)
    values: dict[str, Any] = {"status": "sent", "sent_at": utcnow(), "last_error": None, "to_address": ""}
    if error is not None:
        values = {"status": "failed" if mail.attempts >= MAX_ATTEMPTS else "pending", "last_error": error}
    async with factory() as session, session.begin():
        await session.execute(update(OutboxMail).where(OutboxMail.id == mail.id, OutboxMail.status == "sending")
                              .values(**values).execution_options(synchronize_session=False))


async def send_pending(factory: async_sessionmaker[AsyncSession], settings: Settings,
                       limit: int = 500) -> Counter[str]:
    """Send the pending emails (oldest first); returns how many were sent, failed, or taken by another job."""
    outcome: Counter[str] = Counter()
    if not settings.smtp_host:
        return outcome  # development without SMTP: the emails wait in the outbox
    async with factory() as session:
        ids = list(await session.scalars(select(OutboxMail.id).where(OutboxMail.status == "pending")
                                         .order_by(OutboxMail.id).limit(limit)))
    for mail_id in ids:
        mail = await _claim(factory, mail_id)
        if mail is None:
            outcome["taken"] += 1
            continue
        email = render(settings, mail.template, mail.context)
        try:
            await anyio.to_thread.run_sync(functools.partial(send_mail, settings, mail.to_address, email.subject,
                                                             email.text, html=email.html, headers=email.headers))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("outbox email %s (%s) not sent (%s): will retry", mail.id, mail.template, type(exc).__name__)
            await _settle(factory, mail, type(exc).__name__)
            outcome["failed"] += 1
            continue
        await _settle(factory, mail, None)
        log.info("outbox email %s (%s) sent", mail.id, mail.template)
        outcome["sent"] += 1
    return outcome


async def requeue_interrupted(factory: async_sessionmaker[AsyncSession], older_than: timedelta,
                              now: datetime | None = None) -> int:
    """Put back to pending the rows a dead job left in `sending` (they may have reached the server)."""
    cutoff = (now or utcnow()) - older_than
    async with factory() as session, session.begin():
        return await rows_changed(session, update(OutboxMail)
                                  .where(OutboxMail.status == "sending", OutboxMail.claimed_at < cutoff)
                                  .values(status="pending").execution_options(synchronize_session=False))
