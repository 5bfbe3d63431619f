"""The one SMTP adapter: receipts (market.pledges.mailer) and account emails (market.accounts.mail)
go out through `send_mail`, with smtplib, to the configured server.

`deliver` sends a batch of account emails after the request's transaction committed (a background
task of the response), so a link is never mailed before it is stored. With no SMTP_HOST
(development), nothing is sent and the log says so, without the address, the link or the token.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import anyio

from market.config import Settings

log = logging.getLogger("bourse.mail")


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body: str
    purpose: str  # for the log: confirm, reset, invitation... never the address or the link


def send_mail(settings: Settings, to: str, subject: str, body: str, *, html: str | None = None,
              headers: dict[str, str] | None = None) -> None:
    """Send one email: a text body, and an HTML alternative and extra headers when given."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


async def deliver(settings: Settings, mails: list[Outgoing]) -> int:
    """Send each email; returns how many went out. Failures are logged, never raised (the request
    already answered): the person can ask for the link again."""
    if not settings.smtp_host:
        for mail in mails:
            log.info("%s email not sent: SMTP_HOST is empty", mail.purpose)
        return 0
    sent = 0
    for mail in mails:
        try:
            await anyio.to_thread.run_sync(send_mail, settings, mail.to, mail.subject, mail.body)
            sent += 1
            log.info("%s email sent", mail.purpose)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("%s email not sent (%s)", mail.purpose, type(exc).__name__)
    return sent
