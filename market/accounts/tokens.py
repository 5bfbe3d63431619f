"""Bearer API tokens: random, shown once, stored as their SHA-256 only; revocable, optionally expiring.

A token is 32 random bytes (secrets), so a plain SHA-256 is enough to store it: there is nothing
to guess, unlike a password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import NotFound
from market.models import ApiToken, utcnow

PREFIX = "bai_"
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create(session: AsyncSession, account_id: int, name: str,
                 expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    plain = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(account_id=account_id, name=name.strip(), token_hash=digest(plain), prefix=plain[:12],
                   expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None)
    session.add(row)
    await session.flush()
    return row, plain


async def account_of(session: AsyncSession, token: str) -> int | None:
    """The account a live token belongs to, or None (unknown, revoked, expired)."""
    row = await live(session, token)
    return row.account_id if row is not None else None


async def live(session: AsyncSession, token: str) -> ApiToken | None:
    """The live token row (last use noted), or None (unknown, revoked, expired)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
    return row


async def list_for(session: AsyncSession, account_id: int) -> list[ApiToken]:
    rows = await session.scalars(select(ApiToken).where(ApiToken.account_id == account_id).order_by(ApiToken.id))
    return list(rows)


async def revoke(session: AsyncSession, account_id: int, token_id: int) -> ApiToken:
    row = await session.get(ApiToken, token_id)
    if row is None or row.account_id != account_id:  # another account's token does not exist for you
        raise NotFound(f"jeton {token_id} introuvable")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    await session.flush()
    return row
