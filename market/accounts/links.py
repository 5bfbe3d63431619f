"""Single-use links sent by email: confirm an address, reset a password.

The token is 32 random bytes; only its SHA-256 is stored (`email_tokens`). Using one is a single
UPDATE setting `used_at` where it is still empty and not expired: of two requests racing with the
same link, exactly one changes the row, the other finds nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from market.accounts.tokens import digest
from market.errors import InvalidField
from market.models import EmailToken, utcnow

CONFIRM = "confirm"
RESET = "reset"
BAD_LINK = "lien invalide, expiré ou déjà utilisé : demandez-en un nouveau"


async def issue(session: AsyncSession, account_id: int, purpose: str, lifetime: timedelta) -> str:
    """A new link's token (the plain value, to mail: it is not kept)."""
    plain = secrets.token_urlsafe(32)
    session.add(EmailToken(account_id=account_id, purpose=purpose, token_hash=digest(plain),
                           expires_at=utcnow() + lifetime))
    await session.flush()
    return plain


async def consume(session: AsyncSession, token: str, purpose: str) -> int:
    """The account of a live link of this purpose, which is used up by this call; else a 400 naming `token`."""
    if not 20 <= len(token) <= 100:
        raise InvalidField(BAD_LINK, field="token")
    now = utcnow()
    result = await session.execute(
        update(EmailToken)
        .where(EmailToken.token_hash == digest(token), EmailToken.purpose == purpose,
               EmailToken.used_at.is_(None), EmailToken.expires_at > now)
        .values(used_at=now).returning(EmailToken.account_id)
        .execution_options(synchronize_session=False))
    account_id = result.scalar_one_or_none()
    if account_id is None:
        raise InvalidField(BAD_LINK, field="token")
    return account_id


async def spend_all(session: AsyncSession, account_id: int, purpose: str) -> None:
    """Every other live link of this purpose stops working (a reset ends the links asked before it)."""
    await session.execute(update(EmailToken).where(
        EmailToken.account_id == account_id, EmailToken.purpose == purpose, EmailToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
